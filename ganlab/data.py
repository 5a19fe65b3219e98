"""The pixel convention every model, plot and metric shares, and tf.data pipelines.

Images are float32 arrays of shape (N, height, width, channels) with values in [-1, 1]
(what a tanh generator outputs); toy data are points, float32 arrays of shape (N, D).
Loading datasets from files is :mod:`ganlab.datasets`.

Introduced in notebooks/00_setup.ipynb and notebooks/02_dense_mnist_gan.ipynb.
"""

from __future__ import annotations

import numpy as np

from .errors import InputError

IMAGE_SHAPE = (28, 28, 1)


def to_model_range(pixels: np.ndarray) -> np.ndarray:
    """uint8 pixels 0..255 -> float32 in [-1, 1] (what a tanh generator outputs)."""
    images = np.array(pixels, dtype=np.float32)  # one new array, then changed in place:
    images /= 127.5                              # no float32 temporaries (Binder has 2 GB)
    images -= 1.0
    return images


def to_pixels(images: np.ndarray) -> np.ndarray:
    """float images in [-1, 1] -> uint8 pixels 0..255, for saving or display."""
    return np.clip(np.round((np.asarray(images) + 1.0) * 127.5), 0, 255).astype(np.uint8)


def check_images(images, name: str = "images", tolerance: float = 1e-3) -> np.ndarray:
    """Return ``images`` as a float32 array after checking it is a batch ganlab can use.

    A batch is float, shape (N, H, W, C) with N >= 1, values in [-1, 1], with no NaN or inf.
    Each problem raises InputError with the fix.

    >>> check_images(np.zeros((28, 28, 1)))
    Traceback (most recent call last):
    ...
    ganlab.errors.InputError: images has shape (28, 28, 1): one image, not a batch. Make it a batch of one with `images[None]`.
    """
    arr = np.asarray(images)
    if arr.ndim == 3 and arr.shape[-1] in (1, 3):
        raise InputError(f"{name} has shape {arr.shape}: one image, not a batch. "
                         f"Make it a batch of one with `{name}[None]`.")
    if arr.ndim == 3:
        raise InputError(f"{name} has shape {arr.shape}; ganlab expects (N, height, width, channels). "
                         f"Add the channel axis with `{name}[..., None]`.")
    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and arr.shape[0] > 4:
        raise InputError(f"{name} has shape {arr.shape}: one grey image. Make it a batch of one "
                         f"with `{name}[None, ..., None]`.")
    if arr.ndim != 4:
        raise InputError(f"{name} has shape {arr.shape}; ganlab expects 4 axes (N, height, width, channels).")
    return _check_values(arr, name, tolerance)


def check_points(points, name: str = "points") -> np.ndarray:
    """Return toy data ``points`` (N, D) as float32 after checking shape, dtype and finiteness.

    >>> check_points(np.zeros(5)).shape
    Traceback (most recent call last):
    ...
    ganlab.errors.InputError: points has shape (5,); toy data are points of shape (N, D). For 1-D data use `points[:, None]`.
    """
    arr = np.asarray(points)
    if arr.ndim != 2:
        raise InputError(f"{name} has shape {arr.shape}; toy data are points of shape (N, D). "
                         f"For 1-D data use `{name}[:, None]`.")
    return _check_values(arr, name, tolerance=None)


def _check_values(arr: np.ndarray, name: str, tolerance: float | None) -> np.ndarray:
    """Non-empty, float, finite and (for images) in [-1, 1]."""
    if arr.shape[0] == 0:
        raise InputError(f"{name} is empty (shape {arr.shape}); pass at least one example.")
    if not np.issubdtype(arr.dtype, np.floating):
        hint = " These look like 0..255 pixels: use ganlab.data.to_model_range(x)." if arr.dtype == np.uint8 else ""
        raise InputError(f"{name} has dtype {arr.dtype}; ganlab expects floats"
                         f"{' in [-1, 1]' if tolerance is not None else ''}.{hint}")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise InputError(
            f"{name} contains {int(bad.sum())} NaN or infinite values. If they come from "
            "training, the run diverged: lower the learning rate or restart from a checkpoint."
        )
    if tolerance is not None:
        low, high = float(arr.min()), float(arr.max())
        if low < -1 - tolerance or high > 1 + tolerance:
            hint = " Scale 0..255 pixels with ganlab.data.to_model_range(x) (x / 127.5 - 1)." if high > 1.5 else ""
            raise InputError(f"{name} has values in [{low:.3g}, {high:.3g}]; expected [-1, 1].{hint}")
    return arr.astype(np.float32, copy=False)


