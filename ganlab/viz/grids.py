"""Image grids: one batch, several side by side, translation columns, class counts."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..data import check_images
from .._files import write_atomically
from ..errors import InputError


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
