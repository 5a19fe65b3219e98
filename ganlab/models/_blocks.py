"""Small building blocks shared by the model families."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from ..errors import InputError


def check_units(units, what: str) -> tuple[int, ...]:
    """Return ``units`` as a tuple of positive ints, or raise InputError."""
    units = tuple(int(u) for u in units)
    if not units or min(units) < 1:
        raise InputError(f"{what} needs at least one layer of >= 1 units, got {units}.")
    return units


def batch_normalization(**options) -> layers.BatchNormalization:
    """BatchNormalization; synchronized when built under a tf.distribute strategy with several replicas.

    Synchronized, its statistics are those of the whole batch rather than of each device's share,
    so N devices train as one does (ganlab.distribute). On one device the plain layer computes the
    same thing with slightly different rounding; it keeps runs identical to earlier ones.
    """
    several = tf.distribute.get_strategy().num_replicas_in_sync > 1
    return layers.BatchNormalization(synchronized=several, **options)


def dense_stack(x, units, batch_norm: bool = False, dropout: float = 0.0, slope: float = 0.2,
                spectral_norm: bool = False):
    """Dense -> (BatchNorm) -> LeakyReLU(slope) -> (Dropout), for each width in ``units``;
    with ``spectral_norm`` each Dense is wrapped in ``keras.layers.SpectralNormalization``."""
    for width in units:
        x = dense(width, spectral_norm, use_bias=not batch_norm)(x)
        if batch_norm:
            x = batch_normalization(momentum=0.8)(x)
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
