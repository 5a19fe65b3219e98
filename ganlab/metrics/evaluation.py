"""How good are a generator's samples? Every feature score at once, next to what real images score.

:func:`evaluate` generates ``n`` samples (from a GAN, a bare Keras generator, or takes an image
array), turns them into feature vectors with the dataset's feature network
(``ganlab.metrics.features``) and computes the chosen scores against ``n`` reference images. A
score means little alone: each comes with the *real baseline*, the same score for ``n`` real
images of the train part against the same reference images, i.e. what a perfect generator gets
at this ``n``. :func:`format_table` prints both side by side.

>>> result = evaluate(gan, "mnist", n=1000)                          # doctest: +SKIP
>>> print(format_table(result))                                      # doctest: +SKIP
"""

from __future__ import annotations

import math

import numpy as np

from ..data import check_images
from ..errors import InputError
from ..conditional import generator_inputs
from ..models.conditional import balanced_labels, classes_of
from .feature_scores import frechet_distance, kernel_inception_distance
from .features import FEATURES, IMAGE_SHAPE, FeatureNet, dataset_key, feature_network
from .manifold_scores import density_coverage, memorisation, precision_recall

KNOWN_METRICS = ("fd", "kid", "precision_recall", "density_coverage", "memorisation", "classes")
# The fewest samples each metric can use, and why (with 128 features per sample).
NEEDED = {"fd": (FEATURES + 1, f"one more than the {FEATURES} features"), "kid": (2, "a pair per subset"),
          "precision_recall": (4, "k = 3 neighbours each"), "density_coverage": (6, "k = 5 neighbours each"),
          "memorisation": (100, "its threshold is the 1st percentile of the reference distances"),
          "classes": (10, "one per class")}
LABELS = {
    "fd": "FD (0 = like real; lower is better)",
    "kid": "KID (about 0 = like real)",
    "precision": "precision (fidelity, 0..1)",
    "recall": "recall (variety, 0..1)",
    "density": "density (fidelity, about 1 = like real)",
    "coverage": "coverage (variety, 0..1)",
    "memorised_share": "share of samples as close to train as copies",
    "nearest_train_ratio": "samples' median distance to train ÷ held-out real images'",
    "class_coverage": "classes made, share of 10",
    "classifier_score": "classifier score (1..10, higher = sure and varied)",
}


def check_metrics(metrics) -> tuple[str, ...]:
    """``metrics`` (names, or one comma-separated string) as a tuple of known names, or an InputError.

    >>> check_metrics("fd, kid")
    ('fd', 'kid')
    """
    names = metrics.split(",") if isinstance(metrics, str) else list(metrics)
    names = tuple(dict.fromkeys(str(name).strip().lower() for name in names if str(name).strip()))
    unknown = [name for name in names if name not in KNOWN_METRICS]
    if unknown or not names:
        raise InputError(f"Unknown metric(s) {', '.join(map(repr, unknown)) or '(none given)'}; choose from: "
                         f"{', '.join(KNOWN_METRICS)}.")
    return names


def check_sample_count(metrics, count: int) -> None:
    """An InputError if ``count`` samples are too few for one of ``metrics``, saying how many it needs.

    >>> check_sample_count(("kid", "fd"), 50)
    Traceback (most recent call last):
    ...
    ganlab.errors.InputError: fd needs at least 129 samples (one more than the 128 features); got 50. Pass n >= 129 (or more images), or leave fd out of metrics.
    """
    for name in check_metrics(metrics):
        needed, why = NEEDED[name]
        if count < needed:
            raise InputError(f"{name} needs at least {needed} samples ({why}); got {count}. Pass n >= "
                             f"{needed} (or more images), or leave {name} out of metrics.")


def generated_samples(source, n: int, seed: int = 1, categories: int = 0) -> np.ndarray:
    """``n`` checked samples: from a GAN (``gan.fixed_noise(n, seed)``, the convention of
    ``sample_quality``), from a bare Keras generator (``ganlab.noise.seed_noise`` with ``categories``
    one-hot entries), or the first ``n`` of an image array. A conditional GAN or generator draws
    every class equally often (0, 1, 2, ...)."""
    import keras

    if hasattr(source, "fixed_noise") and hasattr(source, "generate"):
        noise = source.fixed_noise(n, seed=seed)
        images = source.fixed_samples(noise) if hasattr(source, "fixed_samples") else source.generate(noise=noise)
    elif isinstance(source, keras.Model):
        labels = balanced_labels(n, classes_of(source)) if classes_of(source) else None
        inputs = generator_inputs(source, n, seed, categories, labels)  # seed_noise, and labels if conditional
        images = keras.ops.convert_to_numpy(source.predict(inputs, batch_size=256, verbose=0))
    else:
        return check_images(source, "samples")[:n]
    return check_images(images, "samples")


