"""Notebook 10's exercise check accepts the cycle loss and names each usual mistake."""

import keras
import numpy as np
import pytest
from keras import ops

from ganlab.exercises.unpaired import _mistakes, check_cycle_loss, cycle_loss, example_inputs


def mean_abs(x, y):
    return np.mean(np.abs(x - y))


def test_the_solution_passes(capsys):
    assert check_cycle_loss(cycle_loss)
    assert capsys.readouterr().out.startswith("Correct!")


def test_an_answer_in_keras_ops_passes(capsys):
    def attempt(real_a, real_b, G, F, weight=10.0):
        return weight * (ops.mean(ops.abs(F(G(real_a)) - real_a)) + ops.mean(ops.abs(G(F(real_b)) - real_b)))
    assert check_cycle_loss(attempt)
    assert capsys.readouterr().out.startswith("Correct!")


def test_the_mistakes_give_different_numbers():
    real_a, real_b, G, F = example_inputs()
    numbers = [cycle_loss(real_a, real_b, G, F), *_mistakes(real_a, real_b, G, F, 10.0).values()]
    assert min(abs(x - y) for i, x in enumerate(numbers) for y in numbers[i + 1:]) > 1e-2, numbers


@pytest.mark.parametrize("attempt, hint", [
    (lambda a, b, G, F, w=10.0: w * mean_abs(F(G(a)), a), "only the A -> B -> A cycle"),
    (lambda a, b, G, F, w=10.0: w * mean_abs(G(F(b)), b), "only the B -> A -> B cycle"),
    (lambda a, b, G, F, w=10.0: w * (np.mean((F(G(a)) - a) ** 2) + np.mean((G(F(b)) - b) ** 2)), "squared"),
    (lambda a, b, G, F, w=10.0: mean_abs(F(G(a)), a) + mean_abs(G(F(b)), b), "weight lambda is missing"),
    (lambda a, b, G, F, w=10.0: w * (mean_abs(F(G(a)), a) + mean_abs(G(F(b)), b)) / 2, "averaged"),
    (lambda a, b, G, F, w=10.0: w * (mean_abs(G(a), a) + mean_abs(F(b), b)), "compared with the real image"),
    (lambda a, b, G, F, w=10.0: w * mean_abs(G(a), a), "still the starter line"),  # the notebook's starter
    (lambda a, b, G, F, w=10.0: w * (mean_abs(F(G(a)), b) + mean_abs(G(F(b)), a)), "image of the other domain"),
    (lambda a, b, G, F, w=10.0: w * (mean_abs(G(F(a)), a) + mean_abs(F(G(b)), b)), "wrong generator first"),
    (lambda a, b, G, F, w=10.0: None, "returned None"),
    (lambda a, b, G, F, w=10.0: 1 / 0, "raised ZeroDivisionError"),
    (lambda a, b, G, F, w=10.0: cycle_loss(a, b, G, F, w) + 1, "expected"),
])
def test_each_mistake_gets_its_hint(attempt, hint, capsys):
    assert not check_cycle_loss(attempt)
    out = capsys.readouterr().out
    assert out.startswith("Not yet:") and hint in out, out


def test_the_solution_is_cyclegans_own_cycle_term():
    """The notebook runs the learner's function on a CycleGAN's generators: the solution must give its cycle term."""
    from ganlab.cyclegan import CycleGAN
    from ganlab.models.translation import patchgan_discriminator, unet_generator

    keras.utils.set_random_seed(0)
    unet = lambda: unet_generator(32, 3, 3, 4, norm="instance", dropout=0.0)  # noqa: E731
    patchgan = lambda: patchgan_discriminator(32, None, 3, 4, 2, norm="instance")  # noqa: E731
    model = CycleGAN(unet(), unet(), patchgan(), patchgan(), history_size=0)
    model.compile()
    rng = np.random.default_rng(1)
    a, b = (rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32") for _ in range(2))
    G = lambda x: keras.ops.convert_to_numpy(model.generator_ab(x, training=False))  # noqa: E731
    F = lambda x: keras.ops.convert_to_numpy(model.generator_ba(x, training=False))  # noqa: E731
    losses, _ = model.generator_losses(a, b, training=False)
    assert np.isclose(cycle_loss(a, b, G, F, model.cycle_weight), float(losses["cycle"]), rtol=1e-4)
