"""Feature networks: a small CNN per dataset whose penultimate layer turns an image into 128 numbers.

FD, KID, precision/recall, density/coverage and memorisation (``ganlab.metrics.feature_scores``
and ``manifold_scores``) compare sets of feature vectors, not pixels. FID uses an Inception network
trained on ImageNet; for 28x28 digits and clothes a classifier trained on the dataset itself sees
more of what matters. :func:`feature_network` trains one per dataset ("mnist", "fashion_mnist")
once, on the train part of :func:`evaluation_split` only, and caches it under ``cache_dir()``.
Its held-out accuracy and training time: docs/benchmarks.md.

>>> net = feature_network("mnist")                                   # doctest: +SKIP
>>> net.features(images).shape, net.held_out_accuracy                # doctest: +SKIP
((1000, 128), 0.99...)
"""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..data import check_images
from ..datasets import DATASETS, find_dataset, load_dataset
from .._files import one_builder_at_a_time
from ..errors import GanlabError, InputError
from ._cache import StaleCache, cache_dir, load_cached, save_cached

FORMAT_VERSION = 1  # raise it when the network or its training changes: older caches are then retrained
FEATURES = 128  # the penultimate layer's width: the length of a feature vector
FEATURE_LAYER = "features"
CLASSES = 10
IMAGE_SHAPE = (28, 28, 1)
TRAIN_SHARE = 0.8  # with one split only: the share of it that is the train part
LEARNING_RATE, BATCH_SIZE = 2e-3, 128  # Adam with cosine decay to 0 over the whole training


@dataclass(frozen=True)
class Recipe:
    """How long a dataset's feature network trains, and how far its images are shifted at random."""

    epochs: int
    max_shift: int  # pixels; 0 = no augmentation


RECIPES = {"mnist": Recipe(epochs=8, max_shift=2), "fashion_mnist": Recipe(epochs=5, max_shift=0)}


@dataclass
class EvaluationSplit:
    """Images a feature network trains on (``train``) and the real images samples are compared with."""

    dataset: str
    train: np.ndarray
    train_labels: np.ndarray
    reference: np.ndarray
    reference_labels: np.ndarray
    description: str


def dataset_key(dataset: str) -> str:
    """``dataset`` as a key of RECIPES ("mnist", "fashion_mnist"), or an InputError naming them."""
    key = str(dataset).replace("-", "_").lower()
    if key not in RECIPES:
        raise InputError(f"No feature network for dataset {dataset!r}; choose one of: {', '.join(RECIPES)}.")
    return key


def evaluation_split(dataset: str = "mnist") -> EvaluationSplit:
    """The one split every evaluation uses: what the feature network trains on, what samples are judged against.

    With both splits of ``dataset`` on this machine: train = the training split, reference = the
    test split. With one split only (CI has MNIST's 10,000 test digits): train = its first 80 %
    (8,000), reference = the last 20 % (2,000); ``description`` says which. GANs trained with
    ``--n-images`` up to the size of the train part never see the reference images either.

    Loaded once per set of files: later calls (the feature network, ``ganlab.augmentation``) share the
    arrays, which are read-only, so a notebook holds one copy.
    """
    key = dataset_key(dataset)
    source = find_dataset(key)
    files = [] if source is None else [p for where in source.splits.values()
                                       for p in (where if isinstance(where, tuple) else (where,))]
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _load_split(key, signature)


@functools.lru_cache(maxsize=2)
def _load_split(key: str, signature: tuple) -> EvaluationSplit:
    """:func:`evaluation_split` for the files named in ``signature`` (path, mtime, size), as read-only arrays."""
    split = _read_split(key)
    for array in (split.train, split.train_labels, split.reference, split.reference_labels):
        array.flags.writeable = False
    return split


