"""ganlab: the companion package of the ganlab course on Generative Adversarial Networks.

Each module holds one idea, introduced in one notebook:

- ``ganlab.data``      datasets as images in [-1, 1], tf.data pipelines     (00, 02)
- ``ganlab.losses``    minimax, non-saturating, hinge, least squares, WGAN  (01, 02)
- ``ganlab.models``    toy MLPs, the dense MNIST GAN, DCGAN                 (01, 02, 03)
- ``ganlab.training``  the GAN keras.Model, callbacks                       (01, 02, 03)
- ``ganlab.metrics``   toy moments, the MNIST-classifier check              (01, 02)
- ``ganlab.latent``    lerp/slerp, fixed seeds, one-hot codes, truncation   (03)
- ``ganlab.viz``       image grids, curves, densities, animations           (01, 02, 03)
- ``ganlab.widgets``   sliders over training snapshots, latent explorer     (01, 02, 03)
- ``ganlab.profiles``  every notebook's sizes, per run profile              (all)
- ``ganlab.device``    check_env(): versions, GPU, profile, data            (00)
- ``ganlab.fast_path`` XLA, mixed precision, steps per execution by device  (03)
- ``ganlab.checkpoints`` atomic checkpoints, resume after an interruption   (03)
"""

import os as _os

_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up chatter

from .device import check_env, configure_threads  # noqa: E402

configure_threads()

from .data import load_fashion_mnist, load_mnist, make_dataset  # noqa: E402
from .errors import DataCorruptedError, DataNotFoundError, GanlabError, InputError  # noqa: E402
from .profiles import active_profile, params  # noqa: E402


_SUBMODULES = ("checkpoints", "checks", "data", "device", "fast_path", "latent", "losses", "metrics",
               "models", "profiles", "training", "viz", "widgets")


def __getattr__(name):
    # TensorFlow-heavy parts load on first use, so `python -m ganlab --help` stays quick:
    # ganlab.GAN, ganlab.viz, ganlab.metrics ... work without importing them first.
    import importlib

    if name == "GAN":
        return importlib.import_module(".training", __name__).GAN
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ganlab' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "GAN",
    "DataCorruptedError",
    "DataNotFoundError",
    "GanlabError",
    "InputError",
    "active_profile",
    "check_env",
    "configure_threads",
    "load_fashion_mnist",
    "load_mnist",
    "make_dataset",
    "params",
]
