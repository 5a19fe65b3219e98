"""``build_gan``: the one way the course builds a GAN from a run profile.

Introduced in notebooks/05_training_engineering.ipynb, after notebooks 02 and 04 have built
the same GANs by hand (notebook 03 uses it for its starting pair). The CLI, the notebooks, the benchmarks and the tests all call it, so a
recipe (networks, noise layout, optimizers, EMA, fast path) is written down once, in
``ganlab/profiles.py``.

>>> gan = build_gan("dense", "quick")                       # doctest: +SKIP
>>> gan.fit(ganlab.make_dataset(images, gan.recipe.batch_size), epochs=1)  # doctest: +SKIP
"""

from __future__ import annotations

from types import SimpleNamespace

import keras
import tensorflow as tf

from .conditional import ConditionalGAN
from .errors import InputError
from .fast_path import FastPath, choose_fast_path
from .models import (conditional_discriminator, conditional_generator, dcgan_discriminator, dcgan_generator,
                     dense_discriminator, dense_generator)
from .noise import GAUSSIAN_DIM, NoiseLayout
from .profiles import params
from .training import GAN

PROFILE_OF_MODEL = {"dense": "dense_mnist", "dcgan": "dcgan", "cgan": "cgan"}  # model family -> its table in profiles.py
MODELS = tuple(PROFILE_OF_MODEL)
TRANSLATION_MODELS = ("pix2pix", "l1_only", "cyclegan")  # l1_only: pix2pix's U-Net trained on L1 alone
TRANSLATION_DATASETS = {"pix2pix": ("edges2fashion", "emoji", "facades"),
                        "l1_only": ("edges2fashion", "emoji", "facades"), "cyclegan": ("emoji",)}


def recipe(model: str, profile: str | None = None, **overrides) -> SimpleNamespace:
    """The profile's settings for ``model`` ("dense", "dcgan" or "cgan"), with ``overrides`` applied."""
    if model not in PROFILE_OF_MODEL:
        raise InputError(f"Unknown model {model!r}; choose one of {', '.join(MODELS)}.")
    if model == "dense" and "width" in overrides:
        raise InputError("width applies to the dcgan model only (and to cgan, whose networks are DCGANs).")
    return params(PROFILE_OF_MODEL[model], profile, **overrides)


def build_models(model: str, noise: NoiseLayout, image_shape=(28, 28, 1), width: int | None = None,
                 discriminator_options: dict | None = None) -> tuple[keras.Model, keras.Model]:
    """(generator, discriminator) of a model family for noise of ``noise.dim`` numbers."""
    options = dict(discriminator_options or {})
    if model == "dcgan":
        width = width or 64
        return (dcgan_generator(image_shape, latent_dim=noise.dim, width=width),
                dcgan_discriminator(image_shape, width=width, **options))
    if model == "dense":
        if width is not None:
            raise InputError("width applies to the dcgan model only.")
        return (dense_generator(latent_dim=noise.dim, image_shape=image_shape),
                dense_discriminator(image_shape=image_shape, **options))
    raise InputError(f"Unknown model {model!r}; choose one of {', '.join(MODELS)}.")


def conditional_models(settings: SimpleNamespace, noise: NoiseLayout, image_shape=(28, 28, 1),
                       discriminator_options: dict | None = None) -> tuple[keras.Model, keras.Model]:
    """(generator, discriminator) of a conditional GAN (``ganlab.models.conditional``) from a "cgan" recipe."""
    p, options = settings, dict(discriminator_options or {})
    return (conditional_generator(p.kind, p.classes, image_shape, latent_dim=noise.dim, width=p.width),
            conditional_discriminator(p.kind, p.classes, image_shape, p.mechanism, width=p.width, **options))


def build_gan(
    model: str,
    profile: str | None = None,
    *,
    image_shape=(28, 28, 1),
    seed: int = 0,
    loss: str = "non_saturating",
    fast_path: FastPath | None = None,
    strategy=None,
    discriminator_options: dict | None = None,
    augment: str | None = None,
    augment_real_only: bool = False,
    **overrides,
) -> GAN:
    """A compiled ``ganlab.GAN`` of ``model`` ("dense", "dcgan" or "cgan") with the profile's recipe.

    Parameters
    ----------
    model : "dense" (notebooks/02), "dcgan" (notebooks/04) or "cgan", a ``ganlab.conditional.ConditionalGAN``
        (notebooks/08; overrides such as ``mechanism="concat"`` or ``kind="dense"`` choose its networks).
    profile : "quick", "cpu" or "gpu"; default the active one (``ganlab.active_profile``).
    image_shape : the images' shape, (28, 28, 1) for MNIST and Fashion-MNIST.
    seed : seeds Keras (weights) and the GAN's noise, so the same seed builds the same GAN.
    loss : a name from ``ganlab.losses``.
    fast_path : XLA, mixed precision, steps per execution; default ``choose_fast_path()``.
        Its dtype policy is applied before the models are built.
    strategy : a ``tf.distribute`` strategy (``ganlab.distribute.choose_strategy``); the
        models and optimizers are made in its scope. Default: one device.
    discriminator_options : extra arguments of the discriminator builder, e.g.
        ``{"hidden_units": 0}`` for the DCGAN paper's discriminator.
    augment, augment_real_only : DiffAugment before D, e.g. ``augment="translation,cutout"``
        (``ganlab.GAN``'s arguments; ``ganlab.augment``). Default: none.
    **overrides : single settings of the profile, e.g. ``learning_rate=1e-4``, ``width=16``.

    The settings used are kept in ``gan.recipe`` (a namespace like ``ganlab.params``).
    """
    settings = recipe(model, profile, **overrides)
    strategy = strategy or tf.distribute.get_strategy()
    fast_path = (fast_path or choose_fast_path()).for_replicas(strategy.num_replicas_in_sync).apply()
    keras.utils.set_random_seed(seed)
    noise = NoiseLayout(GAUSSIAN_DIM, settings.latent_categories)
    with strategy.scope():
        if model == "cgan":  # the label as a second input of both networks
            generator, discriminator = conditional_models(settings, noise, image_shape, discriminator_options)
        else:
            generator, discriminator = build_models(model, noise, image_shape, getattr(settings, "width", None),
                                                    discriminator_options)
        gan = (ConditionalGAN if model == "cgan" else GAN)(
            generator, discriminator, seed=seed, ema_decay=settings.ema_decay,
            latent_categories=noise.categories, reuse_fakes=settings.reuse_fakes, augment=augment,
            augment_real_only=augment_real_only)
        gan.compile(d_optimizer=fast_path.optimizer(settings.learning_rate),
                    g_optimizer=fast_path.optimizer(settings.learning_rate),
                    loss=loss, **fast_path.compile_kwargs())
    gan.recipe = settings
    return gan