def _read_split(dataset: str) -> EvaluationSplit:
    """The split of :func:`evaluation_split`, read from the files."""
    key = dataset_key(dataset)
    source = find_dataset(key)
    name = DATASETS[key].name
    if source is not None and set(source.splits) == {"train", "test"}:
        (train, train_labels), (reference, reference_labels) = (load_dataset(key, s) for s in ("train", "test"))
        description = (f"feature network trained on the {len(train):,} {name} training images; samples "
                       f"compared with the {len(reference):,} test images")
        return EvaluationSplit(key, train, train_labels, reference, reference_labels, description)
    images, labels = load_dataset(key)  # one split: DataNotFoundError with advice when there is none
    cut = int(TRAIN_SHARE * len(images))
    only = next(iter(source.splits)) if source is not None else "one"
    description = (f"feature network trained on the first {cut:,} of the {len(images):,} {name} {only}-split "
                   f"images (the other split is not on this machine); samples compared with the last "
                   f"{len(images) - cut:,}")
    return EvaluationSplit(key, images[:cut], labels[:cut], images[cut:], labels[cut:], description)


def training_images(dataset: str = "mnist", n: int | None = None, data_dir=None) -> np.ndarray:
    """The images a GAN may train on: the train part of :func:`evaluation_split` (its first ``n``).

    Loads only that part: the training split where both are here; else the first 80 % of the one
    split. The reference images that samples are judged against are never among them. ``data_dir``:
    a folder to look in first, as for ``ganlab.load_mnist``.
    """
    return training_examples(dataset, n, data_dir)[0]


def training_examples(dataset: str = "mnist", n: int | None = None, data_dir=None) -> tuple[np.ndarray, np.ndarray]:
    """(images, labels) of :func:`training_images`: what a conditional GAN trains on.

    Without ``data_dir`` they are read-only views of the shared :func:`evaluation_split`: a notebook
    that trains several GANs holds one copy of the dataset, not one per run.
    """
    key = dataset_key(dataset)
    if n is not None and (isinstance(n, bool) or int(n) != n or n < 1):
        raise InputError(f"n must be a whole number >= 1 (or None for all), not {n!r}.")
    if data_dir is None:
        split = evaluation_split(key)
        return split.train[:n], split.train_labels[:n]
    source = find_dataset(key, data_dir)
    if source is not None and set(source.splits) == {"train", "test"}:
        return load_dataset(key, "train", data_dir=data_dir, n=n)
    images, labels = load_dataset(key, data_dir=data_dir)  # one split (or DataNotFoundError with advice)
    cut = min(int(TRAIN_SHARE * len(images)), n or len(images))
    return images[:cut].copy(), labels[:cut].copy()


def build_feature_model(name: str = "feature_network"):
    """The untrained CNN: three 3x3 convolutions, Dense(128) (the features), Dense(10) (class logits).

    Every layer is float32 whatever the global dtype policy (mixed precision on a GPU): a
    measuring instrument must not change with the fast path of the model it measures.
    """
    import keras
    from keras import layers

    f32 = {"dtype": "float32"}
    inputs = keras.Input(IMAGE_SHAPE, dtype="float32")
    x = inputs
    for filters, padding in ((16, "same"), (32, "same"), (64, "valid")):
        x = layers.Conv2D(filters, 3, padding=padding, activation="relu", **f32)(x)
        if padding == "same":
            x = layers.MaxPooling2D(**f32)(x)
    x = layers.Flatten(**f32)(x)
    features = layers.Dense(FEATURES, activation="relu", name=FEATURE_LAYER, **f32)(x)
    logits = layers.Dense(CLASSES, **f32)(layers.Dropout(0.3, **f32)(features))
    return keras.Model(inputs, logits, name=name)


