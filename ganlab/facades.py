"""CMP Facades as pix2pix ships it: label maps -> photos of building fronts, 256x256 colour.

pix2pix's ``facades.tar.gz`` holds ``facades/train/`` (400 JPEGs), ``val/`` (100, ganlab's "validation")
and ``test/`` (106), each 512x256: the photo on the left, its label map on the right; pix2pix translates
the map (input) into the photo (target). Images: CMP Facade Database (Tyleček and Šára, 2013; data/README.md).
No SHA-256 of the archive is published, so it must match ``$GANLAB_FACADES_SHA256``, else
:data:`FACADES_SHA256`, else the record written beside it (``facades.tar.gz.json``) when ganlab first
used it: trust on first use. One that does not is never used nor touched; a download takes its place
only once complete and checked. Members are read in memory, never unpacked; a link, an absolute path
or a ``..`` refuses the archive. Caching and pipelines: :mod:`ganlab.paired`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import urllib.request
from datetime import date
from pathlib import Path

import numpy as np

from . import _npm
from ._checked_files import corrupted
from ._files import cache_dir, ensure_free_space, sha256, write_atomically, write_text_atomically
from .datasets import downloads_are_off
from .errors import DataCorruptedError, DataNotFoundError, InputError

ARCHIVE = "facades.tar.gz"
MIRRORS = ("http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/facades.tar.gz",  # the pix2pix authors' server
           "https://people.eecs.berkeley.edu/~tinghuiz/projects/pix2pix/datasets/facades.tar.gz")  # its old address
ARCHIVE_BYTES: int | None = 30_168_306  # the Content-Length the server sends, as public download logs show it
FACADES_SHA256: str | None = None  # no published checksum that ganlab could verify; see the module docstring
SPLIT_FOLDERS = {"train": "train", "validation": "val", "test": "test"}
SIZE = 256  # the halves' own size
_HEX64 = re.compile(r"[0-9a-f]{64}")


def archive_paths() -> list[Path]:
    """Where the archive is looked for: $GANLAB_DATA_DIR/facades/, then the cache (where a download goes)."""
    env_dir = os.environ.get("GANLAB_DATA_DIR")
    return ([Path(env_dir) / "facades" / ARCHIVE] if env_dir else []) + [cache_dir() / "facades" / ARCHIVE]


def record_path(archive: Path) -> Path:
    """The trust-on-first-use record of ``archive``: beside it, or in the cache when its folder is read-only."""
    beside = archive.with_name(archive.name + ".json")
    writable = beside.exists() or not archive.parent.exists() or os.access(archive.parent, os.W_OK)
    return beside if writable else cache_dir() / "facades" / beside.name


def expected_sha256(archive: Path) -> tuple[str | None, str]:
    """(the SHA-256 ``archive`` must have, who says so): a pin, else its record, else (None, "")."""
    pinned = os.environ.get("GANLAB_FACADES_SHA256", "").strip().lower()
    if pinned and not _HEX64.fullmatch(pinned):
        raise InputError(f"GANLAB_FACADES_SHA256={pinned!r} is not a SHA-256 (64 hexadecimal digits); "
                         "correct it or unset it.")
    if pinned or FACADES_SHA256:
        return (pinned, "GANLAB_FACADES_SHA256") if pinned else (FACADES_SHA256, "ganlab's FACADES_SHA256")
    record = record_path(archive)
    if not record.exists():
        return None, ""
    try:
        value = str(json.loads(record.read_text())["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        value = ""
    if not _HEX64.fullmatch(value):
        raise DataCorruptedError(f"{record} holds no readable SHA-256, so ganlab cannot tell whether {archive} is the "
                                 "archive it used first. Delete the record to trust the archive as it is now.")
    return value, f"its record {record} (written when ganlab first used an archive there)"


def archive() -> tuple[Path, str]:
    """The facades archive, found or downloaded, and its SHA-256, once it passed the checks above."""
    path = next((p for p in archive_paths() if p.is_file()), None)
    fresh = path is None
    if fresh:
        path = download(archive_paths()[-1])  # complete and checked before it took its place
    digest = sha256(path)
    expected, source = expected_sha256(path)
    if expected is None:  # first use: trusted once it reads to its end, and remembered
        if not fresh:
            check_complete(path)
        record = {"file": ARCHIVE, "sha256": digest, "bytes": path.stat().st_size, "first_used": str(date.today())}
        write_text_atomically(record_path(path), json.dumps(record, indent=1))
    elif digest != expected:
        trust = f"delete {record_path(path)}" if source.startswith("its record") else "set GANLAB_FACADES_SHA256"
        raise DataCorruptedError(f"{path} is not the facades archive ganlab expects: its SHA-256 is {digest}, but "
                                 f"{source} says {expected}. It was not used, and left untouched. If you replaced "
                                 f"it on purpose and trust the new file, {trust}; else move it away and load again.")
    return path, digest


def check_complete(path: Path) -> None:
    """Raise DataCorruptedError unless ``path`` has the archive's size and reads to its end with every split."""
    size = path.stat().st_size
    if ARCHIVE_BYTES is not None and size != ARCHIVE_BYTES:
        raise corrupted(path, f"it is {size:,} bytes, and pix2pix's {ARCHIVE} is {ARCHIVE_BYTES:,} (to trust "
                              "another file, set GANLAB_FACADES_SHA256 to its SHA-256)")
    found = {_split_folder(name) for name, _ in _npm.read_members(path, lambda name: bool(_split_folder(name)))}
    missing = [f"facades/{folder}/" for folder in SPLIT_FOLDERS.values() if folder not in found]
    if missing:
        raise corrupted(path, f"it holds no JPEG in {', '.join(missing)}")


