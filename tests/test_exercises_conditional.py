"""Notebook 08's exercise check accepts the projection logit and names each usual mistake."""

import numpy as np
import pytest

from ganlab.exercises.conditional import check_projection_logit, projection_logit


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
