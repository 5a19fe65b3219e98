"""Conditional GANs: ask the generator for a class, and check that it drew that class.

Introduced in notebooks/08_conditional_gans.ipynb. :class:`ConditionalGAN` is ``ganlab.GAN`` with
its three hooks changed, so both train steps, the losses, penalties, EMA and trackers are the same:
the real batch comes with its labels, the fakes of a step are drawn for those labels, and the
discriminator sees each sample with its label. The networks are in ``ganlab.models.conditional``;
``ganlab.build_gan("cgan")`` builds the course's recipe.

>>> gan = build_gan("cgan", "quick")                                     # doctest: +SKIP
>>> gan.fit(labelled_dataset(images, labels, 64), epochs=1)               # doctest: +SKIP
>>> gan.generate(labels=[3, 3, 7]).shape                                  # doctest: +SKIP
(3, 28, 28, 1)
"""

from __future__ import annotations

import keras
import numpy as np

from .data import make_dataset
from .errors import InputError
from .models.conditional import balanced_labels, classes_of
from .noise import seed_noise
from .training import GAN


class ConditionalGAN(GAN):
    """A GAN whose generator takes [noise, label] and whose discriminator takes [image, label].

    Train it on (images, labels) batches (:func:`labelled_dataset`); ``generate(labels=...)`` draws
    the classes asked for. Every other argument is ``ganlab.GAN``'s.
    """

    def __init__(self, generator, discriminator, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        self.classes = classes_of(generator)
        if not self.classes or len(discriminator.inputs) != 2:
            raise InputError("A ConditionalGAN needs a generator taking [noise, label] and a discriminator taking "
                             "[image, label]: build them with ganlab.models.conditional_generator and "
                             "conditional_discriminator, or use ganlab.GAN for unconditional networks.")

    # ------------------------------------------------------------------ the hooks of GAN's train steps

    def generate_fakes(self, data, batch_size, training: bool = True):
        """Fakes for the real batch's labels: the generator learns the classes as often as the data has them."""
        return self.generator([self.sample_noise(batch_size), self._labels(data)], training=training)

    def discriminate(self, samples, data, training: bool = True):
        """D's logit for each sample together with its label (real and fake share the batch's labels)."""
        return self.discriminator([samples, self._labels(data)], training=training)

    @staticmethod
    def _labels(data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise InputError("A ConditionalGAN trains on (images, labels) batches: use "
                             "ganlab.conditional.labelled_dataset(images, labels, batch_size).")
        return data[1]

    def fit(self, x=None, y=None, *args, **kwargs):
        """keras.Model.fit on (images, labels): a dataset of pairs, or two arrays (the labels are checked)."""
        if isinstance(x, np.ndarray):
            if y is None:
                raise InputError("A conditional GAN trains on images and their labels: fit(images, labels), "
                                 "or fit(labelled_dataset(images, labels, batch_size)).")
            y = check_labels(y, self.classes, len(x))
        return super().fit(x, y, *args, **kwargs)

    # ------------------------------------------------------------------ using the generator

    def fixed_samples(self, noise) -> np.ndarray:
        """Samples of fixed ``noise`` (SampleGrid, ``metrics.evaluate``): the classes in turn, 0, 1, 2, ..."""
        return self.generate(noise=noise, labels=balanced_labels(len(noise), self.classes))

    def generate(self, n: int | None = None, noise=None, labels=None) -> np.ndarray:
        """Samples of the classes in ``labels``: one label per sample, or one for all ``n``.

        ``gan.generate(labels=[0, 1, 2])`` draws three samples; ``gan.generate(16, labels=3)`` sixteen 3s;
        with ``noise`` (e.g. ``gan.fixed_noise(n, seed)``) the same noise can be drawn in every class.
        """
        if labels is None:
            raise InputError(f"This GAN is conditional: say which classes to draw, e.g. labels=[3, 7] "
                             f"(0 to {self.classes - 1}), or labels=3 with n.")
        if n is None and noise is None and np.ndim(labels) == 1:
            n = len(labels)
        noise = np.asarray(keras.ops.convert_to_numpy(self._noise_for(n, noise)), dtype=np.float32)
        return self._run_generator([noise, check_labels(labels, self.classes, len(noise))])  # both numpy: Keras wants one kind


def check_labels(labels, classes: int, n: int | None = None, name: str = "labels") -> np.ndarray:
    """``labels`` as an int32 array of ``n`` whole numbers in [0, classes); one label is repeated ``n`` times."""
    arr = np.asarray(labels)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise InputError(f"{name} must be whole numbers (an int array), not {arr.dtype}: use "
                         f"np.asarray({name}).astype(int) if they are class numbers stored as floats.")
    if arr.ndim == 0 and n is not None:
        arr = np.full(int(n), arr)
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"{name} has shape {arr.shape}; give one class number per sample, shape (n,).")
    if n is not None and len(arr) != n:
        raise InputError(f"{len(arr)} {name} for {n} samples: give one label per sample (or a single label for all).")
    if arr.min() < 0 or arr.max() >= classes:
        raise InputError(f"{name} must be from 0 to {classes - 1} ({classes} classes), not {arr.min()}..{arr.max()}.")
    return arr.astype(np.int32)


def check_every_class(labels, classes: int, where: str = "these labels") -> np.ndarray:
    """The count of each class in ``labels``; InputError naming a class that has no example."""
    counts = np.bincount(check_labels(labels, classes), minlength=classes)
    missing = [int(c) for c in np.flatnonzero(counts == 0)]
    if missing:
        raise InputError(f"class(es) {missing} have no example in {where}: the generator could never learn them. "
                         "Use more images (a larger --n-images or n) or a subset that holds every class.")
    return counts


def labelled_dataset(images, labels, batch_size: int = 64, classes: int = 10, seed: int | None = 0,
                     drop_remainder: bool = False):
    """A shuffled tf.data pipeline of (images, labels) batches for a ConditionalGAN; every class must occur."""
    check_every_class(check_labels(labels, classes, len(images)), classes, f"the {len(images):,} training labels")
    return make_dataset(images, batch_size, seed=seed, drop_remainder=drop_remainder, labels=np.asarray(labels))


def labelled_subset(images, labels, per_class: int, classes: int = 10, seed: int = 0):
    """(images, labels): ``per_class`` examples of each class drawn at random, for a small label budget."""
    labels = check_labels(labels, classes, len(images))
    if isinstance(per_class, bool) or int(per_class) != per_class or per_class < 1:
        raise InputError(f"per_class must be a whole number >= 1, not {per_class!r}.")
    if per_class * classes > len(labels):
        raise InputError(f"A budget of {per_class} labels x {classes} classes = {per_class * classes:,} is more than "
                         f"the {len(labels):,} labelled images: lower per_class to {len(labels) // classes} or less, or use "
                         "more labelled images.")
    counts = check_every_class(labels, classes, f"the {len(labels):,} labelled images")
    if counts.min() < per_class:
        raise InputError(f"class {int(counts.argmin())} has only {counts.min()} examples, fewer than per_class="
                         f"{per_class}: lower per_class to {counts.min()}, or use more images.")
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in range(classes)])
    chosen = rng.permutation(chosen)
    return np.asarray(images)[chosen], labels[chosen]


