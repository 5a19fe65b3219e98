"""Fidelity and variety apart, from k-nearest-neighbour balls around feature vectors (N, D).

- :func:`precision_recall` (Kynkäänniemi et al. 2019): precision, the share of generated samples
  that fall near real data (fidelity); recall, the share of real samples near generated ones (variety).
- :func:`density_coverage` (Naeem et al. 2020): the same two questions, less fooled by outliers:
  density counts how many real neighbourhoods hold each sample; coverage, the share of real
  neighbourhoods that hold at least one.
- :func:`memorisation`: are samples closer to the training set than new real data is (copies)?

FD and KID, which mix the two in one number, are in ``ganlab.metrics.feature_scores``.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .feature_scores import (_features, _kth_neighbour_distances, _nearest, _same_width, _squared_distances,
                             _whole_number)


def _neighbour_count(k, sets: dict[str, np.ndarray]) -> int:
    """``k`` checked: a whole number >= 1, below the number of samples of each set in ``sets``."""
    k = _whole_number(k, "k", 1)
    for name, x in sets.items():
        if len(x) <= k:
            raise InputError(f"k={k} needs at least {k + 1} samples in {name}; got {len(x)}. "
                             "Pass more samples or lower k.")
    return k


def precision_recall(real, fake, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al. 2019): (precision, recall), each 0..1.

    Around every real sample, a ball reaching to its k-th nearest real neighbour (itself excluded);
    the union of these balls estimates where real data lives. Precision: the share of ``fake``
    samples inside at least one real ball (fidelity). Recall: the share of ``real`` samples inside
    at least one ball around the fake samples (variety: a generator that drops half the modes has
    recall about 0.5). A distance equal to the radius counts as inside.

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 2))
    >>> precision_recall(real, real)
    (1.0, 1.0)
    >>> precision_recall(real, real + 100.0)  # far from anything real
    (0.0, 0.0)
    """
    real, fake = _features(real, "real"), _features(fake, "fake")
    _same_width(real, fake, "real and fake")
    k = _neighbour_count(k, {"real": real, "fake": fake})
    radius_real, radius_fake = _kth_neighbour_distances(real, k), _kth_neighbour_distances(fake, k)
    fake_near_real = np.zeros(len(fake), dtype=bool)
    real_near_fake = np.zeros(len(real), dtype=bool)
    for start, block in _squared_distances(fake, real):
        stop = start + len(block)
        fake_near_real[start:stop] = (block <= radius_real).any(axis=1)
        real_near_fake |= (block <= radius_fake[start:stop, None]).any(axis=0)
    return float(fake_near_real.mean()), float(real_near_fake.mean())


def density_coverage(real, fake, k: int = 5) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020): (density, coverage).

    Balls around the real samples only, each reaching to its k-th nearest real neighbour (itself
    excluded). Density: for each ``fake`` sample, how many real balls hold it, divided by ``k``,
    averaged (fidelity; about 1 when fake and real come from one distribution, above 1 when samples
    crowd where real data is dense, below 1 when they stray). Coverage: the share of real balls that
    hold at least one fake sample (variety, 0..1; about 1 - 2^-k for one distribution). Unlike
    precision and recall, an outlier among the real samples does not inflate either.

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 2))
    >>> density, coverage = density_coverage(real, real)  # each ball holds its centre and k more
    >>> round(density, 2), coverage
    (1.2, 1.0)
    """
    real, fake = _features(real, "real"), _features(fake, "fake")
    _same_width(real, fake, "real and fake")
    k = _neighbour_count(k, {"real": real})
    radius = _kth_neighbour_distances(real, k)
    inside = 0
    nearest_fake = np.full(len(real), np.inf)
    for _, block in _squared_distances(fake, real):
        inside += np.count_nonzero(block <= radius)
        np.minimum(nearest_fake, block.min(axis=0), out=nearest_fake)
    return float(inside / (k * len(fake))), float((nearest_fake <= radius).mean())


def memorisation(samples, train, held_out, percentile: float = 1.0) -> dict:
    """Does a generator copy its training data? Distances to the nearest training vector, compared.

    For each of ``samples`` (generated features), the distance to its nearest vector in ``train``;
    for reference, the same distance for ``held_out``: real vectors the generator never saw (not in
    ``train``). New data lies about as far from the training set as held-out data does; a copy lies
    at distance 0. Returns a dict:

    - ``share_close``: the share of samples at most ``threshold`` from a training vector;
    - ``threshold``: the ``percentile``-th percentile of the held-out distances (default: the 1 %
      of held-out vectors nearest to the training set);
    - ``expected_share``: ``percentile / 100``, about what ``share_close`` is for data as new as the
      held-out set; a generator that returns training vectors scores near 1;
    - ``median_ratio``: median sample distance / median held-out distance (about 1 for new data,
      0 for copies, below 1 for samples that stay close to training vectors);
    - ``distance`` and ``nearest``: per sample, the distance and the index of its nearest training
      vector (to show a sample next to it).

    ``held_out`` needs at least 100 / ``percentile`` vectors (100 for the 1st percentile).

    >>> rng = np.random.default_rng(0)
    >>> train, held_out = rng.normal(size=(1000, 4)), rng.normal(size=(200, 4))
    >>> memorisation(train[:50], train, held_out)["share_close"]  # 50 copies
    1.0
    """
    train = _features(train, "train")
    if isinstance(percentile, bool) or not isinstance(percentile, (int, float)) or not 0 < percentile < 100:
        raise InputError(f"percentile must be between 0 and 100, not {percentile!r}; 1 is usual.")
    needed = int(np.ceil(100 / percentile))
    samples = _features(samples, "samples")
    held_out = _features(held_out, "held_out", needed, f"percentile={percentile:g}")
    _same_width(samples, train, "samples and train")
    _same_width(held_out, train, "held_out and train")
    distance, index = _nearest(samples, train)
    held_out_distance, _ = _nearest(held_out, train)
    typical = float(np.median(held_out_distance))
    if typical == 0.0:
        raise InputError("Half of held_out or more is also in train; hold out real vectors the generator "
                         "was not trained on.")
    threshold = float(np.percentile(held_out_distance, percentile))
    return {
        "share_close": float(np.mean(distance <= threshold)),
        "threshold": threshold,
        "expected_share": percentile / 100,
        "median_ratio": float(np.median(distance)) / typical,
        "distance": distance,
        "nearest": index,
    }
