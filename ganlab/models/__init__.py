"""Generators and discriminators, one module per family.

- ``toy``: tiny MLPs for 1-D / 2-D data (notebooks/01_gan_on_toy_data.ipynb)
- ``dense``: the dense (MLP) MNIST GAN (notebooks/02_dense_mnist_gan.ipynb)
- ``dcgan``: convolutional GAN for 28, 32 and 64 px images (notebooks/04_dcgan.ipynb)
- ``conditional``: class-conditional versions of both, the label a second input
  (notebooks/08_conditional_gans.ipynb)
- ``translation``: the U-Net generator and the PatchGAN discriminator of image-to-image
  translation (notebooks/09_pix2pix.ipynb, 10_unpaired_translation.ipynb)
"""

from .conditional import conditional_discriminator, conditional_generator
from .dcgan import dcgan_discriminator, dcgan_generator
from .dense import dense_discriminator, dense_generator
from .toy import toy_discriminator, toy_generator
from .translation import patchgan_discriminator, receptive_field, unet_generator

MODEL_NAMES = ("dense", "dcgan")

__all__ = [
    "MODEL_NAMES",
    "conditional_discriminator",
    "conditional_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "dense_discriminator",
    "dense_generator",
    "patchgan_discriminator",
    "receptive_field",
    "toy_discriminator",
    "toy_generator",
    "unet_generator",
]
