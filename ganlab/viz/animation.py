"""Animations of sample grids over training."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..data import check_images
from .._files import write_atomically
from ..errors import InputError

from .grids import _imshow, _picture


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
