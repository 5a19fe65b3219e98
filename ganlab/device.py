"""What this machine offers: GPU or not, threads, versions, data. ``check_env()`` prints it all.

Introduced in notebooks/00_setup.ipynb; every notebook calls ``check_env()`` first.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

from .errors import InputError


def gpu_names() -> list[str]:
    """Names of the GPUs TensorFlow can use (empty on a CPU-only machine)."""
    import tensorflow as tf

    return [gpu.name for gpu in tf.config.list_physical_devices("GPU")]


def gpu_details() -> list[tuple[str, tuple[int, int]]]:
    """(name, compute capability) of each GPU TensorFlow can use, e.g. ('NVIDIA H100', (9, 0))."""
    import tensorflow as tf

    details = []
    for gpu in tf.config.list_physical_devices("GPU"):
        info = tf.config.experimental.get_device_details(gpu)
        details.append((info.get("device_name", gpu.name), tuple(info.get("compute_capability", (0, 0)))))
    return details


def configure_threads(threads: int | None = None) -> int | None:
    """Limit TensorFlow's CPU threads (Binder gives 1 CPU). Reads $GANLAB_THREADS by default.

    Must run before TensorFlow starts executing anything; ganlab calls it on import.
    """
    value = threads if threads is not None else os.environ.get("GANLAB_THREADS")
    if not value:
        return None
    import tensorflow as tf

    n = int(value)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(n, 2)))
    except RuntimeError:  # TensorFlow already initialised: too late, keep its setting
        return None
    return n


def pinned_versions() -> dict[str, str]:
    """The exact versions ganlab's pyproject.toml pins ({'tensorflow': '2.21.0', ...})."""
    try:
        requirements = metadata.requires("ganlab") or []
    except metadata.PackageNotFoundError:
        return {}
    pins = {}
    for req in requirements:
        if "extra ==" in req or "==" not in req:
            continue
        name, version = req.split(";")[0].split("==")
        pins[name.strip().lower()] = version.strip()
    return pins


def _installed(name: str) -> str | None:
    """The installed version of a module (tensorflow-cpu reports as tensorflow)."""
    try:
        return __import__(name).__version__
    except ImportError:
        return None


def environment_report() -> dict:
    """Everything check_env prints, as a dict (used by the tests and the benchmarks)."""
    from .data import find_dataset
    from .profiles import active_profile

    pins = pinned_versions()
    versions = {name: _installed(name) for name in ("tensorflow", "keras", "numpy", "matplotlib", "ipywidgets")}
    gpus = gpu_names()
    profile = active_profile()
    why = "set by GANLAB_PROFILE" if os.environ.get("GANLAB_PROFILE") else (
        "a GPU is visible" if gpus else "no GPU is visible")
    data = {}
    for name in ("mnist", "fashion_mnist"):
        source = find_dataset(name)
        data[name] = source.describe() if source else None
    advice = []
    for name, version in versions.items():
        if name in pins and version != pins[name]:
            advice.append(f"{name} {version} is installed; the course is tested with {pins[name]}.")
    if data["mnist"] is None:
        advice.append("MNIST is not on this machine yet: the first load downloads it (needs internet), "
                      "or set GANLAB_DATA_DIR to a folder holding mnist/.")
    if "google.colab" in sys.modules and not gpus:
        advice.append("On Colab, choose Runtime > Change runtime type > GPU for the gpu profile.")
    try:
        from .fast_path import choose_fast_path

        fast_path = choose_fast_path().describe().replace("\n", "\n            ")
    except InputError as err:
        fast_path = f"not usable: {err}"
    return {
        "python": platform.python_version(),
        "versions": versions,
        "device": ", ".join(gpus) if gpus else f"CPU only ({os.cpu_count()} cores)",
        "profile": profile,
        "profile_reason": why,
        "fast_path": fast_path,
        "data": data,
        "advice": advice,
    }


def check_env(verbose: bool = True) -> dict:
    """Print versions, device, run profile and where the data comes from, with advice.

    Returns the same information as a dict.
    """
    report = environment_report()
    if verbose:
        lines = [f"python      {report['python']}"]
        lines += [f"{name:<11} {version or 'not installed'}" for name, version in report["versions"].items()]
        lines += [
            f"device      {report['device']}",
            f"profile     {report['profile']} ({report['profile_reason']})",
            f"fast path   {report['fast_path']}",
        ]
        lines += [f"data        {source or name + ': not found on this machine'}"
                  for name, source in report["data"].items()]
        lines += [f"advice      {line}" for line in report["advice"]] or ["advice      none: all set"]
        print("\n".join(lines))
    return report
