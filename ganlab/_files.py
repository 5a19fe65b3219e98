"""Writing files so that a crash or a kill never leaves half of one behind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


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
