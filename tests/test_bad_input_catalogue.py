"""A catalogue of bad inputs: each gets a one-line error that says what to do, and nothing is lost.

Every row is a mistake a learner can make: arrays of the wrong shape, type or range, data files
missing or damaged, environment variables mistyped, models that do not fit together, checkpoint
folders damaged, command lines that ask for something impossible. Each must raise one of
ganlab's errors (never a raw traceback from deeper down) whose message names the fix; a row that
touches files also checks that every file it found is still there, byte for byte.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

import ganlab
from ganlab import cli, data, datasets, latent, metrics, noise, profiles, viz, widgets
from ganlab.build import build_gan
from ganlab.callbacks import TimeBudget
from ganlab.checkpoints import Checkpoints, run_folder
from ganlab.conditional import labelled_dataset, labelled_subset
from ganlab.errors import CheckpointError, DataCorruptedError, DataNotFoundError, GanlabError, InputError
from ganlab.losses import get_loss
from ganlab.models import dcgan_discriminator, dcgan_generator, dense_discriminator, dense_generator

IMAGES = np.zeros((4, 28, 28, 1), "float32")


@dataclass
class Case:
    call: Callable[[Path], object]  # given a private folder (tmp_path) to work in
    error: type[GanlabError]
    says: str  # a fragment of the message: what is wrong or what to do


def env(name: str, value: str, then: Callable[[], object]) -> Callable[[Path], object]:
    def call(_):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(name, value)
            return then()
    return call


def small_gan():
    return ganlab.GAN(dense_generator(latent_dim=8, units=(8,)), dense_discriminator(units=(8,)))


def small_cgan():
    return build_gan("cgan", "quick", width=4)


LABELS = np.arange(4)


def shared_optimizer():
    import keras

    adam = keras.optimizers.Adam()
    small_gan().compile(d_optimizer=adam, g_optimizer=adam)


def mnist_dir(tmp: Path, keep=("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) -> Path:
    """tmp/mnist holding copies of the test split's files (only those in ``keep``)."""
    source = datasets.find_dataset("mnist", split="test")
    if source is None or isinstance(source.splits["test"], Path):
        pytest.skip("the MNIST test split as IDX files is needed (GANLAB_DATA_DIR)")
    (tmp / "mnist").mkdir(exist_ok=True)
    for path in source.splits["test"]:
        if path.name in keep:
            shutil.copy(path, tmp / "mnist" / path.name)
    return tmp