def evaluate(source, dataset: str = "mnist", metrics=KNOWN_METRICS, n: int = 1000, seed: int = 1,
             categories: int = 0, network: FeatureNet | None = None) -> dict:
    """Score ``n`` samples of ``source`` against ``n`` real reference images, with the real baseline.

    Parameters
    ----------
    source : a ``ganlab.GAN``, a Keras generator (noise -> images), or images (N, 28, 28, 1) in [-1, 1].
    dataset : "mnist" or "fashion_mnist": which feature network and which real images.
    metrics : any of KNOWN_METRICS: "fd", "kid" (mean over 10 subsets of up to 1,000),
        "precision_recall", "density_coverage", "memorisation" (samples' distances to the whole
        train part, against the reference images'; its baseline is what new real data gives) and
        "classes" (the share of the 10 classes predicted for >= 1 % of the samples, and an
        Inception-score-like exp(E KL(p(y|x) || p(y))) of the feature network's softmax).
    n : how many samples, reference images and baseline images (at most the reference part's size).
    seed : the noise seed (1: the measurement convention of docs/benchmarks.md) and the choice of
        reference and baseline images.
    categories : one-hot entries at the end of a bare generator's noise (a run's latent_categories).
    network : a FeatureNet to reuse (default: ``feature_network(dataset)``, cached on disk).

    Returns
    -------
    dict with ``scores`` ({row: {"generated": x, "real": y}}), ``dataset``, ``split`` (which images
    trained the feature network and which were compared), ``n``, ``seed``, ``metrics`` and the
    feature network's held-out accuracy. Plain Python numbers: ``json.dumps`` takes it.
    """
    names = check_metrics(metrics)
    _check_n(n)
    key = dataset_key(dataset)
    samples = generated_samples(source, int(n), seed, categories)
    check_sample_count(names, len(samples))
    if samples.shape[1:] != IMAGE_SHAPE:
        raise InputError(f"samples have shape {samples.shape[1:]}; the {key} feature network takes {IMAGE_SHAPE} "
                         "images in [-1, 1].")
    net = network if network is not None else feature_network(key)
    if net.dataset != key:
        raise InputError(f"network is the {net.dataset} feature network; pass the {key} one, or network=None.")
    sets = _feature_sets(net, samples, "memorisation" in names, seed)
    scores = {}
    for name in names:
        for row, (generated, real) in SCORES[name](sets).items():
            scores[row] = {"generated": float(generated), "real": float(real)}
    return {"dataset": key, "split": net.split.description, "n": len(samples), "seed": seed, "metrics": list(names),
            "train_images": len(net.split.train), "reference_images": len(net.split.reference),
            "feature_network": {"held_out_accuracy": float(net.held_out_accuracy), "from_cache": net.from_cache},
            "scores": scores}


def _check_n(n) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"n must be a whole number >= 1, not {n!r}.")


def _feature_sets(net: FeatureNet, samples: np.ndarray, whole_train: bool, seed: int) -> dict:
    """Features and probabilities of the samples, of n reference and n baseline (train-part) images."""
    n, split = len(samples), net.split
    if n > len(split.reference):
        raise InputError(f"n={n:,} is more than the {len(split.reference):,} reference images here "
                         f"({split.description}); use n <= {len(split.reference)}.")
    rng = np.random.default_rng(seed)
    reference = rng.choice(len(split.reference), n, replace=False)
    baseline = rng.choice(len(split.train), n, replace=False)
    ref_features, ref_probabilities = net.part("reference")
    sets = {"generated": net.outputs(samples), "reference": (ref_features[reference], ref_probabilities[reference])}
    if whole_train:
        train_features, train_probabilities = net.part("train")
        sets["train"] = train_features
        sets["baseline"] = (train_features[baseline], train_probabilities[baseline])
    else:
        sets["baseline"] = net.outputs(split.train[baseline])
    return sets