@dataclass
class FeatureNet:
    """A trained feature network, its split, and how well it classifies images it never saw."""

    model: object  # the classifier; features come from its layer named FEATURE_LAYER
    split: EvaluationSplit
    held_out_accuracy: float
    training_seconds: float
    from_cache: bool = False
    _parts: dict = field(default_factory=dict, repr=False)  # outputs for the split's parts, computed once
    _extractor: object = field(default=None, repr=False)

    @property
    def dataset(self) -> str:
        return self.split.dataset

    def outputs(self, images, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
        """(features (N, 128), class probabilities (N, 10)) of ``images``, float32, with training=False."""
        import keras

        images = check_images(images, "samples")
        expected = tuple(self.model.inputs[0].shape[1:])
        if images.shape[1:] != expected:
            raise InputError(f"samples have shape {images.shape[1:]}; the {self.dataset} feature network takes "
                             f"{expected} images in [-1, 1].")
        if self._extractor is None:
            layer = self.model.get_layer(FEATURE_LAYER)
            self._extractor = keras.Model(self.model.inputs, [layer.output, self.model.outputs[0]])
        # batch by batch: predict() would first copy every image into a dataset (300 MB for 60,000)
        parts = [self._extractor.predict_on_batch(images[i:i + batch_size]) for i in range(0, len(images), batch_size)]
        features, logits = (np.concatenate([np.asarray(part[j]) for part in parts]) for j in (0, 1))
        probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(logits))
        return np.asarray(features, np.float32), np.asarray(probabilities, np.float32)

    def features(self, images) -> np.ndarray:
        """The (N, 128) float32 feature vectors of ``images`` (of the network's input shape) in [-1, 1]."""
        return self.outputs(images)[0]

    def part(self, which: str) -> tuple[np.ndarray, np.ndarray]:
        """(features, probabilities) of the split's ``which`` part ("train" or "reference"), computed once."""
        if which not in self._parts:
            self._parts[which] = self.outputs(getattr(self.split, which))
        return self._parts[which]


def feature_network(dataset: str = "mnist", epochs: int | None = None, seed: int = 0, use_cache: bool = True,
                    verbose: int = 0, separate_process: bool = True) -> FeatureNet:
    """The feature network of ``dataset``: loaded from the cache, or trained (once) and cached.

    Trained on the train part of :func:`evaluation_split` only, for ``epochs`` (default: the
    dataset's RECIPES entry) with Adam and random shifts of up to ``max_shift`` pixels; its
    accuracy is measured on the reference part. The cache holds the model and a JSON record (format
    version, dataset, split, epochs, seed, held-out accuracy, training time, the file's SHA-256).
    A cache that disagrees with any of these, or is damaged, is not used: one printed line says
    why, a new network is trained, and the cache is replaced only once that has succeeded.

    With ``separate_process`` (and the cache on), the training runs in a child Python process
    and this one loads the result: training holds a few hundred MB that a process never gives
    back, and a notebook kernel on Binder has 2 GB in all.
    """
    key = dataset_key(dataset)
    epochs = RECIPES[key].epochs if epochs is None else epochs
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise InputError(f"epochs must be a whole number >= 1, not {epochs!r}.")
    split = evaluation_split(key)
    path = cache_dir() / f"feature_net_{key}_e{epochs}_s{seed}.keras"
    expected = {"format": FORMAT_VERSION, "dataset": key, "split": split.description, "epochs": epochs, "seed": seed}
    if use_cache and separate_process:  # one process trains it (in a child); others wait, then load it
        with one_builder_at_a_time(path):
            return _cached_or_trained(path, expected, split, epochs, seed, verbose, separate_process)
    return _cached_or_trained(path, expected, split, epochs, seed, verbose, separate_process, use_cache)


def _cached_or_trained(path: Path, expected: dict, split: EvaluationSplit, epochs: int, seed: int, verbose: int,
                       separate_process: bool, use_cache: bool = True) -> FeatureNet:
    """The network cached at ``path`` if its record matches ``expected``, else a newly trained one."""
    key = expected["dataset"]
    cached = cached_network(path, expected, split) if use_cache else None
    if cached is not None:
        return cached
    print(f"ganlab: training the {key} feature network ({epochs} epoch(s) on {len(split.train):,} images; "
          f"{'cached in ' + str(path.parent) if use_cache else 'not cached'}).", flush=True)
    if use_cache and separate_process:
        _train_in_child(key, epochs, seed, verbose)
        model, record = load_cached(path, expected) or _missing(path)
        return FeatureNet(model, split, record["held_out_accuracy"], record["training_seconds"])
    model, accuracy, seconds = _train(split, RECIPES[key].max_shift, epochs, seed, verbose)
    if use_cache:
        save_cached(path, model, dict(expected, held_out_accuracy=accuracy, training_seconds=seconds))
    return FeatureNet(model, split, accuracy, seconds)


