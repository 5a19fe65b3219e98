"""The exercise checks of notebooks/07_losses_and_stability.ipynb: each accepts the right answer
and gives the specific hint for each typical wrong one."""

import keras
import pytest
import tensorflow as tf

from ganlab import penalties
from ganlab.exercises import stability
from ganlab.ring import smoothed_bce_discriminator


def verdict(capsys, ok):
    out = capsys.readouterr().out
    assert out.startswith("Correct! " if ok else "Not yet: "), out
    return out


def penalty(alpha="uniform", epsilon=1e-12, sign=1.0, per_sample=True, plus=False, weighted=True):
    """A WGAN-GP penalty with one chosen mistake."""
    def fn(discriminate, real, fake, weight=10.0, seed=None):
        n = tf.shape(real)[0]
        shape = (n, 1) if per_sample else tf.shape(real)
        a = keras.random.uniform(shape) if alpha == "uniform" else keras.random.normal(shape)
        mixed = a * real + (1 - a) * fake
        with tf.GradientTape() as tape:
            tape.watch(mixed)
            total = tf.reduce_sum(discriminate(mixed))
        g = tape.gradient(total, mixed)
        norm = tf.sqrt(tf.reduce_sum(tf.square(g), axis=1) + epsilon) if epsilon else tf.norm(g, axis=1)
        term = tf.reduce_mean(tf.square(norm + 1 if plus else norm - 1))
        return sign * (weight if weighted else 1.0) * term
    return fn


@pytest.mark.parametrize("fn, ok, hint", [
    (penalties.wgan_gp, True, "uniform per sample"),
    (penalty(), True, "uniform per sample"),
    (penalty(alpha="normal"), False, "α looks normal"),
    (penalty(epsilon=0), False, "sqrt(sum g² + 1e-12)"),
    (penalty(sign=-1.0), False, "the sign"),
    (penalty(plus=True), False, "(‖g‖ − 1)²"),
    (penalty(per_sample=False), False, "one α per sample"),
    (penalty(weighted=False), False, "multiply by the weight"),
    (lambda d, r, f, w=10.0, seed=None: undefined_name, False, "raised NameError"),  # noqa: F821
])
def test_gradient_penalty_check(capsys, fn, ok, hint):
    assert stability.check_gradient_penalty(fn) is ok
    assert hint in verdict(capsys, ok)


def bce(real_target, fake_target):
    sp = tf.math.softplus
    return lambda r, f: (tf.reduce_mean(real_target * sp(-r) + (1 - real_target) * sp(r))
                         + tf.reduce_mean(fake_target * sp(-f) + (1 - fake_target) * sp(f)))


@pytest.mark.parametrize("fn, ok, hint", [
    (smoothed_bce_discriminator(0.1), True, "one-sided"),
    (bce(0.9, 0.0), True, "one-sided"),
    (bce(0.9, 0.1), False, "two-sided"),
    (bce(1.0, 0.0), False, "plain cross-entropy"),
    (bce(0.1, 0.0), False, "not 0.1"),
    (lambda r, f: 0.9 * tf.reduce_mean(tf.math.softplus(-r)) + tf.reduce_mean(tf.math.softplus(f)), False,
     "drops the 0.1"),
])
def test_label_smoothing_check(capsys, fn, ok, hint):
    assert stability.check_label_smoothing(fn) is ok
    assert hint in verdict(capsys, ok)


@pytest.mark.parametrize("predicted, ok, hint", [(1, True, "you predicted 1"), (2, True, "measured 1"),
                                                 (6, False, "gradient field"), (None, False, "did not write"),
                                                 ("many", False, "as a number")])
def test_compare_prediction(capsys, predicted, ok, hint):
    assert stability.compare_prediction(predicted, 1, "modes") is ok
    assert hint in verdict(capsys, ok)
