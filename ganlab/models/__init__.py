"""Generators and discriminators, one module per family.

- ``toy``: tiny MLPs for 1-D / 2-D data (notebooks/01_gan_on_toy_data.ipynb)
- ``dense``: the dense (MLP) MNIST GAN (notebooks/02_dense_mnist_gan.ipynb)
"""

from .dense import dense_discriminator, dense_generator
from .toy import toy_discriminator, toy_generator

MODEL_NAMES = ("dense",)

__all__ = [
    "MODEL_NAMES",
    "dense_discriminator",
    "dense_generator",
    "toy_discriminator",
    "toy_generator",
]