def cached_network(path: Path, expected: dict, split: EvaluationSplit) -> FeatureNet | None:
    """The feature network cached at ``path`` if its record matches ``expected``; None (saying why when
    the cache exists but is stale or damaged) if a new one must be trained."""
    try:
        cached = load_cached(path, expected)
    except StaleCache as why:
        print(f"ganlab: the cached {expected['dataset']} feature network in {path.parent} is not used ({why}); "
              "training a new one.")
        return None
    if cached is None:
        return None
    model, record = cached
    return FeatureNet(model, split, record["held_out_accuracy"], record["training_seconds"], True)


def _train_in_child(key: str, epochs: int, seed: int, verbose: int) -> None:
    """Train and cache the network in a child process (``ganlab/metrics/_train_feature_network.py``)."""
    command = [sys.executable, "-m", "ganlab.metrics._train_feature_network", key, str(epochs), str(seed), str(verbose)]
    child = subprocess.run(command, capture_output=True, text=True)
    if verbose:
        print(child.stdout, end="")
    if child.returncode != 0:
        last = (child.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise GanlabError(f"Training the {key} feature network in a child process failed: {last}. Nothing was "
                          "cached; run it again, or call feature_network(..., separate_process=False) to see "
                          "the whole error here.")


def _missing(path):
    raise GanlabError(f"The feature network trained in a child process was not found in {path.parent}: is that "
                      "folder writable, and is GANLAB_CACHE_DIR the same for both processes?")


def _train(split: EvaluationSplit, max_shift: int, epochs: int, seed: int, verbose: int, build=None):
    """(model, held-out accuracy, seconds): ``build()`` (default: :func:`build_feature_model`) trained on
    ``split.train``, judged on ``split.reference``."""
    import keras

    keras.utils.set_random_seed(seed)
    model = build() if build else build_feature_model(f"{split.dataset}_feature_network")
    steps = epochs * -(-len(split.train) // BATCH_SIZE)
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps)),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(epochs):
        images = shifted_at_random(split.train, max_shift, rng) if max_shift else split.train
        model.fit(images, split.train_labels, batch_size=BATCH_SIZE, epochs=epoch + 1, initial_epoch=epoch,
                  verbose=verbose)
    seconds = time.perf_counter() - start
    accuracy = float(model.evaluate(split.reference, split.reference_labels, batch_size=500, verbose=0)[1])
    if not np.isfinite(accuracy) or not all(np.isfinite(w).all() for w in model.get_weights()):
        raise GanlabError(f"Training the {split.dataset} feature network diverged (held-out accuracy {accuracy}); "
                          "nothing was cached. Run it again, or report it with check_env()'s output.")
    return model, accuracy, seconds


def shifted_at_random(images: np.ndarray, max_shift: int, rng: np.random.Generator,
                      chunk: int = 10_000) -> np.ndarray:
    """``images`` each moved by a random whole number of pixels in [-max_shift, max_shift] along
    each axis; the background (-1) fills in. A few thousand at a time (Binder has 2 GB).

    >>> image = np.full((1, 4, 4, 1), -1.0, np.float32); image[0, 1, 1] = 1.0
    >>> moved = shifted_at_random(image, 1, np.random.default_rng(0))
    >>> float(moved.sum()) == float(image.sum())  # one lit pixel, moved by at most one place
    True
    """
    out = np.empty_like(images)
    height, width = images.shape[1:3]
    for start in range(0, len(images), chunk):
        part = images[start:start + chunk]
        padded = np.pad(part, ((0, 0), (max_shift,) * 2, (max_shift,) * 2, (0, 0)), constant_values=-1.0)
        dy, dx = (rng.integers(0, 2 * max_shift + 1, len(part)) for _ in range(2))
        rows = (dy[:, None] + np.arange(height))[:, :, None]
        cols = (dx[:, None] + np.arange(width))[:, None, :]
        out[start:start + len(part)] = padded[np.arange(len(part))[:, None, None], rows, cols]
    return out

