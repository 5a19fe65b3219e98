"""Run folders of ``python -m ganlab``: a new one is empty, a finished one holds generator.keras.

Shared by the GAN commands (ganlab/cli.py) and the translation commands (ganlab/cli_translation.py).
Nothing that exists is ever overwritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ._files import remove_stale_partials
from .errors import CheckpointError, InputError, OutputExistsError


def new_run_folder(out: Path) -> Path:
    """``out``, created and writable, or one line saying why a new run cannot go there."""
    if (out / "config.json").is_file():
        raise OutputExistsError(
            f"{out} already holds a run (its config.json); ganlab never overwrites a run. Continue it with "
            f"`python -m ganlab train {_model_in(out)} --out {out} --resume` (it starts from its last completed "
            "epoch, or from epoch 1 if it has none), or choose a new --out folder."
        )
    if out.is_dir():
        remove_stale_partials(out)  # what a run killed in its first second left: not a run
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputExistsError(
            f"{out} already exists and is not empty; ganlab never overwrites a run. "
            "Choose a new --out folder (the existing one was left untouched)."
        )
    check_writable(out)
    return out


def _model_in(out: Path) -> str:
    try:
        return json.loads((out / "config.json").read_text()).get("model", "dcgan")
    except (OSError, ValueError):
        return "dcgan"


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and write a probe file, or say in one line why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".ganlab-write-test.{os.getpid()}.partial"  # cleaned like a partial file if killed
        probe.write_text("")
        probe.unlink()
    except OSError as err:
        raise InputError(f"Cannot write to {folder} ({err.strerror}); choose a folder you can write to.") from err


def load_generator(path: Path):
    """The saved generator, or one line saying the file is damaged (it is never changed)."""
    import keras

    from . import models  # noqa: F401  registers ganlab's own layers (e.g. ReflectionPadding2D) for loading

    try:
        return keras.saving.load_model(path)
    except Exception as err:  # a truncated zip, a corrupted config, a file from elsewhere ...
        raise CheckpointError(
            f"{path} cannot be loaded: it is damaged or incomplete ({type(err).__name__}). It was left as it "
            "is. Resume the run with `train ... --resume` to write it again, or use another run."
        ) from err


def saved_config(run: Path) -> dict:
    """config.json of a run folder ({} if it has none, e.g. a generator.keras copied on its own)."""
    path = run / "config.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path} cannot be read ({err}); it was left as it is.") from err