def translation_recipe(model: str, dataset: str | None = None, profile: str | None = None,
                       **overrides) -> SimpleNamespace:
    """The profile's settings for a translation ``model`` on ``dataset`` (profiles.py, "pix2pix_<dataset>")."""
    if model not in TRANSLATION_MODELS:
        raise InputError(f"Unknown translation model {model!r}; choose one of {', '.join(TRANSLATION_MODELS)}.")
    datasets = TRANSLATION_DATASETS[model]
    dataset = dataset or datasets[0]
    if dataset not in datasets:
        raise InputError(f"{model} trains on {' or '.join(datasets)} here, not {dataset!r}.")
    table = f"{'cyclegan' if model == 'cyclegan' else 'pix2pix'}_{dataset}"
    return params(table, profile, **overrides)


def translation_fast_path(xla: bool | None = None) -> FastPath:
    """``choose_fast_path`` for translation. XLA is on by default, on a CPU too, for one long run (the CLI, the
    benchmarks). ``xla=False`` (the quick profile's recipes) skips it where a run is too short to win back the
    compile; GANLAB_XLA decides over both. Each compiled model keeps its memory until the process ends, so the
    notebooks, which train several models, use ``choose_fast_path()`` instead (off on a CPU; docs/benchmarks.md,
    "XLA and memory")."""
    import os

    if os.environ.get("GANLAB_XLA", "").strip():
        return choose_fast_path(jit_compile=None)
    return choose_fast_path(jit_compile=True if xla is None else xla)


def build_translation(model: str, dataset: str | None = None, profile: str | None = None, *, seed: int = 0,
                      fast_path: FastPath | None = None, **overrides):
    """A compiled translation model with the profile's recipe: ``ganlab.Pix2Pix`` or ``ganlab.CycleGAN``.

    model : "pix2pix" (U-Net + PatchGAN, adversarial loss + lambda x L1), "l1_only" (the same U-Net trained
        on L1 alone: the course's non-adversarial baseline) or "cyclegan" (unpaired: two U-Nets with instance
        norm and no dropout, two PatchGANs of one image each).
    dataset : "edges2fashion" (32 px grey), "emoji" (64 px colour) or "facades" (label maps -> photos, 64 to
        256 px by profile); cyclegan: "emoji".
    profile, seed, fast_path, **overrides : as for :func:`build_gan` (e.g. ``l1_weight=0``, ``steps=200``).

    The settings used are kept in ``model.recipe``.
    """
    from .cyclegan import CycleGAN
    from .models.translation import patchgan_discriminator, unet_generator
    from .translation import Pix2Pix

    p = translation_recipe(model, dataset, profile, **overrides)
    fast_path = (fast_path or translation_fast_path(getattr(p, "xla", None))).apply()
    keras.utils.set_random_seed(seed)
    size, channels, filters = p.image_size, p.channels, p.base_filters
    if model == "cyclegan":
        def unet():
            return unet_generator(size, channels, channels, filters, norm="instance", dropout=0.0)

        def patchgan():
            return patchgan_discriminator(size, None, channels, filters, p.n_layers, norm="instance")

        built = CycleGAN(unet(), unet(), patchgan(), patchgan(), cycle_weight=p.cycle_weight, seed=seed)
    else:
        discriminator = (patchgan_discriminator(size, channels, channels, filters, p.n_layers)
                         if model == "pix2pix" else None)
        built = Pix2Pix(unet_generator(size, channels, channels, filters), discriminator, seed=seed,
                        l1_weight=p.l1_weight)
    built.compile(d_optimizer=fast_path.optimizer(p.learning_rate), g_optimizer=fast_path.optimizer(p.learning_rate),
                  **fast_path.compile_kwargs())
    built.recipe = p
    return built
