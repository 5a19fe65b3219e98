"""Exercise checks of notebooks/08_conditional_gans.ipynb: the projection discriminator's logit, and a
prediction about GAN data augmentation compared with the measurement."""

from __future__ import annotations

import numpy as np

from ..augmentation import summarise
from ._feedback import report


def _test_inputs(seed: int = 0):
    """Features (6, 4), class vectors (3, 4), w (4,), b and labels (6,): small and all different."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(6, 4)), rng.normal(size=(3, 4)), rng.normal(size=4), 0.3,
            np.array([0, 2, 1, 1, 0, 2]))


def projection_logit(features, class_vectors, w, b, labels) -> np.ndarray:
    """The solution: w . h + b + V[y] . h, one logit per row of ``features``."""
    features = np.asarray(features, dtype=np.float64)
    return features @ np.asarray(w) + b + np.sum(np.asarray(class_vectors)[np.asarray(labels)] * features, axis=1)


def _mistakes(h, v, w, b, y) -> dict[str, np.ndarray]:
    """What the usual slips give, each with its hint."""
    return {
        "the unconditional part w . h + b is missing: the projection is added to it.": projection_logit(h, v, 0 * w, 0, y),
        "the class term is missing: V[y] . h is what makes D ask 'is this image of class y?'.": h @ w + b,
        "the class vector is added, not multiplied: use the inner product sum(V[y] * h, axis=1).":
            h @ w + b + np.sum(v[y], axis=1),
        "the bias b is missing.": projection_logit(h, v, w, 0, y),
    }


def check_projection_logit(fn) -> bool:
    """Is ``fn(features, class_vectors, w, b, labels)`` the projection discriminator's logit (one per row)?"""
    h, v, w, b, y = _test_inputs()
    try:
        got = fn(h, v, w, b, y)
        if got is None:
            return report(False, "your function returned None: end it with `return` and the logits.")
        got = np.asarray(got, dtype=np.float64)
    except Exception as err:  # the learner's own error, in one line
        return report(False, f"calling it raised {type(err).__name__}: {err}")
    expected = projection_logit(h, v, w, b, y)
    if got.shape == (len(h), len(v)):
        return report(False, f"got shape {got.shape}, a score for every class: pick each row's own class, "
                             "class_vectors[labels], for one logit per image.")
    if got.shape != expected.shape:
        return report(False, f"got shape {got.shape}; expected one logit per image, shape {expected.shape}.")
    if np.allclose(got, expected, rtol=1e-5, atol=1e-6):
        return report(True, "one inner product per image, w . h + b + V[y] . h.")
    for hint, candidate in _mistakes(h, v, w, b, y).items():
        if np.allclose(got, candidate, rtol=1e-5, atol=1e-6):
            return report(False, hint)
    return report(False, f"got {np.round(got, 3).tolist()}, expected {np.round(expected, 3).tolist()}: "
                         "logit = w . h + b + V[y] . h.")


VERDICTS = ("better", "same", "worse")
MIN_DIFFERENCE = 0.01  # with one seed there is no spread: closer than 1 point counts as "same"


def measured_verdict(summary: dict, setting: str, budget: int) -> tuple[str, float, float]:
    """("better" | "same" | "worse", difference, margin): ``setting`` against "real" at ``budget``.

    ``summary`` is ``ganlab.augmentation.summarise(results)``. A difference within the larger of the
    two spreads (one standard deviation over seeds), or within one point, is "same".
    """
    (mean, std, _), (base, base_std, _) = summary[setting][budget], summary["real"][budget]
    margin = max(std, base_std, MIN_DIFFERENCE)
    difference = mean - base
    verdict = "same" if abs(difference) <= margin else ("better" if difference > 0 else "worse")
    return verdict, difference, margin


def check_augmentation_prediction(prediction: str, results: list[dict]) -> bool:
    """Did "real + GAN" (its first ratio) do ``prediction`` against "real" at the smallest label budget?"""
    guess = str(prediction).strip().lower()
    if guess not in VERDICTS:
        return report(False, f"prediction must be one of {VERDICTS}, not {prediction!r}.")
    summary = summarise(results)
    setting = next(name for name in summary if name.startswith("real + GAN"))
    budget = min(summary["real"])
    verdict, difference, margin = measured_verdict(summary, setting, budget)
    measured = (f"at {budget} labels per class, {setting} scored {100 * difference:+.1f} points against real "
                f"alone (a difference within {100 * margin:.1f} points counts as the same)")
    if guess == verdict:
        return report(True, measured + ".")
    return report(False, measured + f", so it was {verdict!r}, not {guess!r}. What did the GAN learn from, "
                                    "and can it draw anything the labelled images do not already show?")
