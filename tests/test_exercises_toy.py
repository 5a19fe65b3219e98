"""The exercise checks of notebooks 00 (setup) and 01 (GAN on toy data): each accepts the right
answer and gives the specific hint for each typical wrong one."""

import numpy as np
import pytest

from ganlab.data import to_model_range
from ganlab.exercises import setup, toy


def verdict(capsys, ok):
    out = capsys.readouterr().out
    assert out.startswith("Correct! " if ok else "Not yet: "), out
    return out


# ---- 01: the optimal discriminator ----------------------------------------------------------

@pytest.mark.parametrize("fn, ok, hint", [
    (lambda p, q: p / (p + q), True, "1/2 where they agree"),
    (lambda p, q: p / (p + q + 1e-12), True, "1/2 where they agree"),
    (lambda p, q: q / (p + q), False, "probability of 'generated'"),
    (lambda p, q: p / q, False, "density ratio"),
    (lambda p, q: p - q, False, "difference of densities"),
    (lambda p, q: np.zeros_like(p), False, "expected [0.8, 0.5, 0.0, 0.25]"),
    (lambda p, q: (p / (p + q))[:2], False, "one value per point"),
    (lambda p, q: undefined_name, False, "raised NameError"),  # noqa: F821
])
def test_optimal_discriminator_check(capsys, fn, ok, hint):
    assert toy.check_optimal_discriminator(fn) is ok
    assert hint in verdict(capsys, ok)


# ---- 01: the generator losses' gradients with respect to D's logit ---------------------------

MM, NS = (lambda d: -d), (lambda d: -(1 - d))


@pytest.mark.parametrize("minimax, non_saturating, ok, hint", [
    (MM, NS, True, "vanishes when D rejects"),
    (lambda d: d - d**2 - d + d**2 - d, lambda d: d - 1, True, "vanishes when D rejects"),  # other spellings
    (NS, MM, False, "the two are swapped"),
    (lambda d: d, NS, False, "minimax: the sign"),
    (MM, lambda d: 1 - d, False, "non_saturating: the sign"),
    (lambda d: -1 / (1 - d), NS, False, "minimax: that is the derivative with respect to D(G(z)); "),
    (MM, lambda d: -1 / d, False, "non_saturating: that is the derivative with respect to D(G(z)); "),
    (MM, lambda d: 1 / d, False, "with the wrong sign as well"),
    (lambda d: d * (1 - d), NS, False, "dD/da = D(1 - D) alone"),
    (MM, lambda d: -d * (1 - d), False, "non_saturating: that is -dD/da"),
    (MM, MM, False, "non_saturating: that is the minimax derivative"),
    (NS, NS, False, "minimax: that is the non-saturating derivative"),
    (lambda d: 0.0, NS, False, "return one derivative per value"),
    (MM, lambda d: np.log(d), False, "expected [-0.99, -0.8, -0.5, -0.1]"),
    (lambda d: 1 / 0, NS, False, "minimax: calling it raised ZeroDivisionError"),
])
def test_logit_gradients_check(capsys, minimax, non_saturating, ok, hint):
    assert toy.check_logit_gradients(minimax, non_saturating) is ok
    assert hint in verdict(capsys, ok)


def test_logit_gradients_check_agrees_with_automatic_differentiation():
    """The check's answer is what TensorFlow computes from ganlab.losses (a batch mean: times N)."""
    import tensorflow as tf

    from ganlab import losses

    d = np.array([0.01, 0.2, 0.5, 0.9])
    for name, formula in (("minimax", MM), ("non_saturating", NS)):
        a = tf.Variable(np.log(d / (1 - d)))
        with tf.GradientTape() as tape:
            loss = losses.get_loss(name).generator(a)
        assert np.allclose(len(d) * tape.gradient(loss, a).numpy(), formula(d), atol=1e-6)


# ---- 00: the pixel convention ----------------------------------------------------------------

@pytest.mark.parametrize("fn, ok, hint", [
    (lambda p: p / 127.5 - 1, True, "0 becomes -1"),
    (lambda p: (p.astype("float32") - 127.5) / 127.5, True, "0 becomes -1"),
    (to_model_range, True, "0 becomes -1"),
    (lambda p: p / 255, False, "gives [0, 1]"),
    (lambda p: p / 127.5, False, "gives [0, 2]"),
    (lambda p: (p - 127.5) / 255, False, "gives [-0.5, 0.5]"),
    (lambda p: 1 - p / 127.5, False, "black and white are swapped"),
    (lambda p: p // 127.5 - 1, False, "// rounds down"),
    (lambda p: p * 2 / 255 - 1, False, "uint8 arithmetic wraps"),
    (lambda p: p // 127 - 1, False, "true division"),
    (lambda p: (p / 127.5 - 1).reshape(len(p), -1), False, "keep the shape"),
    (lambda p: p / 128 - 1, False, "0 gave -1.000 and 255 gave 0.992"),
    (lambda p: p, False, "returns the pixels unchanged"),
    (lambda p: p.astype("float32"), False, "returns the pixels unchanged"),
    (lambda p: p.foo, False, "raised AttributeError"),
])
def test_model_range_check(capsys, fn, ok, hint):
    assert setup.check_model_range(fn) is ok
    assert hint in verdict(capsys, ok)


def test_model_range_check_does_not_let_the_learner_change_its_reference():
    def in_place(p):
        p[...] = 0
        return p / 127.5 - 1
    assert setup.check_model_range(in_place) is False


# ---- 00: the settings of a one-CPU machine ---------------------------------------------------

@pytest.mark.parametrize("settings, ok, hint", [
    ({"GANLAB_PROFILE": "cpu", "GANLAB_THREADS": "1"}, True, "what binder/start sets"),
    ({"GANLAB_PROFILE": "CPU ", "GANLAB_THREADS": 1}, True, "what binder/start sets"),
    ({"GANLAB_PROFILE": "gpu", "GANLAB_THREADS": "1"}, False, "take hours"),
    ({"GANLAB_PROFILE": "quick", "GANLAB_THREADS": "1"}, False, "profile of the tests"),
    ({"GANLAB_PROFILE": "laptop", "GANLAB_THREADS": "1"}, False, "the profiles are quick, cpu, gpu"),
    ({"GANLAB_PROFILE": "cpu"}, False, "set GANLAB_THREADS too"),
    ({"GANLAB_PROFILE": "cpu", "GANLAB_THREADS": "2"}, False, "only take turns"),
    ({"GANLAB_PROFILE": "cpu", "GANLAB_THREADS": "one"}, False, "whole number >= 1"),
    ({"GANLAB_PROFILE": "cpu", "GANLAB_THREADS": "0"}, False, "whole number >= 1"),
    ("cpu", False, "expected a dict"),
])
def test_one_cpu_settings_check(capsys, settings, ok, hint):
    assert setup.check_one_cpu_settings(settings) is ok
    assert hint in verdict(capsys, ok)
