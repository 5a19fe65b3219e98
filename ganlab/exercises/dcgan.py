"""Exercise checks of notebooks/04_dcgan.ipynb."""

from __future__ import annotations

from ._feedback import report


def check_upsampling_plan(start_side: int, image_shape, n_doublings, last_channels) -> bool:
    """Exercise: how many stride-2 transposed convolutions, ending with how many channels (notebooks/04)."""
    import keras
    from keras import layers

    try:
        n_doublings, last_channels = int(n_doublings), int(last_channels)
    except (TypeError, ValueError):
        return report(False, "n_doublings and last_channels must be whole numbers.")
    if not 1 <= n_doublings <= 6 or last_channels < 1:
        return report(False, "try between 1 and 6 doublings, and at least 1 channel.")
    x = keras.Input((start_side, start_side, 8))
    for i in range(n_doublings):
        channels = last_channels if i == n_doublings - 1 else 8
        x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same")(x)
    got, wanted = tuple(x.shape[1:]), tuple(image_shape)
    if got == wanted:
        return report(True, f"{start_side} x {start_side} doubled {n_doublings} times is {got}.")
    if got[:2] != wanted[:2]:
        return report(False, f"{n_doublings} doubling(s) of {start_side} give side {got[0]}, "
                              f"not {wanted[0]}: each stride-2 layer doubles the side.")
    return report(False, f"the side is right, but the image has {got[2]} channel(s); "
                          f"the last layer must output one per colour channel ({wanted[2]}).")
