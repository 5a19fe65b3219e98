"""The dense (MLP) MNIST generator and discriminator.

Introduced in notebooks/02_dense_mnist_gan.ipynb.
"""

from __future__ import annotations

import math
from typing import Sequence

import keras
from keras import layers

from ..data import IMAGE_SHAPE
from ._blocks import check_units, dense_stack


def dense_generator(
    latent_dim: int = 100,
    units: Sequence[int] = (256, 512, 1024),
    image_shape: tuple[int, int, int] = IMAGE_SHAPE,
    batch_norm: bool = True,
) -> keras.Model:
    """Noise (latent_dim,) -> image ``image_shape`` with values in [-1, 1] (tanh).

    >>> dense_generator().output_shape  # doctest: +SKIP
    (None, 28, 28, 1)
    """
    units = check_units(units, "dense_generator")
    noise = keras.Input((int(latent_dim),), name="noise")
    x = dense_stack(noise, units, batch_norm=batch_norm)
    # float32 output even under mixed precision: images are shown, compared and saved.
    x = layers.Dense(math.prod(image_shape), activation="tanh", dtype="float32")(x)
    image = layers.Reshape(image_shape, name="image", dtype="float32")(x)
    return keras.Model(noise, image, name="dense_generator")


def dense_discriminator(
    image_shape: tuple[int, int, int] = IMAGE_SHAPE,
    units: Sequence[int] = (512, 256),
    dropout: float = 0.0,
) -> keras.Model:
    """Image -> one logit (>0 means "real"). LeakyReLU 0.2, no sigmoid at the end.

    ``dropout`` (after each hidden layer) is off by default. Many MLP GAN examples use 0.3
    to slow the discriminator down; here it cost the cpu profile's samples many recognisable
    digits after 3 minutes (docs/benchmarks.md, "Dense MNIST GAN"). Raise it if D
    wins (D(x) -> 1, D(G(z)) -> 0).
    """
    units = check_units(units, "dense_discriminator")
    image = keras.Input(image_shape, name="image")
    x = layers.Flatten()(image)
    x = dense_stack(x, units, dropout=dropout)
    logit = layers.Dense(1, name="logit", dtype="float32")(x)
    return keras.Model(image, logit, name="dense_discriminator")
