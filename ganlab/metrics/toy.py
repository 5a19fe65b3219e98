"""Measuring toy GANs: the moments of 1-D samples, and the optimal discriminator.

Introduced in notebooks/01_gan_on_toy_data.ipynb.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError


def moments(samples) -> tuple[float, float]:
    """(mean, standard deviation) of 1-D samples.

    >>> moments([1.0, 3.0])
    (2.0, 1.0)
    """
    samples = np.asarray(samples, dtype=np.float64).ravel()
    return float(samples.mean()), float(samples.std())


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)): the discriminator no other can beat, for a fixed G.

    Where neither density has mass the ratio is undefined: NaN there (nothing to judge).

    >>> optimal_discriminator([0.4, 0.1, 0.0], [0.1, 0.1, 0.3])
    array([0.8, 0.5, 0. ])
    """
    p_data, p_g = np.asarray(p_data, dtype=np.float64), np.asarray(p_g, dtype=np.float64)
    if p_data.shape != p_g.shape:
        raise InputError(f"p_data and p_g must have the same shape, not {p_data.shape} and {p_g.shape}.")
    if (p_data < 0).any() or (p_g < 0).any():
        raise InputError("p_data and p_g are densities: they cannot be negative.")
    total = p_data + p_g
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, p_data / total, np.nan)
