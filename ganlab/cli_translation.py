"""The command line's translation part: ``train pix2pix|l1_only|cyclegan`` and ``translate``.

    python -m ganlab train pix2pix --dataset edges2fashion --out runs/p2p1
    python -m ganlab train l1_only --dataset edges2fashion --out runs/l1      # the non-adversarial baseline
    python -m ganlab train cyclegan --dataset emoji --out runs/cycle1           # pairs hidden while training
    python -m ganlab translate runs/p2p1 --input edges.npy --out items.npy
    python -m ganlab translate runs/cycle1 --input my_emoji/ --out google_style/ --direction b_to_a

A translation run folder holds config.json, generator.keras (a CycleGAN run: generator_a_to_b.keras and
generator_b_to_a.keras), history.json, samples.png (test inputs, targets and translations) and
scores.json (the held-out test split's L1, PSNR and SSIM; for edges2fashion also the share of items
the Fashion-MNIST classifier recognises, and FD). Nothing that exists is overwritten.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from ._files import ensure_free_space, write_atomically, write_text_atomically
from .errors import InputError, OutputExistsError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
GRID_PAIRS = 8  # test pairs shown in samples.png


def train_translation(args, new_run_folder) -> Path:
    """Train a pix2pix, L1-only or CycleGAN model on a paired dataset and save it in a new run folder."""
    for option in ("width", "loss", "resume"):
        if getattr(args, option):
            raise InputError(f"--{option} applies to the noise-to-image GANs, not to {args.model}: translation runs "
                             "take their networks and loss from the profile (ganlab/profiles.py) and are not resumed; "
                             "start a new run in a new --out folder.")
    for name in ("epochs", "batch_size", "n_images"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1, not {getattr(args, name)}.")
    from .build import translation_recipe

    p = translation_recipe(args.model, args.dataset, args.profile)  # a bad --dataset is said before any work
    out = new_run_folder(args.out)
    from . import paired
    from .build import build_translation
    from .profiles import epochs_for

    batch_size = args.batch_size or p.batch_size
    # the data before the model: a missing or refused dataset is said before any building
    inputs, targets, _ = paired.paired_arrays(p.dataset, "train", args.n_images, size=p.image_size)
    model = build_translation(args.model, p.dataset, p.profile, seed=args.seed or 0, batch_size=batch_size)
    epochs = args.epochs or epochs_for(p.steps, len(inputs), batch_size)
    config = {"model": args.model, "dataset": p.dataset, "profile": p.profile, "seed": args.seed or 0,
              "batch_size": batch_size, "n_images": len(inputs), "epochs": epochs}
    write_text_atomically(out / "config.json", json.dumps(config, indent=2))
    dataset = training_data(args.model, inputs, targets, batch_size, config["seed"])
    print(f"Training {args.model} on {len(inputs):,} {p.dataset} pairs{' (pairing hidden)' if args.model == 'cyclegan' else ''}, "
          f"{epochs} epoch(s) of batch {batch_size} (profile {p.profile}); saving to {out}", flush=True)
    history = model.fit(dataset, epochs=epochs, verbose=1 if sys.stdout.isatty() else 2)
    _save_run(model, args.model, p, out, history.history)
    return out


def training_data(model: str, inputs: np.ndarray, targets: np.ndarray, batch_size: int, seed: int = 0):
    """The training pairs as tf.data with joint jitter and flip; for "cyclegan" with the pairing hidden."""
    from . import paired

    if model == "cyclegan":
        return paired.make_unpaired_dataset(inputs, targets, batch_size, jitter=True, flip=True, seed=seed)
    return paired.make_paired_dataset(inputs, targets, batch_size, jitter=True, flip=True, seed=seed,
                                      drop_remainder=True)


def held_out_scores(model, dataset: str, n_test: int | None) -> tuple[dict[str, float], tuple]:
    """The held-out test split's L1, PSNR and SSIM (edges2fashion: also recognised share and FD) of a trained
    model (a CycleGAN: its A -> B generator, scored on the hidden pairs), at the model's image size; also
    (inputs, targets, translated)."""
    from . import paired
    from .cyclegan import CycleGAN
    from .translation import fashion_item_scores, translation_scores

    generator = model.generator_ab if isinstance(model, CycleGAN) else model.generator
    inputs, targets, labels = paired.paired_arrays(dataset, "test", n_test, size=generator.inputs[0].shape[1])
    translated = model.translate(inputs, "a_to_b") if isinstance(model, CycleGAN) else model.translate(inputs)
    scores = translation_scores(translated, targets)
    if dataset == "edges2fashion":
        scores.update(fashion_item_scores(translated, targets, labels))
    return scores, (inputs, targets, translated)


def _save_run(model, name: str, p, out: Path, history: dict) -> None:
    from .viz import save_translation_grid

    generators = ({"generator_a_to_b": model.generator_ab, "generator_b_to_a": model.generator_ba}
                  if name == "cyclegan" else {"generator": model.ema_generator or model.generator})
    for file_name, generator in generators.items():
        ensure_free_space(out, 2 * 4 * generator.count_params() + 2**20, f"{file_name}.keras")
        write_atomically(out / f"{file_name}.keras", generator.save)
    history = {key: [float(v) for v in values] for key, values in history.items()}
    write_text_atomically(out / "history.json", json.dumps({"epochs": history}))
    scores, (inputs, targets, translated) = held_out_scores(model, p.dataset, p.n_test)
    write_text_atomically(out / "scores.json", json.dumps(scores, indent=2))
    save_translation_grid({"input": inputs[:GRID_PAIRS], "target": targets[:GRID_PAIRS],
                           name: translated[:GRID_PAIRS]}, out / "samples.png")
    print("Test-split scores: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    print(f"Saved {', '.join(f + '.keras' for f in generators)}, history.json, scores.json and samples.png in {out}")


# --------------------------------------------------------------------------- translate


def translate(args) -> Path:
    """Translate a .npy of images, or a folder of image files, with a trained run's generator."""
    out = Path(args.out)
    if out.exists():
        raise OutputExistsError(f"{out} already exists; choose a new --out (it was left untouched).")
    if out.suffix and out.suffix != ".npy":
        raise InputError(f"--out must be a new .npy file or a new folder (for PNG files), not {out}.")
    generator = _run_translator(Path(args.run), args.direction)
    size, channels = tuple(generator.inputs[0].shape[1:3]), generator.inputs[0].shape[-1]
    images, names = read_images(Path(args.input), size, channels)
    from .translation import check_channels

    check_channels(generator, images)
    translated = np.concatenate([np.asarray(generator(images[i:i + 64], training=False))
                                 for i in range(0, len(images), 64)]).astype(np.float32)
    if out.suffix == ".npy":
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, lambda partial: np.save(partial, translated))
    else:
        _save_pngs(translated, names, out)
    print(f"Translated {len(images)} image(s) of {size[0]} x {size[1]} px; saved to {out}")
    return out


