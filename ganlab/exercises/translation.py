"""Exercise checks of notebooks/09_pix2pix.ipynb: a PatchGAN's receptive field written by hand, and a
prediction about pix2pix's lambda (L1 only, lambda = 0, lambda = 100) compared with the measurement."""

from __future__ import annotations

import numpy as np

from ..models.translation import receptive_field as _receptive_field
from ._feedback import report

# Stacks of (kernel, stride), first layer first, chosen so that each usual slip gives a different number.
TEST_STACKS = (
    [(4, 2), (4, 2), (4, 2), (4, 1), (4, 1)],  # pix2pix's 70 x 70 PatchGAN
    [(4, 2), (4, 2), (4, 1), (4, 1)],          # the course's PatchGAN at 32 px: 34 x 34
    [(3, 1), (3, 2), (5, 2), (3, 1)],          # kernels of different sizes
    [(3, 1), (3, 1)],                          # two 3 x 3 convolutions see 5 x 5
)


def receptive_field(layers) -> int:
    """The solution: r = 1 + sum over layers of (k - 1) x (the product of the strides of the layers before it)."""
    return _receptive_field([(int(k), int(s)) for k, s in layers])


def _no_strides(layers):
    return 1 + sum(k - 1 for k, _ in layers)


def _own_stride_too(layers):
    field, jump = 1, 1
    for k, s in layers:
        jump *= s
        field += (k - 1) * jump
    return field


def _without_the_one(layers):
    return receptive_field(layers) - 1


def _kernel_not_minus_one(layers):
    field, jump = 1, 1
    for k, s in layers:
        field += k * jump
        jump *= s
    return field


def _backwards(layers):
    return receptive_field(list(reversed(list(layers))))


MISTAKES = {
    "the strides are missing: a layer's kernel of k covers k neighbouring outputs of the layer below, and after "
    "strides s1, s2, ... those are s1 x s2 x ... pixels apart, so (k - 1) is multiplied by the product of the "
    "strides of the layers *before* it.": _no_strides,
    "each layer's own stride is in its product: a layer's stride spaces out the outputs of the layers above it, "
    "not its own kernel. Multiply (k - 1) by the strides of the layers before it, then update the product.":
        _own_stride_too,
    "off by one: one output of the last layer sees one pixel before any kernel widens it, so start from r = 1.":
        _without_the_one,
    "off by one per layer: a kernel of k pixels widens the field by k - 1 (the one pixel in the middle is already "
    "counted), not by k.": _kernel_not_minus_one,
    "the layers are taken in the wrong order: the first (kernel, stride) is the layer that sees the image; the "
    "strides that multiply a layer's kernel are those of the layers between it and the image.": _backwards,
}


def check_receptive_field(fn) -> bool:
    """Is ``fn(layers)`` the receptive field of a stack of (kernel, stride) convolutions, first layer first?"""
    expected = [receptive_field(stack) for stack in TEST_STACKS]
    got = []
    for stack in TEST_STACKS:
        try:
            answer = fn(list(stack))
        except Exception as err:  # the learner's own error, in one line
            return report(False, f"calling it on {stack} raised {type(err).__name__}: {err}")
        if answer is None:
            return report(False, "your function returned None: end it with `return` and the field's side in pixels.")
        try:
            got.append(float(np.asarray(answer)))
        except (TypeError, ValueError):
            return report(False, f"on {stack} it returned {answer!r}: return one number, the side in pixels.")
    if np.allclose(got, expected):
        return report(True, f"{expected[0]} x {expected[0]} pixels for pix2pix's PatchGAN, {expected[1]} x "
                            f"{expected[1]} for this notebook's: r = 1 + sum (k - 1) x (strides before).")
    for hint, mistake in MISTAKES.items():
        if np.allclose(got, [mistake(stack) for stack in TEST_STACKS]):
            return report(False, hint)
    wrong = next(i for i, (a, b) in enumerate(zip(got, expected)) if not np.isclose(a, b))
    return report(False, f"on {list(TEST_STACKS[wrong])} it gave {got[wrong]:g}, expected {expected[wrong]}. "
                         "Walk back from one output: r = 1, then for each layer r += (k - 1) x jump and "
                         "jump *= stride.")


