"""Plots: image grids, training curves, 1-D densities, animations of training.

Introduced in notebooks/01_gan_on_toy_data.ipynb and notebooks/02_dense_mnist_gan.ipynb;
animate_grids in notebooks/04_dcgan.ipynb.
Every plotting function returns the matplotlib Figure (Jupyter shows it).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .data import check_images
from ._files import write_atomically
from .errors import InputError
from .metrics import optimal_discriminator


def _grid(images: np.ndarray, ncols: int | None) -> np.ndarray:
    """Tile (N, H, W, C) images into one (rows*H, cols*W, C) picture, 1-pixel gaps."""
    n, h, w, c = images.shape
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    canvas = np.full((nrows * (h + 1) - 1, ncols * (w + 1) - 1, c), -1.0, dtype=np.float32)
    for i, image in enumerate(images):
        r, col = divmod(i, ncols)
        canvas[r * (h + 1): r * (h + 1) + h, col * (w + 1): col * (w + 1) + w] = image
    return canvas


def _picture(images: np.ndarray, ncols: int | None = None) -> np.ndarray:
    """The grid of a batch in [-1, 1] as one picture in [0, 1]: (h, w) if grey, else (h, w, 3)."""
    canvas = (_grid(images, ncols) + 1.0) / 2.0
    return canvas[..., 0] if canvas.shape[-1] == 1 else np.clip(canvas, 0, 1)


def _imshow(ax, picture: np.ndarray):
    if picture.ndim == 2:
        return ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    return ax.imshow(picture)


def _show(ax, images, ncols=None, title=None):
    _imshow(ax, _picture(images, ncols))
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def image_grid(images, ncols: int | None = None, title: str | None = None, size: float = 4.0,
               row_labels: Sequence[str] | None = None):
    """Show a batch of images in [-1, 1], shape (N, H, W, C), as one grid; ``row_labels`` names its rows."""
    images = check_images(images)
    fig, ax = plt.subplots(figsize=(size, size))
    _show(ax, images, ncols, title)
    if row_labels is not None:  # one label left of each row, e.g. "lerp" / "slerp" (notebooks/04)
        step = images.shape[1] + 1  # a row of images and its 1-pixel gap
        ax.set_axis_on(), ax.set_frame_on(False), ax.set_xticks([])
        ax.set_yticks([step * r + step / 2 - 1 for r in range(len(row_labels))], [str(s) for s in row_labels])
        ax.tick_params(length=0)
    fig.tight_layout()
    return fig


def save_image_grid(images, path: str | os.PathLike, title: str | None = None) -> Path:
    """Save ``image_grid(images)`` as a PNG at ``path`` (folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = image_grid(images, title=title)
    write_atomically(path, lambda partial: fig.savefig(partial, dpi=100))  # a kill never leaves half a PNG
    plt.close(fig)
    return path


def grid_evolution(grids: Sequence[np.ndarray], epochs: Sequence[int], max_panels: int = 6, size: float = 2.4):
    """Side-by-side sample grids from several epochs (a SampleGrid callback's record)."""
    if not grids:
        raise InputError("No grids to show: train with a ganlab.training.SampleGrid callback first.")
    picks = np.unique(np.linspace(0, len(grids) - 1, min(max_panels, len(grids))).astype(int))
    fig, axes = plt.subplots(1, len(picks), figsize=(size * len(picks), size), squeeze=False)
    for ax, i in zip(axes[0], picks):
        _show(ax, check_images(grids[i]), title=f"epoch {epochs[i]}")
    fig.tight_layout()
    return fig


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


def image_grids(grids: dict[str, np.ndarray], ncols: int | None = None, size: float = 2.6):
    """Several batches of images side by side, one grid per title: ``{"title": images, ...}``.

    Handy to compare samples, e.g. before and after training, or a bug and its fix.

    Introduced in notebooks/02_dense_mnist_gan.ipynb.

    >>> image_grids({"real": real[:16], "generated": fake[:16]})  # doctest: +SKIP
    """
    if not grids:
        raise InputError("image_grids needs at least one batch of images.")
    fig, axes = plt.subplots(1, len(grids), figsize=(size * len(grids), size), squeeze=False)
    for ax, (title, images) in zip(axes[0], grids.items()):
        _show(ax, check_images(images, name=title), ncols, title)
    fig.tight_layout()
    return fig


def translation_grid(columns: dict[str, np.ndarray], size: float = 1.3):
    """Image-to-image results as columns, one row per example: ``{"input": x, "target": y, "pix2pix": g}``.

    Introduced in notebooks/09_pix2pix.ipynb.
    """
    columns = {title: check_images(images, name=title) for title, images in columns.items()}
    rows = {len(images) for images in columns.values()}
    if len(rows) != 1:
        raise InputError(f"Every column needs as many images; got {[len(x) for x in columns.values()]}.")
    fig = image_grids(columns, ncols=1, size=size)
    fig.set_size_inches(size * len(columns), size * (rows.pop() + 0.4))
    fig.tight_layout()
    return fig


def save_translation_grid(columns: dict[str, np.ndarray], path: str | os.PathLike) -> Path:
    """Save ``translation_grid(columns)`` as a PNG at ``path`` (folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = translation_grid(columns)
    write_atomically(path, lambda partial: fig.savefig(partial, dpi=100))
    plt.close(fig)
    return path


def plot_class_counts(
    counts: dict[str, Sequence[int]],
    class_names: Sequence[str] | None = None,
    shares: bool = True,
    title: str | None = None,
):
    """Grouped bars: how many images of each source fall in each class.

    ``counts`` maps a source ("real digits", "generator", ...) to one count per class,
    e.g. the ``counts`` of :func:`ganlab.metrics.recognisable_fraction`. With
    ``shares`` each source's bars are divided by its total, so sources of different
    sizes compare, and a dashed line marks an even spread (1 / number of classes).
    A generator that has collapsed onto a few modes shows a few tall bars and
    several empty ones. The legend gives each source's total.

    Introduced in notebooks/02_dense_mnist_gan.ipynb.
    """
    if not counts:
        raise InputError("plot_class_counts needs at least one source of counts.")
    rows = {name: np.asarray(c, dtype=float) for name, c in counts.items()}
    n_classes = len(next(iter(rows.values())))
    if any(len(c) != n_classes for c in rows.values()):
        raise InputError("Every source needs one count per class (the same number of classes).")
    class_names = list(class_names) if class_names is not None else [str(i) for i in range(n_classes)]
    width = 0.8 / len(rows)
    x = np.arange(n_classes)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * n_classes), 3.2))
    for i, (name, c) in enumerate(rows.items()):
        total = c.sum()
        values = c / total if shares and total > 0 else c
        ax.bar(x + (i - (len(rows) - 1) / 2) * width, values, width, label=f"{name} ({int(total):,})")
    if shares:
        ax.axhline(1.0 / n_classes, color="gray", linestyle="--", linewidth=1)
        ax.set_ylabel("share of the source's images")
    else:
        ax.set_ylabel("images")
    ax.set_xticks(x, class_names)
    ax.set_xlabel("class")
    ax.legend(loc="best", fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def animate_grids(grids: Sequence[np.ndarray], epochs: Sequence[int] | None = None,
                  path: str | os.PathLike | None = None, fps: float = 4, ncols: int | None = None):
    """An animation of sample grids over training, one frame per grid (a SampleGrid's record).

    Parameters
    ----------
    grids : batches of images (N, H, W, C) in [-1, 1], all of the same shape.
    epochs : the epoch of each grid, shown in the title (default 0, 1, 2, ...).
    path : also save the animation: ``.gif`` (Pillow) or ``.html`` (a page with a
        player). An existing file is replaced, but only once the new one is complete.
    fps : frames per second.
    ncols : grid columns (default: about square).

    Returns
    -------
    An ``IPython.display.HTML`` player, which Jupyter shows; without IPython the
    ``matplotlib.animation.FuncAnimation`` itself.

    Introduced in notebooks/04_dcgan.ipynb.

    >>> grids = SampleGrid(16)  # passed to gan.fit(..., callbacks=[grids])         # doctest: +SKIP
    >>> animate_grids(grids.grids, grids.epochs, path="runs/evolution.gif")        # doctest: +SKIP
    """
    from matplotlib.animation import FuncAnimation

    pictures, titles = _frames(grids, epochs, ncols)
    if not fps > 0:
        raise InputError(f"fps is frames per second and must be > 0, not {fps!r}.")
    suffix = Path(path).suffix.lower() if path is not None else None
    if suffix not in (None, ".gif", ".html"):
        raise InputError(f"animate_grids saves .gif or .html files, not {suffix or 'no suffix'!r}: "
                         f"change the end of path={str(path)!r}.")
    height, width = pictures[0].shape[:2]
    fig, ax = plt.subplots(figsize=(4.0 * width / max(height, width), 4.0 * height / max(height, width) + 0.4))
    image = _imshow(ax, pictures[0])
    ax.set_axis_off()
    title = ax.set_title(titles[0])
    fig.tight_layout()

    def show_frame(i):
        image.set_data(pictures[i])
        title.set_text(titles[i])
        return image, title

    anim = FuncAnimation(fig, show_frame, frames=len(pictures), interval=1000 / fps)
    plt.close(fig)  # the notebook shows the player only, not a static copy of the figure
    html = None
    if suffix == ".gif":
        from matplotlib.animation import PillowWriter

        write_atomically(path, lambda partial: anim.save(partial, writer=PillowWriter(fps=fps)))
    elif suffix == ".html":
        html = anim.to_jshtml(fps=fps)
        write_atomically(path, lambda partial: partial.write_text(html, encoding="utf-8"))
    try:
        from IPython.display import HTML
    except ImportError:
        return anim
    return HTML(html or anim.to_jshtml(fps=fps))


def _frames(grids, epochs, ncols) -> tuple[list[np.ndarray], list[str]]:
    """Check the grids and turn each into a picture; one title per grid."""
    if grids is None or len(grids) == 0:
        raise InputError("No grids to animate: train with a ganlab.training.SampleGrid callback first.")
    epochs = list(range(len(grids))) if epochs is None else list(epochs)
    if len(epochs) != len(grids):
        raise InputError(f"Got {len(grids)} grids but {len(epochs)} epochs: pass one epoch per grid.")
    pictures = [_picture(check_images(g, name=f"grids[{i}]"), ncols) for i, g in enumerate(grids)]
    if len({p.shape for p in pictures}) > 1:
        raise InputError("The grids have different shapes; every frame needs the same number and size of images.")
    return pictures, [f"epoch {e}" for e in epochs]