def _run_translator(run: Path, direction: str | None):
    from .run_folders import load_generator  # one loader: it says in one line when a file is damaged

    config_path = run / "config.json"
    model = json.loads(config_path.read_text()).get("model") if config_path.is_file() else None
    if model == "cyclegan":
        path = run / f"generator_{direction or 'a_to_b'}.keras"
    else:
        if direction not in (None, "a_to_b"):
            raise InputError(f"{run} holds a {model or 'paired'} run, which translates one way only: drop --direction.")
        path = run / "generator.keras"
    if not path.is_file():
        raise InputError(f"{run} holds no {path.name}, so it is not a finished translation run. Train one into a new "
                         "folder: python -m ganlab train pix2pix --dataset edges2fashion --out runs/new_run")
    return load_generator(path)


def read_images(source: Path, size: tuple[int, int], channels: int) -> tuple[np.ndarray, list[str]]:
    """(images in [-1, 1], names) from a .npy (N, H, W, C) or a folder of image files of ``size``."""
    from .data import check_images, to_model_range

    if source.suffix == ".npy":
        if not source.is_file():
            raise InputError(f"{source} does not exist.")
        images = np.load(source, allow_pickle=False)
        images = to_model_range(images) if images.dtype == np.uint8 else check_images(images, str(source))
        return images, [f"{i:05d}" for i in range(len(images))]
    if not source.exists():
        raise InputError(f"{source} does not exist; --input is a .npy file of images or a folder of image files.")
    if not source.is_dir():
        raise InputError(f"--input must be a .npy file or a folder of images, not {source}.")
    files = sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))
    others = [p.name for p in files if p.suffix.lower() not in IMAGE_SUFFIXES]
    if others:
        raise InputError(f"{source} holds files that are not images ({', '.join(others[:5])}"
                         f"{' ...' if len(others) > 5 else ''}): move them out, or put the images in a folder "
                         f"of their own ({', '.join(IMAGE_SUFFIXES)}).")
    if not files:
        raise InputError(f"{source} holds no images ({', '.join(IMAGE_SUFFIXES)}); point --input at a folder of them.")
    return np.stack([_read_image(p, size, channels) for p in files]), [p.stem for p in files]


def _read_image(path: Path, size: tuple[int, int], channels: int) -> np.ndarray:
    """One image file as (H, W, channels) in [-1, 1]; transparency is put on white, as the emoji data."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            if image.size != (size[1], size[0]):
                raise InputError(f"{path.name} is {image.size[0]} x {image.size[1]} px; this model translates "
                                 f"{size[1]} x {size[0]} px images: resize it first.")
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError) as err:
        raise InputError(f"{path} cannot be read as an image ({err}); remove it or replace it.") from err
    pixels = np.asarray(rgba, np.float32) / 255.0
    rgb = pixels[..., :3] * pixels[..., 3:] + (1.0 - pixels[..., 3:])  # alpha onto white
    image = rgb if channels == 3 else rgb.mean(axis=-1, keepdims=True)
    return image * 2.0 - 1.0


def _save_pngs(images: np.ndarray, names: list[str], folder: Path) -> None:
    from PIL import Image

    folder.mkdir(parents=True)
    for image, name in zip(images, names):
        pixels = np.round((np.clip(image, -1, 1) + 1.0) * 127.5).astype(np.uint8)
        picture = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
        write_atomically(folder / f"{name}.png", lambda partial, p=picture: p.save(partial, format="PNG"))
