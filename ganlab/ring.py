"""GANs on a ring of 8 Gaussians: one configuration of every knob, a trainer, results over seeds.

Introduced in notebooks/07_losses_and_stability.ipynb. A :class:`RingConfig` names the loss, the
penalty, the two learning rates, discriminator steps per generator step, the network sizes and the
common advice (optimizer, batch size, dropout in D, one-sided label smoothing, instance noise,
spectral normalisation); :func:`train_ring` trains it with ``fit`` and scores the samples with
``ganlab.metrics.ring_scores``; :func:`compare` runs several over seeds, :func:`format_results`
prints mean ± standard deviation. ``ganlab.playground`` draws a run live.

>>> run = train_ring(RingConfig(), steps=2000, seed=0)   # doctest: +SKIP
>>> print(run.scores)                                    # doctest: +SKIP
8/8 modes, 93.1% high-quality
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .data import make_dataset, ring_data
from .errors import InputError
from .losses import LOSSES, GANLoss, get_loss
from .metrics.toy import RingScores, ring_scores
from .models.toy import toy_discriminator, toy_generator
from .penalties import get_penalty
from .training import GAN

OPTIMIZERS = ("adam", "rmsprop")


@dataclass(frozen=True)
class RingConfig:
    """Every knob of a GAN on the ring; the defaults are a healthy non-saturating GAN."""

    loss: str | GANLoss = "non_saturating"   # a name of ganlab.losses, or a GANLoss
    penalty: str | Callable | None = None     # None, "wgan_gp", "r1" or a function (ganlab.penalties)
    penalty_weight: float = 10.0
    d_lr: float = 1e-3
    g_lr: float = 1e-3
    d_steps: int = 1                          # discriminator updates per generator update
    g_units: tuple = (64, 64)
    d_units: tuple = (64, 64)
    latent_dim: int = 2                       # 2-D noise for 2-D data: more modes in 1,000 steps (docs/benchmarks.md)
    optimizer: str = "adam"                   # "adam" (beta_1 0.5) or "rmsprop"
    batch_size: int = 2048                    # large batches cost little on the ring and cover more modes
    dropout: float = 0.0                      # after each hidden layer of D
    label_smoothing: float = 0.0              # one-sided: D's target for real samples is 1 - this
    instance_noise: float = 0.0               # std of Gaussian noise added to D's inputs, real and fake
    spectral_norm: bool = False               # keras.layers.SpectralNormalization on D's layers

    def __post_init__(self):
        get_loss(self.loss), get_penalty(self.penalty)  # unknown names fail here
        if self.optimizer not in OPTIMIZERS:
            raise InputError(f"optimizer must be one of {OPTIMIZERS}, not {self.optimizer!r}.")
        if not (self.d_lr > 0 and self.g_lr > 0):
            raise InputError(f"learning rates must be positive, not d_lr={self.d_lr}, g_lr={self.g_lr}.")
        if int(self.d_steps) != self.d_steps or self.d_steps < 1 or self.batch_size < 1 or self.latent_dim < 1:
            raise InputError("d_steps, batch_size and latent_dim must be whole numbers >= 1.")
        if not 0 <= self.label_smoothing < 0.5 or self.instance_noise < 0:
            raise InputError("label_smoothing must be in [0, 0.5) (e.g. 0.1) and instance_noise >= 0.")
        if self.label_smoothing and get_loss(self.loss).discriminator is not LOSSES["non_saturating"].discriminator:
            raise InputError("label_smoothing changes the cross-entropy's target: use it with 'non_saturating' "
                             "or 'minimax'.")

    def but(self, **changes) -> RingConfig:
        """A copy with some knobs changed: ``RingConfig().but(d_lr=4e-3)``."""
        return replace(self, **changes)


def smoothed_bce_discriminator(smoothing: float) -> Callable:
    """D's cross-entropy with target 1 - smoothing for real samples and 0 for generated ones."""
    def loss(real_logits, fake_logits):
        real_part = (1.0 - smoothing) * ops.softplus(-real_logits) + smoothing * ops.softplus(real_logits)
        return ops.mean(ops.cast(real_part, "float32")) + ops.mean(ops.cast(ops.softplus(fake_logits), "float32"))
    return loss


