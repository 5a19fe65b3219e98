"""Notebook 06's exercise checks accept the solution and name each usual mistake."""

import numpy as np
import pytest

from ganlab.exercises.evaluation import change, check_frechet_distance, check_prediction


def solution(real, fake):
    mu_1, mu_2 = real.mean(axis=0), fake.mean(axis=0)
    cov_1, cov_2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    trace_of_root = np.sqrt(np.linalg.eigvals(cov_1 @ cov_2).real.clip(min=0)).sum()
    return float(np.sum((mu_1 - mu_2) ** 2) + np.trace(cov_1 + cov_2) - 2 * trace_of_root)


def means_only(real, fake):
    return float(np.sum((real.mean(0) - fake.mean(0)) ** 2))


def unsquared_means(real, fake):
    return solution(real, fake) - means_only(real, fake) + float(np.linalg.norm(real.mean(0) - fake.mean(0)))


def product_not_root(real, fake):
    cov_1, cov_2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    return means_only(real, fake) + float(np.trace(cov_1 + cov_2 - 2 * cov_1 @ cov_2))


def rows_as_variables(real, fake):  # np.cov's default: each row a variable
    cov_1, cov_2 = np.cov(real), np.cov(fake)
    trace_of_root = np.sqrt(np.linalg.eigvals(cov_1 @ cov_2).real.clip(min=0)).sum()
    return means_only(real, fake) + float(np.trace(cov_1 + cov_2) - 2 * trace_of_root)


def fails(real, fake):
    raise ValueError("shapes do not match")


def test_the_solution_passes(capsys):
    assert check_frechet_distance(solution)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("attempt, hint", [
    (means_only, "covariance part is missing"),
    (unsquared_means, "is squared"),
    (product_not_root, "square root of the product"),
    (rows_as_variables, "rowvar=False"),
    (fails, "raised ValueError: shapes do not match"),
    (lambda real, fake: float("nan"), "clip tiny negative ones"),
    (lambda real, fake: 1.0 + solution(real, fake), "expected"),
    (lambda real, fake: None, "returned None"),
])
def test_each_mistake_gets_its_hint(attempt, hint, capsys):
    assert not check_frechet_distance(attempt)
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out, out


BEFORE = {"fd": 4.7, "precision": 0.80, "recall": 0.91, "coverage": 0.88}
AFTER = {"fd": 59.0, "precision": 0.79, "recall": 0.53, "coverage": 0.46}  # half of the classes dropped


def test_the_right_prediction_passes(capsys):
    assert check_prediction({"fd": "Up ", "precision": "same", "recall": "down", "coverage": "DOWN"}, AFTER, BEFORE)
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("prediction, hint", [
    ({"fd": "same", "precision": "same", "recall": "same", "coverage": "same"}, "recall went down"),
    ({"fd": "up", "precision": "same", "recall": "same", "coverage": "down"}, "real image have a sample near it"),
    ({"fd": "up", "precision": "down", "recall": "down", "coverage": "down"}, "precision stayed the same"),
    ({"fd": "up", "precision": "same"}, "predict recall, coverage too"),
    ({"fd": "higher"}, "not one of"),
    ({"fid": "up"}, "no score named 'fid'"),
    ("up", "must be a dict"),
])
def test_a_wrong_or_incomplete_prediction_says_what(prediction, hint, capsys):
    assert not check_prediction(prediction, AFTER, BEFORE)
    assert hint in capsys.readouterr().out


def test_change_ignores_small_moves():
    assert change(0.80, 0.79) == "same" and change(0.80, 0.70) == "down" and change(4.7, 59.0) == "up"


def test_training_images_never_hold_the_reference_images():
    from ganlab.metrics import evaluation_split, training_images

    split, train = evaluation_split("mnist"), training_images("mnist")
    assert np.array_equal(train, split.train)
    assert np.array_equal(training_images("mnist", n=100), split.train[:100])
    seen = {image.tobytes() for image in train}
    assert not any(image.tobytes() in seen for image in split.reference[:500])
