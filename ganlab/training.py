"""Training a GAN with ``model.fit``: the GAN model.

Introduced in notebooks/01_gan_on_toy_data.ipynb; notebooks/02_dense_mnist_gan.ipynb
first writes the same train step out by hand with ``tf.GradientTape``. Callbacks for
``fit`` are in :mod:`ganlab.callbacks`; ``ganlab.build_gan`` builds a GAN from a profile.

>>> gan = GAN(toy_generator(), toy_discriminator())          # doctest: +SKIP
>>> gan.compile(loss="non_saturating")                        # doctest: +SKIP
>>> gan.fit(make_dataset(points, 128), epochs=10)             # doctest: +SKIP
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .augment import check_policy, diff_augment
from .data import check_images, check_points
from .distribute import replica_share
from .errors import InputError
from .losses import GANLoss, get_loss
from .noise import NoiseLayout
from .optimizers import default_optimizer
from .penalties import get_penalty

METRIC_NAMES = ("d_loss", "g_loss", "D(x)", "D(G(z))")


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit``.

    Each ``train_step`` (one batch of real examples) is :meth:`two_tape_step`:

    1. draws as many noise vectors as there are real examples, generates fakes,
       and updates the discriminator on the real and the generated batch;
    2. draws fresh noise and updates the generator through the updated discriminator.

    With ``reuse_fakes=True`` it is :meth:`one_pass_step` instead. The progress bar shows
    d_loss, g_loss and the discriminator's mean output on real examples, D(x), and on
    generated ones, D(G(z)) (probabilities for the cross-entropy losses, raw scores otherwise).

    Variants (conditional GANs, image translation) override the hooks
    :meth:`real_examples`, :meth:`generate_fakes`, :meth:`discriminate` (and, when the
    generator has a second objective, :meth:`generator_extra_loss`) and keep the steps,
    the loss scaling and the trackers.

    Parameters
    ----------
    generator : keras.Model mapping noise (latent_dim,) to a sample.
    discriminator : keras.Model mapping a sample to one raw output (a logit).
    seed : seed for the noise, for repeatable runs.
    ema_decay : if set (e.g. 0.999), also keep an exponential moving average of the
        generator's weights in ``ema_generator``, and ``generate`` uses it. The average
        smooths out the step-to-step wobble of GAN training (Karras et al., 2018;
        Yazici et al., 2019). Introduced in notebooks/02_dense_mnist_gan.ipynb.
    latent_categories : K >= 1 ends every noise vector with a random one-hot code of K
        categories after its latent_dim - K Gaussian numbers (``ganlab.noise.NoiseLayout``).
        No labels are used.
    reuse_fakes : if True, train with :meth:`one_pass_step`. Introduced in notebooks/04_dcgan.ipynb.
    penalty : None, "wgan_gp", "r1" or a function like those of ``ganlab.penalties``: a gradient
        penalty added to the discriminator's loss, times ``penalty_weight``
        (:meth:`discriminator_penalty`). Introduced in notebooks/07_losses_and_stability.ipynb.
    augment : None, or a DiffAugment policy such as "translation,cutout" (``ganlab.augment``):
        every image D sees (the real batch, the generated batches of both updates, and so the
        penalty's) goes through ``diff_augment`` first (:meth:`augment_for_discriminator`).
        Introduced in notebooks/08_conditional_gans.ipynb.
    augment_real_only : if True, augment the real images only: the mistake that DiffAugment
        fixes, kept to show that the generator then learns to draw the augmentations.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int | None = None,
                 ema_decay: float | None = None, latent_categories: int = 0, reuse_fakes: bool = False,
                 penalty=None, penalty_weight: float = 10.0, augment: str | None = None,
                 augment_real_only: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.check_networks(generator, discriminator)
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise InputError(f"ema_decay must be between 0 and 1 (e.g. 0.999), not {ema_decay}.")
        self.generator = generator
        self.discriminator = discriminator
        self.noise = NoiseLayout.of_generator(generator, latent_categories)
        self.ema_decay = ema_decay
        self.ema_generator = None
        if ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.reuse_fakes = bool(reuse_fakes)
        self.penalty = get_penalty(penalty)
        if not penalty_weight >= 0:
            raise InputError(f"penalty_weight must be >= 0 (e.g. 10), not {penalty_weight}.")
        self.penalty_weight = float(penalty_weight)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._set_augment(augment, augment_real_only, seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in METRIC_NAMES}
        # Both models are built: under a tf.distribute strategy fit would otherwise build the
        # GAN by calling it on the first batch of images, as if they were noise.
        self.built = True

    @property
    def latent_dim(self) -> int:
        return self.noise.dim

    @property
    def latent_categories(self) -> int:
        return self.noise.categories

    def compile(
        self,
        *,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        loss: str | GANLoss = "non_saturating",
        **kwargs,
    ) -> None:
        """Set the two optimizers (default Adam(2e-4, beta_1=0.5) each) and the GAN loss.

        Keyword-only, in keras.io's order: ``compile(d_optimizer=..., g_optimizer=..., loss=...)``;
        other keywords (``jit_compile``, ``steps_per_execution``) go to ``keras.Model.compile``.
        """
        super().compile(optimizer=None, **kwargs)  # no third optimizer: each network has its own
        d_weights = None if self.discriminator is None else self.discriminator.trainable_variables
        self.d_optimizer, self.g_optimizer = prepare_optimizers(d_optimizer, g_optimizer, d_weights,
                                                                self.generator.trainable_variables)
        self.gan_loss = get_loss(loss)

    def fit(self, x=None, *args, shuffle: bool | None = None, **kwargs):
        """keras.Model.fit; arrays are checked first, a tf.data.Dataset is used as it comes."""
        if isinstance(x, np.ndarray):
            x = check_points(x, "x") if x.ndim == 2 else check_images(x, "x")
        if shuffle is None:
            shuffle = not isinstance(x, tf.data.Dataset)
        return super().fit(x, *args, shuffle=shuffle, **kwargs)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, noise, training: bool = False):
        return self.generator(noise, training=training)

    # ------------------------------------------------------------------ hooks for variants

    def sample_noise(self, n):
        """``n`` random noise vectors: Gaussian, then the one-hot code if there is one."""
        # Under tf.distribute every replica would draw the same numbers: each keeps its own rows.
        return replica_share(lambda m: self.noise.sample(m, self.seed_generator), n)

    def real_examples(self, data):
        """The real batch in what ``fit`` passes to a step (images, or images and labels)."""
        return data[0] if isinstance(data, (tuple, list)) else data

    def generate_fakes(self, data, batch_size, training: bool = True):
        """A generated batch as large as the real one."""
        return self.generator(self.sample_noise(batch_size), training=training)

    def discriminate(self, samples, data, training: bool = True):
        """The discriminator's raw outputs on ``samples`` (real or generated)."""
        return self.discriminator(samples, training=training)

    def check_networks(self, generator, discriminator) -> None:
        """InputError unless the two networks fit together (:func:`check_pair`); variants check their own."""
        check_pair(generator, discriminator)

    def generator_extra_loss(self, fake, data):
        """What is added to G's loss besides the GAN loss (pix2pix: the weighted L1 to the target), else 0."""
        return 0.0

    def discriminator_penalty(self, real, fake, data):
        """What is added to D's loss besides the GAN loss: the gradient penalty, if any, else 0."""
        if self.penalty is None:
            return 0.0
        return self.penalty(lambda x: self.discriminate(x, data), real, fake, self.penalty_weight,
                            self.seed_generator)

    def augment_for_discriminator(self, images, real: bool):
        """``images`` as D sees them: through ``diff_augment`` when this GAN augments them, else as they are."""
        if self.augment is None or (self.augment_real_only and not real):
            return images
        return diff_augment(images, self.augment, self.augment_seed_generator)

    def _set_augment(self, augment, real_only, seed) -> None:
        if augment is None and real_only:
            raise InputError("augment_real_only=True needs a policy: pass augment='translation,cutout' too.")
        self.augment = None if augment is None else ",".join(check_policy(augment))
        self.augment_real_only = bool(real_only)
        # Its own seeds: the noise is drawn as without augmentation, and no variable is added when it is off.
        self.augment_seed_generator = (None if augment is None else
                                       keras.random.SeedGenerator(None if seed is None else seed + 1))

    # ------------------------------------------------------------------ the steps

    def train_step(self, data):
        return self.one_pass_step(data) if self.reuse_fakes else self.two_tape_step(data)

    def two_tape_step(self, data):
        """The step notebooks/02_dense_mnist_gan.ipynb writes by hand: D's update, then G's."""
        real = self.real_examples(data)
        batch_size = ops.shape(real)[0]

        with tf.GradientTape() as tape:  # 1. the discriminator: real -> 1, generated -> 0
            real_seen = self.augment_for_discriminator(real, real=True)  # as it is, unless augment is set
            fake = self.augment_for_discriminator(self.generate_fakes(data, batch_size), real=False)
            real_out = self.discriminate(real_seen, data)
            fake_out = self.discriminate(fake, data)
            d_loss = self.gan_loss.discriminator(real_out, fake_out)
            d_loss += self.discriminator_penalty(real_seen, fake, data)  # 0 unless a penalty was chosen
        self._apply(tape, d_loss, self.discriminator, self.d_optimizer)

        with tf.GradientTape() as tape:  # 2. the generator, through the updated discriminator
            fake = self.generate_fakes(data, batch_size)
            g_loss = self.gan_loss.generator(self.discriminate(self.augment_for_discriminator(fake, real=False), data))
            g_loss += self.generator_extra_loss(fake, data)  # 0 for a plain GAN
        self._apply(tape, g_loss, self.generator, self.g_optimizer)
        return self._finish_step(d_loss, g_loss, real_out, fake_out)

    def one_pass_step(self, data):
        """One generator pass per step: G's update reuses the batch generated for D's.

        G's gradient comes through the discriminator as it was before its update (the
        TensorFlow DCGAN tutorial's step): one generator and one discriminator pass fewer,
        so more steps in the same time, each a little less informed.
        """
        real = self.real_examples(data)
        with tf.GradientTape(persistent=True) as tape:
            generated = self.generate_fakes(data, ops.shape(real)[0])
            fake = self.augment_for_discriminator(generated, real=False)
            real = self.augment_for_discriminator(real, real=True)  # both as they are, unless augment is set
            fake_out = self.discriminate(fake, data)
            real_out = self.discriminate(real, data)
            d_loss = self.gan_loss.discriminator(real_out, fake_out) + self.discriminator_penalty(real, fake, data)
            g_loss = self.gan_loss.generator(fake_out) + self.generator_extra_loss(generated, data)
        self._apply(tape, d_loss, self.discriminator, self.d_optimizer)
        self._apply(tape, g_loss, self.generator, self.g_optimizer)
        del tape
        return self._finish_step(d_loss, g_loss, real_out, fake_out)

    def _apply(self, tape, loss, model, optimizer):
        """One optimizer step on ``model`` for ``loss`` recorded on ``tape`` (:func:`apply_gradients`)."""
        apply_gradients(tape, loss, model.trainable_weights, optimizer)

    def _finish_step(self, d_loss, g_loss, real_out, fake_out) -> dict:
        if self.ema_generator is not None:
            update_moving_average(self.ema_generator, self.generator, self.ema_decay, self.g_optimizer.iterations)
        to_report = ops.sigmoid if self.gan_loss.outputs_are_logits else (lambda x: x)
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["g_loss"].update_state(g_loss)
        self.trackers["D(x)"].update_state(ops.mean(to_report(ops.cast(real_out, "float32"))))
        self.trackers["D(G(z))"].update_state(ops.mean(to_report(ops.cast(fake_out, "float32"))))
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ------------------------------------------------------------------ using the generator

    def fixed_noise(self, n: int, seed: int = 0) -> np.ndarray:
        """The same ``n`` noise vectors for the same ``seed``: ``ganlab.noise.seed_noise``."""
        return self.noise.seeded(seed, n)

    def generate(self, n: int | None = None, noise=None, labels=None) -> np.ndarray:
        """``n`` new samples (or one per row of ``noise``) as a float32 numpy array."""
        if labels is not None:
            raise InputError("This GAN is unconditional: it takes no labels. Drop labels=, or train a conditional "
                             "GAN (ganlab.build_gan('cgan')) to choose the class.")
        return self._run_generator(self._noise_for(n, noise))

    def fixed_samples(self, noise) -> np.ndarray:
        """Samples of fixed ``noise``, as SampleGrid and ``metrics.evaluate`` draw them (variants add their labels)."""
        return self.generate(noise=noise)

    def _noise_for(self, n, noise):
        """``noise`` checked against the generator's input, or ``n`` fresh noise vectors."""
        if noise is None:
            if not n or n < 1:
                raise InputError("Pass n >= 1 or a noise array to generate().")
            return self.sample_noise(int(n))
        if np.shape(noise)[-1] != self.latent_dim:
            raise InputError(f"noise has shape {np.shape(noise)}; this generator takes vectors of length "
                             f"{self.latent_dim}: use gan.fixed_noise(n, seed) or gan.noise.seeded(seed, n).")
        return noise

    def _run_generator(self, inputs) -> np.ndarray:
        """The EMA generator (if kept, else the generator) on ``inputs``, as float32 numpy."""
        generator = self.ema_generator if self.ema_generator is not None else self.generator
        out = generator(inputs, training=False)
        return np.asarray(ops.convert_to_numpy(ops.cast(out, "float32")))