def make_dataset(
    examples: np.ndarray,
    batch_size: int = 128,
    seed: int | None = 0,
    shuffle: bool = True,
    cache: bool = False,
    drop_remainder: bool = False,
    labels: np.ndarray | None = None,
):
    """A tf.data pipeline over images (N, H, W, C) or toy points (N, D): shuffle, batch, prefetch.

    Images are checked with :func:`check_images`, points with :func:`check_points`.
    ``cache`` is off by default: arrays already in memory gain nothing from it and
    it would hold a second copy (Binder has 2 GB). Turn it on for pipelines that
    decode or augment.

    Introduced in notebooks/01_gan_on_toy_data.ipynb (points) and
    notebooks/02_dense_mnist_gan.ipynb (images).

    >>> ds = make_dataset(np.zeros((10, 1), "float32"), batch_size=4)
    >>> [tuple(batch.shape) for batch in ds]
    [(4, 1), (4, 1), (2, 1)]
    """
    import tensorflow as tf

    arr = np.asarray(examples)
    examples = check_points(arr, "examples") if arr.ndim == 2 else check_images(arr, "examples")
    if int(batch_size) != batch_size or batch_size < 1:
        raise InputError(f"batch_size must be a whole number >= 1, not {batch_size!r}.")
    if labels is not None and len(labels) != len(examples):
        raise InputError(f"{len(labels)} labels for {len(examples)} examples: give one label per example.")
    tensors = examples if labels is None else (examples, np.asarray(labels))
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(examples), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(int(batch_size), drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)


def toy_data(n: int, mean: float = 4.0, std: float = 1.25, seed: int = 0) -> np.ndarray:
    """1-D toy data: ``n`` samples from N(mean, std^2), shape (n, 1), float32.

    Introduced in notebooks/01_gan_on_toy_data.ipynb.
    """
    if std <= 0:
        raise InputError(f"std must be positive, not {std}.")
    rng = np.random.default_rng(seed)
    return rng.normal(mean, std, size=(n, 1)).astype(np.float32)


# The ring's spread: wide enough that a small GAN covers all 8 modes within a quick-profile run (0.02, the
# unrolled-GAN papers' value, needs far longer runs: docs/benchmarks.md, "Losses and stability").
RING_STD = 0.05


def ring_data(n: int, modes: int = 8, radius: float = 2.0, std: float = RING_STD, seed: int = 0) -> np.ndarray:
    """2-D toy data: ``n`` points from ``modes`` Gaussians of standard deviation ``std`` whose
    centres sit evenly on a circle of ``radius`` (the first at angle 0), shape (n, 2), float32.

    Each point picks a mode uniformly at random. ``ganlab.metrics.ring_scores`` measures
    samples against the same ring. Introduced in notebooks/07_losses_and_stability.ipynb.

    >>> ring_data(1000).shape
    (1000, 2)
    """
    if int(n) != n or n < 1:
        raise InputError(f"n must be a whole number >= 1, not {n!r}.")
    if int(modes) != modes or modes < 1:
        raise InputError(f"modes must be a whole number >= 1, not {modes!r}.")
    if not radius > 0 or not std > 0:
        raise InputError(f"radius and std must be positive, not radius={radius}, std={std}.")
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * rng.integers(0, int(modes), size=int(n)) / int(modes)
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return (centres + rng.normal(0.0, std, size=(int(n), 2))).astype(np.float32)
