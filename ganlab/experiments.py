"""Short training runs that compare recipes by their scores, over several seeds.

Introduced in notebooks/06_evaluating_gans.ipynb; ``benchmarks/metric_table.py`` makes the table
of docs/benchmarks.md with the same functions. :func:`diffaugment_runs` (notebooks/08) compares
augmentation settings on a small training set (``benchmarks/diffaugment_table.py``).

>>> gan = train_for("dcgan", "mnist", seconds=60, seed=0)            # doctest: +SKIP
>>> results = [evaluate(gan, "mnist")]                                 # doctest: +SKIP
>>> print(mean_std_table(results, ["dcgan"]))                          # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from .augment import cutout_share
from .build import build_gan
from .callbacks import TimeBudget
from .conditional import labelled_dataset
from .data import make_dataset
from .errors import InputError
from .metrics.evaluation import evaluate
from .metrics.features import feature_network, training_examples
from .profiles import params
from .training import GAN


def train_for(model: str, dataset: str = "mnist", seconds: float = 60.0, seed: int = 0, profile: str | None = None,
              images: np.ndarray | None = None, **overrides) -> GAN:
    """A GAN of ``model`` ("dense", "dcgan" or "cgan") built with ``build_gan`` and trained for ``seconds``.

    It trains on ``images`` (default: ``training_images(dataset)``, the profile's ``n_images`` of
    them when it sets one; a "cgan" trains on them with their labels, and takes no ``images``)
    for ``seconds`` of wall-clock time; ``gan.trained_seconds`` and
    ``gan.g_optimizer.iterations`` say how long and how many steps it had.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise InputError(f"seconds must be a positive number of seconds, not {seconds!r}.")
    gan = build_gan(model, profile, seed=seed, **overrides)
    drop = bool(gan.jit_compile)
    if model == "cgan":
        if images is not None:
            raise InputError("A cgan trains on labelled images: leave images=None (it loads the dataset's labels).")
        images, labels = training_examples(dataset, gan.recipe.n_images)
        data = labelled_dataset(images, labels, gan.recipe.batch_size, gan.classes, seed=seed, drop_remainder=drop)
    else:
        images = training_examples(dataset, gan.recipe.n_images)[0] if images is None else images
        data = make_dataset(images, gan.recipe.batch_size, seed=seed, drop_remainder=drop)
    budget = TimeBudget(seconds)
    gan.fit(data.repeat(), epochs=1, steps_per_epoch=10**9, verbose=0, callbacks=[budget])
    gan.trained_seconds = budget.elapsed
    return gan


# The three settings of diffaugment_runs: build_gan's augmentation arguments for a policy.
AUGMENT_SETTINGS = {
    "no augmentation": lambda policy: {"augment": None},
    "real only": lambda policy: {"augment": policy, "augment_real_only": True},
    "real and generated (DiffAugment)": lambda policy: {"augment": policy},
}


def diffaugment_runs(dataset: str = "fashion_mnist", n_images: int | None = None, steps: int | None = None,
                     seed: int = 0, profile: str | None = None, settings=tuple(AUGMENT_SETTINGS),
                     network=None) -> list[dict]:
    """The profile's DCGAN trained on ``n_images`` images without augmentation, with it on the real images
    only, and with DiffAugment (real and generated), for ``steps`` steps each.

    Sizes (``n_images``, ``steps``, the policy, ``n`` samples scored) come from the "diffaugment" table of
    ``ganlab/profiles.py`` unless given. Each result is a dict: ``setting``, ``gan``, ``steps``, ``fd`` and
    ``fd_real`` (``ganlab.metrics.evaluate``: FD of ``n`` samples and of ``n`` real images against the
    reference images) and ``cutout_share`` of the same samples (``ganlab.augment.cutout_share``: the share
    that hold a mid-grey cutout square, i.e. the leak). Introduced in notebooks/08_conditional_gans.ipynb;
    measured in docs/benchmarks.md, "DiffAugment on 500 images". ``network``: a FeatureNet to reuse
    (default: ``feature_network(dataset)``).
    """
    p = params("diffaugment", profile)
    n_images, steps = n_images or p.n_images, steps or p.steps
    unknown = [name for name in settings if name not in AUGMENT_SETTINGS]
    if unknown or not settings:
        raise InputError(f"Unknown setting(s) {unknown}; choose from: {', '.join(AUGMENT_SETTINGS)}.")
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise InputError(f"steps must be a whole number >= 1, not {steps!r}.")
    images, network = training_examples(dataset, n_images)[0], network or feature_network(dataset)
    results = []
    for name in settings:
        gan = build_gan("dcgan", p.profile, seed=seed, **AUGMENT_SETTINGS[name](p.policy))
        data = make_dataset(images, gan.recipe.batch_size, seed=seed, drop_remainder=bool(gan.jit_compile))
        gan.fit(data.repeat(), epochs=1, steps_per_epoch=int(steps), verbose=0)
        fd = evaluate(gan, dataset, metrics=("fd",), n=p.n, network=network)["scores"]["fd"]
        samples = gan.generate(noise=gan.fixed_noise(p.n, seed=1))  # the samples evaluate scored
        results.append({"setting": name, "gan": gan, "steps": int(gan.g_optimizer.iterations),
                        "fd": fd["generated"], "fd_real": fd["real"], "cutout_share": cutout_share(samples)})
    return results


def mean_std_table(results: list[dict], names: list[str], scores: list[str] | None = None) -> str:
    """A markdown table: one row per name (e.g. "dense on mnist"), mean ± std of each score over
    that name's runs, then the real baseline of the first run of each dataset.

    ``results`` are ``ganlab.metrics.evaluate`` results and ``names`` says which row each belongs to.

    >>> run = {"dataset": "mnist", "scores": {"fd": {"generated": 2.0, "real": 0.5}}}
    >>> print(mean_std_table([run, dict(run, scores={"fd": {"generated": 4.0, "real": 0.5}})], ["gan", "gan"]))
    | run | runs | fd |
    |---|---|---|
    | gan | 2 | 3 ± 1 |
    | real images (mnist) | | 0.5 |
    """
    if len(results) != len(names) or not results:
        raise InputError(f"Give one name per result: {len(results)} result(s), {len(names)} name(s).")
    scores = scores or list(results[0]["scores"])
    rows: dict[str, list[dict]] = {}
    for name, result in zip(names, results):
        rows.setdefault(name, []).append(result)
    lines = ["| run | runs | " + " | ".join(scores) + " |", "|" + "---|" * (2 + len(scores))]
    for name, runs in rows.items():
        cells = [_mean_std([run["scores"][score]["generated"] for run in runs]) for score in scores]
        lines.append(f"| {name} | {len(runs)} | " + " | ".join(cells) + " |")
    for dataset in dict.fromkeys(result["dataset"] for result in results):
        real = next(result for result in results if result["dataset"] == dataset)["scores"]
        lines.append(f"| real images ({dataset}) | | " + " | ".join(f"{real[s]['real']:.3g}" for s in scores) + " |")
    return "\n".join(lines)


def _mean_std(values) -> str:
    values = np.asarray(values, dtype=np.float64)
    return f"{values.mean():.3g} ± {values.std():.2g}" if len(values) > 1 else f"{values.mean():.3g}"
