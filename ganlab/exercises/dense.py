"""Exercise checks of notebooks/02_dense_mnist_gan.ipynb: the two losses and a dense generator."""

from __future__ import annotations

import numpy as np

from .. import losses
from ._feedback import diagnose, report, value

_REAL = np.array([[2.0], [-1.0], [0.5], [3.0]], dtype="float32")
_FAKE = np.array([[-1.5], [0.3], [1.0], [-4.0]], dtype="float32")


def check_discriminator_loss(fn) -> bool:
    """Exercise: the discriminator's cross-entropy loss on logits (notebooks/02)."""
    got, error = value(fn, _REAL, _FAKE)
    if error:
        return report(False, error)
    expected = float(losses.bce_discriminator(_REAL, _FAKE))
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    verdict = diagnose(got, {
        "real and fake are swapped: real images get label 1, generated ones label 0.":
            float(losses.bce_discriminator(_FAKE, _REAL)),
        "only the real term is there; add the loss on the generated batch.":
            float(np.mean(np.log1p(np.exp(-_REAL)))),
        "a sigmoid was applied to outputs that are already logits: use the logits as they are.":
            float(losses.bce_discriminator(sig(_REAL), sig(_FAKE))),
        "that is the mean of the two terms; ganlab adds them (mean over real + mean over fake).":
            0.5 * expected,
    }, expected)
    return report(verdict is True, "the discriminator loss matches ganlab.losses.bce_discriminator."
                   if verdict is True else verdict)


def check_generator_loss(fn) -> bool:
    """Exercise: the non-saturating generator loss on logits (notebooks/02)."""
    got, error = value(fn, _FAKE)
    if error:
        return report(False, error)
    expected = float(losses.non_saturating_generator(_FAKE))
    verdict = diagnose(got, {
        "that is the minimax loss log(1 - D(G(z))), which saturates; minimise -log D(G(z)) instead.":
            float(losses.minimax_generator(_FAKE)),
        "the sign is flipped: the generator minimises -log D(G(z)).": -expected,
        "that uses label 0 for the generated batch; the generator wants D to say 1 (real).":
            float(np.mean(np.log1p(np.exp(_FAKE)))),
    }, expected)
    return report(verdict is True, "the generator loss matches ganlab.losses.non_saturating_generator."
                   if verdict is True else verdict)


def check_generator(model, latent_dim: int = 100) -> bool:
    """Exercise: a dense generator, noise (latent_dim,) -> (28, 28, 1) in [-1, 1] (notebooks/02).

    Real digits are mostly background at -1 and strokes near +1, so the generator must be
    able to reach both ends: its last activation is a tanh. Noise 10 times larger than
    usual pushes a tanh output to about -1 and +1, a sigmoid's only to 0 and 1, and an
    output without activation beyond [-1, 1].
    """
    import keras

    if callable(model) and not isinstance(model, keras.Model):  # a builder, my_generator: try two sizes
        try:
            wider = model(latent_dim + 10)
        except Exception as err:
            return report(False, f"my_generator({latent_dim + 10}) raised {type(err).__name__}: {err}")
        if isinstance(wider, keras.Model) and tuple(wider.inputs[0].shape[1:]) != (latent_dim + 10,):
            return report(False, f"my_generator({latent_dim + 10}) takes noise of shape "
                                 f"{tuple(wider.inputs[0].shape[1:])}: use keras.Input((latent_dim,)), not a fixed size.")
        model = model(latent_dim)
    if not isinstance(model, keras.Model):
        return report(False, f"expected a keras.Model, got {type(model).__name__}.")
    kinds = [type(layer).__name__ for layer in model.layers]
    hidden = kinds[: max(i for i, k in enumerate(kinds) if k == "Dense")].count("Dense") if "Dense" in kinds else 0
    if kinds.count("BatchNormalization") < hidden:
        return report(False, f"{hidden} hidden Dense layers but {kinds.count('BatchNormalization')} "
                             "BatchNormalization: put one after each hidden Dense layer, before its LeakyReLU, "
                             "as in the first block (section 2 says why).")
    noise = np.random.default_rng(0).standard_normal((16, latent_dim)).astype("float32")
    try:
        images = keras.ops.convert_to_numpy(model(noise, training=False))
        loud = keras.ops.convert_to_numpy(model(10 * noise, training=False))
    except Exception as err:
        return report(False, f"calling it on noise of shape (16, {latent_dim}) raised {type(err).__name__}: {err}")
    if images.shape[1:] != (28, 28, 1):
        return report(False, f"its output shape is {images.shape[1:]}; end with a Reshape to (28, 28, 1).")
    if min(images.min(), loud.min()) < -1 - 1e-6 or max(images.max(), loud.max()) > 1 + 1e-6:
        return report(False, "outputs leave [-1, 1]; use a tanh activation on the last Dense layer.")
    if np.allclose(images[0], images[1:]):
        return report(False, "every noise vector gives the same image; is the noise used at all?")
    if loud.min() > -0.5:
        return report(False, f"its outputs never go below {loud.min():.2f}, so it can never draw the -1 "
                             "background of a real digit (a sigmoid ends at 0); use a tanh on the last Dense layer.")
    return report(True, f"{model.count_params():,} parameters, images of shape (28, 28, 1) in [-1, 1].")
