"""Dataset files checked against known checksums before use, and the IDX format MNIST comes in."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataCorruptedError


@dataclass(frozen=True)
class KnownFile:
    """Checksums that identify a good copy of one file.

    ``md5`` is the published checksum of the original download; ``raw_sha256``
    is the SHA-256 of the decompressed content, which stays the same when a
    packager re-compresses the file (Debian does).
    """

    md5: str | None = None
    raw_sha256: str | None = None
    sha256: str | None = None



def _digest(data: bytes, algorithm: str) -> str:
    return hashlib.new(algorithm, data).hexdigest()


def verify_file(path: Path, known: KnownFile) -> bytes:
    """Return the (decompressed) content of ``path`` after checking it against ``known``.

    Raises DataCorruptedError, naming the file and what to do, when it does not match.
    """
    blob = path.read_bytes()
    if known.sha256 is not None:
        if _digest(blob, "sha256") != known.sha256:
            raise corrupted(path, "its SHA-256 checksum does not match the published one")
        return blob
    if known.md5 is not None and _digest(blob, "md5") == known.md5:
        return _gunzip(path, blob)
    raw = _gunzip(path, blob)
    if known.raw_sha256 is not None and _digest(raw, "sha256") == known.raw_sha256:
        return raw
    raise corrupted(path, "its checksum matches no known good copy")


def _gunzip(path: Path, blob: bytes) -> bytes:
    try:
        return gzip.decompress(blob)
    except (OSError, EOFError, zlib.error) as err:
        raise corrupted(path, f"it is not a complete gzip file ({err})") from err


def corrupted(path: Path, why: str) -> DataCorruptedError:
    return DataCorruptedError(
        f"{path} cannot be used: {why}. The file is probably truncated or damaged. "
        "ganlab left it untouched: move it away (or delete it) and load again to "
        "re-download it, or copy a good file over it."
    )


def parse_idx(raw: bytes, path: Path, expect_images: bool) -> np.ndarray:
    magic, ndim = (2051, 3) if expect_images else (2049, 1)
    header = np.frombuffer(raw[: 4 + 4 * ndim], dtype=">u4")
    if len(header) < 1 + ndim or header[0] != magic:
        raise corrupted(path, "it is not an IDX file of the expected kind")
    shape = tuple(int(n) for n in header[1:])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise corrupted(path, f"it holds {data.size} bytes of data, not {np.prod(shape)}")
    return data.reshape(shape)


# --------------------------------------------------------------------------- arrays ganlab built and cached


def save_checked_npz(path: Path, arrays: dict[str, np.ndarray], record: dict) -> None:
    """Save ``arrays`` at ``path`` (.npz) and a JSON record beside it that holds ``record`` and the
    file's SHA-256; each write is atomic, so a crash leaves the old pair or a pair that disagrees."""
    import json

    from ._files import sha256, write_atomically, write_text_atomically

    write_atomically(path, lambda partial: np.savez_compressed(partial, **arrays))
    write_text_atomically(path.with_suffix(".json"), json.dumps(dict(record, sha256=sha256(path)), indent=1))


def load_checked_npz(path: Path, expected: dict) -> dict[str, np.ndarray] | None:
    """The arrays saved by :func:`save_checked_npz`, or None when nothing is cached at ``path``.

    Raises DataCorruptedError when the record is missing or unreadable, disagrees with ``expected``,
    or the file does not match its recorded SHA-256: such a cache is never used.
    """
    import json

    from ._files import sha256

    record_file = path.with_suffix(".json")
    if not path.exists():
        return None
    try:
        record = json.loads(record_file.read_text())
    except (OSError, ValueError) as err:
        raise corrupted(path, f"its record {record_file.name} cannot be read ({type(err).__name__})") from err
    for key, value in expected.items():
        if not isinstance(record, dict) or record.get(key) != value:
            raise corrupted(path, f"it was built with another {key} than this ganlab's")
    if record.get("sha256") != sha256(path):
        raise corrupted(path, "its SHA-256 does not match its record")
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}
