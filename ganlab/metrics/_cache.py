"""Trained measuring instruments kept on disk: a Keras file and a JSON record of how it was made.

The record names the format version, the dataset, the data split and the training settings, and
holds the model file's SHA-256. A cache that disagrees with what is asked for, or whose file does
not match its record, is never used: :func:`load_cached` says why, and the caller trains again.
"""

from __future__ import annotations

import json
from pathlib import Path

from .._files import cache_dir, sha256, write_atomically, write_text_atomically  # noqa: F401 (cache_dir: re-exported)


class StaleCache(Exception):
    """A cache entry exists but must not be used; ``str(error)`` says why, as "it ..." or "FILE ..."."""


def record_path(path: Path) -> Path:
    """The JSON record kept next to the model file ``path``."""
    return path.with_suffix(".json")


def load_cached(path: Path, expected: dict) -> tuple[object, dict] | None:
    """The model saved at ``path`` and its record, or None when nothing is cached there.

    Raises StaleCache when something is there but does not agree with ``expected`` (every key
    must have the same value in the record), or the file's SHA-256 is not the recorded one, or
    Keras cannot load it.
    """
    record_file = record_path(path)
    if not path.exists() and not record_file.exists():
        return None
    for present, missing in ((path, record_file), (record_file, path)):
        if present.exists() and not missing.is_file():
            raise StaleCache(f"{missing.name} is missing")
    try:
        record = json.loads(record_file.read_text())
    except (OSError, ValueError) as err:
        raise StaleCache(f"{record_file.name} cannot be read ({type(err).__name__})") from err
    if not isinstance(record, dict):
        raise StaleCache(f"{record_file.name} is not a record of ganlab's")
    for key, value in expected.items():
        if record.get(key) != value:
            raise StaleCache(f"it was made with {key} {record.get(key)!r}, not {value!r}")
    if record.get("sha256") != sha256(path):
        raise StaleCache(f"{path.name} does not match its recorded SHA-256 (damaged or replaced)")
    import keras

    try:
        return keras.saving.load_model(path), record
    except Exception as err:  # a truncated zip, a file from another Keras ...
        raise StaleCache(f"{path.name} cannot be loaded ({type(err).__name__})") from err


def save_cached(path: Path, model, record: dict) -> None:
    """Save ``model`` at ``path`` and ``record`` (plus the file's SHA-256) beside it, each atomically.

    Killed between the two writes, the old record no longer matches the new file: the next
    :func:`load_cached` refuses both, and nothing half-written is ever used.
    """
    write_atomically(path, model.save)
    write_text_atomically(record_path(path), json.dumps(dict(record, sha256=sha256(path)), indent=2))