def class_grid(gan: ConditionalGAN, per_class: int = 8, seed: int = 0) -> np.ndarray:
    """A row per class, the same ``per_class`` noise vectors in every row: what changes down a column is the label.

    >>> ganlab.viz.image_grid(class_grid(gan), ncols=8)                   # doctest: +SKIP
    """
    noise = gan.fixed_noise(per_class, seed)
    labels = np.repeat(np.arange(gan.classes), per_class)
    return gan.generate(noise=np.tile(noise, (gan.classes, 1)), labels=labels)


def label_accuracy(gan: ConditionalGAN, network, n: int = 1000, seed: int = 1) -> float:
    """The share of ``n`` samples (every class equally often) that ``network`` classifies as the class asked for.

    ``network``: a classifier with ``outputs(images) -> (features, probabilities)``, such as
    ``ganlab.metrics.feature_network("fashion_mnist")``. 1 / classes is chance.
    """
    labels = balanced_labels(n, gan.classes)
    probabilities = network.outputs(gan.generate(noise=gan.fixed_noise(n, seed), labels=labels))[1]
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))


def generator_inputs(generator, n: int, seed: int = 0, categories: int = 0, labels=None, flag: str = "--label"):
    """What a saved generator takes for ``n`` samples: ``seed_noise(seed, ...)``, and the labels when it is conditional.

    Says what to do when labels are given to an unconditional generator, or missing for a conditional one.
    """
    classes = classes_of(generator)
    if classes and labels is None:
        raise InputError(f"This run is conditional: say which class to draw with {flag} (0 to {classes - 1}).")
    if not classes and labels is not None:
        raise InputError(f"This run is unconditional: it takes no {flag}. Drop {flag}, or train a conditional "
                         "run with `python -m ganlab train cgan`.")
    noise = seed_noise(seed, int(generator.inputs[0].shape[-1]), n, categories=categories)
    return [noise, check_labels(labels, classes, n, flag)] if classes else noise
