"""Training a GAN with ``model.fit``: the GAN model and its callbacks.

Introduced in notebooks/01_gan_on_toy_data.ipynb; notebooks/02_dense_mnist_gan.ipynb
first writes the same train step out by hand with ``tf.GradientTape``.

>>> gan = GAN(toy_generator(), toy_discriminator())          # doctest: +SKIP
>>> gan.compile(loss="non_saturating")                        # doctest: +SKIP
>>> gan.fit(make_dataset_1d(...), epochs=10)                  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .errors import InputError
from .latent import CODE_SCALE, seed_noise
from .losses import GANLoss, get_loss
from .models._blocks import latent_dim_of

METRIC_NAMES = ("d_loss", "g_loss", "D(x)", "D(G(z))")


def default_optimizer(learning_rate: float = 2e-4) -> keras.optimizers.Optimizer:
    """Adam(2e-4, beta_1=0.5): the DCGAN paper's setting, a good default for GANs."""
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5)


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit``.

    Each ``train_step`` (one batch of real images):

    1. draws as many noise vectors as there are real images, generates fakes,
       and updates the discriminator on the real and the generated batch;
    2. draws fresh noise and updates the generator through the discriminator
       (with ``reuse_fakes=True``: reuses step 1's generated batch instead).

    The progress bar shows d_loss, g_loss and the discriminator's mean output on
    real images, D(x), and on generated ones, D(G(z)) (probabilities for the
    cross-entropy losses, raw scores for the others).

    Parameters
    ----------
    generator : keras.Model mapping noise (latent_dim,) to a sample.
    discriminator : keras.Model mapping a sample to one raw output (a logit).
    seed : seed for the noise, for repeatable runs.
    ema_decay : if set (e.g. 0.999), also keep an exponential moving average of the
        generator's weights in ``ema_generator``, and ``generate`` uses it. Averaging
        smooths out the step-to-step wobble of GAN training (Karras et al., 2018).
    latent_categories : K >= 1 ends every noise vector with a random one-hot code of K
        categories (times ``ganlab.latent.CODE_SCALE``) after its latent_dim - K Gaussian
        numbers. Gaussian noise is one connected cloud, but digits are separate shapes: a
        discrete code lets the generator jump from one to the next instead of passing
        through blends that are no digit (InfoGAN's categorical code, Chen et al., 2016,
        without its mutual-information term). No labels are used. Introduced in
        notebooks/02_dense_mnist_gan.ipynb.
    reuse_fakes : if True, the generator's update reuses the batch generated for the
        discriminator's, and its gradient comes through the discriminator as it was
        before its update (the TensorFlow DCGAN tutorial's step). One generator pass and
        one discriminator pass fewer per step: more steps in the same time, each a
        little less informed. Introduced in notebooks/03_dcgan.ipynb.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, seed: int | None = None,
                 ema_decay: float | None = None, latent_categories: int = 0, reuse_fakes: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        _check_pair(generator, discriminator)
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise InputError(f"ema_decay must be between 0 and 1 (e.g. 0.999), not {ema_decay}.")
        latent_dim = latent_dim_of(generator)
        if int(latent_categories) != latent_categories or not 0 <= latent_categories < latent_dim:
            raise InputError(
                f"latent_categories must be a whole number from 0 to {latent_dim - 1} (the generator takes "
                f"noise of length {latent_dim}, and at least one entry must stay Gaussian), not "
                f"{latent_categories!r}. Build the generator with latent_dim = Gaussian length + categories."
            )
        self.generator = generator
        self.discriminator = discriminator
        self.ema_decay = ema_decay
        self.ema_generator = None
        if ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.latent_dim = latent_dim
        self.latent_categories = int(latent_categories)
        self.reuse_fakes = bool(reuse_fakes)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in METRIC_NAMES}

    def compile(
        self,
        g_optimizer: keras.optimizers.Optimizer | None = None,
        d_optimizer: keras.optimizers.Optimizer | None = None,
        loss: str | GANLoss = "non_saturating",
        **kwargs,
    ) -> None:
        """Set the two optimizers (default Adam(2e-4, beta_1=0.5) each) and the GAN loss."""
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer or default_optimizer()
        self.d_optimizer = d_optimizer or default_optimizer()
        if self.g_optimizer is self.d_optimizer:
            raise InputError("Give the generator and the discriminator an optimizer each.")
        self.gan_loss = get_loss(loss)

    def fit(self, x=None, *args, shuffle: bool | None = None, **kwargs):
        """keras.Model.fit; a tf.data.Dataset is used as it comes (shuffle it in the pipeline)."""
        if shuffle is None:
            shuffle = not isinstance(x, tf.data.Dataset)
        return super().fit(x, *args, shuffle=shuffle, **kwargs)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, noise, training: bool = False):
        return self.generator(noise, training=training)

    def sample_noise(self, n: int):
        """``n`` random noise vectors: Gaussian, then the one-hot code if there is one."""
        gaussian = keras.random.normal((n, self.latent_dim - self.latent_categories), seed=self.seed_generator)
        if not self.latent_categories:
            return gaussian
        category = keras.random.randint((n,), 0, self.latent_categories, seed=self.seed_generator)
        code = CODE_SCALE * ops.one_hot(category, self.latent_categories, dtype=gaussian.dtype)
        return ops.concatenate([gaussian, code], axis=1)

    def fixed_noise(self, n: int, seed: int = 0) -> np.ndarray:
        """The same ``n`` noise vectors for the same ``seed``: ``ganlab.latent.seed_noise``."""
        return seed_noise(seed, self.latent_dim, n, categories=self.latent_categories)

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        batch_size = ops.shape(real)[0]

        with tf.GradientTape(persistent=self.reuse_fakes) as tape:
            fake = self.generator(self.sample_noise(batch_size), training=True)
            real_out = self.discriminator(real, training=True)
            fake_out = self.discriminator(fake, training=True)
            d_loss = self.gan_loss.discriminator(real_out, fake_out)
            # Under mixed precision the optimizer scales the loss up (and the gradients back down).
            scaled_d_loss = self.d_optimizer.scale_loss(d_loss)
            if self.reuse_fakes:  # the generator's loss on the same fakes, on the same tape
                g_loss = self.gan_loss.generator(fake_out)
                scaled_g_loss = self.g_optimizer.scale_loss(g_loss)
        self._apply(tape, scaled_d_loss, self.discriminator, self.d_optimizer)

        if not self.reuse_fakes:
            with tf.GradientTape() as tape:
                fake_out_for_g = self.discriminator(
                    self.generator(self.sample_noise(batch_size), training=True), training=True
                )
                g_loss = self.gan_loss.generator(fake_out_for_g)
                scaled_g_loss = self.g_optimizer.scale_loss(g_loss)
        self._apply(tape, scaled_g_loss, self.generator, self.g_optimizer)

        self._update_ema()
        self._update_trackers(d_loss, g_loss, real_out, fake_out)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    @staticmethod
    def _apply(tape, loss, model, optimizer):
        weights = model.trainable_weights
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))

    def _update_ema(self):
        if self.ema_generator is not None:
            update_moving_average(self.ema_generator, self.generator, self.ema_decay, self.g_optimizer.iterations)

    def _update_trackers(self, d_loss, g_loss, real_out, fake_out):
        to_report = ops.sigmoid if self.gan_loss.outputs_are_logits else (lambda x: x)
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["g_loss"].update_state(g_loss)
        self.trackers["D(x)"].update_state(ops.mean(to_report(ops.cast(real_out, "float32"))))
        self.trackers["D(G(z))"].update_state(ops.mean(to_report(ops.cast(fake_out, "float32"))))

    def generate(self, n: int | None = None, noise=None) -> np.ndarray:
        """``n`` new samples (or one per row of ``noise``) as a float32 numpy array."""
        if noise is None:
            if not n or n < 1:
                raise InputError("Pass n >= 1 or a noise array to generate().")
            noise = self.sample_noise(int(n))
        generator = self.ema_generator if self.ema_generator is not None else self.generator
        out = generator(noise, training=False)
        return np.asarray(ops.convert_to_numpy(ops.cast(out, "float32")))


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


