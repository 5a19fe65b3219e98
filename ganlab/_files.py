"""Writing files so that a crash or a kill never leaves half of one behind."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


def cache_dir() -> Path:
    """Where ganlab keeps what it made or fetched (classifiers, npm packages, built arrays):
    $GANLAB_CACHE_DIR or ~/.cache/ganlab."""
    return Path(os.environ.get("GANLAB_CACHE_DIR") or Path.home() / ".cache" / "ganlab")


@contextmanager
def one_builder_at_a_time(path: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock for ``path``: of several processes that would build the same cached
    file (two notebooks, two test workers), one builds it while the others wait, then load it.
    The lock file lives in the temporary folder, so the cache holds only what was cached.
    Where there is no ``fcntl`` (Windows) nothing is locked: each builds, and the last complete file stays."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(_lock_file(path), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed, even if the process dies
        yield


def _lock_file(path: str | os.PathLike) -> Path:
    """One lock file per cached path, per user, named by a hash of the absolute path."""
    key = hashlib.sha256(str(Path(path).absolute()).encode()).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / f"ganlab-locks-{os.getuid()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{Path(path).name}.{key}.lock"


def write_atomically(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Call ``write(partial)`` on a file next to ``path``, then rename it to ``path``.

    A crash or an error never leaves half a file at ``path``; the partial file keeps
    the suffix, so writers that pick the format from it (Keras, matplotlib) still work.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def write_text_atomically(path: str | os.PathLike, text: str) -> Path:
    """``write_atomically`` for text, flushed to disk before the rename."""

    def write(partial: Path) -> None:
        with open(partial, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())

    return write_atomically(path, write)


PARTIAL_FILE = re.compile(r"^\..+\.(\d+)\.partial(\.[^.]*)?$")  # what write_atomically names its partial files


def remove_stale_partials(folder: str | os.PathLike) -> list[Path]:
    """Delete the partial files a killed ``write_atomically`` left in ``folder``; return them.

    A partial file names its writer's process id; one whose writer still runs is kept.
    """
    removed = []
    for path in Path(folder).glob(".*.partial*"):
        match = PARTIAL_FILE.match(path.name)
        if match and path.is_file() and not _is_running(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def ensure_free_space(folder: str | os.PathLike, needed: int, what: str) -> None:
    """Raise OSError(ENOSPC) naming ``what`` if ``folder``'s disk has less than ``needed`` bytes free.

    Checked before a write whose library may crash, rather than fail cleanly, on a full disk.
    """
    import errno
    import shutil

    free = shutil.disk_usage(folder).free
    if free < needed:
        raise OSError(errno.ENOSPC, f"No space left on device: {what} needs about {needed / 2**20:.1f} MB, "
                                    f"{free / 2**20:.1f} MB free", str(folder))


def sha256(path: str | os.PathLike) -> str:
    """The file's SHA-256, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync(path: str | os.PathLike) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def fsync_dir(directory: str | os.PathLike) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