def download(path: Path) -> Path:
    """Fetch the archive into ``path`` from the first mirror that gives a complete, checked copy."""
    reasons = ["downloads are off (GANLAB_OFFLINE=1)"] if downloads_are_off() else []
    if not reasons:
        path.parent.mkdir(parents=True, exist_ok=True)
        ensure_free_space(path.parent, ARCHIVE_BYTES or 2**26, ARCHIVE)
        expected = expected_sha256(path)
        for url in MIRRORS:
            try:
                return write_atomically(path, lambda partial: _fetch(url, partial, *expected))
            except (OSError, DataCorruptedError) as err:  # no network, a cut transfer, a wrong file
                reasons.append(f"{url} failed ({err})")
    looked = ", ".join(map(str, archive_paths()))
    raise DataNotFoundError(f"The facades dataset needs {ARCHIVE}, not found at {looked}, and {'; '.join(reasons)}. "
                            f"To get it, download {MIRRORS[0]} where there is internet and put it at "
                            f"{archive_paths()[-1]} (or in $GANLAB_DATA_DIR/facades/), then load again.")


def _open(url: str):
    """(the response, its Content-Length or None); the tests replace this function."""
    response = urllib.request.urlopen(url, timeout=60)
    length = response.headers.get("Content-Length", "")
    return response, int(length) if length.isdigit() else None


def _fetch(url: str, partial: Path, expected: str | None, source: str) -> None:
    """Download ``url`` into ``partial`` with a progress line; raise unless it came complete and as expected."""
    response, length = _open(url)
    total, received, shown, digest = length or ARCHIVE_BYTES, 0, 0, hashlib.sha256()
    print(f"Downloading {ARCHIVE} ({f'{total / 1e6:.1f} MB' if total else 'size unknown'}) from {url}:", end="", flush=True)
    with response, open(partial, "wb") as f:
        for block in iter(lambda: response.read(1 << 20), b""):
            f.write(block)
            digest.update(block)
            received += len(block)
            if total and received * 10 // total > shown:
                shown = received * 10 // total
                print(f" {10 * shown}%", end="", flush=True)
    print(flush=True)
    if length is not None and received != length:
        raise OSError(f"the transfer stopped after {received:,} of {length:,} bytes")
    if expected and digest.hexdigest() != expected:
        raise DataCorruptedError(f"its SHA-256 is {digest.hexdigest()}, but {source} says {expected}")
    if not expected:  # a pinned file needs no other check
        check_complete(partial)


def _split_folder(name: str) -> str | None:
    """"train", "val" or "test" for a member ``facades/<folder>/<image>.jpg``, else None."""
    parts = name.split("/")
    ok = len(parts) == 3 and parts[0] == "facades" and parts[2].lower().endswith(".jpg") and parts[2][0] != "."
    return parts[1] if ok and parts[1] in SPLIT_FOLDERS.values() else None


def split_pair(jpeg: bytes, where: str, size: int = SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(label map, photo) of one side-by-side JPEG as uint8 (size, size, 3): its right and left halves,
    resized with nearest neighbour (each pixel keeps a label's colour) and with Lanczos filtering."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            image = image.convert("RGB")
    except Exception as err:  # Pillow raises several kinds for a damaged image
        raise DataCorruptedError(f"{where} is not a readable JPEG ({type(err).__name__}); the archive is damaged: "
                                 "move it away and load again to download a fresh copy.") from err
    width, height = image.size
    if width != 2 * height:
        raise DataCorruptedError(f"{where} is {width} x {height} pixels, not a side-by-side pair: a facades image "
                                 "is twice as wide as it is high (photo on the left, label map on the right).")
    photo = image.crop((0, 0, height, height)).resize((size, size), Image.Resampling.LANCZOS)
    label_map = image.crop((height, 0, width, height)).resize((size, size), Image.Resampling.NEAREST)
    return np.asarray(label_map, np.uint8), np.asarray(photo, np.uint8)


def read_split(path: Path, split: str, size: int = SIZE) -> dict[str, np.ndarray]:
    """One split of the archive at ``path``: inputs (label maps), targets (photos) and member names.

    >>> read_split(archive()[0], "test", 64)["inputs"].shape  # doctest: +SKIP
    (106, 64, 64, 3)
    """
    folder = SPLIT_FOLDERS[split]
    files = sorted(_npm.read_members(path, lambda name: _split_folder(name) == folder),
                   key=lambda f: (len(f[0]), f[0]))  # 1.jpg, 2.jpg, ..., 10.jpg
    if not files:
        raise corrupted(path, f"it holds no JPEG in facades/{folder}/")
    maps, photos = zip(*(split_pair(blob, f"{path.name}:{name}", size) for name, blob in files))
    return {"inputs": np.stack(maps), "targets": np.stack(photos), "names": np.array([name for name, _ in files])}


def cache_record(archive_sha256: str, size: int) -> dict:
    """What cached arrays were built from: a cache with another record is rebuilt."""
    return {"format": 1, "archive_sha256": archive_sha256, "size": size, "resize": "photo lanczos, labels nearest"}
