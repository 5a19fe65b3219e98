"""Does a conditional GAN's data help a classifier that has few labels? Measured honestly.

Introduced in notebooks/08_conditional_gans.ipynb. With ``per_class`` labelled images of each class,
:func:`augmentation_run` trains a conditional GAN on those images only, then trains the same small
classifier (:func:`train_classifier`, a fixed number of gradient steps) on each of these settings:

- ``"real"``: the labelled subset alone;
- ``"real + classic"``: the subset with random shifts (and flips where they keep the class), :func:`classic_augment`;
- ``"real + GAN ×r"``: the subset plus ``r`` generated images per real one (every class equally often);
- ``"GAN only"``: the generated images of the largest ratio without the real ones, the Classification
  Accuracy Score (Ravuri & Vinyals, 2019): as many samples as the largest mix holds, because a generator's
  strength is that it can draw many;
- ``"more real"``: as many real labelled images as the largest mix holds (the subset and more from the rest
  of the training split), the fair upper reference: what labelling more images would have bought.

Each classifier is scored on the whole held-out test set (the reference part of
``ganlab.metrics.features.evaluation_split``). Sizes: the "augmentation" table of ``ganlab/profiles.py``;
measured tables: docs/benchmarks.md, "GAN data augmentation".

>>> results = augmentation_table("fashion_mnist", budgets=(10, 50), seeds=(0,), profile="quick")  # doctest: +SKIP
>>> print(format_augmentation_table(results))                                                     # doctest: +SKIP
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence

import numpy as np

from .build import build_gan
from .conditional import labelled_dataset, labelled_subset
from .data import check_images
from .device import release_memory
from .errors import InputError
from .models.conditional import balanced_labels
from .profiles import params

CLASSES = 10
SETTINGS = ("real", "real + classic", "real + GAN", "GAN only", "more real")  # "real + GAN": one row per ratio
GAN_SETTINGS = ("real + GAN", "GAN only")
# A mirrored T-shirt is still a T-shirt, but a mirrored 3 is no digit (and a mirrored 2 looks like a 5).
FLIPS_KEEP_CLASS = {"fashion_mnist": True, "mnist": False}


# ---------------------------------------------------------------------------------------------- classic augmentation

def classic_augment(images: np.ndarray, rng: np.random.Generator, max_shift: int = 2,
                    flip: bool = False) -> np.ndarray:
    """A random crop of each image padded by ``max_shift`` background pixels, mirrored half the time if ``flip``.

    Parameters
    ----------
    images : (N, H, W, C) float images in [-1, 1]; the background is -1.
    rng : the random generator (seeded by the caller, so a run is repeatable).
    max_shift : pixels of padding; the crop moves the image by up to this much along each axis (0: no move).
    flip : mirror left-right with probability 1/2. Right for clothes, wrong for digits: use
        ``FLIPS_KEEP_CLASS[dataset]``.

    Returns
    -------
    np.ndarray : float32, the same shape, values still in [-1, 1].
    """
    from .metrics.features import shifted_at_random

    images = check_images(images)
    if isinstance(max_shift, bool) or int(max_shift) != max_shift or max_shift < 0:
        raise InputError(f"max_shift must be a whole number of pixels >= 0, not {max_shift!r}.")
    out = shifted_at_random(images, int(max_shift), rng) if max_shift else images.copy()
    if flip:
        mirrored = rng.random(len(out)) < 0.5
        out[mirrored] = out[mirrored, :, ::-1]
    return out


# ------------------------------------------------------------------------------------------------------ the classifier

def classifier_model(image_shape=(28, 28, 1), classes: int = CLASSES, name: str = "small_classifier"):
    """A small float32 CNN: two 3x3 convolutions with max pooling, Dense(64) with dropout, class logits."""
    import keras
    from keras import layers

    f32 = {"dtype": "float32"}
    inputs = keras.Input(image_shape, dtype="float32")
    x = inputs
    for filters in (16, 32):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", **f32)(x)
        x = layers.MaxPooling2D(**f32)(x)
    x = layers.Dense(64, activation="relu", **f32)(layers.Flatten(**f32)(x))
    return keras.Model(inputs, layers.Dense(classes, **f32)(layers.Dropout(0.3, **f32)(x)), name=name)


def train_classifier(images: np.ndarray, labels: np.ndarray, seed: int = 0, steps: int = 500, batch_size: int = 64,
                     learning_rate: float = 2e-3, augment=None):
    """:func:`classifier_model` trained for exactly ``steps`` gradient steps on (``images``, ``labels``).

    Steps, not epochs: a setting with more images does not also get more training. Each pass over the
    images is shuffled anew; ``augment(batch_of_images, rng)`` (e.g. :func:`classic_augment`) changes
    every image each time it is drawn. Adam with cosine decay to 0; seeded, so the same call gives the
    same network as far as TensorFlow's kernels allow on the device.

    Returns
    -------
    keras.Model : the trained classifier (it outputs logits); score it with :func:`test_accuracy`.
    """
    import keras

    from .conditional import check_labels

    images = check_images(images)
    labels = check_labels(labels, CLASSES, len(images))
    for name, value in (("steps", steps), ("batch_size", batch_size)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise InputError(f"{name} must be a whole number >= 1, not {value!r}.")
    x, y = _stream(images, labels, steps * batch_size, np.random.default_rng(seed), augment)
    keras.utils.set_random_seed(seed)
    model = classifier_model(images.shape[1:])
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    return model


def _stream(images, labels, n: int, rng: np.random.Generator, augment) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` training examples in the order they are drawn: shuffled passes over the data, augmented."""
    order = np.concatenate([rng.permutation(len(images)) for _ in range(-(-n // len(images)))])[:n]
    x = images[order]
    return (augment(x, rng) if augment is not None else x), labels[order]


def test_accuracy(model, images: np.ndarray, labels: np.ndarray, batch_size: int = 1000) -> float:
    """The share of ``images`` that ``model`` (logits or probabilities out) puts in the class in ``labels``."""
    from .conditional import check_labels

    images = check_images(images)
    labels = check_labels(labels, CLASSES, len(images))
    scores = model.predict(images, batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(scores, axis=1) == labels))


test_accuracy.__test__ = False  # a scoring function, not a pytest test


# ------------------------------------------------------------------------------------------------------------ one run

def augmentation_settings(settings: Sequence[str] | None = None) -> tuple[str, ...]:
    """``settings`` checked against SETTINGS (default: all of them, in SETTINGS' order)."""
    chosen = tuple(SETTINGS if settings is None else settings)
    unknown = [s for s in chosen if s not in SETTINGS]
    if unknown or not chosen:
        raise InputError(f"Unknown setting(s) {unknown or 'none given'}; choose from {', '.join(map(repr, SETTINGS))}.")
    return chosen


def augmentation_params(profile: str | None = None, **overrides):
    """The "augmentation" sizes of ``profile`` with ``overrides``; InputError for ratios that are not > 0."""
    p = params("augmentation", profile, **overrides)
    ratios = tuple(p.ratios)
    if not ratios or any(isinstance(r, bool) or not isinstance(r, (int, float)) or not r > 0 for r in ratios):
        raise InputError(f"ratios are generated images per real image and must all be > 0, e.g. (1, 4); "
                         f"not {p.ratios!r}.")
    p.ratios = tuple(sorted(set(ratios)))
    return p


def _split(dataset: str):
    from .metrics.features import evaluation_split  # loaded once, shared with the feature network

    return evaluation_split(dataset)


def draw_labelled(labels: np.ndarray, per_class: int, extra_per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of ``per_class`` images of each class, and of ``extra_per_class`` more of each from the rest."""
    counts = np.bincount(labels, minlength=CLASSES)
    need = per_class + extra_per_class
    if need > counts.min():
        why = f" ({per_class} labelled + {extra_per_class} more for 'more real')" if extra_per_class else ""
        raise InputError(f"{need} images of each class are needed{why}, but the training split has only "
                         f"{counts.min()} of class {int(counts.argmin())}. Lower the budget (per_class)"
                         + (", or the largest ratio, or leave out the 'more real' setting." if extra_per_class else "."))
    chosen = labelled_subset(np.arange(len(labels)), labels, per_class, CLASSES, seed)[0]
    if not extra_per_class:
        return chosen, chosen[:0]
    rest = np.setdiff1d(np.arange(len(labels)), chosen)
    return chosen, labelled_subset(rest, labels[rest], extra_per_class, CLASSES, seed + 1)[0]


def train_cgan(images: np.ndarray, labels: np.ndarray, seed: int, p):
    """The profile's conditional GAN (``build_gan("cgan")``) trained ``p.gan_steps`` steps on these images only."""
    gan = build_gan("cgan", p.profile, seed=seed, width=p.gan_width, batch_size=p.batch_size)
    data = labelled_dataset(images, labels, p.batch_size, CLASSES, seed=seed, drop_remainder=bool(gan.jit_compile))
    gan.fit(data.repeat(), epochs=1, steps_per_epoch=p.gan_steps, verbose=0)
    return gan


def generated(gan, n: int, seed: int, chunk: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples of ``gan``, every class equally often (0, 1, ..., 9, 0, ...), with their labels."""
    labels = balanced_labels(n, CLASSES)
    noise = gan.fixed_noise(n, seed + 1000)  # noise seeds apart from the GAN's own training seeds
    parts = [gan.generate(noise=noise[i:i + chunk], labels=labels[i:i + chunk]) for i in range(0, n, chunk)]
    return np.concatenate(parts), labels


def augmentation_run(dataset: str, per_class: int, seed: int = 0, profile: str | None = None,
                     settings: Sequence[str] | None = None, **overrides) -> dict:
    """Train the classifier of every setting with ``per_class`` labels per class; score each on the test set.

    Parameters
    ----------
    dataset : "fashion_mnist" or "mnist".
    per_class : labelled images per class (the label budget), drawn with ``seed``.
    seed : seeds the labelled subset, the GAN, its samples and every classifier.
    profile : "quick", "cpu" or "gpu" (the "augmentation" table of ``ganlab/profiles.py``); default the active one.
    settings : a subset of SETTINGS (default all); without "real + GAN" and "GAN only" no GAN is trained.
    **overrides : single sizes of the profile, e.g. ``gan_steps=200`` or ``ratios=(1, 2)``.

    Returns
    -------
    dict : "dataset", "per_class", "seed", "profile", "accuracy" (setting name -> test accuracy), "images"
    (setting name -> training images), "gan_steps", "seconds" (setting name -> training seconds, "GAN" too).
    """
    from .metrics.features import dataset_key

    key = dataset_key(dataset)
    p = augmentation_params(profile, **overrides)
    chosen_settings = augmentation_settings(settings)
    split = _split(key)
    largest = round(max(p.ratios) * per_class)  # generated images per class in the largest mix
    extra = largest if "more real" in chosen_settings else 0
    real_idx, extra_idx = draw_labelled(split.train_labels, per_class, extra, seed)
    real = split.train[real_idx], split.train_labels[real_idx]
    train = functools.partial(train_classifier, seed=seed, steps=p.classifier_steps, batch_size=p.batch_size)
    trainings: dict[str, tuple] = {}
    if "real" in chosen_settings:
        trainings["real"] = (*real, None)
    if "real + classic" in chosen_settings:
        flip = FLIPS_KEEP_CLASS[key]
        trainings["real + classic"] = (*real, functools.partial(classic_augment, max_shift=p.max_shift, flip=flip))
    seconds, gan_steps = {}, 0
    if set(GAN_SETTINGS) & set(chosen_settings):
        start = time.perf_counter()
        gan = train_cgan(*real, seed, p)
        seconds["GAN"], gan_steps = time.perf_counter() - start, p.gan_steps
        fake, fake_labels = generated(gan, largest * CLASSES, seed)
        if "real + GAN" in chosen_settings:
            for ratio in p.ratios:
                n = round(ratio * per_class) * CLASSES  # a prefix of balanced labels: every class equally often
                trainings[f"real + GAN ×{ratio:g}"] = (np.concatenate([real[0], fake[:n]]),
                                                      np.concatenate([real[1], fake_labels[:n]]), None)
        if "GAN only" in chosen_settings:
            trainings["GAN only"] = (fake, fake_labels, None)
    if "more real" in chosen_settings:
        both = np.concatenate([real_idx, extra_idx])
        trainings["more real"] = (split.train[both], split.train_labels[both], None)
    accuracy, images = {}, {}
    for name, (x, y, augment) in trainings.items():
        start = time.perf_counter()
        accuracy[name] = test_accuracy(train(x, y, augment=augment), split.reference, split.reference_labels)
        seconds[name], images[name] = time.perf_counter() - start, len(x)
    return {"dataset": key, "per_class": int(per_class), "seed": int(seed), "profile": p.profile,
            "accuracy": accuracy, "images": images, "gan_steps": gan_steps, "seconds": seconds}


# -------------------------------------------------------------------------------- the table over budgets and seeds

def augmentation_table(dataset: str, budgets: Sequence[int] | None = None, seeds: Sequence[int] | None = None,
                       profile: str | None = None, progress: bool = True, **overrides) -> list[dict]:
    """:func:`augmentation_run` for every label budget and seed (default: the profile's), one printed line each.

    Returns the runs' dicts, in the order run; :func:`format_augmentation_table` and
    :func:`plot_accuracy_vs_labels` summarise them.
    """
    p = augmentation_params(profile, **overrides)
    budgets, seeds = tuple(p.budgets if budgets is None else budgets), tuple(p.seeds if seeds is None else seeds)
    for name, values, least, example in (("budgets", budgets, 1, p.budgets), ("seeds", seeds, 0, p.seeds)):
        if not values or any(isinstance(v, bool) or int(v) != v or v < least for v in values):
            raise InputError(f"{name} must be whole numbers >= {least}, e.g. {example}; not {values!r}.")
    results = []
    for per_class in budgets:
        for seed in seeds:
            start = time.perf_counter()
            run = augmentation_run(dataset, int(per_class), int(seed), p.profile, **overrides)
            results.append(run)
            release_memory()  # the run's GAN and classifiers are gone: give their pages back (Binder has 2 GB)
            if progress:
                scores = ", ".join(f"{name} {acc:.1%}" for name, acc in run["accuracy"].items())
                print(f"augmentation {run['dataset']}: {per_class} per class, seed {seed}: {scores} "
                      f"({time.perf_counter() - start:.0f} s)", flush=True)
    return results


def summarise(results: list[dict]) -> dict[str, dict[int, tuple[float, float, int]]]:
    """setting -> labels per class -> (mean accuracy, standard deviation over seeds, number of seeds)."""
    if not results:
        raise InputError("No results to summarise: run augmentation_table (or augmentation_run) first.")
    table: dict[str, dict[int, list[float]]] = {}
    for run in results:
        for name, accuracy in run["accuracy"].items():
            table.setdefault(name, {}).setdefault(run["per_class"], []).append(accuracy)
    return {name: {budget: (float(np.mean(v)), float(np.std(v)), len(v)) for budget, v in sorted(row.items())}
            for name, row in table.items()}


def format_augmentation_table(results: list[dict]) -> str:
    """A markdown table: a row per setting, a column per label budget, test accuracy mean ± std over seeds.

    >>> runs = [{"per_class": 10, "accuracy": {"real": a, "more real": b}} for a, b in ((0.6, 0.7), (0.64, 0.72))]
    >>> print(format_augmentation_table(runs))
    | setting | 10 per class |
    |---|---|
    | real | 62.0 ± 2.0 % |
    | more real | 71.0 ± 1.0 % |
    """
    summary = summarise(results)
    budgets = sorted({budget for row in summary.values() for budget in row})
    lines = ["| setting | " + " | ".join(f"{b} per class" for b in budgets) + " |", "|---" * (len(budgets) + 1) + "|"]
    for name, row in summary.items():
        cells = [_cell(*row[b]) if b in row else "" for b in budgets]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(mean: float, std: float, n: int) -> str:
    return f"{100 * mean:.1f} ± {100 * std:.1f} %" if n > 1 else f"{100 * mean:.1f} %"


def plot_accuracy_vs_labels(results: list[dict], ax=None):
    """Test accuracy against labels per class (log x): a line per setting, error bars of one std over seeds."""
    import matplotlib.pyplot as plt

    summary = summarise(results)
    if ax is None:
        ax = plt.subplots(figsize=(6, 4))[1]
    for name, row in summary.items():
        budgets = list(row)
        means, stds = (np.array([row[b][i] for b in budgets]) for i in (0, 1))
        ax.errorbar(budgets, 100 * means, yerr=100 * stds, marker="o", capsize=3, label=name)
    ax.set_xscale("log")
    ticks = sorted({budget for row in summary.values() for budget in row})
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()  # else the log axis labels its minor ticks too ("2x10^1", ...)
    ax.set_xlabel("labelled images per class")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(f"{results[0].get('dataset', '')}: accuracy on the whole test set".strip(": "))
    ax.legend(fontsize="small")
    return ax
