"""Training curves, and 1-D densities with the discriminator drawn over them."""

from __future__ import annotations

import math
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..data import check_images
from ..errors import InputError
from ..metrics import optimal_discriminator

from .grids import _show


def _smooth(values, window: int) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if window <= 1 or len(values) < window:
        return values
    return np.convolve(values, np.ones(window) / window, mode="valid")


def plot_history(history: dict, smooth: int = 1, probabilities: bool = True):
    """Loss curves (left) and the discriminator's mean outputs D(x), D(G(z)) (right).

    ``history`` maps names to per-step (StepHistory) or per-epoch (fit's History.history)
    values. ``smooth`` averages over that many points. With ``probabilities`` a dashed
    line marks 0.5, where D can no longer tell real from generated.
    """
    fig, (ax_loss, ax_d) = plt.subplots(1, 2, figsize=(10, 3.2))
    _draw_curves(ax_loss, ax_d, history, smooth, probabilities)
    fig.tight_layout()
    return fig


def _draw_curves(ax_loss, ax_d, history: dict, smooth: int = 1, probabilities: bool = True,
                 xlabel: str = "step", first_x: int = 0, **style) -> None:
    """The two panels of plot_history: losses, and D's mean outputs (0.5 dashed)."""
    for ax, names in ((ax_loss, ("d_loss", "g_loss")), (ax_d, ("D(x)", "D(G(z))"))):
        for name in names:
            if name in history:
                values = _smooth(history[name], smooth)
                ax.plot(np.arange(first_x, first_x + len(values)), values, label=name, **style)
        ax.set_xlabel(xlabel)
        if ax.lines:
            ax.legend(loc="best")
    if probabilities:
        ax_d.axhline(0.5, color="gray", linestyle="--", linewidth=1)
        ax_d.set_ylim(-0.02, 1.02)
    ax_loss.set_title("losses")
    ax_d.set_title("discriminator outputs")


def plot_progress(history: dict, samples: np.ndarray | None = None, samples_title: str = "samples",
                  probabilities: bool = True):
    """Per-epoch curves as in :func:`plot_history`, plus the latest samples on the right.

    What :class:`ganlab.training.LivePlot` draws after each epoch. ``history`` maps
    d_loss, g_loss, D(x), D(G(z)) to one value per epoch (epoch 1 first).
    ``samples``: images (N, H, W, C) in [-1, 1] are shown as a grid, 1-D points
    (N, 1) as a histogram, 2-D points (N, 2) as a scatter plot.

    Introduced in notebooks/04_dcgan.ipynb.

    >>> plot_progress({"d_loss": [1.3, 1.2], "g_loss": [0.8, 0.9]}, samples=fake[:16])  # doctest: +SKIP
    """
    n_panels = 2 if samples is None else 3
    fig, axes = plt.subplots(1, n_panels, figsize=(4.2 * n_panels, 3.2), squeeze=False)
    _draw_curves(axes[0, 0], axes[0, 1], history, probabilities=probabilities, xlabel="epoch",
                 first_x=1, marker=".")
    for ax in axes[0, :2]:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs only
    if samples is not None:
        _show_samples(axes[0, 2], samples, samples_title)
    fig.tight_layout()
    return fig


def _show_samples(ax, samples, title: str) -> None:
    samples = np.asarray(samples)
    if samples.ndim == 4:
        _show(ax, check_images(samples, name="samples"), title=title)
    elif samples.ndim == 2 and samples.shape[1] == 1:
        ax.hist(samples[:, 0], bins=30, density=True)
        ax.set_title(title)
    elif samples.ndim == 2 and samples.shape[1] == 2:
        ax.scatter(samples[:, 0], samples[:, 1], s=4)
        ax.set_title(title)
    else:
        raise InputError(
            f"samples of shape {samples.shape} cannot be drawn: pass images (N, H, W, C), "
            "or points of shape (N, 1) or (N, 2)."
        )


def gaussian_kde(samples, grid, bandwidth: float | None = None) -> np.ndarray:
    """A Gaussian kernel density estimate of 1-D ``samples`` on ``grid`` (Scott's bandwidth)."""
    samples = np.asarray(samples, dtype=float).ravel()
    grid = np.asarray(grid, dtype=float)
    if bandwidth is None:
        bandwidth = max(1.06 * samples.std() * len(samples) ** (-1 / 5), 1e-3)
    z = (grid[:, None] - samples[None, :]) / bandwidth
    return np.exp(-0.5 * z**2).sum(axis=1) / (len(samples) * bandwidth * math.sqrt(2 * math.pi))


def plot_density_1d(real, fake, discriminator: Callable | None = None, grid=None, ax=None,
                    title: str | None = None, legend: bool = True, optimal: Callable | None = None):
    """Densities of real and generated 1-D samples, the learned D(x), and the optimal D*(x).

    D*(x) = p_data(x) / (p_data(x) + p_g(x)) is the best any discriminator can do against the
    current generator (Goodfellow et al., 2014); both densities are kernel estimates from the
    samples. D* is drawn only where one density is above 1 % of its peak: beyond, the estimates
    are the tails of a few kernels and their ratio is meaningless. The legend sits in a band
    above the curves. ``optimal(p_data, p_g)`` replaces
    :func:`ganlab.metrics.optimal_discriminator` (notebook 01 draws the learner's own D*).
    """
    real, fake = np.ravel(real), np.ravel(fake)
    if grid is None:
        lo, hi = np.percentile(np.concatenate([real, fake]), [0.5, 99.5])
        grid = np.linspace(lo - 1, hi + 1, 300)
    p_data, p_g = gaussian_kde(real, grid), gaussian_kde(fake, grid)
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.fill_between(grid, p_data, alpha=0.3, label="p_data")
    ax.fill_between(grid, p_g, alpha=0.3, label="p_g (generator)")
    ax.set_ylabel("density")
    ax2 = ax.twinx()
    with np.errstate(invalid="ignore", divide="ignore"):
        d_star = np.ravel((optimal or optimal_discriminator)(p_data, p_g))
    sampled = (p_data > 0.01 * p_data.max()) | (p_g > 0.01 * p_g.max())
    ax2.plot(grid, np.where(sampled, d_star, np.nan), "k--", linewidth=1, label=f"{'your' if optimal else 'optimal'} D*(x)")
    if discriminator is not None:
        ax2.plot(grid, np.ravel(discriminator(grid[:, None].astype("float32"))), "r", label="learned D(x)")
    ax.set_ylim(0, max(p_data.max(), p_g.max()) * 1.4 / 1.02)  # a band above the curves for the legend,
    ax2.set_ylim(-0.02, 1.4)                                    # the same in every panel
    ax2.set_yticks([0, 0.5, 1])
    ax2.set_ylabel("D(x)")
    if legend:
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles, [h.get_label() for h in handles], loc="upper center", ncol=2, fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    return fig if fig is not None else ax.figure
