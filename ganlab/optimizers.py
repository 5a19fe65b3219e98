"""The optimizer GANs are trained with, in one place.

Introduced in notebooks/02_dense_mnist_gan.ipynb; ``ganlab.fast_path`` wraps it in loss
scaling under mixed precision, and ``ganlab.GAN.compile`` uses it when none is given.

>>> default_optimizer(1e-3).beta_1
0.5
"""

from __future__ import annotations

import keras


def default_optimizer(learning_rate: float = 2e-4) -> keras.optimizers.Optimizer:
    """Adam(2e-4, beta_1=0.5): the DCGAN paper's setting, a good default for GANs.

    beta_1 = 0.5 instead of Adam's 0.9: a shorter memory of past gradients, since in a
    game the best direction changes as the other player moves (Radford et al., 2016).
    """
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5)
