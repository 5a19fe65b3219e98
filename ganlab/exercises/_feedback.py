"""What every exercise check shares: the verdict line, calling the learner's code safely."""

from __future__ import annotations

import numpy as np


def report(ok: bool, message: str) -> bool:
    """Print the verdict and return it."""
    print(("Correct! " if ok else "Not yet: ") + message)
    return ok


def value(fn, *args) -> tuple[float | None, str | None]:
    """(float result of ``fn(*args)``, None), or (None, the learner's own error in one line)."""
    try:
        return float(np.asarray(fn(*args))), None
    except Exception as err:  # show the learner's own error, briefly
        return None, f"calling it raised {type(err).__name__}: {err}"


def diagnose(got: float, candidates: dict[str, float], expected: float) -> bool | str:
    """True if ``got`` is ``expected``; else the hint of the known mistake that gives ``got``."""
    if np.isclose(got, expected, rtol=1e-4, atol=1e-5):
        return True
    for hint, candidate in candidates.items():
        if np.isclose(got, candidate, rtol=1e-4, atol=1e-5):
            return hint
    return f"got {got:.4f}, expected {expected:.4f} on the test logits."
