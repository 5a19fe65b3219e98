"""Exercise check of notebooks/10_unpaired_translation.ipynb: CycleGAN's cycle loss.

The learner writes ``cycle_loss(real_a, real_b, G, F, weight=10.0)``: G translates A -> B, F B -> A, and
the loss is weight x (mean |F(G(a)) - a| + mean |G(F(b)) - b|). The check runs it on small arrays with two
simple "generators" whose outputs differ from every image they are compared with, so that each usual
slip gives its own number and its own hint.
"""

from __future__ import annotations

import numpy as np

from ._feedback import diagnose, report, value


def _mean_abs(x, y) -> float:
    return float(np.mean(np.abs(np.asarray(x, np.float64) - np.asarray(y, np.float64))))


def _mean_square(x, y) -> float:
    return float(np.mean(np.square(np.asarray(x, np.float64) - np.asarray(y, np.float64))))


def cycle_loss(real_a, real_b, G, F, weight: float = 10.0) -> float:
    """The solution: weight x (mean |F(G(a)) - a| + mean |G(F(b)) - b|)."""
    return weight * (_mean_abs(F(G(real_a)), real_a) + _mean_abs(G(F(real_b)), real_b))


def example_inputs(seed: int = 0):
    """(real_a, real_b, G, F): images (2, 4, 4, 3) in [-1, 1] and two generators that are not inverses.

    G and F are elementwise maps that never give an image back exactly, and whose round trips lose a
    different amount in each direction, so one direction alone, squares and a missing weight all show.
    """
    rng = np.random.default_rng(seed)
    real_a = rng.uniform(-1, 1, size=(2, 4, 4, 3))
    real_b = rng.uniform(-1, 1, size=(2, 4, 4, 3))

    def G(x):  # A -> B
        return np.tanh(0.8 * np.asarray(x) + 0.3)

    def F(y):  # B -> A
        return np.tanh(1.1 * np.asarray(y) - 0.2)

    return real_a, real_b, G, F


def _mistakes(real_a, real_b, G, F, weight: float) -> dict[str, float]:
    """The number each usual slip gives, keyed by its hint."""
    fake_b, fake_a = G(real_a), F(real_b)
    back_a, back_b = F(fake_b), G(fake_a)
    forward, backward = _mean_abs(back_a, real_a), _mean_abs(back_b, real_b)
    return {
        "only the A -> B -> A cycle is there: add the other one, |G(F(b)) - b|, so both generators "
        "must keep what they were given.": weight * forward,
        "only the B -> A -> B cycle is there: add |F(G(a)) - a| as well.": weight * backward,
        "the difference is squared: CycleGAN's cycle loss is the mean absolute difference (L1), which "
        "blurs less than a square.": weight * (_mean_square(back_a, real_a) + _mean_square(back_b, real_b)),
        "both directions are there, but the weight lambda is missing: multiply the sum by `weight`.": forward + backward,
        "lambda is applied, but the sum of the two directions is averaged (divided by 2): CycleGAN adds them.":
            weight * (forward + backward) / 2,
        "the translation is compared with the real image: G(a) is a B image, it cannot look like a. "
        "Translate it back first: compare F(G(a)) with a, and G(F(b)) with b.":
            weight * (_mean_abs(fake_b, real_a) + _mean_abs(fake_a, real_b)),
        "this is still the starter line: it compares the translation G(a) with a, in one direction only. "
        "Translate it back first, F(G(a)), compare that with a, and add the other round trip, |G(F(b)) - b|.":
            weight * _mean_abs(fake_b, real_a),
        "the round trip is compared with the image of the other domain: F(G(a)) should give back a "
        "(not b), G(F(b)) should give back b.": weight * (_mean_abs(back_a, real_b) + _mean_abs(back_b, real_a)),
        "each image went through the wrong generator first: a is an A image, so it goes to G (A -> B) and "
        "then back through F; b goes through F first.":
            weight * (_mean_abs(G(F(real_a)), real_a) + _mean_abs(F(G(real_b)), real_b)),
    }


def check_cycle_loss(fn, weight: float = 10.0) -> bool:
    """Is ``fn(real_a, real_b, G, F, weight)`` CycleGAN's cycle loss? Prints a verdict with a hint."""
    real_a, real_b, G, F = example_inputs()
    got, error = value(fn, real_a, real_b, G, F, weight)
    if error:
        if "NoneType" in error or "None" in error:
            return report(False, "your function returned None: end it with `return` and the loss.")
        return report(False, error)
    expected = cycle_loss(real_a, real_b, G, F, weight)
    verdict = diagnose(got, _mistakes(real_a, real_b, G, F, weight), expected)
    if verdict is True:
        return report(True, "lambda x (|F(G(a)) - a| + |G(F(b)) - b|): both round trips, in L1.")
    if verdict.startswith("got "):
        verdict = (f"got {got:.4f}, expected {expected:.4f} on the test images: "
                   "weight x (mean |F(G(a)) - a| + mean |G(F(b)) - b|).")
    return report(False, verdict)
