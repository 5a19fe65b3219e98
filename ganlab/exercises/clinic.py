"""Exercise checks of notebooks/03_debugging_gan_code.ipynb: fix two of the snippet's bugs.

- :func:`check_preprocessing`: MNIST's uint8 pixels into the generator's range [-1, 1] (bug (e));
- :func:`check_discriminator_head`: a discriminator's last layer and its loss that agree (bug (f)).
"""

from __future__ import annotations

import numpy as np

from ._feedback import report

_PIXELS = np.array([0, 1, 64, 127, 128, 200, 254, 255], dtype=np.uint8).reshape(2, 2, 2, 1)


def check_preprocessing(fn) -> bool:
    """Exercise: uint8 pixels 0..255 (N, 28, 28, 1) -> float32 images in [-1, 1] (notebooks/03)."""
    try:
        out = np.asarray(fn(_PIXELS.copy()))
    except Exception as err:
        return report(False, f"calling it on uint8 pixels raised {type(err).__name__}: {err}")
    if out.shape != _PIXELS.shape:
        return report(False, f"it turned {_PIXELS.shape} pixels into shape {out.shape}; keep the shape.")
    if not np.issubdtype(out.dtype, np.floating):
        return report(False, f"it returns {out.dtype}: still whole numbers 0..255. Divide as floats "
                             "(e.g. `pixels.astype('float32') / 127.5 - 1`).")
    expected = _PIXELS.astype(np.float64) / 127.5 - 1.0
    low, high = float(out.min()), float(out.max())
    if np.allclose(out, expected, atol=1e-3):
        if out.dtype != np.float32:
            return report(False, f"the values are right but the dtype is {out.dtype}; Keras works in "
                                 "float32: add `.astype('float32')` (half the memory too).")
        return report(True, "0 -> -1 (background), 255 -> +1 (ink): the range of the tanh generator.")
    if np.allclose(out, _PIXELS / 255.0, atol=1e-3):
        return report(False, "that is [0, 1]: the background sits at 0, in the middle of tanh's range, "
                             "and the generator's -1 means nothing in the data. Map 0 -> -1 and 255 -> +1.")
    if np.allclose(out, _PIXELS / 127.5, atol=1e-3):
        return report(False, "that is [0, 2]; subtract 1 after dividing by 127.5.")
    if np.allclose(out, (_PIXELS - 127.5) / 255.0, atol=1e-3):
        return report(False, "that is [-0.5, 0.5]: the generator could never match its ±1; divide by 127.5.")
    if np.allclose(out, 1.0 - _PIXELS / 127.5, atol=1e-3):
        return report(False, "the sign is flipped: white ink became -1. Map 0 -> -1 and 255 -> +1.")
    return report(False, f"its values run from {low:.3f} to {high:.3f}; map pixel 0 to -1 and 255 to +1 "
                         "(pixels / 127.5 - 1).")


def check_discriminator_head(discriminator, loss) -> bool:
    """Exercise: a discriminator whose output the loss reads as it is meant (notebooks/03).

    A raw output (a logit, no activation on the last layer) goes with
    ``BinaryCrossentropy(from_logits=True)``; a sigmoid output with ``from_logits=False``
    is consistent too, but the course's models and losses work on logits.
    """
    import keras

    if not isinstance(discriminator, keras.Model):
        return report(False, f"expected a keras.Model as the discriminator, got {type(discriminator).__name__}.")
    if not isinstance(loss, keras.losses.BinaryCrossentropy):
        return report(False, f"expected a keras.losses.BinaryCrossentropy as the loss, got {type(loss).__name__}.")
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    try:
        weights = discriminator.get_weights()
        discriminator.set_weights([10.0 * w for w in weights])  # loud weights: a logit leaves (0, 1)
        out = keras.ops.convert_to_numpy(discriminator(images, training=False))
        discriminator.set_weights(weights)
    except Exception as err:
        return report(False, f"calling it on images of shape (16, 28, 28, 1) raised {type(err).__name__}: {err}")
    if out.shape != (16, 1):
        return report(False, f"its output has shape {out.shape[1:]} per batch; end with Dense(1): one score per image.")
    squashed = bool(out.min() >= 0.0 and out.max() <= 1.0)
    from_logits = bool(loss.get_config().get("from_logits"))
    if squashed and from_logits:
        return report(False, "the last layer ends in a sigmoid and the loss applies another one "
                             "(from_logits=True): remove the sigmoid, so D outputs a logit.")
    if not squashed and not from_logits:
        return report(False, "D outputs logits (any real number) but the loss expects probabilities "
                             "(from_logits=False) and clips them to [0, 1]: use BinaryCrossentropy(from_logits=True).")
    if squashed:
        return report(True, "a sigmoid output with from_logits=False is consistent. The course's "
                            "discriminators output logits instead, because its hand-written losses take logits.")
    return report(True, "D outputs a logit and the loss applies the sigmoid itself, once.")
