"""Image pairs for image-to-image translation (pix2pix), and the same data unpaired (CycleGAN).

Three datasets, one API (input, target, as float32 in [-1, 1]):

- ``"emoji"``: the same emoji by two vendors, Twemoji -> Noto, 64x64 colour (:mod:`ganlab.emoji`);
  labels are emoji categories (``CLASS_NAMES["emoji"]``);
- ``"edges2fashion"``: Canny edges -> Fashion-MNIST shoes and bags, 32x32 grey (:mod:`ganlab.edges`);
  labels are Fashion-MNIST's, so a Fashion-MNIST classifier can judge a translation;
- ``"facades"``: label maps -> photos of building fronts, colour, 256x256 (``size=`` resizes;
  :mod:`ganlab.facades`); no classes, so every label is 0.

Splits are "train", "validation" and "test". The arrays are built once and cached as a checksummed
.npz under the cache folder ($GANLAB_CACHE_DIR or ~/.cache/ganlab, in ``paired/``), keyed on what they
were built from (for facades, the archive's SHA-256); a damaged cache is never used, it is rebuilt.
Where the data come from: data/README.md.

Written for the course's pix2pix and unpaired-translation notebooks (planned).

>>> inputs, targets, labels = paired_arrays("edges2fashion", "test")  # doctest: +SKIP
>>> ds = paired_dataset("emoji", "train", batch_size=32, jitter=True, flip=True)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from . import edges, emoji, facades
from ._checked_files import load_checked_npz, save_checked_npz
from ._files import cache_dir, one_builder_at_a_time
from .data import check_images, to_model_range
from .datasets import CLASS_NAMES as FASHION_CLASSES, load_fashion_mnist
from .errors import DataCorruptedError, InputError

NAMES = ("emoji", "edges2fashion", "facades")
SPLITS = ("train", "validation", "test")
CLASS_NAMES = {"emoji": emoji.CATEGORIES, "edges2fashion": FASHION_CLASSES["fashion_mnist"], "facades": ()}
SIZES = (16, 32, 64, 128, 256, 512)  # square, a power of two: a U-Net halves the image at each level
NATIVE_SIZES = {"emoji": emoji.SIZE, "edges2fashion": edges.SIZE}  # facades: any of SIZES (default 256)


# --------------------------------------------------------------------------- the arrays, built once and cached


def _check_name_split(name: str, split: str, size: int | None = None) -> None:
    if name not in NAMES:
        raise InputError(f"Unknown paired dataset {name!r}; choose one of: {', '.join(NAMES)}.")
    if split not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}, not {split!r}.")
    if size is not None and size != NATIVE_SIZES.get(name, size):
        raise InputError(f"{name} comes at {NATIVE_SIZES[name]} x {NATIVE_SIZES[name]} pixels only, not {size!r}.")
    if size is not None and size not in SIZES:
        raise InputError(f"size must be one of {', '.join(map(str, SIZES))} (a power of two), not {size!r}.")


def _cached(file_name: str, record: dict, build) -> dict[str, np.ndarray]:
    """The arrays cached under ``file_name``, or ``build()``'s, saved there first."""
    path = cache_dir() / "paired" / file_name
    with one_builder_at_a_time(path):  # another process building the same file: wait, then load it
        try:
            arrays = load_checked_npz(path, record)
        except DataCorruptedError:
            arrays = None  # damaged or from another build: never used, rebuilt below
        if arrays is None:
            arrays = build()
            save_checked_npz(path, arrays, record)
    return arrays


def _edges_split(split: str) -> dict[str, np.ndarray]:
    """One split of edges2fashion: validation is every tenth image of Fashion-MNIST's train split."""
    images, labels = load_fashion_mnist("test" if split == "test" else "train")
    if split != "test":
        every_tenth = np.arange(len(images)) % 10 == 9
        keep = every_tenth if split == "validation" else ~every_tenth
        images, labels = images[keep], labels[keep]
    edge_maps, items, labels = edges.edge_pairs(images, labels)
    as_bytes = lambda x: np.round((x + 1.0) * 127.5).astype(np.uint8)  # noqa: E731
    return {"inputs": as_bytes(edge_maps), "targets": as_bytes(items), "labels": labels}


