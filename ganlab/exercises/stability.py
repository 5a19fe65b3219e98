"""Exercise checks of notebooks/07_losses_and_stability.ipynb: the WGAN-GP penalty, one-sided
label smoothing, and a prediction compared with the measurement."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from ..penalties import wgan_gp
from ..ring import smoothed_bce_discriminator
from ._feedback import report, value


def _linear(weights) -> tuple[keras.Model, tf.Variable]:
    """D(x) = w·x (no bias): its gradient is w at every x, so ‖∇D‖ = ‖w‖ everywhere."""
    d = keras.Sequential([keras.Input((len(weights),)), keras.layers.Dense(1, use_bias=False)])
    d.layers[0].kernel.assign(np.asarray(weights, "float32")[:, None])
    return d, d.layers[0].kernel


def _half_square(x):
    """D(x) = ½‖x‖²: its gradient at x is x itself."""
    return 0.5 * tf.reduce_sum(tf.square(x), axis=1, keepdims=True)


def check_gradient_penalty(fn) -> bool:
    """Exercise: ``fn(discriminate, real, fake, weight=10.0, seed=None)`` is the WGAN-GP penalty.

    Checked: λ(‖w‖ − 1)² for a linear D; α ~ Uniform[0, 1] per sample (with D(x) = ½‖x‖², real
    points of norm 2 and fake points at 0, the penalty is λ·E[(2α − 1)²] = λ/3); a finite gradient
    where D's gradient is zero.

    >>> check_gradient_penalty(wgan_gp)
    Correct! λ(‖∇D(x̂)‖ − 1)² at x̂ between real and fake, α uniform per sample, finite at a zero gradient.
    True
    """
    weight = 10.0
    d, _ = _linear([1.2, 1.6])  # ‖w‖ = 2
    real, fake = tf.ones((64, 2)), tf.zeros((64, 2))
    got, error = value(lambda: fn(d, real, fake, weight))
    if error:
        return report(False, error)
    hints = {-weight: "the sign: the penalty is added to D's loss, so it is positive: λ(‖g‖ − 1)².",
             weight * 9: "(‖g‖ + 1)² or (‖g‖² − 1)²: the penalty is (‖g‖ − 1)², with ‖g‖ = sqrt(sum g²).",
             weight * (np.sqrt(64) * 2 - 1) ** 2: "the norm is per sample (a sum over its features), "
                                                  "not over the whole batch.",
             1.0: "multiply by the weight λ."}
    for wrong, hint in hints.items():
        if np.isclose(got, wrong, rtol=1e-3):
            return report(False, f"for D(x) = w·x with ‖w‖ = 2 it gives {got:.4g}: {hint}")
    if not np.isclose(got, weight, rtol=1e-3):
        return report(False, f"for D(x) = w·x with ‖w‖ = 2 the gradient norm is 2 everywhere, so the penalty "
                             f"is λ(2 − 1)² = {weight:g}; it gives {got:.4g}.")
    n = 20_000  # with ½‖x‖², ‖∇D(x̂)‖ = 2|α|: λ/3 for α ~ U[0, 1], λ(5 − 4·sqrt(2/π)) ≈ 1.81λ for α ~ N(0, 1)
    got, error = value(lambda: fn(_half_square, tf.fill((n, 16), 0.5), tf.zeros((n, 16)), weight))
    if error:
        return report(False, error)
    if abs(got - weight * (5 - 4 * np.sqrt(2 / np.pi))) < 0.2 * weight:
        return report(False, f"α looks normal (penalty {got:.3g}, about 1.81λ for α ~ N(0, 1)): draw α from "
                             "Uniform[0, 1] (keras.random.uniform), so x̂ lies between the two samples.")
    if got < 0.15 * weight:
        return report(False, f"penalty {got:.3g}, close to λ(2/√3 − 1)²: one α per feature averages out; "
                             "draw one α per sample, of shape (batch, 1).")
    if not abs(got - weight / 3) < 0.05 * weight:
        return report(False, f"with D(x) = ½‖x‖², real points of norm 2 and fake points at 0 the penalty "
                             f"should be λ·E[(2α − 1)²] = λ/3 = {weight / 3:.3g}; it gives {got:.3g}.")
    d, w = _linear([0.0, 0.0])  # a zero gradient: ∂‖w‖/∂w = w/‖w‖ = 0/0 without an epsilon
    with tf.GradientTape() as tape:
        penalty = fn(d, real, fake, weight)
    grad = tape.gradient(penalty, w)
    if grad is None or not np.isfinite(grad.numpy()).all():
        return report(False, "at a zero gradient your penalty's own gradient is NaN (sqrt of 0): compute the "
                             "norm as sqrt(sum g² + 1e-12).")
    return report(True, "λ(‖∇D(x̂)‖ − 1)² at x̂ between real and fake, α uniform per sample, "
                        "finite at a zero gradient.")


def check_label_smoothing(fn) -> bool:
    """Exercise: ``fn(real_logits, fake_logits)`` is D's cross-entropy with real targets 0.9, fake 0.

    >>> check_label_smoothing(smoothed_bce_discriminator(0.1))
    Correct! real samples aim at 0.9, generated ones still at 0: one-sided.
    True
    """
    real = tf.constant([[2.0], [-1.0], [0.5], [4.0]])
    fake = tf.constant([[-3.0], [0.2], [1.0], [-0.5]])
    got, error = value(fn, real, fake)
    if error:
        return report(False, error)
    sp = tf.math.softplus
    bce = lambda logits, target: float(tf.reduce_mean(target * sp(-logits) + (1 - target) * sp(logits)))
    expected = bce(real, 0.9) + bce(fake, 0.0)
    mistakes = {
        bce(real, 0.9) + bce(fake, 0.1): "two-sided: only real samples are smoothed; generated ones keep target 0 "
                                         "(smoothing them pulls D towards the generator's samples).",
        bce(real, 1.0) + bce(fake, 0.0): "that is the plain cross-entropy: the real target is 0.9.",
        bce(real, 0.1) + bce(fake, 0.0): "the real target is 0.9, not 0.1.",
        0.9 * bce(real, 1.0) + bce(fake, 0.0): "0.9 · (−log D(x)) drops the 0.1 · (−log(1 − D(x))) term.",
        bce(real, 0.9) + bce(fake, 0.0) - bce(fake, 0.0): "add the generated samples' term, -log(1 - D(G(z))).",
    }
    if np.isclose(got, expected, rtol=1e-4):
        return report(True, "real samples aim at 0.9, generated ones still at 0: one-sided.")
    for wrong, hint in mistakes.items():
        if np.isclose(got, wrong, rtol=1e-4):
            return report(False, hint)
    return report(False, f"got {got:.4f}, expected {expected:.4f} on the test logits.")


def compare_prediction(predicted, measured: float, what: str) -> bool:
    """Predict-then-run: say how far the learner's number was from the measurement (prints, never raises)."""
    if predicted is None:
        return report(False, f"you did not write a prediction; the measurement was {measured:g} {what}.")
    try:
        predicted = float(predicted)
    except (TypeError, ValueError):
        return report(False, f"write your prediction as a number; the measurement was {measured:g} {what}.")
    close = abs(predicted - measured) <= 1
    return report(close, f"you predicted {predicted:g}, this run measured {measured:g} {what}."
                  + ("" if close else " Look at the gradient field of the frames below for why."))
