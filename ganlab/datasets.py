"""Finding, checking and reading MNIST and Fashion-MNIST; downloading them where allowed.

Introduced in notebooks/00_setup.ipynb; used by every notebook after it. The loaders
return images in the pixel convention of :mod:`ganlab.data`: float32 in [-1, 1], (N, 28, 28, 1).

Where the loaders look, in this order (the first place that has the data wins):

1. the ``data_dir`` argument: a folder holding ``mnist/`` or ``fashion-mnist/``,
   or the dataset's files themselves;
2. ``$GANLAB_DATA_DIR/<name>/`` (for example ``$GANLAB_DATA_DIR/mnist/``);
3. the Keras cache, ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``
   (``mnist.npz``, ``fashion-mnist/``), where earlier Keras downloads went;
4. ``/usr/share/datasets/<name>/`` (Debian's ``dataset-fashion-mnist`` package);
5. a Keras download into that cache, unless ``download=False`` or
   ``GANLAB_OFFLINE=1``.

Files are the original gzip IDX files (``train-images-idx3-ubyte.gz`` ...) or
Keras' ``mnist.npz``. Every file is checked against a known checksum before use;
a file that fails raises :class:`~ganlab.errors.DataCorruptedError` and is left
where it is (ganlab never deletes your data).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np

from ._checked_files import KnownFile, corrupted, parse_idx, verify_file
from .data import to_model_range
from .errors import DataNotFoundError, InputError

SPLITS = ("train", "test")
CLASS_NAMES = {  # what the labels 0..9 mean
    "mnist": tuple(str(digit) for digit in range(10)),
    "fashion_mnist": ("T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
                      "bag", "ankle boot"),
}


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    keras_name: str  # module name under keras.datasets
    files: dict[str, KnownFile]
    npz: tuple[str, KnownFile] | None = None
    how_to_get: str = ""
    idx_names: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
            "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
        }
    )


DATASETS: dict[str, DatasetSpec] = {
    "mnist": DatasetSpec(
        name="mnist",
        keras_name="mnist",
        files={
            "train-images-idx3-ubyte.gz": KnownFile(md5="f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            "train-labels-idx1-ubyte.gz": KnownFile(md5="d53e105ee54ea40749a09fcbcd1e9432"),
            "t10k-images-idx3-ubyte.gz": KnownFile(
                md5="9fb629c4189551a2d022fa330f9573f3",
                raw_sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            ),
            "t10k-labels-idx1-ubyte.gz": KnownFile(
                md5="ec29112dd5afa0611ce80d1b7f02629c",
                raw_sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ),
        },
        npz=(
            "mnist.npz",
            KnownFile(sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
        ),
        how_to_get=(
            "With internet, run `python -c \"import ganlab; ganlab.load_mnist()\"` once "
            "(Keras downloads mnist.npz into its cache). Offline, copy the original "
            "gzip IDX files into a folder `<dir>/mnist/` and set GANLAB_DATA_DIR=<dir>."
        ),
    ),
    "fashion_mnist": DatasetSpec(
        name="fashion-mnist",
        keras_name="fashion_mnist",
        files={
            "train-images-idx3-ubyte.gz": KnownFile(
                md5="8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                raw_sha256="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            ),
            "train-labels-idx1-ubyte.gz": KnownFile(
                md5="25c81989df183df01b3e8a0aad5dffbe",
                raw_sha256="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            ),
            "t10k-images-idx3-ubyte.gz": KnownFile(
                md5="bef4ecab320f06d8554ea6380940ec79",
                raw_sha256="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            ),
            "t10k-labels-idx1-ubyte.gz": KnownFile(
                md5="bb300cfdad3c16e7a12a480ee83cd310",
                raw_sha256="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            ),
        },
        how_to_get=(
            "On Debian/Ubuntu: `sudo apt-get install dataset-fashion-mnist`. With internet, "
            "run `python -c \"import ganlab; ganlab.load_fashion_mnist()\"` once (Keras "
            "downloads it into its cache). Or put the gzip IDX files in "
            "`<dir>/fashion-mnist/` and set GANLAB_DATA_DIR=<dir>."
        ),
    ),
}


# --------------------------------------------------------------------------- finding files


def keras_cache_dir() -> Path:
    """Where Keras keeps downloaded datasets (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def candidate_dirs(spec: DatasetSpec, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The folders searched for ``spec``, in priority order."""
    dirs: list[Path] = []
    if data_dir is not None:
        dirs += [Path(data_dir) / spec.name, Path(data_dir)]
    env_dir = os.environ.get("GANLAB_DATA_DIR")
    if env_dir:
        dirs += [Path(env_dir) / spec.name]
    dirs += [keras_cache_dir(), keras_cache_dir() / spec.name]
    dirs += [Path("/usr/share/datasets") / spec.name]
    return dirs


def _splits_in(spec: DatasetSpec, folder: Path) -> dict[str, Path | tuple[Path, Path]]:
    """The splits a folder provides: split name -> npz path or (images, labels) paths."""
    found: dict[str, Path | tuple[Path, Path]] = {}
    if spec.npz and (folder / spec.npz[0]).is_file():
        return {split: folder / spec.npz[0] for split in SPLITS}
    for split, (images, labels) in spec.idx_names.items():
        if (folder / images).is_file() and (folder / labels).is_file():
            found[split] = (folder / images, folder / labels)
    return found


@dataclass
class DataSource:
    """Where a dataset was found, and which splits it has there."""

    name: str
    folder: Path
    splits: dict[str, Path | tuple[Path, Path]]

    def describe(self) -> str:
        return f"{self.name}: {', '.join(self.splits)} split(s) from {self.folder}"


def find_dataset(
    name: str = "mnist", data_dir: str | os.PathLike | None = None, split: str = "all"
) -> DataSource | None:
    """Return where ``name`` would be loaded from, or None if it is not on this machine."""
    spec = _spec(name)
    wanted = _wanted_splits(split)
    if data_dir is not None and not Path(data_dir).is_dir():  # a typo must not load from elsewhere
        raise InputError(f"data_dir {data_dir} is not a folder on this machine; check its spelling. "
                         f"It should hold {spec.name}/ (or the dataset's files themselves).")
    for folder in candidate_dirs(spec, data_dir):
        splits = _splits_in(spec, folder)
        usable = {s: p for s, p in splits.items() if s in wanted}
        if usable and (split == "all" or set(wanted) <= set(usable)):
            return DataSource(spec.name, folder, usable)
    return None


def _spec(name: str) -> DatasetSpec:
    key = name.replace("-", "_").lower()
    if key not in DATASETS:
        raise InputError(
            f"Unknown dataset {name!r}. Choose one of: {', '.join(sorted(DATASETS))}."
        )
    return DATASETS[key]


def _wanted_splits(split: str) -> tuple[str, ...]:
    if split == "all":
        return SPLITS
    if split not in SPLITS:
        raise InputError(f"split must be 'train', 'test' or 'all', not {split!r}.")
    return (split,)


def _read_split(spec: DatasetSpec, where: Path | tuple[Path, Path], split: str):
    if isinstance(where, Path):  # Keras' npz holds both splits
        blob = verify_file(where, spec.npz[1])
        with np.load(io.BytesIO(blob)) as npz:
            return npz[f"x_{split}"], npz[f"y_{split}"]
    images_path, labels_path = where
    images = parse_idx(verify_file(images_path, spec.files[images_path.name]), images_path, True)
    labels = parse_idx(verify_file(labels_path, spec.files[labels_path.name]), labels_path, False)
    if len(images) != len(labels):
        raise corrupted(labels_path, f"it has {len(labels)} labels for {len(images)} images")
    return images, labels


# --------------------------------------------------------------------------- public loaders


def load_dataset(
    name: str,
    split: str = "all",
    data_dir: str | os.PathLike | None = None,
    download: bool = True,
    n: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load ``name`` ("mnist" or "fashion_mnist") as (images, labels).

    Parameters
    ----------
    name : "mnist" or "fashion_mnist" ("fashion-mnist" works too).
    split : "train", "test" or "all". "all" returns every split found in the first
        place that has the dataset (70,000 images for a full copy, 10,000 where only
        the test split is present, as in CI).
    data_dir : a folder to look in before anywhere else.
    download : let Keras download the data when it is found nowhere (skipped when
        the environment variable GANLAB_OFFLINE is set to 1).
    n : only the first ``n`` images (None: all). Cheaper than slicing afterwards: only
        these are converted to float32 (70,000 images take 220 MB as float32).

    Returns
    -------
    images : float32 array (N, 28, 28, 1), values in [-1, 1].
    labels : int32 array (N,).

    >>> images, labels = load_dataset("mnist", split="test")  # doctest: +SKIP
    """
    if n is not None and (int(n) != n or n < 1):
        raise InputError(f"n must be a whole number >= 1 (or None for all images), not {n!r}.")
    spec = _spec(name)
    source = find_dataset(name, data_dir, split)
    if source is None:
        source = _download(spec, name, data_dir, split, download)
    parts = [_read_split(spec, source.splits[s], s) for s in SPLITS if s in source.splits]
    images = np.concatenate([p[0] for p in parts])[:n]  # still uint8 here: 1 byte a pixel
    labels = np.concatenate([p[1] for p in parts])[:n].astype(np.int32)
    return to_model_range(images[..., None]), labels


def load_mnist(split: str = "all", data_dir=None, download: bool = True, n: int | None = None):
    """MNIST digits as (images in [-1, 1] of shape (N, 28, 28, 1), int labels). See load_dataset."""
    return load_dataset("mnist", split, data_dir, download, n)


def load_fashion_mnist(split: str = "all", data_dir=None, download: bool = True, n: int | None = None):
    """Fashion-MNIST as (images in [-1, 1] of shape (N, 28, 28, 1), int labels). See load_dataset."""
    return load_dataset("fashion_mnist", split, data_dir, download, n)


def downloads_are_off() -> bool:
    """True when $GANLAB_OFFLINE says so (1/true/yes/on); false for unset, 0/false/no/off."""
    text = os.environ.get("GANLAB_OFFLINE", "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise InputError(f"GANLAB_OFFLINE={text!r} is not understood; use 1 (never download) or 0, or unset it.")


def _half_pairs(spec, folder: Path) -> str:
    """' (has X but not Y)' for each split of which ``folder`` holds only one of the two files."""
    notes = [f"has {a} but not {b}" for images, labels in spec.idx_names.values()
             for a, b in ((images, labels), (labels, images)) if (folder / a).is_file() and not (folder / b).is_file()]
    return f" ({'; '.join(notes)})" if notes else ""


def _download(spec, name, data_dir, split, download) -> DataSource:
    looked = "\n".join(f"  - {d}{_half_pairs(spec, d)}" for d in candidate_dirs(spec, data_dir))
    offline = downloads_are_off()
    reason = ""
    if download and not offline:
        import keras

        try:
            getattr(keras.datasets, spec.keras_name).load_data()
        except Exception as err:  # no network, proxy, disk full ...
            reason = f"The Keras download failed too ({type(err).__name__}: {err}).\n"
        source = find_dataset(name, None, split)
        if source is not None:
            return source
    elif offline:
        reason = "Downloads are off (GANLAB_OFFLINE=1).\n"
    raise DataNotFoundError(
        f"Could not find the {spec.name} dataset ({split} split). Looked in:\n{looked}\n"
        f"{reason}How to get it: {spec.how_to_get}"
    )


def iter_known_files(name: str) -> Iterable[tuple[str, KnownFile]]:
    """The files ganlab recognises for ``name`` (used by data/README.md and the tests)."""
    spec = _spec(name)
    yield from spec.files.items()
    if spec.npz:
        yield spec.npz
