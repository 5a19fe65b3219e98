"""ganlab: the companion package of the ganlab course on Generative Adversarial Networks.

Each module holds one idea, introduced in one notebook (the layers run bottom to top:
a module imports only modules above it in this list):

- ``ganlab.errors``      the errors ganlab raises, each saying what to do         (all)
- ``ganlab.device``      GPUs, CPU threads, pinned versions                       (00)
- ``ganlab.optimizers``  Adam(2e-4, beta_1=0.5), the GAN default                  (02)
- ``ganlab.losses``      minimax, non-saturating, hinge, least squares, WGAN      (01, 02)
- ``ganlab.penalties``   WGAN-GP and R1 gradient penalties on D                   (07)
- ``ganlab.augment``     DiffAugment before D, and the leak detector              (08)
- ``ganlab.data``        the [-1, 1] pixel convention, checks, tf.data pipelines  (01, 02)
- ``ganlab.datasets``    MNIST and Fashion-MNIST: found, checksummed, loaded      (00)
- ``ganlab.edges``       Canny edges of Fashion-MNIST shoes and bags              (09)
- ``ganlab.emoji``       Twemoji/Noto pairs from pinned npm packages              (09)
- ``ganlab.facades``     CMP Facades label maps -> photos, checked on first use   (CLI)
- ``ganlab.paired``      paired and unpaired translation data, joint jitter       (09, 10)
- ``ganlab.noise``       the noise layout: Gaussian part + one-hot code, seeds    (02)
- ``ganlab.profiles``    every notebook's sizes, per run profile                  (all)
- ``ganlab.fast_path``   XLA, mixed precision, steps per execution by device      (05)
- ``ganlab.distribute``  training on several devices (MirroredStrategy)           (05)
- ``ganlab.models``      toy MLPs, the dense MNIST GAN, DCGAN, conditional nets,  (01, 02, 04, 08,
                         U-Net and PatchGAN                                       09, 10)
- ``ganlab.training``    the GAN keras.Model and its train steps                  (01, 02)
- ``ganlab.conditional`` ConditionalGAN: labels in, a class grid, label accuracy  (08)
- ``ganlab.translation`` Pix2Pix: paired translation; L1, PSNR, SSIM scores       (09)
- ``ganlab.cyclegan``    CycleGAN: unpaired translation, the image history        (10)
- ``ganlab.latent``      lerp/slerp, truncation, latent directions                (04)
- ``ganlab.metrics``     toy moments, D*, the MNIST-classifier check; feature     (01, 02, 06)
                         networks, FD/KID/precision/recall, evaluate()
- ``ganlab.viz``         image grids, curves, densities, animations               (01, 02, 04)
- ``ganlab.callbacks``   sample grids, step curves, NaN guard, live plot, time    (02, 04, 05)
                         budget, feature scores every few epochs
- ``ganlab.build``       build_gan: a GAN from a run profile, in one call         (05)
- ``ganlab.experiments`` short runs for a time budget, scores over seeds;         (06, 08)
                         the three DiffAugment settings on a small training set
- ``ganlab.augmentation`` a cGAN's images as training data, few labels            (08)
- ``ganlab.ring``        GANs on a ring of 8 Gaussians: configs, trainer, tables  (07)
- ``ganlab.playground``  the ring drawn live: D's surface, G's gradient field     (07)
- ``ganlab.widgets``     sliders over training snapshots, latent explorer         (01, 04)
- ``ganlab.checkpoints`` atomic checkpoints, resume after an interruption         (05)
- ``ganlab.exercises``   feedback on the notebooks' exercises                     (00-08)
- ``ganlab.environment`` check_env(): versions, GPU, profile, data                (00)
- ``ganlab.cli``         ``python -m ganlab train | sample | evaluate | check-env``
"""

from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING

_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ messages: see ganlab/_quiet.py

from ._quiet import import_tensorflow as _import_tensorflow  # noqa: E402

_import_tensorflow()  # absl prints the libraries' start-up messages before TF_CPP_MIN_LOG_LEVEL applies

from .data import make_dataset  # noqa: E402
from .datasets import load_fashion_mnist, load_mnist  # noqa: E402
from .device import configure_threads  # noqa: E402
from .errors import DataCorruptedError, DataNotFoundError, GanlabError, InputError  # noqa: E402
from .profiles import active_profile, params  # noqa: E402

configure_threads()

if TYPE_CHECKING:  # what IDEs and type checkers see; at run time these load on first use
    from . import (augment, augmentation, build, callbacks, checkpoints, conditional, cyclegan, data,  # noqa: F401
                   datasets, device, distribute, edges, emoji, environment, exercises, experiments, facades, fast_path,
                   latent, losses, metrics, models, noise, optimizers, paired, penalties, playground, profiles,
                   ring, training, translation, viz, widgets)
    from .build import build_gan
    from .conditional import ConditionalGAN
    from .cyclegan import CycleGAN
    from .environment import check_env
    from .noise import NoiseLayout
    from .training import GAN
    from .translation import Pix2Pix

_SUBMODULES = ("augment", "augmentation", "build", "callbacks", "checkpoints", "conditional", "cyclegan", "data",
               "datasets", "device", "distribute", "edges", "emoji", "environment", "exercises", "experiments",
               "facades", "fast_path", "latent", "losses", "metrics", "models", "noise", "optimizers", "paired",
               "penalties", "playground", "profiles", "ring", "training", "translation", "viz", "widgets")
_LAZY_NAMES = {"GAN": "training", "ConditionalGAN": "conditional", "build_gan": "build", "check_env": "environment",
               "NoiseLayout": "noise", "Pix2Pix": "translation", "CycleGAN": "cyclegan"}


def __getattr__(name):
    # TensorFlow-heavy parts load on first use, so `python -m ganlab --help` stays quick:
    # ganlab.GAN, ganlab.viz, ganlab.metrics ... work without importing them first.
    import importlib

    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ganlab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES) | set(_LAZY_NAMES))


__version__ = "0.1.0"

__all__ = [
    "GAN",
    "ConditionalGAN",
    "CycleGAN",
    "DataCorruptedError",
    "DataNotFoundError",
    "GanlabError",
    "InputError",
    "NoiseLayout",
    "Pix2Pix",
    "active_profile",
    "build_gan",
    "check_env",
    "configure_threads",
    "load_fashion_mnist",
    "load_mnist",
    "make_dataset",
    "params",
]