def _check_pair(generator, discriminator) -> None:
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


# --------------------------------------------------------------------------- callbacks


class SampleGrid(keras.callbacks.Callback):
    """Generate samples from the same fixed noise after every ``every`` epochs.

    Works for any generator: image batches (N, H, W, C) or toy points (N, D).

    The grids are kept in ``self.grids`` (a list of arrays) with their epoch
    numbers in ``self.epochs``; with ``out_dir`` each is also saved as a PNG.
    Fixed noise makes the grids comparable: the same cell shows the same noise
    vector's sample as training goes on.
    """

    def __init__(self, n: int = 16, seed: int = 0, every: int = 1, out_dir: str | os.PathLike | None = None):
        super().__init__()
        self.n, self.seed, self.every = int(n), int(seed), max(1, int(every))
        self.out_dir = Path(out_dir) if out_dir else None
        self.noise = None
        self.grids: list[np.ndarray] = []
        self.epochs: list[int] = []

    def on_train_begin(self, logs=None):
        if self.noise is None:
            self.noise = self.model.fixed_noise(self.n, self.seed)
        if not self.grids:
            self._record(0)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self._record(epoch + 1)

    def _record(self, epoch: int) -> None:
        images = self.model.generate(noise=self.noise)
        self.grids.append(images)
        self.epochs.append(epoch)
        if self.out_dir is not None:
            from .viz import save_image_grid

            save_image_grid(images, self.out_dir / f"samples_epoch_{epoch:03d}.png", title=f"epoch {epoch}")


