"""Feedback on the exercises of notebooks/06_evaluating_gans.ipynb."""

from __future__ import annotations

import numpy as np

from ..metrics import frechet_distance
from ._feedback import report

CHANGES = ("up", "same", "down")
WHAT_EACH_SCORE_ASKS = {  # the hint for a wrong prediction, per score
    "fd": "FD compares the means and spreads of the two feature sets: fewer classes move both",
    "precision": "precision asks 'does each sample land near some real image?' (fidelity)",
    "recall": "recall asks 'does each real image have a sample near it?' (variety)",
    "density": "density counts how many real neighbourhoods each sample falls in (fidelity)",
    "coverage": "coverage asks 'does each real image's neighbourhood hold a sample?' (variety)",
}
ROWVAR_HINT = ("np.cov treats each row as one variable: for (N, D) features use np.cov(x, rowvar=False), "
               "a D x D covariance.")


def _test_sets(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two small correlated Gaussian feature sets whose means and covariances differ."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(4, 4))
    real = rng.normal(size=(500, 4)) @ mixing
    fake = rng.normal(size=(500, 4)) @ (mixing * 1.5) + 0.7
    return real, fake


def _mistakes(real: np.ndarray, fake: np.ndarray) -> dict[str, float]:
    """What the usual slips give on (real, fake), each with its hint."""
    mu_r, mu_f = real.mean(0), fake.mean(0)
    cov_r, cov_f = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    mean_part = float(((mu_r - mu_f) ** 2).sum())
    covariance_part = _covariance_part(cov_r, cov_f)
    return {
        "the distance of the means is squared (‖μ₁ − μ₂‖², not ‖μ₁ − μ₂‖).":
            float(np.linalg.norm(mu_r - mu_f)) + covariance_part,
        "the covariance part is Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½): the square root of the product, "
        "not the product.": mean_part + float(np.trace(cov_r + cov_f - 2 * cov_r @ cov_f)),
        "the covariance part is missing: FD compares spreads as well as means.": mean_part,
        "the covariance part needs the factor 2 in front of Tr((Σ₁Σ₂)^½).":
            mean_part + float(np.trace(cov_r + cov_f) - np.sqrt(np.linalg.eigvals(cov_r @ cov_f).real.clip(0)).sum()),
        ROWVAR_HINT: mean_part + _covariance_part(np.cov(real), np.cov(fake)),
    }


def _covariance_part(cov_r: np.ndarray, cov_f: np.ndarray) -> float:
    """Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½), from the eigenvalues of the product."""
    product = np.linalg.eigvals(cov_r @ cov_f)
    return float(np.trace(cov_r + cov_f) - 2 * np.sqrt(product.real.clip(0)).sum())


def check_frechet_distance(fn) -> bool:
    """Is ``fn(real, fake)`` the Fréchet distance between two sets of feature vectors (N, D)?"""
    real, fake = _test_sets()
    try:
        result = fn(real, fake)
        if result is None:
            return report(False, "your function returned None: end it with `return` and the distance.")
        got, itself = float(np.asarray(result)), float(np.asarray(fn(real, real)))
    except Exception as err:  # the learner's own error, in one line
        shapes = "shape" in str(err) or "broadcast" in str(err)
        return report(False, f"calling it raised {type(err).__name__}: {err}" + (f" ({ROWVAR_HINT})" if shapes else ""))
    expected = frechet_distance(real, fake)
    if not np.isfinite(got):
        return report(False, f"it returned {got}; keep the real part of the eigenvalues and clip tiny "
                             "negative ones to 0 before the square root.")
    if np.isclose(got, expected, rtol=1e-3):
        if abs(itself) > 1e-3:
            return report(False, f"a set against itself should be about 0, got {itself:.4f}.")
        return report(True, f"{got:.3f} on the test features, as ganlab.metrics.frechet_distance gives.")
    for hint, value in _mistakes(real, fake).items():
        if np.isclose(got, value, rtol=1e-3):
            return report(False, hint)
    return report(False, f"got {got:.4f}, expected {expected:.4f} on the test features. FD = ‖μ₁ − μ₂‖² + "
                         "Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½), μ the means and Σ the covariances.")


def check_prediction(prediction: dict, measured: dict, before: dict, tolerance: float = 0.05) -> bool:
    """Compare the learner's predicted changes ("up", "same", "down") with what was measured.

    ``before`` and ``measured`` map a score name to its value on all classes and after dropping
    some; a change smaller than ``tolerance`` (relative, or absolute below 1) counts as "same".
    """
    if not isinstance(prediction, dict) or not prediction:
        return report(False, f"prediction must be a dict like {{'precision': 'same', 'recall': 'down'}}, "
                             f"each value one of {CHANGES}.")
    wrong, unknown = [], []
    prediction = {str(name).strip().lower(): str(guess).strip().lower() for name, guess in prediction.items()}
    for name, guess in prediction.items():
        if name not in measured:
            unknown.append(name)
        elif guess not in CHANGES:
            return report(False, f"{name!r}: {guess!r} is not one of {CHANGES}.")
        elif guess != change(before[name], measured[name], tolerance):
            moved = {"up": "went up", "down": "went down", "same": "stayed the same"}
            wrong.append(f"{name} {moved[change(before[name], measured[name], tolerance)]} "
                         f"({before[name]:.3g} -> {measured[name]:.3g}), you said {guess!r}: "
                         f"{WHAT_EACH_SCORE_ASKS.get(name, 'compare it with the others')}")
    if unknown:
        return report(False, f"no score named {', '.join(map(repr, unknown))}; use {', '.join(measured)}.")
    missing = [name for name in measured if name not in prediction]
    if wrong:
        return report(False, "; ".join(wrong) + ".")
    if missing:
        return report(False, f"all right so far; predict {', '.join(missing)} too.")
    return report(True, "dropping classes shows in the variety scores, hardly in the fidelity ones.")


def change(before: float, after: float, tolerance: float = 0.05) -> str:
    """'up', 'same' or 'down': ``after`` against ``before``, ignoring changes below ``tolerance``.

    >>> change(0.80, 0.79), change(0.80, 0.50), change(1.0, 2.0)
    ('same', 'down', 'up')
    """
    scale = max(abs(before), 1.0)
    if abs(after - before) <= tolerance * scale:
        return "same"
    return "up" if after > before else "down"
