"""Notebook 09's exercise checks: the receptive field (each usual slip named) and the lambda prediction."""

import math

import pytest

from ganlab.exercises.translation import (RUNS, check_lambda_prediction, check_prediction_form, check_receptive_field,
                                          measured_answers, receptive_field)
from ganlab.models.translation import patchgan_discriminator
from ganlab.models.translation import receptive_field as library_receptive_field


def test_the_solution_passes_and_agrees_with_the_built_patchgan(capsys):
    assert check_receptive_field(receptive_field)
    assert capsys.readouterr().out.startswith("Correct! 70 x 70")
    model = patchgan_discriminator(32, 1, 1, base_filters=4, n_layers=2)
    convs = [(layer.kernel_size[0], layer.strides[0]) for layer in model.layers if hasattr(layer, "kernel_size")]
    assert receptive_field(convs) == library_receptive_field(model) == 34


def no_strides(layers):
    return 1 + sum(k - 1 for k, s in layers)


def own_stride_too(layers):
    r, jump = 1, 1
    for k, s in layers:
        jump *= s
        r += (k - 1) * jump
    return r


def from_zero(layers):
    r, jump = 0, 1
    for k, s in layers:
        r += (k - 1) * jump
        jump *= s
    return r


def whole_kernel(layers):
    r, jump = 1, 1
    for k, s in layers:
        r += k * jump
        jump *= s
    return r


@pytest.mark.parametrize("attempt, hint", [
    (no_strides, "the strides are missing"),
    (own_stride_too, "own stride is in its product"),
    (from_zero, "start from r = 1"),
    (whole_kernel, "not by k"),
    (lambda layers: receptive_field(layers[::-1]), "wrong order"),
    (lambda layers: None, "returned None"),
    (lambda layers: 1 / 0, "raised ZeroDivisionError"),
    (lambda layers: "70", "expected"),
    (lambda layers: [1, 2], "return one number"),
    (lambda layers: math.prod(k for k, s in layers), "expected"),
])
def test_each_mistake_gets_its_hint(attempt, hint, capsys):
    assert not check_receptive_field(attempt)
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out, out


def results(l1, ssim):
    return {run: {"l1": a, "ssim": b} for run, a, b in zip(RUNS, l1, ssim)}


def test_the_prediction_is_judged_against_what_was_measured(capsys):
    measured = results(l1=(0.20, 0.35, 0.22), ssim=(0.60, 0.30, 0.55))
    assert measured_answers(measured) == {"lowest L1": ["L1 only"], "lowest SSIM": ["lambda = 0"]}
    assert check_lambda_prediction({"lowest L1": "L1 only", "lowest SSIM": "lambda = 0"}, measured)
    out = capsys.readouterr().out
    assert out.startswith("Correct!") and "this run measured" in out and out.count(": right.") == 2, out
    assert not check_lambda_prediction({"lowest L1": "lambda = 0", "lowest SSIM": "lambda = 0"}, measured)
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and "lowest L1: you said 'lambda = 0'" in out and "not this time" in out


def test_runs_within_the_margin_count_as_a_tie():
    measured = results(l1=(0.200, 0.35, 0.203), ssim=(0.60, 0.305, 0.30))
    assert measured_answers(measured) == {"lowest L1": ["L1 only", "lambda = 100"],
                                          "lowest SSIM": ["lambda = 0", "lambda = 100"]}
    assert check_lambda_prediction({"lowest L1": "lambda = 100", "lowest SSIM": "lambda = 100"}, measured)


def test_the_reasoned_answer_counts_when_a_short_run_ranks_the_other_way(capsys):
    """lambda = 100 ahead on L1 and L1 only lowest on SSIM (short runs can be): the hint's answers still pass."""
    measured = results(l1=(0.36, 0.35, 0.33), ssim=(0.10, 0.12, 0.22))
    assert check_lambda_prediction({"lowest L1": "L1 only", "lowest SSIM": "lambda = 0"}, measured)
    out = capsys.readouterr().out
    assert out.startswith("Correct!") and out.count("what the hint reasons to, but not this run") == 2, out
    assert check_lambda_prediction({"lowest L1": "lambda = 100", "lowest SSIM": "L1 only"}, measured)
    assert capsys.readouterr().out.count(": right.") == 2
    assert not check_lambda_prediction({"lowest L1": "lambda = 0", "lowest SSIM": "lambda = 100"}, measured)
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and out.count("not this time") == 2 and "*this* target?" in out, out


@pytest.mark.parametrize("prediction, hint", [
    (None, "write a dict"),
    ({"lowest L1": "L1 only"}, "write a dict"),
    ({"lowest L1": "L1 only", "most recognised": "L1 only"}, "write a dict"),
    ({"lowest L1": "pix2pix", "lowest SSIM": "L1 only"}, "must be one of"),
])
def test_a_prediction_in_the_wrong_form_says_what_to_write(prediction, hint, capsys):
    assert not check_prediction_form(prediction)  # before the runs
    assert hint in capsys.readouterr().out
    assert not check_lambda_prediction(prediction, results((0.2, 0.3, 0.2), (0.5, 0.3, 0.6)))
    assert hint in capsys.readouterr().out


def test_a_prediction_in_the_right_form_is_noted_before_the_runs(capsys):
    assert check_prediction_form({"lowest L1": "L1 only", "lowest SSIM": "lambda = 100"})
    assert capsys.readouterr().out.startswith("Noted:")