def damaged_mnist(tmp: Path, how: str) -> Path:
    folder = mnist_dir(tmp) / "mnist"
    path = folder / "t10k-images-idx3-ubyte.gz"
    blob = path.read_bytes()
    if how == "truncated":
        path.write_bytes(blob[: len(blob) // 2])
    elif how == "another file":
        path.write_bytes(gzip.compress(b"\x00\x00\x08\x03" + bytes(100)))
    return tmp


def fake_run(tmp: Path, **config) -> Path:
    """A run folder as `train` leaves it before its first checkpoint: config.json only."""
    out = tmp / "run"
    out.mkdir(exist_ok=True)
    settings = {"model": "dense", "dataset": "mnist", "loss": "non_saturating", "width": None, "batch_size": 64,
                "n_images": 512, "seed": 0, "profile": "quick", "latent_categories": 10, "epochs": 2, **config}
    (out / "config.json").write_text(json.dumps(settings))
    return out


def main(*argv) -> Callable[[Path], object]:
    """Run the command line in-process; turn its one-line error back into the exception it reports."""
    def call(tmp):
        args = [str(a).replace("TMP", str(tmp)) for a in argv]
        try:
            cli.train(cli.build_parser().parse_args(args)) if args[0] == "train" else \
                cli.sample(cli.build_parser().parse_args(args))
        except GanlabError:
            status = cli.main(args)  # the same error through main: one line, non-zero status
            assert status != 0
            raise
    return call


def setup(make: Callable[[Path], object], then: Callable[[Path, object], object]) -> Callable[[Path], object]:
    """A case whose files are made first (``make``): they are the learner's, and must survive ``then``."""
    def call(tmp):
        return then(tmp, None)
    call.prepare = make
    return call


def only_there(then: Callable[[], object]) -> Callable[[], object]:
    """``then`` with no other place to find data in (no GANLAB_DATA_DIR, an empty Keras cache)."""
    def call():
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("GANLAB_DATA_DIR", raising=False)
            patch.setenv("KERAS_HOME", "/nonexistent-keras-home")
            return then()
    return call


def write(path_in_tmp: str, content: bytes):
    def make(tmp):
        path = tmp / path_in_tmp
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path
    return make


CASES = {
    # ----------------------------------------------------------------- arrays
    "one image, not a batch": Case(lambda _: data.check_images(IMAGES[0]), InputError, "images[None]"),
    "one grey image without axes": Case(lambda _: data.check_images(IMAGES[0, ..., 0]), InputError, "images[None, ..., None]"),
    "a batch without its channel axis": Case(lambda _: data.check_images(IMAGES[..., 0]), InputError, "images[..., None]"),
    "five axes": Case(lambda _: data.check_images(IMAGES[None]), InputError, "expects 4 axes"),
    "an empty batch": Case(lambda _: data.check_images(IMAGES[:0]), InputError, "is empty"),
    "uint8 pixels": Case(lambda _: data.check_images(IMAGES.astype("uint8")), InputError, "to_model_range"),
    "0..255 floats": Case(lambda _: data.check_images(IMAGES + 255), InputError, "to_model_range"),
    "0..1.2 floats": Case(lambda _: data.check_images(IMAGES + 1.2), InputError, "expected [-1, 1]"),
    "a NaN pixel": Case(lambda _: data.check_images(np.where(IMAGES == 0, np.nan, 0)), InputError, "NaN or infinite"),
    "an infinite pixel": Case(lambda _: data.check_images(IMAGES - np.inf), InputError, "NaN or infinite"),
    "strings as images": Case(lambda _: data.check_images(np.full((2, 28, 28, 1), "a")), InputError, "expects floats"),
    "1-D toy points": Case(lambda _: data.check_points(np.zeros(5)), InputError, "points[:, None]"),
    "batch size 0": Case(lambda _: data.make_dataset(IMAGES, 0), InputError, "batch_size must be a whole number >= 1"),
    "labels that do not match": Case(lambda _: data.make_dataset(IMAGES, 2, labels=np.zeros(3)), InputError, "one label per example"),
    "fit on uint8 images": Case(lambda _: small_gan().fit(IMAGES.astype("uint8")), InputError, "to_model_range"),
    "fit on an empty array": Case(lambda _: small_gan().fit(IMAGES[:0]), InputError, "is empty"),
    "toy data with std 0": Case(lambda _: data.toy_data(10, std=0), InputError, "std must be positive"),
    # ----------------------------------------------------------------- datasets
    "an unknown dataset": Case(lambda _: datasets.load_dataset("cifar"), InputError, "Choose one of"),
    "an unknown split": Case(lambda _: datasets.load_mnist(split="val"), InputError, "'train', 'test' or 'all'"),
    "n = 0 images": Case(lambda _: datasets.load_mnist(split="test", n=0), InputError, "n must be a whole number >= 1"),
    "a misspelt data_dir": Case(lambda tmp: datasets.load_mnist(data_dir=tmp / "mnsit"), InputError, "check its spelling"),
    "the images file missing": Case(
        setup(lambda tmp: mnist_dir(tmp, keep=("t10k-labels-idx1-ubyte.gz",)),
              lambda tmp, _: only_there(lambda: datasets.load_mnist("test", tmp, download=False))()),
        DataNotFoundError, "has t10k-labels-idx1-ubyte.gz but not t10k-images-idx3-ubyte.gz"),
    "a truncated data file": Case(setup(lambda tmp: damaged_mnist(tmp, "truncated"),
                                        lambda tmp, _: datasets.load_mnist("test", tmp)),
                                  DataCorruptedError, "left it untouched"),
    "another file under a known name": Case(setup(lambda tmp: damaged_mnist(tmp, "another file"),
                                                  lambda tmp, _: datasets.load_mnist("test", tmp)),
                                            DataCorruptedError, "matches no known good copy"),
    "GANLAB_OFFLINE=maybe": Case(env("GANLAB_OFFLINE", "maybe", datasets.downloads_are_off), InputError, "use 1 (never download) or 0"),
    # ----------------------------------------------------------------- environment variables
    "GANLAB_THREADS=abc": Case(env("GANLAB_THREADS", "abc", lambda: ganlab.device.configure_threads()), InputError, "whole number >= 1"),
    "GANLAB_THREADS=-1": Case(env("GANLAB_THREADS", "-1", lambda: ganlab.device.configure_threads()), InputError, "whole number >= 1"),
    "GANLAB_PROFILE=fast": Case(env("GANLAB_PROFILE", "fast", profiles.active_profile), InputError, "use one of quick, cpu, gpu"),
    "GANLAB_STRATEGY=fast": Case(env("GANLAB_STRATEGY", "fast", lambda: ganlab.distribute.choose_strategy()), InputError, "auto, mirrored or one"),
    "GANLAB_XLA=maybe": Case(env("GANLAB_XLA", "maybe", lambda: ganlab.fast_path.choose_fast_path()), InputError, "use 1 (on) or 0 (off)"),
    "GANLAB_STEPS_PER_EXECUTION=0": Case(env("GANLAB_STEPS_PER_EXECUTION", "0", lambda: ganlab.fast_path.choose_fast_path()),
                                         InputError, "whole number >= 1"),
    "mirrored on one device": Case(lambda _: ganlab.distribute.choose_strategy("mirrored"), InputError, "needs at least two devices"),
    # ----------------------------------------------------------------- models and training
    "an unknown model": Case(lambda _: build_gan("resnet"), InputError, "choose one of dense, dcgan"),
    "width for the dense model": Case(lambda _: build_gan("dense", width=8), InputError, "dcgan model only"),
    "a DCGAN of 30-pixel images": Case(lambda _: dcgan_generator(image_shape=(30, 30, 1)), InputError, "side 28, 32 or 64"),
    "a negative hidden layer": Case(lambda _: dcgan_discriminator(hidden_units=-1), InputError, "hidden_units must be 0"),
    "a dense net without layers": Case(lambda _: dense_generator(units=()), InputError, "at least one layer"),
    "a GAN of a function": Case(lambda _: ganlab.GAN(dense_generator, dense_discriminator()), InputError, "must be a keras.Model"),
    "G and D that do not fit": Case(lambda _: ganlab.GAN(dense_generator(image_shape=(32, 32, 1)), dense_discriminator()),
                                    InputError, "discriminator expects"),
    "ema_decay 1.5": Case(lambda _: ganlab.GAN(dense_generator(), dense_discriminator(), ema_decay=1.5), InputError, "between 0 and 1"),
    "a code longer than the noise": Case(lambda _: ganlab.GAN(dense_generator(latent_dim=8), dense_discriminator(),
                                                              latent_categories=8), InputError, "at least one entry must stay Gaussian"),
    "one optimizer for two networks": Case(lambda _: shared_optimizer(), InputError, "an optimizer each"),
    "noise of the wrong length": Case(lambda _: small_gan().generate(noise=np.zeros((2, 5))), InputError, "vectors of length"),
    "generate nothing": Case(lambda _: small_gan().generate(), InputError, "n >= 1"),
    "an unknown loss": Case(lambda _: get_loss("wasserstein-gp"), InputError, "Choose one of"),
    "a time budget of 0 s": Case(lambda _: TimeBudget(0), InputError, "positive number"),
    # ----------------------------------------------------------------- conditional GANs
    "label 10 of 10 classes": Case(lambda _: small_cgan().generate(labels=[3, 10]), InputError, "from 0 to 9"),
    "float labels": Case(lambda _: small_cgan().generate(labels=[1.0, 2.0]), InputError, "astype(int)"),
    "labels of the wrong length": Case(lambda _: small_cgan().generate(4, labels=[1, 2]), InputError,
                                       "one label per sample"),
    "no label for a conditional GAN": Case(lambda _: small_cgan().generate(4), InputError, "say which classes"),
    "a label for an unconditional GAN": Case(lambda _: small_gan().generate(4, labels=3), InputError,
                                             "Drop labels="),
    "a label budget larger than the data": Case(lambda _: labelled_subset(np.zeros((20, 28, 28, 1), "float32"),
                                                                              np.arange(20) % 10, per_class=3),
                                                InputError, "lower per_class to 2 or less"),
    "a class with no example": Case(lambda _: labelled_dataset(IMAGES, LABELS, 2), InputError,
                                    "[4, 5, 6, 7, 8, 9] have no example"),
    "a conditional GAN of plain networks": Case(lambda _: ganlab.ConditionalGAN(dense_generator(), dense_discriminator()),
                                                InputError, "conditional_generator"),
    # ----------------------------------------------------------------- noise and latent space
    "a negative code length": Case(lambda _: noise.NoiseLayout(categories=-1), InputError, "whole number >= 0"),
    "a negative noise seed": Case(lambda _: noise.seed_noise(-1, 8), InputError, "seed must be a whole number >= 0"),
    "a category without a code": Case(lambda _: noise.with_category(np.zeros((2, 8)), 0, 0), InputError, "no code to set"),
    "category 10 of 10": Case(lambda _: noise.with_category(np.zeros((2, 20)), 10, 10), InputError, "from 0 to 9"),
    "a one-point interpolation": Case(lambda _: latent.lerp(np.zeros(4), np.ones(4), n=1), InputError, "n must be a whole number >= 2"),
    "end points of other lengths": Case(lambda _: latent.slerp(np.zeros(4), np.ones(5)), InputError, "seed_noise(7, latent_dim)[0]"),
    "a NaN end point": Case(lambda _: latent.lerp(np.full(4, np.nan), np.ones(4)), InputError, "finite noise"),
    "truncation psi 0": Case(lambda _: latent.truncate(np.zeros((2, 4)), psi=0), InputError, "psi must be in (0, 1]"),
    "an unknown interpolation": Case(lambda _: latent.interpolate(small_gan(), np.zeros(8), np.ones(8), method="cubic"),
                                     InputError, "use one of"),
    "too many right angles": Case(lambda _: latent.latent_directions(4, k=5), InputError, "can be at right angles"),
    # ----------------------------------------------------------------- metrics, plots, widgets
    "densities of two shapes": Case(lambda _: metrics.optimal_discriminator(np.ones(3), np.ones(4)), InputError, "same shape"),
    "a negative density": Case(lambda _: metrics.optimal_discriminator(-np.ones(3), np.ones(3)), InputError, "cannot be negative"),
    "a shift out of view": Case(lambda _: metrics.shifted(IMAGES, right=30), InputError, "out of view"),
    "an animation at 0 fps": Case(lambda tmp: viz.animate_grids([IMAGES], [1], path=tmp / "a.gif", fps=0), InputError, "must be > 0"),
    "an animation as .mp4": Case(lambda tmp: viz.animate_grids([IMAGES], [1], path=tmp / "a.mp4"), InputError, ".gif or .html"),
    "grids and epochs of two lengths": Case(lambda tmp: viz.animate_grids([IMAGES, IMAGES], [1]), InputError, "one epoch per grid"),
    "no grids to compare": Case(lambda _: viz.image_grids({}), InputError, "at least one batch"),
    "a slider over nothing": Case(lambda _: widgets.snapshot_slider(lambda i: None, 0), InputError, "at least one snapshot"),
    # ----------------------------------------------------------------- profiles and run folders
    "an unknown notebook's sizes": Case(lambda _: profiles.params("dcgan_notebook"), InputError, "known:"),
    "an unknown profile": Case(lambda _: profiles.params("toy", "laptop"), InputError, "use one of"),
    "a size the notebook lacks": Case(lambda _: profiles.params("toy", "quick", epochs=3), InputError, "has no parameter"),
    "checkpoints every 0 epochs": Case(lambda tmp: Checkpoints(tmp, every=0), InputError, "at least 1"),
    "run settings as a list": Case(lambda tmp: run_folder(tmp, "run", [1, 2]), InputError, "must be a dict"),
    "a run name with a slash": Case(lambda tmp: run_folder(tmp, "a/b", {}), InputError, "plain folder name"),
    "a checkpoint folder from elsewhere": Case(
        setup(write("ckpt/ckpt-000001/state.json", b'{"format": "tf-checkpoint"}'),
              lambda tmp, _: Checkpoints(tmp / "ckpt").restore(small_gan())), InputError, "not a ganlab checkpoint"),
    # ----------------------------------------------------------------- the command line
    "an unknown command": Case(main("fit", "dense"), InputError, "invalid choice"),
    "an unknown model to train": Case(main("train", "vae", "--out", "TMP/r"), InputError, "invalid choice"),
    "--epochs 0": Case(main("train", "dense", "--out", "TMP/r", "--epochs", "0"), InputError, "--epochs must be at least 1"),
    "--epochs ten": Case(main("train", "dense", "--out", "TMP/r", "--epochs", "ten"), InputError, "invalid int value"),
    "--batch-size -64": Case(main("train", "dense", "--out", "TMP/r", "--batch-size", "-64"), InputError, "at least 1"),
    "--width for dense": Case(main("train", "dense", "--out", "TMP/r", "--width", "8"), InputError, "dcgan model only"),
    "--loss that does not exist": Case(main("train", "dense", "--out", "TMP/r", "--loss", "l2"), InputError, "Choose one of"),
    "--out missing": Case(main("train", "dense"), InputError, "--out"),
    "--out that is a file": Case(setup(write("file", b"x"), lambda tmp, _: main("train", "dense", "--out", "TMP/file")(tmp)),
                                 GanlabError, "not empty"),
    "--out that holds another run": Case(setup(fake_run, lambda tmp, _: main("train", "dense", "--out", "TMP/run")(tmp)),
                                         GanlabError, "--resume"),
    "--out that holds other files": Case(setup(write("mine/notes.txt", b"x"), lambda tmp, _: main("train", "dense", "--out", "TMP/mine")(tmp)),
                                         GanlabError, "new --out folder"),
    "--out under a file": Case(setup(write("file", b"x"), lambda tmp, _: main("train", "dense", "--out", "TMP/file/run")(tmp)),
                               InputError, "Cannot write to"),
    "--resume where there is no run": Case(main("train", "dense", "--out", "TMP/none", "--resume"), InputError, "Drop --resume"),
    "--resume a dcgan run as dense": Case(setup(lambda tmp: fake_run(tmp, model="dcgan", width=8),
                                                lambda tmp, _: main("train", "dense", "--out", "TMP/run", "--resume")(tmp)),
                                          InputError, "train dcgan --out"),
    "--resume with another profile": Case(setup(fake_run, lambda tmp, _: main("train", "dense", "--out", "TMP/run", "--resume",
                                                                              "--profile", "gpu")(tmp)),
                                          InputError, "start a new run (new --out)"),
    "--resume with another seed": Case(setup(fake_run, lambda tmp, _: main("train", "dense", "--out", "TMP/run", "--resume",
                                                                           "--seed", "3")(tmp)), InputError, "keeps its settings"),
    "--resume with another batch size": Case(setup(fake_run, lambda tmp, _: main("train", "dense", "--out", "TMP/run", "--resume",
                                                                                 "--batch-size", "32")(tmp)), InputError, "keeps its settings"),
    "--resume a damaged config.json": Case(setup(write("run/config.json", b'{"model": "de'),
                                                 lambda tmp, _: main("train", "dense", "--out", "TMP/run", "--resume")(tmp)),
                                           CheckpointError, "left as it is"),
    "sample --label from an unconditional run": Case(
        setup(lambda tmp: dense_generator(latent_dim=8, units=(8,)).save(tmp / "generator.keras"),
              lambda tmp, _: main("sample", "TMP", "--n", "2", "--label", "3", "--out", "TMP/s.npy")(tmp)),
        InputError, "Drop --label"),
    "sample without --n": Case(main("sample", "TMP/run", "--out", "TMP/s.npy"), InputError, "--n"),
    "sample --n 0": Case(main("sample", "TMP/run", "--n", "0", "--out", "TMP/s.npy"), InputError, "--n must be at least 1"),
    "sample into a .png": Case(main("sample", "TMP/run", "--n", "4", "--out", "TMP/s.png"), InputError, "a .npy file"),
    "sample over an existing file": Case(setup(write("s.npy", b"mine"), lambda tmp, _: main("sample", "TMP/run", "--n", "4",
                                                                                            "--out", "TMP/s.npy")(tmp)),
                                         GanlabError, "already exists"),
    "sample from a folder that is no run": Case(main("sample", "TMP", "--n", "4", "--out", "TMP/s.npy"), InputError,
                                                "not a finished run"),
    "sample from a damaged generator": Case(setup(write("run/generator.keras", b"PK\x03\x04 half a zip"),
                                                  lambda tmp, _: main("sample", "TMP/run", "--n", "4", "--out", "TMP/s.npy")(tmp)),
                                            CheckpointError, "damaged or incomplete"),
    "sample from an empty generator file": Case(setup(write("run/generator.keras", b""),
                                                      lambda tmp, _: main("sample", "TMP/run", "--n", "4", "--out", "TMP/s.npy")(tmp)),
                                                CheckpointError, "damaged or incomplete"),
}


def files_in(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_gets_one_clear_line_and_nothing_is_lost(name, tmp_path, capsys):
    case = CASES[name]
    getattr(case.call, "prepare", lambda tmp: None)(tmp_path)
    before = files_in(tmp_path)
    with pytest.raises(GanlabError) as raised:
        case.call(tmp_path)
    err = raised.value
    assert isinstance(err, case.error), f"{type(err).__name__}: {err}"
    message = str(err)
    assert case.says in message, message
    assert "\n" not in message or isinstance(err, DataNotFoundError), message  # one line (a search list excepted)
    assert files_in(tmp_path) == before, "a file the learner had was changed or removed"
    printed = capsys.readouterr().err.strip().splitlines()
    assert all(line.startswith("ganlab: error: ") for line in printed), printed


def test_the_catalogue_holds_at_least_sixty_distinct_cases():
    assert len(CASES) >= 60
