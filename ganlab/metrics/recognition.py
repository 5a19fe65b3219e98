"""Recognised digits: the MNIST classifier check of the dense GAN.

- :func:`mnist_classifier` and :func:`recognisable_fraction`: the share of generated
  digits that a small CNN classifies with confidence >= 0.9
  (notebooks/02_dense_mnist_gan.ipynb); :func:`sample_quality`, the measurement
  convention of docs/benchmarks.md (1,000 samples from noise seed 1);
- :func:`shifted`: images moved a few pixels, to see how strict the classifier is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from .._files import write_atomically, write_text_atomically
from ..data import check_images
from ..errors import InputError
from ._cache import cache_dir


def _classifier_model():
    import keras
    from keras import layers

    # float32 whatever the global policy (mixed precision on a GPU): a measuring instrument
    # must not change with the fast path of the model it measures.
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu", dtype="float32"),
            layers.MaxPooling2D(dtype="float32"),
            layers.Conv2D(64, 3, activation="relu", dtype="float32"),
            layers.MaxPooling2D(dtype="float32"),
            layers.Flatten(dtype="float32"),
            layers.Dropout(0.3, dtype="float32"),
            layers.Dense(11, dtype="float32"),  # digits 0-9, and 10 = "not a digit"
        ],
        name="mnist_classifier",
    )


@dataclass
class Classifier:
    """A trained MNIST classifier and how well it does on digits it never saw."""

    model: object
    held_out_accuracy: float
    trained_on: str
    from_cache: bool = False  # True when loaded from the cache instead of trained now

    def probabilities(self, images) -> np.ndarray:
        import keras

        images = check_images(images)
        return keras.ops.convert_to_numpy(keras.ops.softmax(self.model.predict(images, verbose=0, batch_size=500)))


NOT_A_DIGIT = 10


def not_digits(digits: np.ndarray, labels: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` images that are no digit: uniform noise, digits with their pixels shuffled
    (right ink, no shape), and 50/50 overlays of two different digits (ambiguous)."""
    rng = np.random.default_rng(seed)
    kinds = np.arange(n) % 3
    out = np.empty((n,) + digits.shape[1:], np.float32)
    a, b = rng.integers(0, len(digits), n), rng.integers(0, len(digits), n)
    for i in range(n):
        if kinds[i] == 0:
            out[i] = rng.uniform(-1, 1, digits.shape[1:])
        elif kinds[i] == 1:
            out[i] = rng.permutation(digits[a[i]].ravel()).reshape(digits.shape[1:])
        else:
            j = b[i] if labels[b[i]] != labels[a[i]] else (b[i] + 1) % len(digits)
            out[i] = 0.5 * (digits[a[i]] + digits[j])
    return out


def _with_not_digits(x, y, seed):
    """Add one "not a digit" image for every four digits, shuffled in."""
    extra = not_digits(x, y, len(x) // 4, seed)
    x = np.concatenate([x, extra])
    y = np.concatenate([y, np.full(len(extra), NOT_A_DIGIT, y.dtype)])
    order = np.random.default_rng(seed).permutation(len(x))
    return x[order], y[order]


def mnist_classifier(epochs: int = 3, seed: int = 0, use_cache: bool = True, verbose: int = 0) -> Classifier:
    """A small CNN that names the digit in an image, or says it is not a digit.

    It has 11 classes: 0-9 and "not a digit" (10), trained on noise, pixel-shuffled
    digits and overlays of two digits, so that a confident "7" means a recognisable 7,
    not just a blob the network has never seen. Trained once, then cached.

    With the full MNIST it trains on the 60,000 training digits and reports accuracy
    on the 10,000 test digits; where only the test split is present (CI) it trains on
    the first 8,000 test digits and reports accuracy on the other 2,000.
    """
    import keras

    from ..datasets import find_dataset, load_mnist

    source = find_dataset("mnist")
    has_train = source is not None and "train" in source.splits
    path = cache_dir() / f"mnist_classifier11_{'full' if has_train else 'test-split'}_e{epochs}_s{seed}.keras"
    info_path = path.with_suffix(".json")
    if use_cache and path.is_file() and info_path.is_file():
        try:
            info = json.loads(info_path.read_text())
            return Classifier(keras.saving.load_model(path), info["held_out_accuracy"], info["trained_on"], True)
        except Exception:  # a damaged cache entry: train afresh and replace it
            pass

    if has_train:
        x_fit, y_fit = load_mnist("train")
        x_val, y_val = load_mnist("test")
        trained_on = "60,000 MNIST training digits"
    else:
        x, y = load_mnist("test")
        x_fit, y_fit, x_val, y_val = x[:8000], y[:8000], x[8000:], y[8000:]
        trained_on = "8,000 MNIST test-split digits (the training split is not on this machine)"
    x_fit, y_fit = _with_not_digits(x_fit, y_fit, seed)
    keras.utils.set_random_seed(seed)
    model = _classifier_model()
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x_fit, y_fit, epochs=epochs, batch_size=128, verbose=verbose)
    accuracy = float(model.evaluate(x_val, y_val, verbose=0)[1])
    if use_cache:
        write_atomically(path, model.save)
        write_text_atomically(info_path, json.dumps({"held_out_accuracy": accuracy, "trained_on": trained_on}))
    return Classifier(model, accuracy, trained_on)