def apply_gradients(tape: tf.GradientTape, loss, weights: list, optimizer: keras.optimizers.Optimizer) -> None:
    """One optimizer step on ``weights`` for ``loss`` recorded on ``tape``.

    Two adjustments of the loss before differentiating it: divided by the number of
    replicas (under ``tf.distribute`` each replica sees part of the batch and the
    optimizer adds their gradients), and scaled up under mixed precision so that small
    gradients do not underflow in float16 (the optimizer scales them back down).
    """
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    with tape:  # back on the tape, so that the gradient passes through these two operations
        scaled = optimizer.scale_loss(loss / replicas)
    optimizer.apply_gradients(zip(tape.gradient(scaled, weights), weights))


def prepare_optimizers(d_optimizer: keras.optimizers.Optimizer | None, g_optimizer: keras.optimizers.Optimizer | None,
                       d_weights: list | None, g_weights: list) -> tuple:
    """The two optimizers (default Adam(2e-4, beta_1=0.5) each), built for the weights they will train.

    Built now, in the strategy's scope: slots made lazily inside a step on several devices
    (or in an XLA step) break it.
    """
    d_optimizer = d_optimizer or default_optimizer()
    g_optimizer = g_optimizer or default_optimizer()
    if g_optimizer is d_optimizer:
        raise InputError("Give the generator and the discriminator an optimizer each.")
    for optimizer, weights in ((d_optimizer, d_weights), (g_optimizer, g_weights)):
        if weights is not None and not optimizer.built:  # None: that network is absent
            optimizer.build(weights)
    return d_optimizer, g_optimizer


