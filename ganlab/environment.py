"""``check_env()``: versions, device, run profile, fast path and data, with advice.

Introduced in notebooks/00_setup.ipynb; every notebook calls it first. It gathers what
the lower layers find (``device``, ``profiles``, ``fast_path``, ``datasets``).
"""

from __future__ import annotations

import os
import platform
import sys

from .datasets import find_dataset
from . import device
from .errors import InputError
from .fast_path import choose_fast_path
from .profiles import active_profile

CHECKED_PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib", "ipywidgets")


def environment_report() -> dict:
    """Everything check_env prints, as a dict (used by the tests and the benchmarks)."""
    pins = device.pinned_versions()
    versions = {name: device.installed_version(name) for name in CHECKED_PACKAGES}
    gpus = device.gpu_names()
    why = "set by GANLAB_PROFILE" if os.environ.get("GANLAB_PROFILE") else (
        "a GPU is visible" if gpus else "no GPU is visible")
    data = {}
    for name in ("mnist", "fashion_mnist"):
        source = find_dataset(name)
        data[name] = source.describe() if source else None
    try:
        fast_path = choose_fast_path().describe().replace("\n", "\n            ")
    except InputError as err:
        fast_path = f"not usable: {err}"
    return {
        "python": platform.python_version(),
        "versions": versions,
        "device": ", ".join(gpus) if gpus else f"CPU only ({device.usable_cores()} cores)",
        "profile": active_profile(),
        "profile_reason": why,
        "fast_path": fast_path,
        "data": data,
        "advice": _advice(versions, pins, data, gpus),
    }


def _advice(versions: dict, pins: dict, data: dict, gpus: list) -> list[str]:
    advice = [f"{name} {version} is installed; the course is tested with {pins[name]}."
              for name, version in versions.items() if name in pins and version != pins[name]]
    if data["mnist"] is None:
        advice.append("MNIST is not on this machine yet: the first load downloads it (needs internet), "
                      "or set GANLAB_DATA_DIR to a folder holding mnist/.")
    if "google.colab" in sys.modules and not gpus:
        advice.append("On Colab, choose Runtime > Change runtime type > GPU for the gpu profile.")
    return advice


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