# --------------------------------------------------------------------------- the lambda prediction

RUNS = ("L1 only", "lambda = 0", "lambda = 100")
QUESTIONS = {  # question -> (score, True when higher is better, margin within which runs count as tied)
    "lowest L1": ("l1", False, 0.005),
    "lowest SSIM": ("ssim", False, 0.01),
}
# What the notebook's hint reasons to: L1 asks for the pixel-wise compromise, which is never far from the
# target; with lambda = 0 nothing pulls the output towards *this* target.
REASONED = {"lowest L1": "L1 only", "lowest SSIM": "lambda = 0"}
NOT_BORNE_OUT = {
    "lowest L1": "short runs of the two models with an L1 term are close, and which is ahead changes from run to "
                 "run; longer runs are in docs/benchmarks.md (notebook 09's lambda runs)",
    "lowest SSIM": "this run ranks it otherwise; compare the grids below, and the runs in docs/benchmarks.md",
}


def measured_answers(results: dict) -> dict[str, list[str]]:
    """For each question, the runs that answer it: the best one and any within the question's margin.

    ``results``: run name (one of :data:`RUNS`) -> its scores (``l1``, ``ssim``, ...).
    """
    answers = {}
    for question, (score, higher, margin) in QUESTIONS.items():
        values = {run: float(results[run][score]) for run in RUNS}
        best = max(values.values()) if higher else min(values.values())
        answers[question] = [run for run, value in values.items() if abs(value - best) <= margin]
    return answers


def _form_problem(prediction) -> str | None:
    """What is wrong with the form of ``prediction``, or None."""
    if not isinstance(prediction, dict) or set(prediction) != set(QUESTIONS):
        return f"write a dict with the keys {list(QUESTIONS)}, each set to one of {RUNS}."
    bad = {q: run for q, run in prediction.items() if run not in RUNS}
    return f"each answer must be one of {RUNS}; these are not: {bad}." if bad else None


def check_prediction_form(prediction) -> bool:
    """Before the runs: is ``prediction`` a dict of one run per question? Prints what to fix, or that it is noted."""
    problem = _form_problem(prediction)
    if problem:
        return report(False, problem)
    print(f"Noted: {prediction}. The next cell trains the three runs and compares.")
    return True


def _verdict(question: str, said: str, measured: list[str]) -> str:
    """'right', the reasoned answer that this run did not bear out, or 'not this time'."""
    if said in measured:
        return "right"
    if said == REASONED[question]:
        return f"what the hint reasons to, but not this run: {NOT_BORNE_OUT[question]}"
    return "not this time"


def check_lambda_prediction(prediction: dict, results: dict) -> bool:
    """Compare ``prediction`` ({question: run}) with what ``results`` measured; one line per question.

    An answer counts if this run bears it out, or if it is the one the notebook's hint reasons to
    (:data:`REASONED`): a short run can rank the two models with an L1 term either way.
    """
    problem = _form_problem(prediction)
    if problem:
        return report(False, problem)
    answers, lines = measured_answers(results), []
    for question, (score, higher, margin) in QUESTIONS.items():
        measured = ", ".join(f"{run} {results[run][score]:.3f}" for run in RUNS)
        lines.append(f"{question}: you said {prediction[question]!r}, this run measured {measured} "
                     f"({' or '.join(answers[question])}; within {margin} counts as a tie): "
                     f"{_verdict(question, prediction[question], answers[question])}.")
    ok = all(prediction[q] in (*answers[q], REASONED[q]) for q in QUESTIONS)
    hint = "" if ok else (" Which loss asks for the pixel-wise compromise, never far from any plausible target, "
                          "and which run has nothing pulling it towards *this* target?")
    return report(ok, "\n  " + "\n  ".join(lines) + hint)
