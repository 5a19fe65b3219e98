"""Each loss against values worked out by hand."""

import math

import numpy as np
import pytest

from ganlab import losses
from ganlab.errors import InputError

REAL = np.array([[0.0], [2.0]], np.float32)   # D outputs on real samples
FAKE = np.array([[0.0], [-1.0]], np.float32)  # D outputs on generated samples


def softplus(x):
    return math.log1p(math.exp(x))


def test_bce_discriminator_by_hand():
    # -log sigmoid(r) = softplus(-r); -log(1 - sigmoid(f)) = softplus(f)
    expected = (softplus(0) + softplus(-2)) / 2 + (softplus(0) + softplus(-1)) / 2
    assert float(losses.bce_discriminator(REAL, FAKE)) == pytest.approx(expected, rel=1e-6)


def test_bce_at_equilibrium_is_two_log_two():
    zeros = np.zeros((8, 1), np.float32)
    assert float(losses.bce_discriminator(zeros, zeros)) == pytest.approx(2 * math.log(2), rel=1e-6)


def test_generator_losses_by_hand():
    assert float(losses.minimax_generator(FAKE)) == pytest.approx(-(softplus(0) + softplus(-1)) / 2, rel=1e-6)
    assert float(losses.non_saturating_generator(FAKE)) == pytest.approx((softplus(0) + softplus(1)) / 2, rel=1e-6)


def test_losses_stay_finite_for_huge_logits():
    big = np.array([[80.0], [-80.0]], np.float32)
    for value in (losses.bce_discriminator(big, -big), losses.non_saturating_generator(big),
                  losses.minimax_generator(big)):
        assert np.isfinite(float(value))


def test_non_saturating_gradient_does_not_vanish_when_d_wins():
    import tensorflow as tf

    fake = tf.Variable([[-8.0]])  # D is sure the sample is fake
    grads = {}
    for name in ("minimax", "non_saturating"):
        with tf.GradientTape() as tape:
            loss = losses.get_loss(name).generator(fake)
        grads[name] = abs(float(tape.gradient(loss, fake)[0, 0]))
    assert grads["minimax"] == pytest.approx(1 / (1 + math.exp(8)), rel=1e-3)  # sigmoid(-8) ~ 3e-4
    assert grads["non_saturating"] == pytest.approx(1 / (1 + math.exp(-8)), rel=1e-3)  # ~1
    assert grads["non_saturating"] > 1000 * grads["minimax"]


def test_hinge_by_hand():
    # relu(1 - r): [1, 0] -> 0.5 ; relu(1 + f): [1, 0] -> 0.5
    assert float(losses.hinge_discriminator(REAL, FAKE)) == pytest.approx(1.0)
    assert float(losses.hinge_generator(FAKE)) == pytest.approx(0.5)


def test_least_squares_by_hand():
    # 0.5 * mean((r - 1)^2) = 0.5 * (1 + 1) / 2 = 0.5 ; 0.5 * mean(f^2) = 0.5 * (0 + 1) / 2 = 0.25
    assert float(losses.least_squares_discriminator(REAL, FAKE)) == pytest.approx(0.75)
    # 0.5 * mean((f - 1)^2) = 0.5 * (1 + 4) / 2
    assert float(losses.least_squares_generator(FAKE)) == pytest.approx(1.25)


def test_wasserstein_by_hand():
    assert float(losses.wasserstein_discriminator(REAL, FAKE)) == pytest.approx(-0.5 - 1.0)
    assert float(losses.wasserstein_generator(FAKE)) == pytest.approx(0.5)


def test_get_loss_names_and_aliases():
    assert losses.get_loss("bce").name == "non_saturating"
    assert losses.get_loss("LSGAN").name == "least_squares"
    assert losses.get_loss("wgan").outputs_are_logits is False
    pair = losses.LOSSES["hinge"]
    assert losses.get_loss(pair) is pair
    with pytest.raises(InputError, match="Unknown GAN loss 'l2'.*non_saturating"):
        losses.get_loss("l2")
