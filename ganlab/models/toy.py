"""Tiny MLPs for 1-D and 2-D toy data.

Introduced in notebooks/01_gan_on_toy_data.ipynb.
"""

from __future__ import annotations

from typing import Sequence

import keras
from keras import layers

from ._blocks import check_units, dense_stack


def toy_generator(latent_dim: int = 4, units: Sequence[int] = (32, 32), data_dim: int = 1) -> keras.Model:
    """Noise (latent_dim,) -> a point in R^data_dim (no output activation)."""
    noise = keras.Input((int(latent_dim),), name="noise")
    x = dense_stack(noise, check_units(units, "toy_generator"))
    point = layers.Dense(int(data_dim), name="point")(x)
    return keras.Model(noise, point, name="toy_generator")


def toy_discriminator(data_dim: int = 1, units: Sequence[int] = (32, 32)) -> keras.Model:
    """A point in R^data_dim -> one logit."""
    point = keras.Input((int(data_dim),), name="point")
    x = dense_stack(point, check_units(units, "toy_discriminator"))
    logit = layers.Dense(1, name="logit")(x)
    return keras.Model(point, logit, name="toy_discriminator")
