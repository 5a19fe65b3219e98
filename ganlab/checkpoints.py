"""Checkpoints that survive interruption: resume a GAN from its last completed epoch.

Introduced in notebooks/05_training_engineering.ipynb; ``python -m ganlab train ... --resume`` uses the same.

A checkpoint folder ``ckpt-000012/`` (after epoch 12) holds the weights of the
generator, the discriminator and the EMA generator, both optimizers' state (their
step counters included), the noise seed state, the sample grid's fixed noise and
grids so far, and the per-epoch and per-step history (so curves cover the whole run
across any number of resumes). It is written under a temporary name and renamed into
place when complete, and ``latest`` is replaced atomically after that: a kill at any
moment leaves the previous checkpoint intact and loadable. Each file's SHA-256 is
recorded and checked on load; a damaged checkpoint is set aside (renamed
``damaged-ckpt-...``, never deleted) and the newest intact one is used instead.

>>> checkpoints = Checkpoints("runs/dcgan", sample_grid=grids)       # doctest: +SKIP
>>> start = checkpoints.restore(gan)    # 0 in a new folder, else the epochs done   # doctest: +SKIP
>>> gan.fit(dataset, epochs=20, initial_epoch=start, callbacks=[grids, checkpoints])  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import keras
import numpy as np

from ._files import fsync, fsync_dir, sha256, write_text_atomically
from .errors import CheckpointError, InputError

FORMAT = "ganlab-checkpoint-1"
PREFIX = "ckpt-"
PARTIAL_PREFIX = ".partial-"
LATEST = "latest"
DAMAGED_PREFIX = "damaged-"
STATE_FIELDS = ("format", "epoch", "architecture", "history", "files")


class Checkpoints(keras.callbacks.Callback):
    """Save a checkpoint every ``every`` epochs into ``directory``; keep the newest ``keep``.

    Parameters
    ----------
    directory : the run's checkpoint folder (created if missing).
    every : save after every ``every``-th epoch.
    keep : how many checkpoints to keep (at least 1; older ones are deleted only
        after a newer one is complete).
    sample_grid : a ``ganlab.callbacks.SampleGrid`` whose fixed noise and grids are
        saved and restored with the weights.
    step_history : a ``ganlab.callbacks.StepHistory`` (or any callback with a ``history``
        dict of lists), saved and restored with the weights.
    """

    def __init__(self, directory: str | os.PathLike, every: int = 1, keep: int = 2, sample_grid=None,
                 step_history=None):
        super().__init__()
        if int(every) < 1 or int(keep) < 1:
            raise InputError(f"every and keep must be at least 1, not every={every}, keep={keep}.")
        self.directory = Path(directory)
        self.every, self.keep = int(every), int(keep)
        self.sample_grid, self.step_history = sample_grid, step_history
        self.history: dict[str, list[float]] = {}

    # ------------------------------------------------------------------ callback
    def on_epoch_end(self, epoch, logs=None):
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        if (epoch + 1) % self.every == 0:
            self.save(self.model, epoch + 1)

    # ------------------------------------------------------------------ saving
    def save(self, gan, epoch: int) -> Path:
        """Write the checkpoint after ``epoch`` completed epochs; return its folder."""
        self.directory.mkdir(parents=True, exist_ok=True)
        _remove_partials(self.directory)
        final = self.directory / f"{PREFIX}{epoch:06d}"
        partial = self.directory / f"{PARTIAL_PREFIX}{final.name}-{os.getpid()}"
        partial.mkdir()
        try:
            _write_contents(gan, partial, epoch, self.history, self.sample_grid, self.step_history)
        except BaseException:  # a full disk, a kill signal ...: give the space back, keep the older ones
            shutil.rmtree(partial, ignore_errors=True)
            raise
        if final.exists():  # the same epoch saved again (a resumed run repeating it): replace it whole
            shutil.rmtree(final) if (final / "state.json").is_file() else set_aside(final)
        os.rename(partial, final)
        write_text_atomically(self.directory / LATEST, final.name)
        fsync_dir(self.directory)
        self._prune()
        return final

    def _prune(self) -> None:
        for old in complete_checkpoints(self.directory)[: -self.keep]:
            shutil.rmtree(old, ignore_errors=True)

    # ------------------------------------------------------------------ loading
    def latest(self) -> Path | None:
        """The newest complete checkpoint folder, or None."""
        return latest_checkpoint(self.directory)

    def restore(self, gan) -> int:
        """Load the newest intact checkpoint into ``gan`` (compiled); return the epochs it had done (0 if none).

        A damaged checkpoint (a file missing, truncated or not matching its checksum) is set
        aside with one printed line and the one before it is used. A checkpoint made by
        another architecture raises InputError naming the difference; it is only read.
        """
        if self.directory.is_dir():
            _remove_partials(self.directory)  # what a killed save left: space back at once
        for folder in reversed(checkpoint_folders(self.directory)):
            try:
                state = read_state(folder)
                check_same_architecture(gan, state, folder)
                _load_contents(gan, folder, state)
            except CheckpointError as err:
                where = str(err).replace(f"{self.directory.parent}{os.sep}", "")  # checkpoints/ckpt-.../file
                print(f"Note: {where} It was set aside as {set_aside(folder).name} (nothing is deleted); "
                      "trying the checkpoint before it.")
                continue
            self._restore_histories(folder, state)
            return int(state["epoch"])
        return 0

    def _restore_histories(self, folder: Path, state: dict) -> None:
        self.history = {name: list(values) for name, values in state["history"].items()}
        if self.step_history is not None and (folder / "step_history.npz").exists():
            with np.load(folder / "step_history.npz") as saved:
                self.step_history.history = {name: saved[name].tolist() for name in saved.files}
        if self.sample_grid is not None and (folder / "sample_grid.npz").exists():
            with np.load(folder / "sample_grid.npz") as saved:
                self.sample_grid.noise = saved["noise"]
                self.sample_grid.grids = list(saved["grids"])
                self.sample_grid.epochs = [int(e) for e in saved["epochs"]]


# ---------------------------------------------------------------------- run folders

SETTINGS = "settings.json"


def run_folder(base: str | os.PathLike, name: str, settings: dict, former: tuple[str, ...] = ()) -> Path:
    """The folder of the run with these ``settings``: ``base/<name>-<8 hex digits of their hash>``.

    A run's folder follows its settings: change one (profile, dataset, learning rate, the
    model's layers) and the next run gets a new folder instead of resuming a run made
    differently; the same settings find the same folder, so a rerun resumes (or reloads a
    finished run). The folder is created with ``settings.json``, which says what it holds.
    ``former``: names earlier versions of the notebook used under ``base``; one that exists
    is named in a printed note and left untouched, never trained over.

    >>> import tempfile
    >>> base = tempfile.mkdtemp()
    >>> a = run_folder(base, "dcgan", {"lr": 5e-4, "dataset": "mnist"})
    >>> a == run_folder(base, "dcgan", {"dataset": "mnist", "lr": 5e-4}), a == run_folder(base, "dcgan", {"lr": 1e-4})
    (True, False)
    """
    if not isinstance(settings, dict):
        raise InputError(f"settings must be a dict of the run's settings (e.g. vars(P)), not {type(settings).__name__}.")
    if not name or any(sep in str(name) for sep in "/\\"):
        raise InputError(f"name must be a plain folder name such as '04_dcgan_mnist', not {name!r}.")
    text = json.dumps(settings, sort_keys=True, default=repr, indent=1)
    folder = Path(base) / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / SETTINGS).is_file():
        write_text_atomically(folder / SETTINGS, text)
    for old in (Path(base) / n for n in former):
        if old.is_dir():
            print(f"Note: {old} holds a run from an earlier version of this notebook. It is left as it is; "
                  f"this run uses {folder}. To continue the earlier run, copy its checkpoints/ folder there.")
    return folder


# ---------------------------------------------------------------------- reading


def complete_checkpoints(directory: str | os.PathLike) -> list[Path]:
    """Complete checkpoint folders in ``directory``, oldest first (partial writes are ignored)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [p for p in directory.glob(f"{PREFIX}*") if p.is_dir() and (p / "state.json").is_file()]
    return sorted(found, key=lambda p: p.name)


