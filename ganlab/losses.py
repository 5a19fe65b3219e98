"""GAN losses on the discriminator's raw outputs (logits, never probabilities).

Introduced in notebooks/01_gan_on_toy_data.ipynb (minimax vs non-saturating) and
notebooks/02_dense_mnist_gan.ipynb.

Every loss is a pair: what the discriminator minimises, given its outputs on a real
batch and a generated batch, and what the generator minimises, given the
discriminator's outputs on a generated batch. All return the batch mean.

>>> from keras import ops
>>> loss = get_loss("non_saturating")
>>> round(float(loss.generator(ops.zeros((4, 1)))), 4)  # -log(sigmoid(0)) = log 2
0.6931
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from keras import ops

from .errors import InputError


def _mean(x):
    return ops.mean(ops.cast(x, "float32"))


# log(sigmoid(x)) = -softplus(-x) and log(1 - sigmoid(x)) = -softplus(x), computed stably.


def bce_discriminator(real_logits, fake_logits):
    """-log D(x) - log(1 - D(G(z))): binary cross-entropy with labels 1 (real) and 0 (fake)."""
    return _mean(ops.softplus(-real_logits)) + _mean(ops.softplus(fake_logits))


def minimax_generator(fake_logits):
    """log(1 - D(G(z))): the original minimax generator loss; saturates when D wins."""
    return _mean(-ops.softplus(fake_logits))


def non_saturating_generator(fake_logits):
    """-log D(G(z)): the non-saturating generator loss (Goodfellow et al., 2014)."""
    return _mean(ops.softplus(-fake_logits))


def hinge_discriminator(real_scores, fake_scores):
    """relu(1 - D(x)) + relu(1 + D(G(z)))."""
    return _mean(ops.relu(1.0 - real_scores)) + _mean(ops.relu(1.0 + fake_scores))


def hinge_generator(fake_scores):
    """-D(G(z))."""
    return -_mean(fake_scores)


def least_squares_discriminator(real_scores, fake_scores):
    """LSGAN: 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2."""
    return 0.5 * _mean(ops.square(real_scores - 1.0)) + 0.5 * _mean(ops.square(fake_scores))


def least_squares_generator(fake_scores):
    """LSGAN: 1/2 (D(G(z)) - 1)^2."""
    return 0.5 * _mean(ops.square(fake_scores - 1.0))


def wasserstein_discriminator(real_scores, fake_scores):
    """WGAN critic: D(G(z)) - D(x) (needs a Lipschitz constraint to make sense)."""
    return _mean(fake_scores) - _mean(real_scores)


def wasserstein_generator(fake_scores):
    """WGAN generator: -D(G(z))."""
    return -_mean(fake_scores)


def l1_loss(target, predicted):
    """mean |target - predicted|: pix2pix's distance to the target, CycleGAN's cycle and identity losses.

    L1 rather than L2: it blurs less, since the best constant guess under L1 is a median, not a mean.
    Introduced in notebooks/09_pix2pix.ipynb.

    >>> round(float(l1_loss(ops.ones((2, 2)), ops.zeros((2, 2)))), 4)
    1.0
    """
    return _mean(ops.abs(ops.cast(target, "float32") - ops.cast(predicted, "float32")))


@dataclass(frozen=True)
class GANLoss:
    """A discriminator loss and a generator loss that belong together.

    ``outputs_are_logits`` says whether sigmoid(D output) is a probability of
    "real" (true for the cross-entropy losses); the trainer reports D(x) and
    D(G(z)) as probabilities only then, and as raw scores otherwise.
    """

    name: str
    discriminator: Callable
    generator: Callable
    outputs_are_logits: bool = True


LOSSES: dict[str, GANLoss] = {
    "minimax": GANLoss("minimax", bce_discriminator, minimax_generator),
    "non_saturating": GANLoss("non_saturating", bce_discriminator, non_saturating_generator),
    "hinge": GANLoss("hinge", hinge_discriminator, hinge_generator, False),
    "least_squares": GANLoss(
        "least_squares", least_squares_discriminator, least_squares_generator, False
    ),
    "wasserstein": GANLoss("wasserstein", wasserstein_discriminator, wasserstein_generator, False),
}
ALIASES = {"bce": "non_saturating", "lsgan": "least_squares", "wgan": "wasserstein"}


def get_loss(loss: str | GANLoss) -> GANLoss:
    """Look a loss up by name ("non_saturating", "minimax", "hinge", "least_squares",
    "wasserstein", or the aliases "bce", "lsgan", "wgan"); a GANLoss passes through."""
    if isinstance(loss, GANLoss):
        return loss
    key = ALIASES.get(str(loss).lower(), str(loss).lower())
    if key not in LOSSES:
        names = ", ".join(sorted(LOSSES) + sorted(ALIASES))
        raise InputError(f"Unknown GAN loss {loss!r}. Choose one of: {names}.")
    return LOSSES[key]
