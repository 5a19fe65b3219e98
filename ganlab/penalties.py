"""Gradient penalties on the discriminator: WGAN-GP and R1.

Introduced in notebooks/07_losses_and_stability.ipynb. Each penalty takes ``discriminate``
(a function: samples -> D's raw outputs), a real and a generated batch, a weight and a seed,
and returns one number that ``ganlab.GAN`` adds to the discriminator's loss
(``GAN(..., penalty="wgan_gp", penalty_weight=10.0)``).

- WGAN-GP (Gulrajani et al., 2017): weight · E[(‖∇D(x̂)‖ − 1)²] at x̂ = α x + (1 − α) G(z),
  α ~ Uniform[0, 1], one α per sample;
- R1 (Mescheder et al., 2018): weight/2 · E[‖∇D(x)‖²] on real samples only.

The keras.io WGAN-GP example draws α from a *normal* distribution (x̂ then leaves the segment
between the two samples) and takes ``sqrt(sum g²)``, whose gradient is infinite where g = 0
(NaN weights); here α is uniform and the norm is ``sqrt(sum g² + 1e-12)``.

>>> import keras
>>> d = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
>>> d.layers[0].kernel.assign([[0.6], [0.8]])  # doctest: +ELLIPSIS
<...>
>>> round(float(wgan_gp(d, ops.ones((4, 2)), ops.zeros((4, 2)))), 6)  # unit gradient norm: no penalty
0.0
"""

from __future__ import annotations

from typing import Callable

import tensorflow as tf
from keras import ops, random

from .errors import InputError

NORM_EPSILON = 1e-12  # inside the square root: the norm's gradient stays finite at a zero gradient


def safe_norm(g, epsilon: float = NORM_EPSILON):
    """The norm of each sample's gradient over all its feature axes: sqrt(sum g² + epsilon)."""
    axes = list(range(1, len(g.shape)))
    return ops.sqrt(ops.sum(ops.square(g), axis=axes) + epsilon)


def input_gradients(discriminate: Callable, samples):
    """∇ₓ of the sum of D's outputs at ``samples``: each row is that sample's own gradient."""
    samples = tf.convert_to_tensor(samples)
    with tf.GradientTape() as tape:
        tape.watch(samples)
        total = ops.sum(ops.cast(discriminate(samples), "float32"))
    return tape.gradient(total, samples)


def interpolate(real, fake, seed=None):
    """α x + (1 − α) G(z) with α ~ Uniform[0, 1], one α per sample, broadcast over its features."""
    shape = [ops.shape(real)[0]] + [1] * (len(real.shape) - 1)
    alpha = ops.cast(random.uniform(shape, 0.0, 1.0, seed=seed), real.dtype)
    return alpha * real + (1.0 - alpha) * fake


def wgan_gp(discriminate: Callable, real, fake, weight: float = 10.0, seed=None):
    """weight · mean over the batch of (‖∇D(x̂)‖ − 1)², at random points x̂ between real and fake."""
    real = tf.convert_to_tensor(real)
    mixed = interpolate(real, ops.cast(fake, real.dtype), seed)
    norms = safe_norm(ops.cast(input_gradients(discriminate, mixed), "float32"))
    return weight * ops.mean(ops.square(norms - 1.0))


def r1(discriminate: Callable, real, fake=None, weight: float = 10.0, seed=None):
    """weight/2 · mean over the real batch of ‖∇D(x)‖² (``fake`` and ``seed`` are unused)."""
    g = ops.cast(input_gradients(discriminate, real), "float32")
    return 0.5 * weight * ops.mean(ops.sum(ops.square(g), axis=list(range(1, len(g.shape)))))


PENALTIES: dict[str, Callable] = {"wgan_gp": wgan_gp, "r1": r1}


def get_penalty(penalty: str | Callable | None) -> Callable | None:
    """Look a penalty up by name ("wgan_gp", "r1"); a function or None passes through."""
    if penalty is None or callable(penalty):
        return penalty
    key = str(penalty).lower()
    if key not in PENALTIES:
        raise InputError(f"Unknown penalty {penalty!r}. Choose one of: {', '.join(PENALTIES)}, or None.")
    return PENALTIES[key]