def shifted(images, right: int = 0, down: int = 0) -> np.ndarray:
    """``images`` moved ``right`` and ``down`` whole pixels (negative: left, up); the
    background (-1) fills in. A reader still sees the same digits, so the recognised
    share of shifted real digits shows how strict a classifier is about position."""
    images = check_images(images)
    height, width = images.shape[1:3]
    if abs(right) >= width or abs(down) >= height:
        raise InputError(f"A shift of ({right}, {down}) pixels moves {height}x{width} images out of view; "
                         "use a few pixels.")
    out = np.full_like(images, -1.0)
    rows_to, rows_from = _overlap(down, height)
    cols_to, cols_from = _overlap(right, width)
    out[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return out


def _overlap(offset: int, size: int) -> tuple[slice, slice]:
    """(destination, source) slices that move ``offset`` pixels along an axis of ``size``."""
    offset = int(offset)
    if offset >= 0:
        return slice(offset, size), slice(0, size - offset)
    return slice(0, size + offset), slice(-offset, size)


def recognisable_fraction(images, classifier: Classifier, threshold: float = 0.9) -> dict:
    """How many images the classifier calls a digit 0-9 with probability >= ``threshold``.

    Returns a dict: ``fraction`` (0..1), ``counts`` (confident predictions per digit
    0-9, to spot a generator that makes only a few digits), ``classes_covered``.
    """
    probs = classifier.probabilities(images)
    predicted = probs.argmax(axis=1)
    confident = (probs.max(axis=1) >= threshold) & (predicted != NOT_A_DIGIT)
    counts = np.bincount(predicted[confident], minlength=10)[:10]
    return {
        "fraction": float(confident.mean()),
        "counts": counts.tolist(),
        "classes_covered": int((counts > 0).sum()),
    }


QUALITY_SAMPLES = 1_000  # docs/benchmarks.md's convention: 1,000 samples ...
QUALITY_NOISE_SEED = 1   # ... from the noise of seed 1 (not the sample grids' seed 0)


def sample_quality(gan, classifier: Classifier, n: int = QUALITY_SAMPLES, psi: float = 1.0,
                   threshold: float = 0.9, data_range: tuple[float, float] = (-1.0, 1.0)) -> dict:
    """The recognised share of a GAN's samples, measured as docs/benchmarks.md does.

    ``n`` samples from the fixed noise of seed 1 (``gan.fixed_noise``), the Gaussian part
    scaled by ``psi`` (``ganlab.latent.truncate``; 1 = no truncation), judged by
    :func:`recognisable_fraction`. The same noise every time, so two runs differ only
    by what the generators learned. Used by the notebooks, the benchmarks and the tests.
    ``data_range``: the range of the data the generator was trained on; its samples are mapped
    from there to [-1, 1] before judging (notebooks/03_debugging_gan_code.ipynb, bug (e)).
    """
    from ..latent import truncate

    noise = truncate(gan.fixed_noise(n, seed=QUALITY_NOISE_SEED), psi, gan.latent_categories)
    low, high = data_range
    samples = (gan.generate(noise=noise) - low) * (2.0 / (high - low)) - 1.0
    return recognisable_fraction(np.clip(samples, -1.0, 1.0), classifier, threshold)