class StepHistory(keras.callbacks.Callback):
    """Record d_loss, g_loss, D(x) and D(G(z)) of every step (``fit``'s History keeps epochs only).

    Keras reports running means over the epoch; this recovers each step's own value
    from two consecutive running means, so the curves show the real step-to-step noise.
    """

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {name: [] for name in METRIC_NAMES}
        self._last_step = -1
        self._last_means: dict[str, float] = {}

    def on_epoch_begin(self, epoch, logs=None):
        self._last_step, self._last_means = -1, {}

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        steps = batch - self._last_step
        for name in METRIC_NAMES:
            if name not in logs:
                continue
            mean = float(logs[name])
            before = self._last_means.get(name, 0.0) * (self._last_step + 1)
            value = (mean * (batch + 1) - before) / steps
            self.history[name].extend([value] * steps)
            self._last_means[name] = mean
        self._last_step = batch


class NaNGuard(keras.callbacks.Callback):
    """Stop training as soon as a loss is NaN or infinite, and say what to try."""

    ADVICE = (
        "Training stopped: {name} became {value} at epoch {epoch}, step {step}. Things to try: "
        "lower the learning rates (e.g. 1e-4); check the real images are in [-1, 1] "
        "(ganlab.data.check_images); use the 'non_saturating' loss; make sure the "
        "discriminator outputs logits (no sigmoid) for cross-entropy losses."
    )

    def __init__(self):
        super().__init__()
        self.epoch = 0
        self.message: str | None = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for name in ("d_loss", "g_loss"):
            value = (logs or {}).get(name)
            if value is not None and not math.isfinite(float(value)):
                self.message = self.ADVICE.format(name=name, value=float(value), epoch=self.epoch + 1, step=batch + 1)
                warnings.warn(self.message, RuntimeWarning, stacklevel=2)
                self.model.stop_training = True
                return


class LivePlot(keras.callbacks.Callback):
    """Per-epoch curves of d_loss, g_loss, D(x) and D(G(z)), redrawn in place while training.

    In Jupyter the figure appears once and is updated after every ``every`` epochs
    and at the end of training: one output that changes, not one figure per epoch.
    Outside Jupyter (plain Python, CI) nothing is shown and the values are only kept
    in ``self.history``; with ``path`` the figure is also saved there at each update
    (replaced whole, never left half-written).

    Parameters
    ----------
    every : redraw after every ``every`` epochs.
    samples : a :class:`SampleGrid` callback; its latest samples are drawn next to the
        curves. List it before the LivePlot in ``callbacks`` so they are this epoch's.
    path : an image file to save the figure to, e.g. "runs/live.png".

    Introduced in notebooks/03_dcgan.ipynb.

    >>> grids = SampleGrid(16)                                       # doctest: +SKIP
    >>> gan.fit(data, epochs=20, callbacks=[grids, LivePlot(samples=grids)])  # doctest: +SKIP
    """

    def __init__(self, every: int = 1, samples: SampleGrid | None = None,
                 path: str | os.PathLike | None = None):
        super().__init__()
        self.every = max(1, int(every))
        self.samples = samples
        self.path = Path(path) if path else None
        self.history: dict[str, list[float]] = {name: [] for name in METRIC_NAMES}
        self.updates = 0  # how many times the figure was drawn
        self._handle = None  # the notebook output that is updated in place
        self._epochs_drawn = 0

    def on_train_begin(self, logs=None):
        self._handle = None  # each fit (each notebook cell) gets its own output

    def on_epoch_end(self, epoch, logs=None):
        for name in METRIC_NAMES:
            if name in (logs or {}):
                self.history[name].append(float(logs[name]))
        if (epoch + 1) % self.every == 0:
            self.update()

    def on_train_end(self, logs=None):
        if self._epochs_drawn != self._epochs_seen():  # epochs since the last update
            self.update()

    def _epochs_seen(self) -> int:
        return max(len(values) for values in self.history.values())

    def update(self) -> None:
        """Draw the figure now: update the notebook output and/or save it to ``path``."""
        self._epochs_drawn = self._epochs_seen()
        in_notebook = _in_notebook()
        if not (in_notebook or self.path):
            return
        import matplotlib.pyplot as plt

        from ._files import write_atomically
        from .viz import plot_progress

        samples, title = None, "samples"
        if self.samples is not None and self.samples.grids:
            samples, title = self.samples.grids[-1], f"samples, epoch {self.samples.epochs[-1]}"
        fig = plot_progress(self.history, samples=samples, samples_title=title)
        if self.path:
            write_atomically(self.path, lambda partial: fig.savefig(partial, dpi=100))
        if in_notebook:
            from IPython.display import display

            if self._handle is None:
                self._handle = display(fig, display_id=True)
            else:
                self._handle.update(fig)
        plt.close(fig)  # the output keeps a picture of it; no second copy at the end of the cell
        self.updates += 1


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Colab, VS Code), where figures can be shown."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None
