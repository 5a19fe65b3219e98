"""What this machine offers: GPUs, CPU threads, and the versions ganlab pins.

The bottom layer of ganlab: it imports nothing else of the package except its errors.
``ganlab.environment.check_env()`` puts these probes together for a learner.
"""

from __future__ import annotations

import os
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
    n = threads if threads is not None else threads_from_env()
    if n is None:
        return None
    if int(n) != n or n < 1:
        raise InputError(f"threads must be a whole number >= 1, not {n!r}.")
    import tensorflow as tf

    n = int(n)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n)
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(n, 2)))
    except RuntimeError:  # TensorFlow already initialised: too late, keep its setting
        return None
    return n


def usable_cores() -> int:
    """CPU cores this process may run on (1 under `taskset -c 0`, as on Binder), not all the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity masks
        return os.cpu_count() or 1


def resident_mb() -> float | None:
    """This process's resident memory in MB (Linux: /proc/self/status), None where it cannot be read."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration, ValueError):
        return None


def release_memory() -> bool:
    """Collect Python's garbage and hand the heap's free pages back to the system; True if they were handed back.

    After ``del gan`` TensorFlow frees the tensors, but glibc's malloc keeps the freed pages for
    later use, so the process (a notebook kernel on Binder's 2 GB) stays as large as it ever was.
    ``malloc_trim(0)`` returns them. Where there is no glibc (macOS, Windows, musl) only the
    garbage is collected. Introduced in notebooks/08_conditional_gans.ipynb.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    return bool(trim(0)) if trim is not None else False


def threads_from_env() -> int | None:
    """$GANLAB_THREADS as a whole number >= 1, None when unset; a clear error otherwise."""
    text = os.environ.get("GANLAB_THREADS", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"GANLAB_THREADS={text!r} must be a whole number >= 1 (e.g. 1 on Binder), or unset.")
    return int(text)


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


def installed_version(name: str) -> str | None:
    """The installed version of a module (tensorflow-cpu reports as tensorflow), None if missing."""
    try:
        return __import__(name).__version__
    except ImportError:
        return None
