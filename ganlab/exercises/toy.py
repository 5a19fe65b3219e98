"""Exercise checks of notebooks/01_gan_on_toy_data.ipynb."""

from __future__ import annotations

import numpy as np

from ..metrics import optimal_discriminator
from ._feedback import report


def check_optimal_discriminator(fn) -> bool:
    """Exercise: D*(x) = p_data / (p_data + p_g) (notebooks/01)."""
    p_data = np.array([0.4, 0.1, 0.0, 0.25])
    p_g = np.array([0.1, 0.1, 0.3, 0.75])
    try:
        got = np.asarray(fn(p_data, p_g), dtype=float)
    except Exception as err:  # show the learner's own error, briefly
        return report(False, f"calling it raised {type(err).__name__}: {err}")
    expected = optimal_discriminator(p_data, p_g)
    if got.shape != expected.shape:
        return report(False, f"it returned shape {got.shape}; return one value per point, {expected.shape}.")
    if np.allclose(got, expected):
        return report(True, "D* is 1 where only real data lives, 0 where only the generator does, 1/2 where they agree.")
    if np.allclose(got, 1 - expected):
        return report(False, "that is the probability of 'generated'; D* is the probability of 'real'.")
    return report(False, f"got {np.round(got, 3)}, expected {np.round(expected, 3)}.")