def _pixels(name: str, split: str, size: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, targets, labels) of one split as uint8 pixels 0..255: a quarter of float32's memory."""
    _check_name_split(name, split, size)
    if name == "facades":
        size = size or facades.SIZE
        path, digest = facades.archive()  # checked against its pin or first-use record before any use
        arrays = _cached(f"facades_{size}_{split}.npz", facades.cache_record(digest, size),
                         lambda: facades.read_split(path, split, size))
        return arrays["inputs"], arrays["targets"], np.zeros(len(arrays["inputs"]), np.int32)
    if name == "emoji":
        arrays = _cached("emoji_64.npz", emoji.cache_record(), emoji.build_arrays)
        keep = np.array([emoji.split_of(group) == split for group in arrays["groups"]], dtype=bool)
        return arrays["twitter"][keep], arrays["google"][keep], arrays["labels"][keep]
    from skimage import __version__ as skimage_version

    record = {"format": 1, "sigma": edges.SIGMA, "low": edges.LOW_THRESHOLD, "high": edges.HIGH_THRESHOLD,
              "scikit-image": skimage_version}
    arrays = _cached(f"edges2fashion_32_{split}.npz", record, lambda: _edges_split(split))
    return arrays["inputs"], arrays["targets"], arrays["labels"]


def paired_arrays(name: str, split: str = "train", n: int | None = None, size: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, targets, labels) of ``name``'s ``split``: float32 images in [-1, 1] and int32 labels.

    name : "emoji" (Twemoji -> Noto, (N, 64, 64, 3)), "edges2fashion" (edges -> item, (N, 32, 32, 1))
        or "facades" (label map -> photo, (N, size, size, 3)).
    split : "train", "validation" or "test".
    n : only the first ``n`` pairs (None: all).
    size : the images' side; facades: one of SIZES, default 256; the others come at one size only.
    """
    if n is not None and (int(n) != n or n < 1):
        raise InputError(f"n must be a whole number >= 1 (or None for all pairs), not {n!r}.")
    inputs, targets, labels = (a[:n] for a in _pixels(name, split, size))
    return to_model_range(inputs), to_model_range(targets), labels.astype(np.int32)


# --------------------------------------------------------------------------- checks


def check_size(images: np.ndarray, what: str) -> None:
    """Raise InputError unless ``images`` (N, H, W, C) are square with a side in SIZES."""
    h, w = images.shape[1:3]
    if h != w or h not in SIZES:
        raise InputError(f"{what} are {h}x{w} pixels; translation models take square images of side "
                         f"{', '.join(map(str, SIZES))}: pad or resize them (ganlab.edges.pad_to pads).")


def _check_pairs(inputs, targets) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets as arrays after checking they pair up: count, size, dtype and range."""
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    for array, what in ((inputs, "inputs"), (targets, "targets")):
        if array.ndim != 4:
            raise InputError(f"{what} have shape {array.shape}; expected (N, height, width, channels).")
        if array.dtype != np.uint8:
            check_images(array, what)
        check_size(array, what)
    if len(inputs) != len(targets):
        raise InputError(f"{len(inputs)} inputs and {len(targets)} targets: each input needs its own target.")
    if inputs.shape[1:3] != targets.shape[1:3]:
        raise InputError(f"inputs are {inputs.shape[1:3]} and targets {targets.shape[1:3]} pixels: "
                         "a pair's two images must be the same size.")
    if (inputs.dtype == np.uint8) != (targets.dtype == np.uint8):
        raise InputError("inputs and targets must both be uint8 pixels or both floats in [-1, 1]; "
                         "convert with ganlab.data.to_model_range.")
    return inputs, targets


