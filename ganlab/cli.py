"""The command line: ``python -m ganlab train ...``, ``python -m ganlab sample ...``.

    python -m ganlab train dense --dataset mnist --out runs/dense1
    python -m ganlab sample runs/dense1 --n 64 --out samples.npy
    python -m ganlab check-env

A run folder holds generator.keras, history.json, config.json, samples.png and
grids/ (one sample grid per epoch from fixed noise). Nothing that exists is ever
overwritten: a new run needs a new folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import GanlabError, InputError, OutputExistsError

MODELS = ("dense",)
DATASETS = ("mnist", "fashion_mnist")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, not a usage dump."""

    def error(self, message):
        command = self.prog.replace("python -m ganlab", "").strip()
        raise InputError(f"{message} (see `python -m ganlab {command + ' ' if command else ''}--help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ganlab", description="Train GANs and sample from them.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = sub.add_parser("train", help="train a GAN and save it in a new folder")
    train.add_argument("model", choices=MODELS, help="which GAN to train")
    train.add_argument("--dataset", default="mnist", choices=DATASETS)
    train.add_argument("--out", required=True, type=Path, help="a new folder for the run")
    train.add_argument("--epochs", type=int, help="default: the run profile's step budget")
    train.add_argument("--batch-size", type=int, help="default: the run profile's")
    train.add_argument("--n-images", type=int, help="train on the first N images only")
    train.add_argument("--loss", default="non_saturating")
    train.add_argument("--profile", choices=("quick", "cpu", "gpu"))
    train.add_argument("--data-dir", type=Path, help="a folder holding mnist/ or fashion-mnist/")
    train.add_argument("--seed", type=int, default=0)

    sample = sub.add_parser("sample", help="generate images from a trained run")
    sample.add_argument("run", type=Path, help="a folder made by `train`")
    sample.add_argument("--n", type=int, required=True, help="how many images")
    sample.add_argument("--out", type=Path, required=True, help="a new .npy file")
    sample.add_argument("--seed", type=int, default=0)

    sub.add_parser("check-env", help="versions, GPU, run profile, data")
    return parser


def _positive(value, name):
    if value is not None and value < 1:
        raise InputError(f"--{name} must be at least 1, not {value}.")


def _new_run_folder(out: Path) -> Path:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputExistsError(
            f"{out} already exists and is not empty; ganlab never overwrites a run. "
            "Choose a new --out folder (the existing one was left untouched)."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as err:
        raise InputError(f"Cannot write to {out} ({err.strerror}); choose a folder you can write to.") from err
    return out


def train(args) -> Path:
    for name in ("epochs", "batch_size", "n_images"):
        _positive(getattr(args, name), name.replace("_", "-"))
    from .losses import get_loss

    get_loss(args.loss)  # a bad name fails before anything is loaded or written
    import keras

    from . import data, profiles
    from .models import dense_discriminator, dense_generator
    from .training import GAN, NaNGuard, SampleGrid, StepHistory, default_optimizer
    from .viz import save_image_grid

    p = profiles.params("dense_mnist", args.profile)
    batch_size = args.batch_size or p.batch_size
    images, _ = data.load_dataset(args.dataset, data_dir=args.data_dir)
    images = images[: args.n_images or p.n_images]
    epochs = args.epochs or profiles.epochs_for(p.steps, len(images), batch_size)
    out = _new_run_folder(args.out)

    keras.utils.set_random_seed(args.seed)
    gan = GAN(dense_generator(), dense_discriminator(), seed=args.seed, ema_decay=p.ema_decay)
    gan.compile(default_optimizer(p.learning_rate), default_optimizer(p.learning_rate), loss=args.loss)
    grids, steps, guard = SampleGrid(out_dir=out / "grids", seed=args.seed), StepHistory(), NaNGuard()
    print(f"Training the {args.model} GAN on {len(images):,} {args.dataset} images for {epochs} "
          f"epoch(s), batch {batch_size} (profile {p.profile}); saving to {out}")
    history = gan.fit(data.make_dataset(images, batch_size, seed=args.seed), epochs=epochs,
                      callbacks=[grids, steps, guard], verbose=1 if sys.stdout.isatty() else 2)

    _save_model(gan.generator, out / "generator.keras")
    (out / "history.json").write_text(json.dumps({"epochs": history.history, "steps": steps.history}))
    config = {"model": args.model, "dataset": args.dataset, "epochs": epochs, "batch_size": batch_size,
              "n_images": len(images), "loss": args.loss, "seed": args.seed, "profile": p.profile}
    (out / "config.json").write_text(json.dumps(config, indent=2))
    save_image_grid(grids.grids[-1], out / "samples.png", title=f"after {epochs} epoch(s)")
    if guard.message:
        raise GanlabError(guard.message + f" What was trained so far is in {out}.")
    print(f"Saved generator.keras, history.json, samples.png and grids/ in {out}")
    return out


def _save_model(model, path: Path) -> None:
    partial = path.with_name(path.stem + ".partial.keras")
    model.save(partial)
    os.replace(partial, path)


def sample(args) -> Path:
    _positive(args.n, "n")
    if args.out.suffix != ".npy":
        raise InputError(f"--out must be a .npy file, not {args.out}.")
    if args.out.exists():
        raise OutputExistsError(f"{args.out} already exists; choose another --out (it was left untouched).")
    model_path = args.run / "generator.keras"
    if not model_path.is_file():
        raise InputError(f"{args.run} holds no generator.keras; train one first: "
                         f"python -m ganlab train dense --out {args.run}")
    import keras
    import numpy as np

    generator = keras.saving.load_model(model_path)
    latent_dim = int(generator.inputs[0].shape[-1])
    noise = np.random.default_rng(args.seed).standard_normal((args.n, latent_dim)).astype("float32")
    images = keras.ops.convert_to_numpy(generator.predict(noise, verbose=0, batch_size=256)).astype("float32")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, images)
    print(f"Saved {args.n} images of shape {images.shape[1:]}, values in [-1, 1], to {args.out}")
    return args.out


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "train":
            train(args)
        elif args.command == "sample":
            sample(args)
        else:
            from .device import check_env

            check_env()
    except GanlabError as err:
        print(f"ganlab: error: {err}", file=sys.stderr)
        return 2 if isinstance(err, InputError) else 1
    except KeyboardInterrupt:
        print("ganlab: interrupted", file=sys.stderr)
        return 130
    return 0
