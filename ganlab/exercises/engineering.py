"""Exercise checks of notebooks/05_training_engineering.ipynb: resuming a run, and loss scaling."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from ._feedback import report

FLOAT16_MAX = 65504.0  # the largest finite float16
FLOAT16_NORMAL = 6.103515625e-05  # the smallest float16 with full precision (2**-14)


def fit_with_checkpoints(gan, dataset, folder, epochs: int, callbacks=()) -> int:
    """The solution of the resume exercise: restore the newest checkpoint, train up to ``epochs``.

    Returns the epochs that were done before this call (0 in a new folder). Run it again
    with the same folder after a restart and it continues; with ``epochs`` already done it
    trains nothing and leaves the restored weights as they are.
    """
    from ..checkpoints import Checkpoints

    checkpoints = Checkpoints(folder)
    start = checkpoints.restore(gan)
    gan.fit(dataset, epochs=epochs, initial_epoch=start, callbacks=[*callbacks, checkpoints], verbose=0)
    return start


def _toy_gan(seed: int):
    from ..models import toy_discriminator, toy_generator
    from ..training import GAN

    import keras

    keras.utils.set_random_seed(seed)
    gan = GAN(toy_generator(units=(8,)), toy_discriminator(units=(8,)), seed=seed)
    gan.compile()
    return gan


def check_fit_with_checkpoints(fn) -> bool:
    """Exercise: ``fn(gan, dataset, folder, epochs)`` resumes from ``folder`` and returns the epochs done before.

    Runs it three times on a tiny 1-D GAN (4 steps per epoch) in a temporary folder, each
    time on a new GAN, as after a kernel restart: 2 epochs in an empty folder; 2 epochs
    again (nothing left to train: the weights must be the restored ones); then 3 epochs
    (one more epoch on top of the restored two).
    """
    from ..data import make_dataset, toy_data

    dataset = make_dataset(toy_data(256), 64, seed=0)
    steps = 4
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "checkpoints"
        runs = []
        for seed, epochs in ((0, 2), (1, 2), (2, 3)):
            gan = _toy_gan(seed)
            try:
                returned = fn(gan, dataset, folder, epochs)
            except Exception as err:  # the learner's own error, in one line
                return report(False, f"calling it with epochs={epochs} raised {type(err).__name__}: {err}")
            runs.append((gan, returned, int(gan.g_optimizer.iterations)))
            if seed == 0 and not any(folder.glob("ckpt-*")):
                return report(False, f"nothing was saved in {folder.name}/: give fit a "
                                     "ganlab.checkpoints.Checkpoints(folder) callback.")
        (first, _, _), (again, back, again_steps), (more, back_more, more_steps) = runs
    same = all(np.array_equal(a, b) for a, b in zip(first.generator.get_weights(), again.generator.get_weights()))
    if again_steps == 4 * steps:
        return report(False, "after the restart it trained 2 more epochs on top of the restored 2: pass "
                             "fit(..., initial_epoch=start), where start is what restore() returned.")
    if not same and again_steps == 2 * steps:
        return report(False, "after the restart the new GAN trained from scratch instead of continuing: call "
                             "start = checkpoints.restore(gan) before fit.")
    if not same or again_steps != 2 * steps or more_steps != 3 * steps:
        return report(False, f"after the restart the generator had taken {again_steps} steps for 2 epochs and "
                             f"{more_steps} for 3 (expected {2 * steps} and {3 * steps}): restore, then "
                             "fit(..., epochs=epochs, initial_epoch=start).")
    if back != 2 or back_more != 2:
        return report(False, f"it resumes correctly, but returned {back!r} (expected 2, the epochs already done): "
                             "return start.")
    return report(True, "a new GAN continues where the last checkpoint stopped, and a finished run is "
                        "reloaded, not trained again.")


def check_loss_scale(scale, gradient: float = 2e-8, loss: float = 0.7) -> bool:
    """Exercise: a loss-scale factor that keeps ``gradient`` precise in float16 and ``loss`` finite."""
    try:
        scale = float(scale)
    except (TypeError, ValueError):
        return report(False, f"loss_scale must be a number, not {scale!r}.")
    if not scale >= 1:
        return report(False, "loss_scale multiplies the loss: use a number >= 1 (a power of 2 keeps it exact).")
    scaled = np.float16(gradient * scale)
    if loss * scale > FLOAT16_MAX:
        return report(False, f"the scaled loss {loss} x {scale:g} = {loss * scale:,.0f} overflows float16 "
                             f"(largest {FLOAT16_MAX:,.0f}): every step would be skipped. Choose a smaller scale.")
    if scaled == 0:
        return report(False, f"{gradient:g} x {scale:g} = {gradient * scale:.1e} still rounds to 0 in float16: "
                             "choose a larger scale.")
    if gradient * scale < FLOAT16_NORMAL:
        digits = 11 - int(np.ceil(np.log2(FLOAT16_NORMAL / (gradient * scale))))  # subnormal: bits lost
        return report(False, f"{gradient:g} x {scale:g} = {gradient * scale:.1e} survives, but below "
                             f"{FLOAT16_NORMAL:.1e} float16 keeps only about {max(digits, 1)} of its 11 bits of "
                             "precision, and smaller gradients in the same step lose more: choose a larger scale.")
    return report(True, f"{gradient:g} x {scale:g} = {float(scaled):.3e} in float16, and the loss "
                        f"{loss} x {scale:g} = {loss * scale:,.0f} stays below {FLOAT16_MAX:,.0f}.")
