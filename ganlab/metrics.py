"""Measuring generated samples.

- :func:`moments` for 1-D toy data (notebooks/01_gan_on_toy_data.ipynb);
- :func:`mnist_classifier` and :func:`recognisable_fraction`: the share of generated
  digits that a small CNN classifies with confidence >= 0.9
  (notebooks/02_dense_mnist_gan.ipynb, benchmarks/dense_mnist_quality.py).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import check_images


def moments(samples) -> tuple[float, float]:
    """(mean, standard deviation) of 1-D samples."""
    samples = np.asarray(samples, dtype=np.float64).ravel()
    return float(samples.mean()), float(samples.std())


def cache_dir() -> Path:
    """Where ganlab keeps things it made (the classifier): $GANLAB_CACHE_DIR or ~/.cache/ganlab."""
    return Path(os.environ.get("GANLAB_CACHE_DIR") or Path.home() / ".cache" / "ganlab")


def _classifier_model():
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(10),
        ],
        name="mnist_classifier",
    )


@dataclass
class Classifier:
    """A trained MNIST classifier and how well it does on digits it never saw."""

    model: object
    held_out_accuracy: float
    trained_on: str

    def probabilities(self, images) -> np.ndarray:
        import keras

        images = check_images(images)
        return keras.ops.convert_to_numpy(keras.ops.softmax(self.model.predict(images, verbose=0, batch_size=500)))


def mnist_classifier(epochs: int = 3, seed: int = 0, use_cache: bool = True, verbose: int = 0) -> Classifier:
    """A small CNN trained on the MNIST digits on this machine (trained once, then cached).

    With the full MNIST it trains on the 60,000 training digits and reports accuracy
    on the 10,000 test digits; where only the test split is present (CI) it trains on
    the first 8,000 test digits and reports accuracy on the other 2,000.
    """
    import keras

    from .data import find_dataset, load_mnist

    source = find_dataset("mnist")
    has_train = source is not None and "train" in source.splits
    path = cache_dir() / f"mnist_classifier_{'full' if has_train else 'test-split'}_e{epochs}_s{seed}.keras"
    info_path = path.with_suffix(".json")
    if use_cache and path.is_file() and info_path.is_file():
        try:
            info = json.loads(info_path.read_text())
            return Classifier(keras.saving.load_model(path), info["held_out_accuracy"], info["trained_on"])
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
        _save_atomically(model, path)
        info_path.write_text(json.dumps({"held_out_accuracy": accuracy, "trained_on": trained_on}))
    return Classifier(model, accuracy, trained_on)


def _save_atomically(model, path: Path) -> None:
    """Save next to ``path`` first, then rename: a crash never leaves half a file at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.keras")
    model.save(partial)
    os.replace(partial, path)


def recognisable_fraction(images, classifier: Classifier, threshold: float = 0.9) -> dict:
    """How many images the classifier calls a digit with probability >= ``threshold``.

    Returns a dict: ``fraction`` (0..1), ``counts`` (confident predictions per digit
    0-9, to spot a generator that makes only a few digits), ``classes_covered``.
    """
    probs = classifier.probabilities(images)
    confident = probs.max(axis=1) >= threshold
    counts = np.bincount(probs.argmax(axis=1)[confident], minlength=10)
    return {
        "fraction": float(confident.mean()),
        "counts": counts.tolist(),
        "classes_covered": int((counts > 0).sum()),
    }
