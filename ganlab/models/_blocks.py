"""Small building blocks shared by the model families."""

from __future__ import annotations

import keras
from keras import layers

from ..errors import InputError


def check_units(units, what: str) -> tuple[int, ...]:
    """Return ``units`` as a tuple of positive ints, or raise InputError."""
    units = tuple(int(u) for u in units)
    if not units or min(units) < 1:
        raise InputError(f"{what} needs at least one layer of >= 1 units, got {units}.")
    return units


def dense_stack(x, units, batch_norm: bool = False, dropout: float = 0.0, slope: float = 0.2):
    """Dense -> (BatchNorm) -> LeakyReLU(slope) -> (Dropout), for each width in ``units``."""
    for width in units:
        x = layers.Dense(width, use_bias=not batch_norm)(x)
        if batch_norm:
            # synchronized: statistics of the whole batch under tf.distribute (ganlab.distribute)
            x = layers.BatchNormalization(momentum=0.8, synchronized=True)(x)
        x = layers.LeakyReLU(negative_slope=slope)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    return x


def latent_dim_of(generator: keras.Model) -> int:
    """The length of the noise vector a generator takes."""
    shape = generator.inputs[0].shape
    return int(shape[-1])
