"""The exercise checks of notebooks/02_dense_mnist_gan.ipynb: each accepts the right answer and
gives the specific hint for each typical wrong one."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from ganlab.exercises import dense
from ganlab.models import dense_generator


def verdict(capsys, ok):
    out = capsys.readouterr().out
    assert out.startswith("Correct! " if ok else "Not yet: "), out
    return out


def mlp_generator(last=None, reshape=True, latent_dim=100, use_noise=True, batch_norm=True):
    noise = keras.Input((latent_dim,))
    x = layers.Dense(32)(noise if use_noise else ops.zeros_like(noise))
    x = layers.LeakyReLU(0.2)(layers.BatchNormalization()(x) if batch_norm else x)
    x = layers.Dense(28 * 28, activation=last)(x)
    return keras.Model(noise, layers.Reshape((28, 28, 1))(x) if reshape else x)


@pytest.mark.parametrize("make, ok, hint", [
    (lambda: mlp_generator("tanh"), True, "in [-1, 1]"),
    (lambda: dense_generator(units=(16,)), True, "in [-1, 1]"),
    (lambda: mlp_generator("sigmoid"), False, "never go below"),
    (lambda: mlp_generator(None), False, "outputs leave [-1, 1]"),
    (lambda: mlp_generator("tanh", reshape=False), False, "Reshape to (28, 28, 1)"),
    (lambda: mlp_generator("tanh", use_noise=False), False, "is the noise used"),
    (lambda: mlp_generator("tanh", latent_dim=64), False, "raised"),
    (lambda: mlp_generator("tanh", batch_norm=False), False, "1 hidden Dense layers but 0 BatchNormalization"),
])
def test_generator_check(capsys, make, ok, hint):
    assert dense.check_generator(make()) is ok
    assert hint in verdict(capsys, ok)


def test_generator_check_with_a_code_and_wrong_type(capsys):
    assert dense.check_generator(dense_generator(latent_dim=110, units=(16,)), latent_dim=110)
    verdict(capsys, True)
    assert dense.check_generator("not a model") is False
    assert "expected a keras.Model" in verdict(capsys, False)


REAL_OK = lambda r, f: ops.mean(ops.softplus(-r)) + ops.mean(ops.softplus(f))  # noqa: E731


@pytest.mark.parametrize("fn, ok, hint", [
    (REAL_OK, True, "bce_discriminator"),
    (lambda r, f: REAL_OK(f, r), False, "swapped"),
    (lambda r, f: ops.mean(ops.softplus(-r)), False, "only the real term"),
    (lambda r, f: REAL_OK(ops.sigmoid(r), ops.sigmoid(f)), False, "sigmoid was applied"),
    (lambda r, f: 0.5 * REAL_OK(r, f), False, "mean of the two terms"),
    (lambda r, f: ops.mean(r) * 0.0, False, "expected"),
    (lambda r, f: undefined_name, False, "raised NameError"),  # noqa: F821
])
def test_discriminator_loss_check(capsys, fn, ok, hint):
    assert dense.check_discriminator_loss(fn) is ok
    assert hint in verdict(capsys, ok)


@pytest.mark.parametrize("fn, ok, hint", [
    (lambda f: ops.mean(ops.softplus(-f)), True, "non_saturating_generator"),
    (lambda f: -ops.mean(ops.softplus(f)), False, "minimax"),
    (lambda f: -ops.mean(ops.softplus(-f)), False, "sign is flipped"),
    (lambda f: ops.mean(ops.softplus(f)), False, "label 0"),
    (lambda f: ops.mean(f) * 0.0, False, "expected"),
])
def test_generator_loss_check(capsys, fn, ok, hint):
    assert dense.check_generator_loss(fn) is ok
    assert hint in verdict(capsys, ok)


def test_the_checks_accept_numpy_answers(capsys):
    """A learner may answer in numpy instead of keras.ops."""
    sp = lambda x: np.log1p(np.exp(x))  # noqa: E731
    assert dense.check_discriminator_loss(lambda r, f: np.mean(sp(-r)) + np.mean(sp(f)))
    assert dense.check_generator_loss(lambda f: np.mean(sp(-f)))


def test_generator_check_builds_the_learners_function_for_two_noise_sizes(capsys):
    assert dense.check_generator(lambda latent_dim=100: mlp_generator("tanh", latent_dim=latent_dim)) is True
    verdict(capsys, True)
    assert dense.check_generator(lambda latent_dim=100: mlp_generator("tanh")) is False  # ignores latent_dim
    assert "use keras.Input((latent_dim,)), not a fixed size" in verdict(capsys, False)
