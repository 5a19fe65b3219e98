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
