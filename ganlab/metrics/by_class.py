"""Scores class by class: which classes a generator's outputs fall in, and FD/precision/recall per class.

Introduced in notebooks/08_conditional_gans.ipynb, to tell a label that conditions the generator
from a one-hot code that no loss ties to a class.

>>> shares = class_shares({label: gan.generate(100, labels=label) for label in range(10)}, net)  # doctest: +SKIP
>>> shares.diagonal().mean()  # the label accuracy                                               # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .feature_scores import frechet_distance
from .features import CLASSES, FeatureNet
from .manifold_scores import precision_recall


def class_shares(groups: dict, network: FeatureNet) -> np.ndarray:
    """Row i: the share of the i-th batch of images in ``groups`` that ``network`` puts in each class.

    For a conditional GAN each group is one requested label (the diagonal is its label accuracy);
    for the one-hot code of notebooks 02 and 04 each group is one code category.
    """
    if not groups:
        raise InputError("class_shares needs at least one group of images, e.g. {label: images}.")
    rows = []
    for images in groups.values():
        predicted = np.argmax(network.outputs(images)[1], axis=1)
        rows.append(np.bincount(predicted, minlength=CLASSES) / len(predicted))
    return np.array(rows)


def per_class_scores(gan, network: FeatureNet, n: int = 200, seed: int = 1) -> dict[int, dict]:
    """For each class c: FD, precision and recall of ``n`` samples drawn for c against real images of c.

    ``gan``: a conditional GAN (``gan.generate(noise=..., labels=c)``). Each score comes with its
    real baseline, ``n`` train-part images of c against the same ``n`` reference images of c, as in
    ``evaluate``. FD needs ``n`` > 128, the feature size.
    """
    split, rng, scores = network.split, np.random.default_rng(seed), {}
    reference, train = network.part("reference")[0], network.part("train")[0]
    noise = gan.fixed_noise(int(n), seed)
    for c in range(gan.classes):
        real = reference[_pick(split.reference_labels, c, n, rng, "reference")]
        baseline = train[_pick(split.train_labels, c, n, rng, "train")]
        fake = network.features(gan.generate(noise=noise, labels=c))
        (p, r), (p0, r0) = precision_recall(real, fake), precision_recall(real, baseline)
        scores[c] = {"fd": {"generated": frechet_distance(real, fake), "real": frechet_distance(real, baseline)},
                     "precision": {"generated": p, "real": p0}, "recall": {"generated": r, "real": r0}}
    return scores


def _pick(labels: np.ndarray, c: int, n: int, rng: np.random.Generator, part: str) -> np.ndarray:
    """``n`` random indices of class ``c`` in ``labels``; InputError when there are fewer."""
    where = np.flatnonzero(np.asarray(labels) == c)
    if len(where) < n:
        raise InputError(f"Only {len(where)} {part} images of class {c}: use n <= {len(where)}.")
    return rng.choice(where, int(n), replace=False)
