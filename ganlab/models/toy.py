"""Tiny MLPs for 1-D and 2-D toy data.

Introduced in notebooks/01_gan_on_toy_data.ipynb.
"""

from __future__ import annotations

from typing import Sequence

import keras
from keras import layers

from ..errors import InputError
from ._blocks import check_units, dense, dense_stack


def toy_generator(latent_dim: int = 4, units: Sequence[int] = (32, 32), data_dim: int = 1) -> keras.Model:
    """Noise (latent_dim,) -> a point in R^data_dim (no output activation)."""
    noise = keras.Input((int(latent_dim),), name="noise")
    x = dense_stack(noise, check_units(units, "toy_generator"))
    point = layers.Dense(int(data_dim), name="point")(x)
    return keras.Model(noise, point, name="toy_generator")


def toy_discriminator(data_dim: int = 1, units: Sequence[int] = (32, 32), dropout: float = 0.0,
                      spectral_norm: bool = False) -> keras.Model:
    """A point in R^data_dim -> one logit.

    ``dropout`` after each hidden layer and ``spectral_norm`` on every Dense layer are options of
    notebooks/07_losses_and_stability.ipynb.
    """
    if not 0.0 <= dropout < 1.0:
        raise InputError(f"dropout must be in [0, 1), not {dropout}.")
    point = keras.Input((int(data_dim),), name="point")
    x = dense_stack(point, check_units(units, "toy_discriminator"), dropout=dropout, spectral_norm=spectral_norm)
    logit = dense(1, spectral_norm, name="logit")(x)
    return keras.Model(point, logit, name="toy_discriminator")
