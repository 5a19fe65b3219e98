"""The exercise checks of notebooks/03_debugging_gan_code.ipynb: each accepts the right answer and
gives the specific hint for each typical wrong one."""

import keras
import numpy as np
import pytest
from keras import layers

from ganlab.data import to_model_range
from ganlab.exercises import clinic
from ganlab.models import dense_discriminator


def verdict(capsys, ok):
    out = capsys.readouterr().out
    assert out.startswith("Correct! " if ok else "Not yet: "), out
    return out


# ---- bug (e): the pixels' range ------------------------------------------------------------

@pytest.mark.parametrize("fn, ok, hint", [
    (lambda x: x.astype("float32") / 127.5 - 1, True, "0 -> -1"),
    (to_model_range, True, "0 -> -1"),
    (lambda x: x / 127.5 - 1, False, "dtype is float64"),
    (lambda x: x.astype("float32") / 255, False, "that is [0, 1]"),
    (lambda x: x.astype("float32") / 127.5, False, "that is [0, 2]"),
    (lambda x: (x.astype("float32") - 127.5) / 255, False, "[-0.5, 0.5]"),
    (lambda x: 1 - x.astype("float32") / 127.5, False, "sign is flipped"),
    (lambda x: x, False, "whole numbers"),
    (lambda x: x.astype("float32").reshape(len(x), -1) / 127.5 - 1, False, "keep the shape"),
    (lambda x: x.astype("float32") / 100 - 1, False, "values run from"),
    (lambda x: undefined_name, False, "raised NameError"),  # noqa: F821
])
def test_preprocessing_check(capsys, fn, ok, hint):
    assert clinic.check_preprocessing(fn) is ok
    assert hint in verdict(capsys, ok)


# ---- bug (f): the discriminator's last layer and its loss -----------------------------------

def small_discriminator(activation=None, units=1):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(8),
                             layers.LeakyReLU(0.2), layers.Dense(units, activation=activation)])


@pytest.mark.parametrize("make, from_logits, ok, hint", [
    (lambda: small_discriminator(), True, True, "outputs a logit"),
    (lambda: dense_discriminator(units=(8,)), True, True, "outputs a logit"),
    (lambda: small_discriminator("sigmoid"), False, True, "consistent"),
    (lambda: small_discriminator("sigmoid"), True, False, "remove the sigmoid"),
    (lambda: small_discriminator(), False, False, "use BinaryCrossentropy(from_logits=True)"),
    (lambda: small_discriminator(units=2), True, False, "end with Dense(1)"),
])
def test_discriminator_head_check(capsys, make, from_logits, ok, hint):
    model = make()
    before = [w.copy() for w in model.get_weights()]
    assert clinic.check_discriminator_head(model, keras.losses.BinaryCrossentropy(from_logits=from_logits)) is ok
    assert hint in verdict(capsys, ok)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights())), "the check changed the weights"


def test_discriminator_head_check_wrong_types(capsys):
    assert clinic.check_discriminator_head("D", keras.losses.BinaryCrossentropy()) is False
    assert "expected a keras.Model" in verdict(capsys, False)
    assert clinic.check_discriminator_head(small_discriminator(), keras.losses.MeanSquaredError()) is False
    assert "BinaryCrossentropy" in verdict(capsys, False)