class RingGAN(GAN):
    """``ganlab.GAN`` with instance noise in D's inputs and several D updates per G update.

    ``fit`` passes ``d_steps`` real batches at once (the dataset's batches are ``d_steps`` times
    larger); each but the last trains D alone, the last goes through ``GAN.two_tape_step``.
    """

    def __init__(self, *args, d_steps: int = 1, instance_noise: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.d_steps, self.instance_noise = int(d_steps), float(instance_noise)

    def discriminate(self, samples, data, training: bool = True):
        if training and self.instance_noise:
            samples = samples + self.instance_noise * keras.random.normal(ops.shape(samples), seed=self.seed_generator)
        return self.discriminator(samples, training=training)

    def train_step(self, data):
        batches = ops.split(data, self.d_steps) if self.d_steps > 1 else [data]
        for real in batches[:-1]:  # the extra discriminator updates
            with tf.GradientTape() as tape:
                fake = self.generate_fakes(real, ops.shape(real)[0])
                d_loss = self.gan_loss.discriminator(self.discriminate(real, real), self.discriminate(fake, real))
                d_loss += self.discriminator_penalty(real, fake, real)
            self._apply(tape, d_loss, self.discriminator, self.d_optimizer)
        return self.two_tape_step(batches[-1])


def _optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    return keras.optimizers.Adam(learning_rate, beta_1=0.5)


def build_ring_gan(config: RingConfig, seed: int = 0, **compile_kwargs) -> RingGAN:
    """The compiled GAN that ``config`` describes (weights drawn from ``seed``)."""
    keras.utils.set_random_seed(seed)
    generator = toy_generator(config.latent_dim, config.g_units, data_dim=2)
    discriminator = toy_discriminator(2, config.d_units, config.dropout, config.spectral_norm)
    gan = RingGAN(generator, discriminator, seed=seed, penalty=config.penalty, penalty_weight=config.penalty_weight,
                  d_steps=config.d_steps, instance_noise=config.instance_noise)
    loss = get_loss(config.loss)
    if config.label_smoothing:
        loss = GANLoss(f"{loss.name}, smoothed", smoothed_bce_discriminator(config.label_smoothing), loss.generator)
    gan.compile(d_optimizer=_optimizer(config.optimizer, config.d_lr),
                g_optimizer=_optimizer(config.optimizer, config.g_lr), loss=loss, **compile_kwargs)
    return gan


@dataclass
class RingRun:
    """A trained ring GAN, its scores, and its curves (one value per ``every`` steps)."""

    config: RingConfig
    gan: RingGAN
    scores: RingScores
    history: dict = field(default_factory=dict)   # d_loss, g_loss, D(x), D(G(z)), modes, high_quality
    steps: list = field(default_factory=list)


def ring_dataset(config: RingConfig, n_data: int = 20_000, seed: int = 0):
    """Endless shuffled batches of ring points, ``d_steps`` batches' worth per train step."""
    return make_dataset(ring_data(n_data, seed=seed), config.batch_size * config.d_steps, seed=seed,
                        drop_remainder=True).repeat()


def train_ring(config: RingConfig, steps: int = 2000, seed: int = 0, every: int = 100, n_eval: int = 2000,
               callbacks: list | None = None, gan: RingGAN | None = None) -> RingRun:
    """Train ``config`` for ``steps`` generator steps; score ``n_eval`` samples every ``every`` steps.

    Pass ``gan`` to continue training one (the playground does). Scores use fixed noise.
    """
    if steps < every or every < 1:
        raise InputError(f"steps ({steps}) must be at least every ({every}) and every >= 1.")
    gan = gan or build_ring_gan(config, seed, steps_per_execution=min(every, 50))  # fewer calls from Python
    noise = gan.fixed_noise(n_eval, seed=1)
    run = RingRun(config, gan, ring_scores(gan.generate(noise=noise)))
    history = {name: [] for name in ("d_loss", "g_loss", "D(x)", "D(G(z))", "modes", "high_quality")}

    def record(epoch, logs):
        run.scores = ring_scores(gan.generate(noise=noise))
        for name in ("d_loss", "g_loss", "D(x)", "D(G(z))"):
            history[name].append(float(logs[name]))
        history["modes"].append(run.scores.modes_covered)
        history["high_quality"].append(run.scores.high_quality)
        run.steps.append((epoch + 1) * every)

    score = keras.callbacks.LambdaCallback(on_epoch_end=record)
    gan.fit(ring_dataset(config, seed=seed), steps_per_epoch=every, epochs=steps // every,
            callbacks=[score, *(callbacks or [])], verbose=0)
    run.history = history
    return run


def compare(configs: dict[str, RingConfig], seeds=(0, 1), steps: int = 2000, every: int = 500) -> dict:
    """{name: [final RingScores per seed]} for each configuration, trained once per seed."""
    return {name: [train_ring(config, steps, seed, every).scores for seed in seeds]
            for name, config in configs.items()}


def format_results(results: dict) -> str:
    """A text table: modes covered and high-quality share, mean ± standard deviation over seeds."""
    lines = [f"{'configuration':<34} {'modes covered (of 8)':>21} {'high-quality share':>19}  seeds"]
    for name, scores in results.items():
        modes = np.array([s.modes_covered for s in scores], dtype=float)
        quality = 100 * np.array([s.high_quality for s in scores])
        lines.append(f"{name:<34} {modes.mean():>13.1f} ± {modes.std():<5.1f} "
                     f"{quality.mean():>10.1f} ± {quality.std():<4.1f}%  {len(scores)}")
    return "\n".join(lines)


def advice_rows(base: RingConfig | None = None) -> dict[str, RingConfig]:
    """The common advice as configurations, each one knob away from ``base`` (the advice table's rows)."""
    base = base or RingConfig()
    return {
        "baseline (Adam, batch 2048, 1e-3 both)": base,
        "RMSprop instead of Adam": base.but(optimizer="rmsprop"),
        "batch 256": base.but(batch_size=256),
        "two time-scales: D 4e-3, G 1e-3": base.but(d_lr=4 * base.g_lr),
        "dropout 0.3 in D": base.but(dropout=0.3),
        "one-sided label smoothing 0.9": base.but(label_smoothing=0.1),
        "instance noise, std 0.05": base.but(instance_noise=0.05),
        "spectral norm in D": base.but(spectral_norm=True),
        "R1, gamma 1": base.but(penalty="r1", penalty_weight=1.0),
    }
