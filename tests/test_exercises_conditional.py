"""Notebook 08's exercise check accepts the projection logit and names each usual mistake."""

import numpy as np
import pytest

from ganlab.exercises.conditional import check_augmentation_prediction, check_projection_logit, projection_logit


def test_the_solution_passes(capsys):
    assert check_projection_logit(projection_logit)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("attempt, hint", [
    (lambda h, v, w, b, y: np.sum(v[y] * h, axis=1), "unconditional part w . h + b is missing"),
    (lambda h, v, w, b, y: h @ w + b, "the class term is missing"),
    (lambda h, v, w, b, y: h @ w + b + np.sum(v[y], axis=1), "added, not multiplied"),
    (lambda h, v, w, b, y: h @ w + np.sum(v[y] * h, axis=1), "bias b is missing"),
    (lambda h, v, w, b, y: h @ v.T, "a score for every class"),
    (lambda h, v, w, b, y: None, "returned None"),
    (lambda h, v, w, b, y: 1 / 0, "raised ZeroDivisionError"),
    (lambda h, v, w, b, y: projection_logit(h, v, w, b, y) + 1, "expected"),
])
def test_each_mistake_gets_its_hint(attempt, hint, capsys):
    assert not check_projection_logit(attempt)
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out, out


def runs(real, with_gan):
    return [{"per_class": 10, "accuracy": {"real": a, "real + GAN ×2": b}} for a, b in zip(real, with_gan)]


@pytest.mark.parametrize("real, with_gan, verdict", [
    ((0.70, 0.72), (0.69, 0.70), "worse"),    # -1.5 points, spreads of 1 point
    ((0.70, 0.72), (0.70, 0.715), "same"),    # -0.25 points
    ((0.70,), (0.74,), "better"),             # one seed: more than 1 point
    ((0.70, 0.80), (0.72, 0.84), "same"),     # +3 points, but a spread of 5
])
def test_the_prediction_is_judged_against_the_spread(real, with_gan, verdict, capsys):
    for guess in ("better", "same", "worse"):
        assert check_augmentation_prediction(guess, runs(real, with_gan)) == (guess == verdict)
    assert "labels per class" in capsys.readouterr().out


def test_a_prediction_that_is_not_a_verdict_says_what_to_write(capsys):
    assert not check_augmentation_prediction("maybe", runs((0.7,), (0.7,)))
    assert "one of ('better', 'same', 'worse')" in capsys.readouterr().out