def split_side_by_side(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(left halves, right halves) of images that hold a pair side by side, (N, H, 2H, C) (as facades).

    >>> left, right = split_side_by_side(np.zeros((2, 32, 64, 3)))
    >>> left.shape, right.shape
    ((2, 32, 32, 3), (2, 32, 32, 3))
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[2] != 2 * images.shape[1]:
        raise InputError(f"images of shape {images.shape} are not side-by-side pairs (N, H, 2H, C): "
                         "each must be twice as wide as it is high.")
    half = images.shape[1]
    return images[:, :, :half], images[:, :, half:]


# --------------------------------------------------------------------------- tf.data pipelines


def joint_jitter(input, target, jitter: bool = True, flip: bool = True, seed: int | None = None):
    """The same random jitter and flip for both images of one pair (tensors (H, W, C)), as pix2pix.

    Jitter: resize both up by 1/8 (nearest neighbour, so edges stay binary), then crop both at the
    same random place back to (H, W). Flip: both mirrored left-right, or neither.
    """
    import tensorflow as tf

    channels = input.shape[-1]
    both = tf.concat([input, target], axis=-1)  # one tensor, so one crop and one flip for both
    height, width = both.shape[0], both.shape[1]
    if jitter:
        bigger = tf.image.resize(both, [height + height // 8, width + width // 8], method="nearest")
        both = tf.image.random_crop(bigger, tf.shape(both), seed=seed)
    if flip:
        both = tf.image.random_flip_left_right(both, seed=seed)
    return both[..., :channels], both[..., channels:]


def _to_model_range(images):
    import tensorflow as tf

    return images if images.dtype != tf.uint8 else tf.cast(images, tf.float32) / 127.5 - 1.0


def make_paired_dataset(inputs: np.ndarray, targets: np.ndarray, batch_size: int = 64, jitter: bool = False,
                        flip: bool = False, shuffle: bool = True, seed: int | None = 0,
                        labels: np.ndarray | None = None, drop_remainder: bool = False):
    """tf.data of (input, target) batches, float32 in [-1, 1] ((input, target, label) with ``labels``).

    ``inputs`` and ``targets`` are (N, H, W, C) floats in [-1, 1] or uint8 pixels (converted batch
    by batch, which keeps a quarter of the memory). ``jitter`` and ``flip`` apply
    :func:`joint_jitter`: the same transform to both images of a pair.
    """
    import tensorflow as tf

    inputs, targets = _check_pairs(inputs, targets)
    if int(batch_size) != batch_size or batch_size < 1:
        raise InputError(f"batch_size must be a whole number >= 1, not {batch_size!r}.")
    if labels is not None and len(labels) != len(inputs):
        raise InputError(f"{len(labels)} labels for {len(inputs)} pairs: give one label per pair.")
    extra = () if labels is None else (np.asarray(labels, np.int32),)
    ds = tf.data.Dataset.from_tensor_slices((inputs, targets, *extra))
    if shuffle:
        ds = ds.shuffle(len(inputs), seed=seed, reshuffle_each_iteration=True)
    if jitter or flip:
        ds = ds.map(lambda a, b, *label: (*joint_jitter(a, b, jitter, flip, seed), *label),
                    num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.batch(int(batch_size), drop_remainder=drop_remainder)
    ds = ds.map(lambda a, b, *label: (_to_model_range(a), _to_model_range(b), *label))
    return ds.prefetch(tf.data.AUTOTUNE)


def paired_dataset(name: str, split: str = "train", batch_size: int = 64, jitter: bool = False,
                   flip: bool = False, shuffle: bool | None = None, seed: int | None = 0,
                   with_labels: bool = False, drop_remainder: bool = False, size: int | None = None):
    """tf.data of (input, target) batches of ``name``'s ``split``, float32 in [-1, 1] (pix2pix's data).

    ``shuffle`` defaults to True for "train" only. ``jitter``/``flip``: see :func:`joint_jitter`.
    ``with_labels``: batches are (input, target, label). ``size``: as for :func:`paired_arrays`.
    """
    inputs, targets, labels = _pixels(name, split, size)
    return make_paired_dataset(inputs, targets, batch_size, jitter, flip, split == "train" if shuffle is None
                               else shuffle, seed, labels if with_labels else None, drop_remainder)


def make_unpaired_dataset(domain_a: np.ndarray, domain_b: np.ndarray, batch_size: int = 64,
                          jitter: bool = False, flip: bool = False, seed: int | None = 0):
    """tf.data of (a, b) batches with each domain shuffled on its own: no pairing left to learn from.

    Each image gets its own jitter and flip. With unequal counts an epoch ends with the shorter domain.
    """
    import tensorflow as tf

    def one_domain(images, domain_seed):
        images = np.asarray(images)
        if images.dtype != np.uint8:
            check_images(images, "images")
        check_size(images, "images")
        ds = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=domain_seed)
        if jitter or flip:
            ds = ds.map(lambda x: joint_jitter(x, x[..., :0], jitter, flip)[0], num_parallel_calls=tf.data.AUTOTUNE)
        return ds

    second_seed = None if seed is None else seed + 1
    ds = tf.data.Dataset.zip(one_domain(domain_a, seed), one_domain(domain_b, second_seed))
    ds = ds.batch(int(batch_size)).map(lambda a, b: (_to_model_range(a), _to_model_range(b)))
    return ds.prefetch(tf.data.AUTOTUNE)


def unpaired_dataset(name: str, split: str = "train", batch_size: int = 64, jitter: bool = False,
                     flip: bool = False, seed: int | None = 0):
    """``name`` for unpaired translation (CycleGAN): "train" hides the pairs, the other splits keep them.

    Train batches are (a, b) with the two domains shuffled independently; "validation" and "test"
    give (input, target) pairs in a fixed order, so an unpaired model can be scored on the hidden pairs.
    """
    inputs, targets, _ = _pixels(name, split)
    if split != "train":
        return make_paired_dataset(inputs, targets, batch_size, shuffle=False)
    return make_unpaired_dataset(inputs, targets, batch_size, jitter, flip, seed)