def _pairs(score, sets: dict) -> tuple:
    """``score(reference, x)`` for x = the generated and the baseline features."""
    return score(sets["reference"][0], sets["generated"][0]), score(sets["reference"][0], sets["baseline"][0])


def _fd(sets):
    return {"fd": _pairs(frechet_distance, sets)}


def _kid(sets):
    generated, real = _pairs(kernel_inception_distance, sets)
    return {"kid": (generated[0], real[0])}


def _two(names, score):
    def rows(sets):
        generated, real = _pairs(score, sets)
        return {names[0]: (generated[0], real[0]), names[1]: (generated[1], real[1])}
    return rows


def _memorisation(sets):
    found = memorisation(sets["generated"][0], sets["train"], sets["reference"][0])
    # The baseline is what new real data gives, by construction of the threshold (and ratio 1).
    return {"memorised_share": (found["share_close"], found["expected_share"]),
            "nearest_train_ratio": (found["median_ratio"], 1.0)}


def _classes(sets):
    generated, real = class_scores(sets["generated"][1]), class_scores(sets["baseline"][1])
    return {name: (generated[name], real[name]) for name in generated}


SCORES = {"fd": _fd, "kid": _kid, "precision_recall": _two(("precision", "recall"), precision_recall),
          "density_coverage": _two(("density", "coverage"), density_coverage),
          "memorisation": _memorisation, "classes": _classes}


def class_scores(probabilities, min_share: float = 0.01) -> dict:
    """Which classes samples fall in, from a classifier's probabilities (N, classes).

    ``class_coverage``: the share of the classes predicted (arg max) for at least ``min_share`` of
    the samples (1 % by default: 10 of 1,000); a generator that makes three digits scores 0.3.
    ``classifier_score``: exp of the mean KL divergence from the marginal class distribution to
    each sample's (the Inception score's formula, here with the feature network): 1 when every
    sample gets the same prediction, the number of classes when each is sure and all classes are
    equally common.

    >>> sure = np.eye(10)[np.arange(1000) % 10]   # every class, each sample certain
    >>> class_scores(sure)["class_coverage"], round(class_scores(sure)["classifier_score"], 3)
    (1.0, 10.0)
    >>> round(class_scores(np.full((100, 10), 0.1))["classifier_score"], 6)  # no idea about any sample
    1.0
    """
    p = np.asarray(probabilities, dtype=np.float64)
    counts = np.bincount(p.argmax(axis=1), minlength=p.shape[1])
    needed = max(1, math.ceil(min_share * len(p)))
    marginal = p.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(p > 0, p * (np.log(p) - np.log(marginal)), 0.0).sum(axis=1)
    return {"class_coverage": float((counts >= needed).mean()), "classifier_score": float(np.exp(kl.mean()))}


def format_table(result: dict) -> str:
    """``evaluate``'s result as a short text: what was compared, then metric | generated | real baseline.

    >>> print(format_table({"dataset": "mnist", "n": 1000, "seed": 1, "split": "(the split)",
    ...     "feature_network": {"held_out_accuracy": 0.99}, "scores": {"fd": {"generated": 12.3, "real": 0.91}}}))
    mnist: 1,000 samples (seed 1) against 1,000 reference images; (the split).
    Feature network: held-out accuracy 99.0 %.
    <BLANKLINE>
    | metric                              | generated | real baseline |
    |-------------------------------------|-----------|---------------|
    | FD (0 = like real; lower is better) |      12.3 |          0.91 |
    """
    rows = [(LABELS.get(name, name), f"{row['generated']:.4g}", f"{row['real']:.4g}")
            for name, row in result["scores"].items()]
    widths = [max(len(cells[i]) for cells in rows + [("metric", "generated", "real baseline")]) for i in range(3)]
    lines = [f"{result['dataset']}: {result['n']:,} samples (seed {result['seed']}) against {result['n']:,} "
             f"reference images; {result['split']}.",
             f"Feature network: held-out accuracy {100 * result['feature_network']['held_out_accuracy']:.1f} %.", "",
             _row(("metric", "generated", "real baseline"), widths),
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join(lines + [_row(cells, widths) for cells in rows])


def _row(cells, widths) -> str:
    first, *numbers = cells
    return "| " + first.ljust(widths[0]) + " | " + " | ".join(c.rjust(w) for c, w in zip(numbers, widths[1:])) + " |"
