"""The command line: ``python -m ganlab train ...``, ``sample ...``, ``evaluate ...``.

    python -m ganlab train dense --dataset mnist --out runs/dense1
    python -m ganlab train dcgan --dataset fashion_mnist --out runs/dcgan1
    python -m ganlab train dcgan --out runs/dcgan1 --resume      # after an interruption
    python -m ganlab train cgan --dataset fashion_mnist --out runs/cgan1   # conditional: ask for a class
    python -m ganlab sample runs/dense1 --n 64 --out samples.npy
    python -m ganlab sample runs/cgan1 --n 64 --label 3 --out trousers.npy
    python -m ganlab evaluate runs/dense1 --metrics fd,precision_recall --json scores.json
    python -m ganlab train pix2pix --dataset edges2fashion --out runs/p2p1   # translation: ganlab/cli_translation.py
    python -m ganlab translate runs/p2p1 --input edges.npy --out items.npy
    python -m ganlab check-env

A run folder holds config.json, checkpoints/ (the last two completed epochs),
grids/ (one sample grid per epoch from fixed noise) and, when training ends,
generator.keras, history.json and samples.png. Nothing that exists is ever
overwritten: a new run needs a new folder; ``--resume`` continues the run in it.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path

from ._files import ensure_free_space, remove_stale_partials, write_atomically, write_text_atomically
from .errors import CheckpointError, GanlabError, InputError, OutputExistsError
from .run_folders import check_writable as _check_writable
from .run_folders import load_generator as _load_generator  # a name tests replace
from .run_folders import new_run_folder as _new_run_folder
from .run_folders import saved_config as _saved_config

MODELS = ("dense", "dcgan", "cgan")  # ganlab.build.MODELS, without importing TensorFlow for --help
TRANSLATION_MODELS = ("pix2pix", "l1_only", "cyclegan")  # ganlab.build.TRANSLATION_MODELS
DATASETS = ("mnist", "fashion_mnist", "edges2fashion", "emoji", "facades")  # the last three: translation


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, not a usage dump."""

    def error(self, message):
        command = self.prog.replace("python -m ganlab", "").strip()
        raise InputError(f"{message} (see `python -m ganlab {command + ' ' if command else ''}--help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ganlab", description="Train GANs, sample from them and evaluate them.",
                     epilog="TensorFlow's start-up messages are hidden; run with TF_CPP_MIN_LOG_LEVEL=0 to see them.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = sub.add_parser("train", help="train a GAN and save it in a new folder")
    train.add_argument("model", choices=MODELS + TRANSLATION_MODELS, help="which GAN to train")
    train.add_argument("--dataset", choices=DATASETS,
                       help="default: mnist (or the resumed run's); pix2pix, l1_only: edges2fashion (default), "
                            "emoji or facades; cyclegan: emoji")
    train.add_argument("--out", required=True, type=Path, help="a new folder for the run")
    train.add_argument("--resume", action="store_true",
                       help="continue the run in --out from its last completed epoch")
    train.add_argument("--epochs", type=int, help="default: the run profile's step budget")
    train.add_argument("--width", type=int, help="dcgan, cgan: channels of the widest-resolution block")
    train.add_argument("--batch-size", type=int, help="default: the run profile's")
    train.add_argument("--n-images", type=int, help="train on the first N images only")
    train.add_argument("--loss", help="default: non_saturating")
    train.add_argument("--profile", choices=("quick", "cpu", "gpu"))
    train.add_argument("--data-dir", type=Path, help="a folder holding mnist/ or fashion-mnist/")
    train.add_argument("--seed", type=int, help="default: 0 (or the resumed run's)")
    train.add_argument("--xla", action=argparse.BooleanOptionalAction, default=None,
                       help="force XLA on or off (default: chosen by device)")
    train.add_argument("--mixed-precision", action=argparse.BooleanOptionalAction, default=None,
                       help="force mixed precision on (GPU only) or off (default: chosen by device)")
    train.add_argument("--strategy", choices=("auto", "mirrored", "one"),
                       help="several devices: auto (mirrored when several GPUs are visible; default, "
                            "or $GANLAB_STRATEGY), mirrored, or one device")

    sample = sub.add_parser("sample", help="generate images from a trained run")
    sample.add_argument("run", type=Path, help="a folder made by `train`")
    sample.add_argument("--n", type=int, required=True, help="how many images")
    sample.add_argument("--out", type=Path, required=True, help="a new .npy file")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--label", type=int, help="a conditional (cgan) run: the class to draw, 0 to 9")

    scores = sub.add_parser("evaluate", help="score a trained run's samples against real images")
    scores.add_argument("run", type=Path, help="a folder made by `train`")
    scores.add_argument("--metrics", help="comma-separated: fd,kid,precision_recall,density_coverage,"
                                          "memorisation,classes (default: all)")
    scores.add_argument("--n", type=int, default=1000, help="samples, and real images to compare (default 1000)")
    scores.add_argument("--json", type=Path, help="also save the scores to this new .json file")

    translate = sub.add_parser("translate", help="translate images with a trained pix2pix or CycleGAN run")
    translate.add_argument("run", type=Path, help="a folder made by `train pix2pix|l1_only|cyclegan`")
    translate.add_argument("--input", type=Path, required=True,
                           help="a .npy of images (N, H, W, C) or a folder of image files of the model's size")
    translate.add_argument("--out", type=Path, required=True, help="a new .npy file, or a new folder for PNG files")
    translate.add_argument("--direction", choices=("a_to_b", "b_to_a"), help="CycleGAN runs: default a_to_b")

    sub.add_parser("check-env", help="versions, GPU, run profile, data")
    return parser


def _positive(value, name):
    if value is not None and value < 1:
        raise InputError(f"--{name} must be at least 1, not {value}.")


def train(args) -> Path:
    if args.model in TRANSLATION_MODELS:
        from .cli_translation import train_translation

        return train_translation(args, _new_run_folder)
    if args.dataset not in (None, "mnist", "fashion_mnist"):
        raise InputError(f"--dataset {args.dataset} holds image pairs for translation (pix2pix, l1_only, cyclegan); "
                         f"the {args.model} GAN trains on mnist or fashion_mnist.")
    for name in ("epochs", "batch_size", "n_images", "width"):
        _positive(getattr(args, name), name.replace("_", "-"))
    if args.width and args.model == "dense":
        raise InputError("--width applies to the dcgan model only (and to cgan, whose networks are DCGANs).")
    from .losses import get_loss

    get_loss(args.loss or "non_saturating")  # a bad name fails before anything is loaded or written
    from .fast_path import choose_fast_path

    fast_path = choose_fast_path(jit_compile=args.xla, mixed_precision=args.mixed_precision)
    config = _resumed_config(args) if args.resume else None
    out = args.out if args.resume else _new_run_folder(args.out)  # said before any data is loaded
    from . import profiles
    from .build import build_gan, recipe
    from .callbacks import NaNGuard, SampleGrid, StepHistory
    from .checkpoints import Checkpoints
    from .conditional import labelled_dataset
    from .data import make_dataset
    from .distribute import choose_strategy
    from .metrics.features import training_examples
    from .viz import save_image_grid

    strategy = choose_strategy(args.strategy)
    p = recipe(args.model, config["profile"] if config else args.profile)  # a resumed run keeps its recipe
    if config is None:
        config = {"model": args.model, "dataset": args.dataset or "mnist", "loss": args.loss or "non_saturating",
                  "width": args.width or getattr(p, "width", None), "batch_size": args.batch_size or p.batch_size,
                  "n_images": args.n_images or p.n_images, "seed": args.seed or 0, "profile": p.profile,
                  "latent_categories": p.latent_categories, "reuse_fakes": p.reuse_fakes}
        config.update({key: getattr(p, key) for key in ("kind", "mechanism", "classes") if hasattr(p, key)})
    # the train part only: `python -m ganlab evaluate` judges samples against the other images
    images, labels = training_examples(config["dataset"], config["n_images"], data_dir=args.data_dir)
    config["n_images"] = len(images)
    config["epochs"] = args.epochs or config.get("epochs") or profiles.epochs_for(
        p.steps, len(images), config["batch_size"])
    for folder in (out, out / "grids"):
        remove_stale_partials(folder)  # half-written files of a killed earlier run in this folder
    write_text_atomically(out / "config.json", json.dumps(config, indent=2))

    gan = build_gan(config["model"], config["profile"], image_shape=images.shape[1:], seed=config["seed"],
                    loss=config["loss"], fast_path=fast_path, strategy=strategy, **_recipe_of(config))
    grids = SampleGrid(out_dir=out / "grids", seed=config["seed"])
    steps, guard = StepHistory(), NaNGuard()
    checkpoints = Checkpoints(out / "checkpoints", sample_grid=grids, step_history=steps)
    start = checkpoints.restore(gan)  # the per-step history too: history.json covers the whole run
    print(f"{'Resuming' if start else 'Training'} the {config['model']} GAN on {len(images):,} "
          f"{config['dataset']} images, epoch {start + 1} to {config['epochs']}, batch {config['batch_size']} "
          f"(profile {config['profile']}; {fast_path.describe().splitlines()[0]}); saving to {out}", flush=True)
    batches = dict(seed=config["seed"] + start, drop_remainder=fast_path.jit_compile or strategy.num_replicas_in_sync > 1)
    dataset = (labelled_dataset(images, labels, config["batch_size"], gan.classes, **batches)  # cgan: with labels
               if config["model"] == "cgan" else make_dataset(images, config["batch_size"], **batches))
    gan.fit(dataset, epochs=config["epochs"], initial_epoch=start, callbacks=[grids, steps, guard, checkpoints],
            verbose=1 if sys.stdout.isatty() else 2)

    final_generator = gan.ema_generator if gan.ema_generator is not None else gan.generator
    ensure_free_space(out, 2 * 4 * final_generator.count_params() + 2**20, "generator.keras")  # Keras' HDF5
    write_atomically(out / "generator.keras", final_generator.save)
    write_text_atomically(out / "history.json", json.dumps({"epochs": checkpoints.history, "steps": steps.history}))
    save_image_grid(grids.grids[-1], out / "samples.png", title=f"after {grids.epochs[-1]} epoch(s)")
    if guard.message:
        raise GanlabError(guard.message + f" What was trained so far is in {out}.")
    print(f"Saved generator.keras, history.json, samples.png, grids/ and checkpoints/ in {out}")
    return out


def _recipe_of(config: dict) -> dict:
    """The settings a run keeps across resumes, as overrides of its profile's recipe."""
    recipe = {"batch_size": config["batch_size"], "latent_categories": _categories(config),
              "reuse_fakes": config.get("reuse_fakes", False)}
    if config["model"] != "dense":
        recipe["width"] = config["width"]
    recipe.update({key: config[key] for key in ("kind", "mechanism", "classes") if key in config})
    return recipe


def _resumed_config(args) -> dict:
    """The saved settings of the run in --out; say what to do when there is nothing to resume."""
    config_path = args.out / "config.json"
    if not config_path.is_file():  # a run without a checkpoint yet still resumes: from epoch 1
        raise InputError(f"{args.out} holds no run to resume (no config.json from `python -m ganlab train`). "
                         "Drop --resume to start a new run there.")
    try:
        config = json.loads(config_path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{config_path} cannot be read ({err}); it was left as it is. "
                              "Start a new run in a new --out folder.") from err
    if config.get("model") != args.model:
        raise InputError(f"{args.out} holds a {config.get('model')} run, not {args.model}; resume it with "
                         f"`python -m ganlab train {config.get('model')} --out {args.out} --resume`.")
    for option in ("width", "batch_size", "n_images", "loss", "dataset", "profile", "seed"):
        given = getattr(args, option)
        if given is not None and given != config.get(option):
            flag = "--" + option.replace("_", "-")
            raise InputError(f"{args.out} was trained with {flag} {config.get(option)}, not {given}; a resumed "
                             f"run keeps its settings. Drop {flag}, or start a new run (new --out) to change it.")
    return config


def _categories(config: dict) -> int:
    """The one-hot code's length in the run's noise (runs saved before the code have none)."""
    return int(config.get("latent_categories", 0))


MAX_SAMPLE_BYTES = 2 * 1024**3  # one `sample` call keeps its images in memory: at most 2 GB of them


def sample(args) -> Path:
    _positive(args.n, "n")
    if args.out.suffix != ".npy":
        raise InputError(f"--out must be a .npy file, not {args.out}.")
    if args.out.exists():
        raise OutputExistsError(f"{args.out} already exists; choose another --out (it was left untouched).")
    _check_writable(args.out.parent)  # before any work: a wrong --out is said at once
    generator = _run_generator(args.run)
    import keras
    import numpy as np

    from .conditional import generator_inputs

    image_bytes = 4 * int(np.prod(generator.outputs[0].shape[1:]))
    if args.n * image_bytes > MAX_SAMPLE_BYTES:
        raise InputError(f"--n {args.n:,} images would take {args.n * image_bytes / 1024**3:,.1f} GB; "
                         f"at most {MAX_SAMPLE_BYTES // image_bytes:,} fit in one call. Ask for fewer, "
                         "or sample several files with different --seed.")
    # seed_noise(seed, ...), and the labels too for a conditional run: [noise, labels]
    inputs = generator_inputs(generator, args.n, args.seed, _categories(_saved_config(args.run)), args.label)
    images = keras.ops.convert_to_numpy(generator.predict(inputs, verbose=0, batch_size=256)).astype("float32")
    write_atomically(args.out, lambda partial: np.save(partial, images))
    print(f"Saved {args.n} images of shape {images.shape[1:]}, values in [-1, 1], to {args.out}")
    return args.out


def evaluate_run(args) -> dict:
    """Print the feature scores of a run's generator next to the real baseline; --json: save them too."""
    _positive(args.n, "n")
    if args.json is not None:
        if args.json.suffix != ".json":
            raise InputError(f"--json must be a .json file, not {args.json}.")
        if args.json.exists():
            raise OutputExistsError(f"{args.json} already exists; choose another --json (it was left untouched).")
        _check_writable(args.json.parent)  # before any work, as `sample` does
    from .metrics.evaluation import KNOWN_METRICS, check_metrics, check_sample_count, evaluate, format_table

    metrics = check_metrics(args.metrics or KNOWN_METRICS)
    check_sample_count(metrics, args.n)
    generator, config = _run_generator(args.run), _saved_config(args.run)
    result = evaluate(generator, config.get("dataset", "mnist"), metrics, args.n, categories=_categories(config))
    print(format_table(result))
    if config.get("n_images", 0) > result["train_images"]:
        print(f"Note: this run trained on {config['n_images']:,} images, more than the {result['train_images']:,} "
              "of the train part, so it saw reference images too: its scores look better than they are.")
    if args.json is not None:
        write_text_atomically(args.json, json.dumps(result, indent=2))
        print(f"Saved the scores to {args.json}")
    return result


def _run_generator(run: Path):
    """The generator.keras of a finished run, or one line saying what is wrong."""
    model_path = run / "generator.keras"
    if not model_path.is_file():
        raise InputError(f"{run} holds no generator.keras, so it is not a finished run of "
                         "`python -m ganlab train`. Point at a run folder, or train one into a new "
                         "folder: python -m ganlab train dense --out runs/new_run")
    return _load_generator(model_path)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "train":
            train(args)
        elif args.command == "sample":
            sample(args)
        elif args.command == "evaluate":
            evaluate_run(args)
        elif args.command == "translate":
            from .cli_translation import translate

            translate(args)
        else:
            from .environment import check_env

            check_env()
    except GanlabError as err:
        return _fail(str(err), 2 if isinstance(err, InputError) else 1)
    except KeyboardInterrupt:
        return _fail("interrupted. A training run keeps its completed epochs: continue it with --resume.", 130)
    except MemoryError:
        return _fail("out of memory. Use a smaller --batch-size or --n-images (or --n for sample); "
                     "completed epochs are kept: continue with --resume.", 1)
    except OSError as err:
        return _fail(_os_error_advice(err), 1)
    return 0


def _fail(message: str, status: int) -> int:
    print(f"ganlab: error: {message}", file=sys.stderr)
    return status


def _os_error_advice(err: OSError) -> str:
    """One line for a failed read or write: what, where, and what to do."""
    where = f" ({err.filename})" if err.filename else ""
    if err.errno == errno.ENOSPC:
        return (f"the disk is full{where}. Earlier checkpoints are intact: free some space, then continue "
                "with --resume.")
    if err.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied{where}. Choose files and folders you can read and write."
    return f"{err.strerror or err}{where}."
