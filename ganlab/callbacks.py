"""Keras callbacks for GAN training: sample grids, per-step curves, a NaN guard, live plots, a time
budget, and feature scores every few epochs.

Introduced in notebooks/02_dense_mnist_gan.ipynb (SampleGrid, StepHistory), notebooks/04_dcgan.ipynb
(LivePlot) and notebooks/05_training_engineering.ipynb (TimeBudget); EvaluationHistory records
``ganlab.metrics.evaluate``'s scores. Checkpoints are ``ganlab.checkpoints``.
Each works with ``ganlab.GAN`` (any model with ``fixed_noise`` and ``generate``).

>>> grids = SampleGrid(16)                                              # doctest: +SKIP
>>> gan.fit(data, epochs=20, callbacks=[grids, LivePlot(samples=grids), TimeBudget(180)])  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import time
import warnings
from pathlib import Path

import keras
import numpy as np

from .errors import InputError
from .metrics.evaluation import KNOWN_METRICS, check_metrics, check_sample_count, evaluate
from .metrics.features import dataset_key, feature_network
from .training import METRIC_NAMES


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
        images = self.model.fixed_samples(self.noise)
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

    Introduced in notebooks/04_dcgan.ipynb.

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


class TimeBudget(keras.callbacks.Callback):
    """Stop ``fit`` once ``seconds`` of training have passed (checked after every step).

    For a fair comparison of recipes, and for a learner on a slow machine: "train for
    3 minutes" instead of guessing a number of epochs. Time spent in this ``fit`` counts;
    each new ``fit`` starts a new budget. A run overshoots by one step at most.

    >>> budget = TimeBudget(seconds=180)                                 # doctest: +SKIP
    >>> gan.fit(dataset.repeat(), epochs=1, steps_per_epoch=10**9, callbacks=[budget])  # doctest: +SKIP
    >>> budget.steps, budget.elapsed                                     # doctest: +SKIP
    """

    def __init__(self, seconds: float):
        super().__init__()
        if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds > 0):
            raise InputError(f"seconds must be a positive number, not {seconds!r}.")
        self.seconds = float(seconds)
        self.steps = 0
        self.elapsed = 0.0
        self._start = 0.0
        self._steps_before_epoch = 0

    def on_train_begin(self, logs=None):
        self.steps, self._start = 0, time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self._steps_before_epoch = self.steps

    def on_train_batch_end(self, batch, logs=None):
        self.steps = self._steps_before_epoch + batch + 1  # batch: the last step's index in this epoch
        self.elapsed = time.perf_counter() - self._start
        if self.elapsed >= self.seconds:
            self.model.stop_training = True


class EvaluationHistory(keras.callbacks.Callback):
    """Feature scores of the GAN's samples (``ganlab.metrics.evaluate``) after every ``every`` epochs.

    Each evaluation appends the generated samples' value of every score row (``fd``, ``precision``,
    ``recall``, ...) to ``self.history[row]`` and the epoch number to ``self.history["epoch"]``,
    and puts the values in the epoch's logs, so the progress bar shows them and ``fit``'s History
    holds them too (one value per evaluation, not per epoch). The real baseline, the same at every
    evaluation, is in ``self.baseline``; the latest full result in ``self.last``. The feature
    network is loaded (or trained, once) at the first evaluation and kept.

    >>> scores = EvaluationHistory(every=5, metrics=("fd", "precision_recall"), n=500)  # doctest: +SKIP
    >>> gan.fit(data, epochs=20, callbacks=[scores]); scores.history["fd"]             # doctest: +SKIP
    """

    def __init__(self, every: int = 5, dataset: str = "mnist", metrics=KNOWN_METRICS, n: int = 1000, seed: int = 1):
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise InputError(f"every must be a whole number of epochs >= 1, not {every!r}.")
        self.every, self.dataset, self.n, self.seed = every, dataset_key(dataset), n, seed
        self.metrics = check_metrics(metrics)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError(f"n must be a whole number of samples >= 1, not {n!r}.")
        check_sample_count(self.metrics, n)  # said now, not after the first epochs
        self.history: dict[str, list] = {"epoch": []}
        self.baseline: dict[str, float] = {}
        self.last: dict | None = None
        self.network = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        if self.network is None:
            self.network = feature_network(self.dataset)
        self.last = evaluate(self.model, self.dataset, self.metrics, self.n, self.seed, network=self.network)
        self.history["epoch"].append(epoch + 1)
        for name, row in self.last["scores"].items():
            self.history.setdefault(name, []).append(row["generated"])
            self.baseline[name] = row["real"]
            if logs is not None:
                logs[name] = row["generated"]
