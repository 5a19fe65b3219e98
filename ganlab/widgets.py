"""Interactive views (ipywidgets) over things saved during training.

Introduced in notebooks/01_gan_on_toy_data.ipynb.
"""

from __future__ import annotations

from typing import Callable, Sequence


def snapshot_slider(draw: Callable[[int], object], n: int, labels: Sequence[str] | None = None,
                    description: str = "snapshot"):
    """A slider over ``n`` saved snapshots; moving it redraws ``draw(i)`` (a Figure).

    Starts at the last snapshot. Returns the widget (Jupyter displays it).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    if n < 1:
        raise ValueError("snapshot_slider needs at least one snapshot.")
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
