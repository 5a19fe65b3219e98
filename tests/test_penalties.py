"""WGAN-GP and R1 against closed forms, and the GAN's penalty hook."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab import penalties
from ganlab.errors import InputError
from ganlab.models import toy_discriminator, toy_generator
from ganlab.training import GAN


def linear(weights):
    """D(x) = w·x: its gradient is w everywhere."""
    d = keras.Sequential([keras.Input((len(weights),)), keras.layers.Dense(1, use_bias=False)])
    d.layers[0].kernel.assign(np.asarray(weights, "float32")[:, None])
    return d


def points(n, dim, seed):
    return tf.constant(np.random.default_rng(seed).normal(size=(n, dim)).astype("float32"))


def test_wgan_gp_is_zero_for_a_unit_gradient_norm_everywhere():
    d = linear([0.6, 0.8])
    assert float(penalties.wgan_gp(d, points(32, 2, 0), points(32, 2, 1))) == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("weights, weight", [([3.0, 4.0], 10.0), ([0.1, 0.2, 0.2], 2.5), ([0.0, 0.0], 1.0)])
def test_wgan_gp_of_a_linear_discriminator_is_weight_times_norm_minus_one_squared(weights, weight):
    expected = weight * (np.linalg.norm(weights) - 1) ** 2
    got = float(penalties.wgan_gp(linear(weights), points(16, len(weights), 0), points(16, len(weights), 1), weight))
    assert got == pytest.approx(expected, rel=1e-4, abs=1e-5)


def test_alpha_is_uniform_per_sample_and_broadcast_over_the_features():
    real, fake = tf.ones((20_000, 3, 4)), tf.zeros((20_000, 3, 4))
    alpha = penalties.interpolate(real, fake, seed=keras.random.SeedGenerator(0)).numpy()
    assert (alpha == alpha[:, :1, :1]).all()            # one alpha per sample
    a = alpha[:, 0, 0]
    assert a.min() >= 0 and a.max() <= 1
    assert a.mean() == pytest.approx(0.5, abs=0.01)      # Uniform[0, 1]: mean 1/2, variance 1/12
    assert a.var() == pytest.approx(1 / 12, abs=0.003)
    assert np.histogram(a, bins=10, range=(0, 1))[0].min() > 1_800  # flat: 2,000 expected per bin


def test_wgan_gp_mean_matches_the_uniform_expectation():
    # D(x) = ½‖x‖² has gradient x; with real points of norm 2 and fake ones at 0, ‖∇D(x̂)‖ = 2α,
    # so the penalty is E[(2α − 1)²] = 1/3 for α ~ U[0, 1] (about 1.81 for a normal α).
    half_square = lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=1, keepdims=True)
    got = float(penalties.wgan_gp(half_square, tf.fill((50_000, 4), 1.0), tf.zeros((50_000, 4)), 1.0))
    assert got == pytest.approx(1 / 3, abs=0.01)


def test_the_penalty_has_a_finite_gradient_where_d_has_a_zero_gradient():
    d = linear([0.0, 0.0])
    with tf.GradientTape() as tape:
        penalty = penalties.wgan_gp(d, points(8, 2, 0), points(8, 2, 1))
    grad = tape.gradient(penalty, d.trainable_weights[0]).numpy()
    assert np.isfinite(grad).all() and np.allclose(grad, 0.0)
    w = tf.Variable(tf.zeros((3, 2)))
    with tf.GradientTape() as tape:
        norm = tf.reduce_sum(penalties.safe_norm(w))
    assert np.isfinite(tape.gradient(norm, w).numpy()).all()


def test_r1_against_closed_forms():
    x = points(64, 3, 0)
    assert float(penalties.r1(linear([1.0, 2.0, 2.0]), x, weight=4.0)) == pytest.approx(0.5 * 4.0 * 9.0, rel=1e-5)
    quadratic = lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=1, keepdims=True)  # gradient x
    expected = 0.5 * 10.0 * float(tf.reduce_mean(tf.reduce_sum(tf.square(x), axis=1)))
    assert float(penalties.r1(quadratic, x, None, 10.0)) == pytest.approx(expected, rel=1e-5)


def test_get_penalty_names_and_errors():
    assert penalties.get_penalty("WGAN_GP") is penalties.wgan_gp and penalties.get_penalty(None) is None
    with pytest.raises(InputError, match="Choose one of: wgan_gp, r1"):
        penalties.get_penalty("gp")
    with pytest.raises(InputError, match="penalty_weight"):
        GAN(toy_generator(data_dim=2), toy_discriminator(2), penalty="r1", penalty_weight=-1)


@pytest.mark.parametrize("reuse_fakes", [False, True])
def test_the_gan_adds_the_penalty_to_d_loss(reuse_fakes):
    """Two identical GANs, one with a huge R1 weight: the same first step differs by the penalty."""
    data = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    losses = {}
    for weight in (0.0, 1000.0):
        keras.utils.set_random_seed(0)
        gan = GAN(toy_generator(data_dim=2), toy_discriminator(2), seed=0, penalty="r1", penalty_weight=weight,
                  reuse_fakes=reuse_fakes)
        gan.compile(loss="non_saturating")
        expected_penalty = float(penalties.r1(gan.discriminator, data, weight=weight))
        losses[weight] = gan.train_on_batch(data, return_dict=True)["d_loss"]
    assert expected_penalty > 1.0
    assert losses[1000.0] - losses[0.0] == pytest.approx(expected_penalty, rel=1e-3)
