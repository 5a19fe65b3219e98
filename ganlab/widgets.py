"""Interactive views (ipywidgets) over things saved during training, and over the latent space.

Introduced in notebooks/01_gan_on_toy_data.ipynb; latent_explorer in notebooks/04_dcgan.ipynb.
"""

from __future__ import annotations

import io
from typing import Callable, Sequence

import numpy as np

from .errors import InputError

AS_THE_MORPH = -1  # the latent explorer's "code" choice that keeps the morph's own code


def snapshot_slider(draw: Callable[[int], object], n: int, labels: Sequence[str] | None = None,
                    description: str = "snapshot"):
    """A slider over ``n`` saved snapshots; moving it redraws ``draw(i)`` (a Figure).

    Starts at the last snapshot. Returns the widget (Jupyter displays it).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    if n < 1:
        raise InputError("snapshot_slider needs at least one snapshot.")
    slider = widgets.IntSlider(value=n - 1, min=0, max=n - 1, description=description,
                               continuous_update=False)
    caption = widgets.Label()
    output = widgets.Output()

    def show(_change=None):
        caption.value = labels[slider.value] if labels else f"{slider.value + 1} / {n}"
        with output:
            output.clear_output(wait=True)
            fig = draw(slider.value)
            plt.show()
            plt.close(fig)

    slider.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HBox([slider, caption]), output])


def explorer_image(gen, seed_a: int, seed_b: int, morph: float, direction_index: int, amount: float,
                   directions: np.ndarray, category: int | None = None) -> np.ndarray:
    """The three samples :func:`latent_explorer` shows: seed A, the current point, seed B.

    The current noise is ``slerp(z_A, z_B)`` at fraction ``morph`` (0 = A, 1 = B),
    moved by ``amount`` along ``directions[direction_index]`` (a unit vector, so
    ``amount`` is in units of the noise's standard deviation). For a GAN with
    ``latent_categories``, the seeds also pick the code, and ``category`` (if given)
    replaces the current point's code.

    Parameters
    ----------
    gen : a ``ganlab.GAN`` or a generator ``keras.Model``.
    seed_a, seed_b : seeds of the two end points (see :func:`ganlab.latent.seed_noise`).
    morph : fraction of the way from A to B, in [0, 1].
    direction_index, amount : which row of ``directions`` to move along, and how far.
    directions : (k, latent_dim) unit directions, e.g. ``ganlab.latent.latent_directions``.
    category : the code for the current point (0 to latent_categories - 1); None: the morph's.

    Returns
    -------
    float32 array (3, ...) of samples, e.g. (3, H, W, C) images: A, current, B.

    Examples
    --------
    >>> dirs = latent_directions(gan.latent_dim, 4)                   # doctest: +SKIP
    >>> a, current, b = explorer_image(gan, 7, 12, 0.5, 0, 1.0, dirs)  # doctest: +SKIP
    """
    from .latent import _generate, latent_categories_of, slerp_at
    from .noise import seed_noise, with_category

    directions = np.asarray(directions, dtype=np.float32)
    if directions.ndim != 2 or not 0 <= direction_index < len(directions):
        raise InputError(f"direction_index must pick one of the {len(directions)} rows of directions "
                         f"(k, latent_dim), not {direction_index!r}.")
    if not 0.0 <= morph <= 1.0:
        raise InputError(f"morph is the fraction of the way from seed A to seed B, in [0, 1], not {morph!r}.")
    categories = latent_categories_of(gen)
    z_a = seed_noise(seed_a, directions.shape[1], categories=categories)[0]
    z_b = seed_noise(seed_b, directions.shape[1], categories=categories)[0]
    current = slerp_at(z_a.astype(np.float64), z_b.astype(np.float64), np.array([[morph]]), categories)[0]
    current = (current + amount * directions[direction_index]).astype(np.float32)
    if category is not None:
        current = with_category(current, category, categories)
    return _generate(gen, np.stack([z_a, current, z_b]))


def latent_explorer(generator_or_gan, latent_dim: int | None = None, n_directions: int = 4, seed: int = 0):
    """Explore a generator's latent space with two seeds, a morph slider and random directions.

    Shows three samples side by side: seed A, the current point, seed B. "morph"
    slides the current point from A (0) to B (1) along the slerp path; "move" pushes
    it along one of ``n_directions`` random orthonormal directions (chosen in the
    dropdown). For a GAN with ``latent_categories``, a "code" dropdown sets the
    current point's category. Any change redraws the picture. Returns the widget
    (Jupyter displays it).

    Parameters
    ----------
    generator_or_gan : a ``ganlab.GAN`` or a generator ``keras.Model``.
    latent_dim : the noise length; read from the model when not given.
    n_directions : how many random directions to offer (at most latent_dim).
    seed : seeds the directions; seed A starts at ``seed``, seed B at ``seed + 1``.

    Examples
    --------
    >>> latent_explorer(gan)  # doctest: +SKIP
    """
    import ipywidgets as widgets

    from .latent import _latent_dim, latent_categories_of, latent_directions

    latent_dim = latent_dim or _latent_dim(generator_or_gan)
    categories = latent_categories_of(generator_or_gan)
    directions = latent_directions(latent_dim, n_directions, seed=seed, categories=categories)
    seed_a = widgets.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed A")
    seed_b = widgets.BoundedIntText(value=seed + 1, min=0, max=2**31 - 1, description="seed B")
    morph = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="morph A→B",
                                continuous_update=False)
    direction = widgets.Dropdown(options=[(f"direction {i}", i) for i in range(n_directions)],
                                 value=0, description="direction")
    amount = widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.1, description="move",
                                 continuous_update=False)
    # -1, not None, for "as the morph": a Dropdown shows a None value as a blank choice
    code = widgets.Dropdown(options=[("as the morph", AS_THE_MORPH)] + [(f"category {k}", k) for k in range(categories)],
                            value=AS_THE_MORPH, description="code", layout={"display": "" if categories else "none"})
    image = widgets.Image(format="png")

    def redraw(_change=None):
        category = None if code.value == AS_THE_MORPH else code.value
        samples = explorer_image(generator_or_gan, seed_a.value, seed_b.value, morph.value,
                                 direction.value, amount.value, directions, category=category)
        title = f"morph {morph.value:.2f}, direction {direction.value} {amount.value:+.1f}"
        if category is not None:
            title += f", code {category}"
        image.value = _png({f"A: seed {seed_a.value}": samples[0:1], title: samples[1:2],
                            f"B: seed {seed_b.value}": samples[2:3]})

    for control in (seed_a, seed_b, morph, direction, amount, code):
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([seed_a, seed_b]), morph, widgets.HBox([direction, amount]), code, image])


def _png(panels: dict[str, np.ndarray]) -> bytes:
    """``viz.image_grids(panels)`` as PNG bytes (the figure is closed, so nothing else shows)."""
    import matplotlib.pyplot as plt

    from .viz import image_grids

    fig = image_grids(panels, size=2.4)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    plt.close(fig)
    return buffer.getvalue()
