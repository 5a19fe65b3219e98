"""Exercise checks of notebooks/01_gan_on_toy_data.ipynb: the optimal discriminator and the
generator losses' gradients with respect to D's logit."""

from __future__ import annotations

import numpy as np

from ..metrics import optimal_discriminator
from ._feedback import report


def _call(fn, *args) -> tuple[np.ndarray | None, str | None]:
    """(float array returned by ``fn(*args)``, None), or (None, the learner's own error in one line)."""
    try:
        return np.asarray(fn(*args), dtype=float), None
    except Exception as err:  # show the learner's own error, briefly
        return None, f"calling it raised {type(err).__name__}: {err}"


def _which(got: np.ndarray, candidates: dict[str, np.ndarray]) -> str | None:
    """The hint of the first known mistake that gives ``got``, if any."""
    for hint, candidate in candidates.items():
        if got.shape == candidate.shape and np.allclose(got, candidate, atol=1e-6):
            return hint
    return None


def check_optimal_discriminator(fn) -> bool:
    """Exercise: D*(x) = p_data / (p_data + p_g) (notebooks/01).

    >>> check_optimal_discriminator(lambda p_data, p_g: p_data / (p_data + p_g))
    Correct! D* is 1 where only real data lives, 0 where only the generator does, 1/2 where they agree.
    True
    """
    p_data = np.array([0.4, 0.1, 0.0, 0.25])
    p_g = np.array([0.1, 0.1, 0.3, 0.75])
    got, error = _call(fn, p_data, p_g)
    if error:
        return report(False, error)
    expected = optimal_discriminator(p_data, p_g)
    if got.shape != expected.shape:
        return report(False, f"it returned shape {got.shape}; return one value per point, {expected.shape}.")
    if np.allclose(got, expected):
        return report(True, "D* is 1 where only real data lives, 0 where only the generator does, 1/2 where they agree.")
    with np.errstate(divide="ignore", invalid="ignore"):
        hint = _which(got, {
            "that is the probability of 'generated'; D* is the probability of 'real'.": 1 - expected,
            "that is the density ratio r = p_data / p_g, which is unbounded; D* = r / (1 + r), "
            "a probability between 0 and 1.": p_data / p_g,
            "a difference of densities is not a probability; divide p_data by the sum of both densities.":
                p_data - p_g,
        })
    return report(False, hint or f"got {np.round(got, 3).tolist()}, expected {np.round(expected, 3).tolist()}.")


_D = np.array([0.01, 0.2, 0.5, 0.9])  # values of D(G(z)) = sigmoid(a) the check evaluates at


def check_logit_gradients(minimax, non_saturating) -> bool:
    """Exercise: the derivative of each generator loss with respect to D's logit a (notebooks/01).

    Both functions take ``d`` = D(G(z)) = sigmoid(a) (a NumPy array) and return
    d(loss)/da at those points: minimax loss log(1 - D(G(z))), non-saturating loss
    -log D(G(z)).

    >>> check_logit_gradients(lambda d: -d, lambda d: -(1 - d))
    Correct! minimax: -D(G(z)), which vanishes when D rejects the samples; non-saturating: -(1 - D(G(z))), largest there.
    True
    """
    d = _D.copy()
    right = {"minimax": -d, "non_saturating": -(1 - d)}
    got = {}
    for name, fn in (("minimax", minimax), ("non_saturating", non_saturating)):
        got[name], error = _call(fn, d.copy())
        if error:
            return report(False, f"{name}: {error}")
        if got[name].shape != d.shape:
            return report(False, f"{name}: it returned shape {got[name].shape} for {len(d)} values of "
                                 f"D(G(z)); return one derivative per value (use d, the array you get).")
    if np.allclose(got["minimax"], right["non_saturating"]) and np.allclose(got["non_saturating"], right["minimax"]):
        return report(False, "the two are swapped: the minimax loss log(1 - D) gives -D(G(z)), "
                             "the non-saturating -log D gives -(1 - D(G(z))).")
    chain = "that is the derivative with respect to D(G(z)); with respect to the logit a, multiply by dD/da = D(1 - D)."
    mistakes = {
        "minimax": {
            "the sign: log(1 - D) falls as the logit a grows, so its derivative is negative.": d,
            chain: -1 / (1 - d),
            "that is the derivative with respect to D(G(z)), with the wrong sign as well; "
            "with respect to a, multiply by dD/da = D(1 - D).": 1 / (1 - d),
            "that is dD/da = D(1 - D) alone; the chain rule multiplies it by d log(1 - D)/dD = -1/(1 - D).":
                d * (1 - d),
            "that is -dD/da; the chain rule multiplies dD/da = D(1 - D) by d log(1 - D)/dD = -1/(1 - D).":
                -d * (1 - d),
        },
        "non_saturating": {
            "the sign: -log D falls as the logit a grows, so its derivative is negative.": 1 - d,
            chain: -1 / d,
            "that is the derivative with respect to D(G(z)), with the wrong sign as well; "
            "with respect to a, multiply by dD/da = D(1 - D).": 1 / d,
            "that is dD/da = D(1 - D) alone; the chain rule multiplies it by d(-log D)/dD = -1/D.": d * (1 - d),
            "that is -dD/da; the chain rule multiplies dD/da = D(1 - D) by d(-log D)/dD = -1/D.": -d * (1 - d),
        },
    }
    mistakes["non_saturating"]["that is the minimax derivative, -D(G(z)); -log D gives -(1 - D(G(z)))."] = -d
    mistakes["minimax"]["that is the non-saturating derivative; log(1 - D) gives -D(G(z))."] = -(1 - d)
    for name in ("minimax", "non_saturating"):
        if not np.allclose(got[name], right[name]):
            hint = _which(got[name], mistakes[name])
            return report(False, f"{name}: " + (hint or f"at D(G(z)) = {d.tolist()} it gives "
                                                f"{np.round(got[name], 3).tolist()}, expected "
                                                f"{np.round(right[name], 3).tolist()}."))
    return report(True, "minimax: -D(G(z)), which vanishes when D rejects the samples; "
                        "non-saturating: -(1 - D(G(z))), largest there.")
