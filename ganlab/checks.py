"""Feedback for the notebooks' exercises: each check prints what is right or what to fix.

A check never raises, so a notebook with an unfinished exercise still runs to the end.
"""

from __future__ import annotations

import numpy as np

from . import losses

_REAL = np.array([[2.0], [-1.0], [0.5], [3.0]], dtype="float32")
_FAKE = np.array([[-1.5], [0.3], [1.0], [-4.0]], dtype="float32")


def _report(ok: bool, message: str) -> bool:
    print(("Correct! " if ok else "Not yet: ") + message)
    return ok


def _value(fn, *args):
    try:
        return float(np.asarray(fn(*args))), None
    except Exception as err:  # show the learner's own error, briefly
        return None, f"calling it raised {type(err).__name__}: {err}"


def _diagnose(got: float, candidates: dict[str, float], expected: float) -> bool | str:
    if np.isclose(got, expected, rtol=1e-4, atol=1e-5):
        return True
    for hint, value in candidates.items():
        if np.isclose(got, value, rtol=1e-4, atol=1e-5):
            return hint
    return f"got {got:.4f}, expected {expected:.4f} on the test logits."


def check_discriminator_loss(fn) -> bool:
    """Exercise: the discriminator's cross-entropy loss on logits (notebooks/02)."""
    got, error = _value(fn, _REAL, _FAKE)
    if error:
        return _report(False, error)
    expected = float(losses.bce_discriminator(_REAL, _FAKE))
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    verdict = _diagnose(got, {
        "real and fake are swapped: real images get label 1, generated ones label 0.":
            float(losses.bce_discriminator(_FAKE, _REAL)),
        "only the real term is there; add the loss on the generated batch.":
            float(np.mean(np.log1p(np.exp(-_REAL)))),
        "a sigmoid was applied to outputs that are already logits: use the logits as they are.":
            float(losses.bce_discriminator(sig(_REAL), sig(_FAKE))),
        "that is the mean of the two terms; ganlab adds them (mean over real + mean over fake).":
            0.5 * expected,
    }, expected)
    return _report(verdict is True, "the discriminator loss matches ganlab.losses.bce_discriminator."
                   if verdict is True else verdict)


def check_generator_loss(fn) -> bool:
    """Exercise: the non-saturating generator loss on logits (notebooks/02)."""
    got, error = _value(fn, _FAKE)
    if error:
        return _report(False, error)
    expected = float(losses.non_saturating_generator(_FAKE))
    verdict = _diagnose(got, {
        "that is the minimax loss log(1 - D(G(z))), which saturates; minimise -log D(G(z)) instead.":
            float(losses.minimax_generator(_FAKE)),
        "the sign is flipped: the generator minimises -log D(G(z)).": -expected,
        "that uses label 0 for the generated batch; the generator wants D to say 1 (real).":
            float(np.mean(np.log1p(np.exp(_FAKE)))),
    }, expected)
    return _report(verdict is True, "the generator loss matches ganlab.losses.non_saturating_generator."
                   if verdict is True else verdict)


def check_optimal_discriminator(fn) -> bool:
    """Exercise: D*(x) = p_data / (p_data + p_g) (notebooks/01)."""
    p_data = np.array([0.4, 0.1, 0.0, 0.25])
    p_g = np.array([0.1, 0.1, 0.3, 0.75])
    got, error = None, None
    try:
        got = np.asarray(fn(p_data, p_g), dtype=float)
    except Exception as err:
        error = f"calling it raised {type(err).__name__}: {err}"
    if error:
        return _report(False, error)
    expected = p_data / (p_data + p_g)
    if got.shape != expected.shape:
        return _report(False, f"it returned shape {got.shape}; return one value per point, {expected.shape}.")
    if np.allclose(got, expected):
        return _report(True, "D* is 1 where only real data lives, 0 where only the generator does, 1/2 where they agree.")
    if np.allclose(got, 1 - expected):
        return _report(False, "that is the probability of 'generated'; D* is the probability of 'real'.")
    return _report(False, f"got {np.round(got, 3)}, expected {np.round(expected, 3)}.")


def check_generator(model, latent_dim: int = 100) -> bool:
    """Exercise: a dense generator, noise (latent_dim,) -> (28, 28, 1) in [-1, 1] (notebooks/02)."""
    import keras

    if not isinstance(model, keras.Model):
        return _report(False, f"expected a keras.Model, got {type(model).__name__}.")
    noise = np.random.default_rng(0).standard_normal((8, latent_dim)).astype("float32")
    try:
        images = keras.ops.convert_to_numpy(model(noise, training=False))
    except Exception as err:
        return _report(False, f"calling it on noise of shape (8, {latent_dim}) raised {type(err).__name__}: {err}")
    if images.shape[1:] != (28, 28, 1):
        return _report(False, f"its output shape is {images.shape[1:]}; end with a Reshape to (28, 28, 1).")
    if images.min() < -1 or images.max() > 1:
        return _report(False, "outputs leave [-1, 1]; use a tanh activation on the last Dense layer.")
    if np.allclose(images[0], images[1:]):
        return _report(False, "every noise vector gives the same image; is the noise used at all?")
    return _report(True, f"{model.count_params():,} parameters, images of shape (28, 28, 1) in [-1, 1].")


def check_upsampling_plan(start_side: int, image_shape, n_doublings, last_channels) -> bool:
    """Exercise: how many stride-2 transposed convolutions, ending with how many channels (notebooks/03)."""
    import keras
    from keras import layers

    try:
        n_doublings, last_channels = int(n_doublings), int(last_channels)
    except (TypeError, ValueError):
        return _report(False, "n_doublings and last_channels must be whole numbers.")
    if not 1 <= n_doublings <= 6 or last_channels < 1:
        return _report(False, "try between 1 and 6 doublings, and at least 1 channel.")
    x = keras.Input((start_side, start_side, 8))
    for i in range(n_doublings):
        channels = last_channels if i == n_doublings - 1 else 8
        x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same")(x)
    got, wanted = tuple(x.shape[1:]), tuple(image_shape)
    if got == wanted:
        return _report(True, f"{start_side} x {start_side} doubled {n_doublings} times is {got}.")
    if got[:2] != wanted[:2]:
        return _report(False, f"{n_doublings} doubling(s) of {start_side} give side {got[0]}, "
                              f"not {wanted[0]}: each stride-2 layer doubles the side.")
    return _report(False, f"the side is right, but the image has {got[2]} channel(s); "
                          f"the last layer must output one per colour channel ({wanted[2]}).")