def checkpoint_folders(directory: str | os.PathLike) -> list[Path]:
    """Every ``ckpt-*`` folder, oldest first, intact or not (a partial write is never named so)."""
    directory = Path(directory)
    return sorted((p for p in directory.glob(f"{PREFIX}*") if p.is_dir()), key=lambda p: p.name)


def set_aside(folder: Path) -> Path:
    """Rename a damaged checkpoint to ``damaged-<name>`` (``-2``, ``-3`` ... if taken); return the new path."""
    target, n = folder.with_name(DAMAGED_PREFIX + folder.name), 1
    while target.exists():
        n += 1
        target = folder.with_name(f"{DAMAGED_PREFIX}{folder.name}-{n}")
    os.rename(folder, target)
    return target


def latest_checkpoint(directory: str | os.PathLike) -> Path | None:
    """The checkpoint ``latest`` names, else the newest complete one, else None."""
    directory = Path(directory)
    pointer = directory / LATEST
    if pointer.is_file():
        named = directory / pointer.read_text().strip()
        if (named / "state.json").is_file():
            return named
    complete = complete_checkpoints(directory)
    return complete[-1] if complete else None


def read_state(folder: str | os.PathLike) -> dict:
    """A checkpoint's state.json, after checking every file against its recorded SHA-256.

    Any damage raises CheckpointError; a folder that ganlab did not write raises InputError.
    """
    folder = Path(folder)
    try:
        state = json.loads((folder / "state.json").read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{folder}/state.json is missing or unreadable ({err}).") from err
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        found = state.get("format") if isinstance(state, dict) else type(state).__name__
        raise InputError(f"{folder} is not a ganlab checkpoint (format {found!r}, expected {FORMAT!r}). "
                         "Point to a folder written by ganlab, or start a new run.")
    missing = [name for name in STATE_FIELDS if name not in state]
    if missing:
        raise CheckpointError(f"{folder}/state.json lacks {', '.join(missing)}.")
    for name, digest in state["files"].items():
        path = folder / name
        if not path.is_file() or sha256(path) != digest:
            raise CheckpointError(f"{path} is missing or does not match its recorded checksum.")
    return state


def architecture(gan) -> dict:
    """What must match to resume: each network's name, input and output shapes, weight shapes."""

    def describe(model):
        return {
            "name": model.name,
            "input": list(model.inputs[0].shape[1:]),
            "output": list(model.outputs[0].shape[1:]),
            "params": int(model.count_params()),
            "weights": [list(w.shape) for w in model.weights],
        }

    return {"generator": describe(gan.generator), "discriminator": describe(gan.discriminator),
            "ema": gan.ema_generator is not None, "latent_categories": gan.latent_categories}


def check_same_architecture(gan, state: dict, folder: Path) -> None:
    """Raise InputError naming the first difference between ``gan`` and the checkpoint's models."""
    saved, current = state["architecture"], architecture(gan)
    for part in ("generator", "discriminator"):
        if saved[part] != current[part]:
            raise InputError(
                f"The checkpoint in {folder} was made by a different {part}: "
                f"{_summary(saved[part])} there, {_summary(current[part])} here. "
                "Build the same model (same model name, width, image size) to resume, "
                "or train in a new folder. The checkpoint was left untouched."
            )
    if saved["ema"] != current["ema"]:
        raise InputError(f"The checkpoint in {folder} was made {'with' if saved['ema'] else 'without'} an EMA "
                         "generator; create the GAN with the same ema_decay setting to resume.")
    saved_categories = saved.get("latent_categories", 0)  # checkpoints from before the code: none
    if saved_categories != current["latent_categories"]:
        raise InputError(f"The checkpoint in {folder} was made with latent_categories={saved_categories}, not "
                         f"{current['latent_categories']}; create the GAN with the same latent_categories "
                         "to resume. The checkpoint was left untouched.")


def _summary(model: dict) -> str:
    shape = lambda s: "(" + ", ".join(str(d) for d in s) + ")"  # noqa: E731
    return f"{model['name']} {shape(model['input'])} -> {shape(model['output'])}, {model['params']:,} parameters"


# ---------------------------------------------------------------------- files


def _networks(gan) -> dict:
    networks = {"generator": gan.generator, "discriminator": gan.discriminator}
    if gan.ema_generator is not None:
        networks["ema_generator"] = gan.ema_generator
    return networks


def _optimizers(gan) -> dict:
    return {"g_optimizer": (gan.g_optimizer, gan.generator), "d_optimizer": (gan.d_optimizer, gan.discriminator)}


def _write_contents(gan, folder: Path, epoch: int, history: dict, sample_grid, step_history) -> None:
    # Weights as numpy arrays in model.weights order: numpy reports a full disk as an OSError,
    # where HDF5 (Keras' .weights.h5) can crash the process.
    for name, model in _networks(gan).items():
        np.savez(folder / f"{name}.weights.npz", *model.get_weights())
    for name, (optimizer, _) in _optimizers(gan).items():
        store: dict[str, np.ndarray] = {}
        optimizer.save_own_variables(store)
        np.savez(folder / f"{name}.npz", **store)
    np.save(folder / "noise_seed.npy", keras.ops.convert_to_numpy(gan.seed_generator.state))
    if sample_grid is not None and sample_grid.noise is not None:
        np.savez(folder / "sample_grid.npz", noise=sample_grid.noise, grids=np.stack(sample_grid.grids),
                 epochs=np.asarray(sample_grid.epochs))
    if step_history is not None:
        np.savez(folder / "step_history.npz", **{k: np.asarray(v, "float32") for k, v in step_history.history.items()})
    files = {p.name: sha256(p) for p in sorted(folder.iterdir())}
    state = {
        "format": FORMAT,
        "epoch": int(epoch),
        "g_iterations": int(gan.g_optimizer.iterations),
        "d_iterations": int(gan.d_optimizer.iterations),
        "architecture": architecture(gan),
        "history": history,
        "saved_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "files": files,
    }
    (folder / "state.json").write_text(json.dumps(state, indent=1))
    for path in folder.iterdir():
        fsync(path)


def _load_contents(gan, folder: Path, state: dict) -> None:
    for name, model in _networks(gan).items():
        if f"{name}.weights.npz" in state["files"]:
            with np.load(folder / f"{name}.weights.npz") as saved:
                model.set_weights([saved[f"arr_{i}"] for i in range(len(saved.files))])
        else:  # checkpoints written before ganlab 0.1.0's numpy weights
            model.load_weights(folder / f"{name}.weights.h5")
    for name, (optimizer, model) in _optimizers(gan).items():
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        with np.load(folder / f"{name}.npz") as saved:
            store = {key: saved[key] for key in saved.files}
        if len(store) != len(optimizer.variables):
            raise InputError(
                f"The {name} state in {folder} has {len(store)} variables, this optimizer has "
                f"{len(optimizer.variables)}: compile with the same optimizer type (and mixed precision "
                "setting) to resume, or train in a new folder."
            )
        optimizer.load_own_variables(store)
    gan.seed_generator.state.assign(np.load(folder / "noise_seed.npy"))


def _remove_partials(directory: Path) -> None:
    """Delete what a killed writer left half-done (never a complete checkpoint)."""
    for leftover in directory.glob(f"{PARTIAL_PREFIX}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
