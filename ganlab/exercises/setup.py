"""Exercise checks of notebooks/00_setup.ipynb: the [-1, 1] pixel convention and the run
settings of a one-CPU machine."""

from __future__ import annotations

import numpy as np

from ..data import to_model_range
from ..profiles import PROFILE_NAMES
from ._feedback import report

# Two 3 x 3 grey images: black (0), white (255) and grey levels between.
_PIXELS = np.array([[0, 1, 64], [127, 128, 200], [254, 255, 30],
                    [255, 0, 100], [17, 128, 255], [0, 90, 180]], dtype=np.uint8).reshape(2, 3, 3, 1)


def check_model_range(fn) -> bool:
    """Exercise: uint8 pixels 0..255 -> floats in [-1, 1], as ``ganlab.data.to_model_range`` (notebooks/00).

    >>> check_model_range(lambda pixels: pixels / 127.5 - 1)
    Correct! 0 becomes -1 (black background), 255 becomes 1 (white stroke), 127.5 would be 0.
    True
    """
    pixels = _PIXELS.copy()
    try:
        got = np.asarray(fn(pixels.copy()))
    except Exception as err:  # show the learner's own error, briefly
        return report(False, f"calling it on uint8 pixels raised {type(err).__name__}: {err}")
    expected = to_model_range(pixels)
    if got.shape != expected.shape:
        return report(False, f"it returned shape {got.shape} for images of shape {expected.shape}; "
                             "scale every pixel and keep the shape.")
    if np.array_equal(got, pixels):
        return report(False, "it returns the pixels unchanged, 0..255; scale them so that 0 becomes -1 and 255 becomes 1.")
    if not np.issubdtype(got.dtype, np.floating):
        return report(False, f"it returned {got.dtype} values; [-1, 1] needs fractions: "
                             "divide with / (true division) so the result is float.")
    if np.allclose(got, expected, atol=1e-6):
        return report(True, "0 becomes -1 (black background), 255 becomes 1 (white stroke), 127.5 would be 0.")
    p = pixels.astype(np.float64)
    wrapped = (pixels * np.uint8(2)).astype(np.float64) / 255 - 1  # uint8 arithmetic wraps past 255
    candidates = {
        "that gives [0, 1] (a sigmoid's range); stretch it to [-1, 1]: pixels / 127.5 - 1.": p / 255,
        "that gives [0, 2]; subtract 1.": p / 127.5,
        "that gives [-0.5, 0.5]: divide by 127.5, half of 255, not by 255.": (p - 127.5) / 255,
        "black and white are swapped: 0 (the background) must become -1 and 255 must become 1.": 1 - p / 127.5,
        "// rounds down to a whole number; use / for true division.": p // 127.5 - 1,
        "uint8 arithmetic wraps around past 255 (2 * 200 gives 144): convert to float first, "
        "e.g. pixels.astype('float32') / 127.5 - 1.": wrapped,
    }
    for hint, candidate in candidates.items():
        if np.allclose(got, candidate, atol=1e-6):
            return report(False, hint)
    return report(False, f"0 gave {got.flat[0]:.3f} and 255 gave {got.flat[7]:.3f}; "
                         "they must give -1 and 1, with 127.5 in the middle at 0.")


def check_one_cpu_settings(settings) -> bool:
    """Exercise: the environment variables for a machine with one CPU core and 2 GB (notebooks/00).

    ``settings`` maps "GANLAB_PROFILE" and "GANLAB_THREADS" to their values.

    >>> check_one_cpu_settings({"GANLAB_PROFILE": "cpu", "GANLAB_THREADS": "1"})
    Correct! the cpu profile's sizes, and TensorFlow uses the one core it really has (what binder/start sets).
    True
    """
    if not isinstance(settings, dict):
        return report(False, f"expected a dict such as {{'GANLAB_PROFILE': ..., 'GANLAB_THREADS': ...}}, "
                             f"got {type(settings).__name__}.")
    profile = str(settings.get("GANLAB_PROFILE", "")).strip().lower()
    threads = str(settings.get("GANLAB_THREADS", "")).strip()
    if profile not in PROFILE_NAMES:
        return report(False, f"GANLAB_PROFILE={profile!r} is not a profile; the profiles are "
                             f"{', '.join(PROFILE_NAMES)}.")
    if profile == "gpu":
        return report(False, "the gpu profile sizes full-quality runs for a GPU; on one CPU core they would "
                             "take hours (see the README's syllabus).")
    if profile == "quick":
        return report(False, "quick is the profile of the tests: every notebook runs, but its models train "
                             "only a little; a learner on a laptop or Binder wants the cpu profile.")
    if not threads:
        return report(False, "set GANLAB_THREADS too: in a container TensorFlow often sees every core of the "
                             "host, not the one it may use, and its threads then take turns on one core.")
    if not threads.isdigit() or int(threads) < 1:
        return report(False, f"GANLAB_THREADS={threads!r} must be a whole number >= 1.")
    if int(threads) > 1:
        return report(False, f"{threads} threads on one core only take turns; use 1.")
    return report(True, "the cpu profile's sizes, and TensorFlow uses the one core it really has "
                        "(what binder/start sets).")
