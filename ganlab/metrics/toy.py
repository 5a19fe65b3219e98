"""Measuring toy GANs: the moments of 1-D samples, the optimal discriminator, ring scores.

Introduced in notebooks/01_gan_on_toy_data.ipynb; :func:`ring_scores` in
notebooks/07_losses_and_stability.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import RING_STD
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


@dataclass(frozen=True)
class RingScores:
    """How well 2-D samples cover a ring of Gaussians (:func:`ring_scores`)."""

    modes_covered: int    # modes holding at least min_share of all samples as high-quality samples
    high_quality: float   # share of samples within 3 std of some mode's centre
    counts: tuple         # high-quality samples per mode, mode 0 at angle 0, counter-clockwise
    modes: int

    def __str__(self) -> str:
        return f"{self.modes_covered}/{self.modes} modes, {self.high_quality:.1%} high-quality"


def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The (modes, 2) centres of ``ganlab.data.ring_data``'s Gaussians."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_scores(samples, modes: int = 8, radius: float = 2.0, std: float = RING_STD,
                min_share: float = 0.01) -> RingScores:
    """Modes covered and the share of high-quality samples, on a ring of Gaussians.

    A sample is high-quality if it lies within 3 ``std`` of a mode's centre (as in the unrolled
    GAN and VEEGAN papers); a mode is covered if at least ``min_share`` (1 %) of all samples
    are high-quality samples of that mode. Both are exact here: the data's density is known.
    Introduced in notebooks/07_losses_and_stability.ipynb.

    >>> print(ring_scores(ring_centres()))
    8/8 modes, 100.0% high-quality
    """
    points = np.asarray(samples, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise InputError(f"samples must be 2-D points of shape (N, 2) with N >= 1, not {points.shape}.")
    if not np.isfinite(points).all():
        raise InputError("samples contain NaN or infinite values: the run diverged; lower the learning rates.")
    if int(modes) != modes or modes < 1 or not radius > 0 or not std > 0 or not 0 < min_share <= 1:
        raise InputError("modes must be >= 1, radius and std > 0, min_share in (0, 1].")
    distances = np.linalg.norm(points[:, None, :] - ring_centres(int(modes), radius)[None], axis=2)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(points)), nearest] <= 3 * std
    counts = np.bincount(nearest[good], minlength=int(modes))
    covered = int((counts >= min_share * len(points)).sum())
    return RingScores(covered, float(good.mean()), tuple(int(c) for c in counts), int(modes))
