"""DCGAN: convolutional generator and discriminator (Radford et al., 2016).

Introduced in notebooks/04_dcgan.ipynb. The DCGAN guidelines, as built here:

- no pooling: the generator upsamples with strided transposed convolutions, the
  discriminator downsamples with strided convolutions;
- batch norm in the generator (not on its output), ReLU in the generator, tanh output;
- LeakyReLU with slope 0.2 in the discriminator, batch norm after its first block;
- Adam(2e-4, beta_1=0.5) (``ganlab.optimizers.default_optimizer``).

One departure: the paper removes fully connected hidden layers; by default this
discriminator keeps one (``hidden_units``, as InfoGAN's MNIST discriminator does,
Chen et al., 2016) between its convolutions and its logit. With only a linear read-out,
D judges a digit as a sum of local patches and lets through blends of two digits; with
the hidden layer it can judge the whole shape, and the share of recognisable digits after
3 minutes on 2 CPU cores rose clearly (docs/benchmarks.md, "The discriminator's hidden
layer"). ``hidden_units=0`` is the paper's discriminator.

Image sizes: 28 (MNIST, Fashion-MNIST; from 7 x 7), 32 and 64 (from 4 x 4). Every
upsampling doubles the side and halves the channels, so ``width`` is the channel
count of the last hidden block of the generator and the first of the discriminator.

>>> dcgan_generator((28, 28, 1)).output_shape          # doctest: +SKIP
(None, 28, 28, 1)
"""

from __future__ import annotations

import keras
from keras import layers

from ..errors import InputError
from ._blocks import batch_normalization

SUPPORTED_SIDES = {28: 7, 32: 4, 64: 4}  # image side -> side of the first feature map
HIDDEN_UNITS = 256  # the discriminator's fully connected hidden layer (0: none, as in the paper)
KERNEL = 4  # a kernel divisible by the stride reduces checkerboard artefacts (Odena et al., 2016)


def check_image_shape(image_shape) -> tuple[int, int, int]:
    """Return ``image_shape`` as (side, side, channels), or say which shapes DCGAN supports."""
    shape = tuple(int(s) for s in image_shape)
    if len(shape) != 3 or shape[0] != shape[1] or shape[0] not in SUPPORTED_SIDES or shape[2] not in (1, 3):
        sides = ", ".join(f"({s}, {s}, 1|3)" for s in SUPPORTED_SIDES)
        raise InputError(
            f"DCGAN models support square images of side 28, 32 or 64 with 1 or 3 channels: "
            f"{sides}; got {shape}. Resize the images (e.g. tf.image.resize) or pick a supported size."
        )
    return shape


def n_upsamplings(image_shape) -> int:
    """How many times the generator doubles its feature map: 2 for 28 px, 3 for 32, 4 for 64."""
    side = check_image_shape(image_shape)[0]
    return (side // SUPPORTED_SIDES[side]).bit_length() - 1


def dcgan_generator(
    image_shape: tuple[int, int, int] = (28, 28, 1),
    latent_dim: int = 100,
    width: int = 64,
) -> keras.Model:
    """Noise (latent_dim,) -> image in [-1, 1] of ``image_shape``.

    Dense -> (start, start, width * 2^k) -> k - 1 x [ConvTranspose stride 2, BatchNorm, ReLU]
    -> ConvTranspose stride 2 to the image's channels, tanh (computed in float32).
    """
    side, _, channels = check_image_shape(image_shape)
    _check_positive(width=width, latent_dim=latent_dim)
    k = n_upsamplings(image_shape)
    start = SUPPORTED_SIDES[side]
    noise = keras.Input((int(latent_dim),), name="noise")
    x = layers.Dense(start * start * width * 2 ** (k - 1), use_bias=False)(noise)
    x = batch_normalization()(x)  # whole-batch statistics under tf.distribute (_blocks)
    x = layers.ReLU()(x)
    x = layers.Reshape((start, start, width * 2 ** (k - 1)))(x)
    for i in reversed(range(k - 1)):
        x = layers.Conv2DTranspose(width * 2**i, KERNEL, strides=2, padding="same", use_bias=False)(x)
        x = batch_normalization()(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(channels, KERNEL, strides=2, padding="same")(x)
    # float32 output even under mixed precision: images are shown, compared and saved.
    image = layers.Activation("tanh", dtype="float32", name="image")(x)
    return keras.Model(noise, image, name="dcgan_generator")


def dcgan_discriminator(
    image_shape: tuple[int, int, int] = (28, 28, 1),
    width: int = 64,
    hidden_units: int = HIDDEN_UNITS,
) -> keras.Model:
    """Image -> one logit.

    k x [Conv stride 2, (BatchNorm), LeakyReLU 0.2] -> Flatten
    -> (Dense(hidden_units), LeakyReLU 0.2; none if hidden_units=0) -> Dense(1) in float32.
    """
    check_image_shape(image_shape)
    _check_positive(width=width)
    if int(hidden_units) < 0:
        raise InputError(f"hidden_units must be 0 (no hidden layer) or a positive whole number, not {hidden_units}.")
    k = n_upsamplings(image_shape)
    image = keras.Input(tuple(image_shape), name="image")
    x = image
    for i in range(k):
        x = layers.Conv2D(width * 2**i, KERNEL, strides=2, padding="same", use_bias=i == 0)(x)
        if i > 0:  # not on the first block: it sees the raw image (DCGAN paper)
            x = batch_normalization()(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    x = layers.Flatten()(x)
    if hidden_units:  # a global view of the whole image, not only a sum of local patches
        x = layers.Dense(int(hidden_units), name="hidden")(x)
        x = layers.LeakyReLU(negative_slope=0.2)(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(image, logit, name="dcgan_discriminator")


def _check_positive(**values) -> None:
    for name, value in values.items():
        if int(value) < 1:
            raise InputError(f"{name} must be a positive whole number, not {value}.")