def update_moving_average(average: keras.Model, model: keras.Model, decay: float, step) -> None:
    """Move ``average``'s weights towards ``model``'s: average = d * average + (1 - d) * model.

    Warm-up: d = min(decay, (1 + step) / (10 + step)), so early on the average spans the few
    steps there are (as tf.train.ExponentialMovingAverage does with num_updates) and a short
    run is not dragged back to the untrained weights.
    """
    step = ops.cast(step, "float32")
    d = ops.minimum(decay, (1.0 + step) / (10.0 + step))
    for kept, current in zip(average.weights, model.weights):
        kept.assign(d * kept + (1.0 - d) * current)


def check_pair(generator, discriminator) -> None:
    """A generator and a discriminator that fit together, or InputError saying what does not."""
    for name, model in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(model, keras.Model):
            raise InputError(f"{name} must be a keras.Model, got {type(model).__name__}.")
    g_out = tuple(generator.outputs[0].shape[1:])
    d_in = tuple(discriminator.inputs[0].shape[1:])
    if g_out != d_in:
        raise InputError(
            f"The generator makes samples of shape {g_out} but the discriminator expects {d_in}."
        )
    if tuple(discriminator.outputs[0].shape[1:]) != (1,):
        raise InputError(
            "The discriminator must output one raw score per sample, shape (batch, 1); "
            f"it outputs {tuple(discriminator.outputs[0].shape)}."
        )
