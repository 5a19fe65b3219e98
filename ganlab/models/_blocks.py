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


def dense_stack(x, units, batch_norm: bool = False, dropout: float = 0.0, slope: float = 0.2,
                spectral_norm: bool = False):
    """Dense -> (BatchNorm) -> LeakyReLU(slope) -> (Dropout), for each width in ``units``;
    with ``spectral_norm`` each Dense is wrapped in ``keras.layers.SpectralNormalization``."""
    for width in units:
        x = dense(width, spectral_norm, use_bias=not batch_norm)(x)
        if batch_norm:
            # synchronized: statistics of the whole batch under tf.distribute (ganlab.distribute)
            x = layers.BatchNormalization(momentum=0.8, synchronized=True)(x)
        x = layers.LeakyReLU(negative_slope=slope)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    return x


def dense(width: int, spectral_norm: bool = False, **kwargs):
    """A Dense layer, wrapped in SpectralNormalization (its largest singular value kept at 1) if asked."""
    layer = layers.Dense(width, **kwargs)
    return layers.SpectralNormalization(layer) if spectral_norm else layer


def latent_dim_of(generator: keras.Model) -> int:
    """The length of the noise vector a generator takes."""
    shape = generator.inputs[0].shape
    return int(shape[-1])
