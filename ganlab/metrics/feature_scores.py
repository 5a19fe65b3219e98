"""Sample-quality scores computed on feature vectors: arrays of shape (N, D), one row a sample.

A score compares the features of generated samples (``fake``) with those of real ones (``real``):

- :func:`frechet_distance` (FD; FID on Inception features, Heusel et al. 2017) and
  :func:`kernel_inception_distance` (KID, Bińkowski et al. 2018) compare the two sets as wholes:
  0 when they match; fidelity and variety mixed in one number.
- ``ganlab.metrics.manifold_scores`` separates the two: precision (fidelity: do samples look real?) and
  recall (variety: is all of the real data produced?) (Kynkäänniemi et al. 2019), their more robust
  variants density and coverage (Naeem et al. 2020), and a check for copies of the training set.

Everything is computed in float64 with numpy. Pairwise distances and kernels are computed in
blocks of at most 64 MiB, so sets of tens of thousands of samples fit in a laptop's memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..errors import InputError

_CHUNK_BYTES = 64 * 2**20  # the largest block of pairwise distances held at once
_IMAGINARY_TOLERANCE = 1e-3  # pytorch-fid's bound on the imaginary part of sqrtm(S1 S2)


def _features(x, name: str, at_least: int = 1, why: str = "") -> np.ndarray:
    """``x`` as a float64 (N, D) array, or an InputError naming ``name`` and saying what to do.

    ``at_least``: the fewest rows accepted; ``why`` names the score that needs them.

    >>> _features([[0, 1], [2, 3]], "real").dtype
    dtype('float64')
    """
    try:
        array = np.asarray(x)
    except (ValueError, TypeError) as error:
        raise InputError(f"{name} must be a 2-D array of feature vectors (N, D); numpy cannot read it: "
                         f"{error}") from error
    if array.dtype.kind not in "fiu":
        raise InputError(f"{name} must hold real numbers, not {array.dtype}; pass features as floats "
                         f"({name}.astype('float32')).")
    if array.ndim != 2:
        raise InputError(f"{name} must be a 2-D array of feature vectors (N, D), not shape {array.shape}; "
                         f"extract features first, or flatten with {name}.reshape(len({name}), -1).")
    if array.shape[1] < 1:
        raise InputError(f"{name} has no features (shape {array.shape}); pass at least one column.")
    if len(array) < at_least:
        samples = "sample" if at_least == 1 else "samples"
        needs = f"{why} needs at least {at_least} {samples} in {name}" if why else \
            f"{name} needs at least {at_least} {samples}"
        raise InputError(f"{needs}; got {len(array)}. Pass more samples.")
    array = array.astype(np.float64)
    bad = np.count_nonzero(~np.isfinite(array))
    if bad:
        raise InputError(f"{name} holds {bad} NaN or inf values; drop those samples "
                         f"({name}[np.isfinite({name}).all(axis=1)]) or fix what made them.")
    return array


def _same_width(a: np.ndarray, b: np.ndarray, names: str) -> None:
    """Refuse two sets of features of different dimensions; ``names`` is "a and b"."""
    if a.shape[1] != b.shape[1]:
        raise InputError(f"{names} must have the same number of features, not {a.shape[1]} and "
                         f"{b.shape[1]}; extract both with the same network.")


def _whole_number(value, name: str, low: int) -> int:
    """``value`` as an int >= ``low``, or an InputError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise InputError(f"{name} must be a whole number >= {low}, not {value!r}.")
    return int(value)


def frechet_distance(real, fake, eps: float = 1e-6) -> float:
    """Fréchet distance between Gaussians fitted to two sets of features (FID on Inception features).

    ``||mu_r - mu_f||^2 + tr(S_r + S_f - 2 (S_r S_f)^(1/2))``, with the sample means ``mu`` and
    covariances ``S`` (``np.cov``, as pytorch-fid). 0 for identical sets; lower is better. Mixes
    fidelity and variety: a generator that drops modes and one that blurs both score worse.

    The trace of the matrix square root is the sum of the square roots of the eigenvalues of the
    symmetric ``S_r^(1/2) S_f S_r^(1/2)`` (same eigenvalues as ``S_r S_f``). As pytorch-fid does
    around ``scipy.linalg.sqrtm``: a result that is not finite is computed again with ``eps`` added
    to both diagonals, and a square root with an imaginary part above 1e-3 (relative to the largest
    root when that is above 1) raises an InputError. Rounding below 0 is reported as 0.

    Each set needs at least D + 1 samples (D = number of features), or its covariance is singular.

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 4))
    >>> round(frechet_distance(real, real + 1.0), 6)  # every feature shifted by 1: 4 x 1^2
    4.0
    """
    real, fake = _features(real, "real"), _features(fake, "fake")
    _same_width(real, fake, "real and fake")
    needed = real.shape[1] + 1
    for name, x in (("real", real), ("fake", fake)):
        if len(x) < needed:
            raise InputError(f"FD needs at least {needed} samples for {needed - 1} features; got {len(x)} "
                             f"in {name}. Pass more samples (or fewer features).")
    mean_r, mean_f = real.mean(axis=0), fake.mean(axis=0)
    cov_r, cov_f = _covariance(real), _covariance(fake)
    return _frechet_from_moments(mean_r, cov_r, mean_f, cov_f, eps)


def _covariance(x: np.ndarray) -> np.ndarray:
    """The (D, D) sample covariance of the rows of ``x`` (divided by N - 1, as ``np.cov``)."""
    return np.atleast_2d(np.cov(x, rowvar=False))


def _frechet_from_moments(mean_1, cov_1, mean_2, cov_2, eps: float = 1e-6) -> float:
    """The Fréchet distance from two means and covariances; see :func:`frechet_distance`."""
    roots = _sqrt_product_eigenvalues(cov_1, cov_2)
    if not np.isfinite(roots).all():
        offset = eps * np.eye(len(cov_1))
        roots = _sqrt_product_eigenvalues(cov_1 + offset, cov_2 + offset)
    largest = float(np.abs(roots).max(initial=0.0))
    imaginary = float(np.abs(roots.imag).max(initial=0.0))
    if not np.isfinite(largest) or imaginary > _IMAGINARY_TOLERANCE * max(1.0, largest):
        raise InputError(f"FD's matrix square root came out complex (imaginary part {imaginary:.3g}): the "
                         "covariances are not positive semi-definite; pass finite features of moderate scale.")
    value = np.sum((mean_1 - mean_2) ** 2) + np.trace(cov_1) + np.trace(cov_2) - 2.0 * roots.real.sum()
    return max(0.0, float(value))


def _sqrt_product_eigenvalues(cov_1, cov_2) -> np.ndarray:
    """The square roots (complex) of the eigenvalues of ``cov_1 @ cov_2``; they sum to tr(sqrtm(cov_1 cov_2)).

    Computed from the symmetric ``sqrt(cov_1) cov_2 sqrt(cov_1)``, which has the same eigenvalues.
    """
    values, vectors = np.linalg.eigh(cov_1)
    root_1 = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    middle = root_1 @ cov_2 @ root_1
    return np.sqrt(np.linalg.eigvalsh((middle + middle.T) / 2).astype(complex))


def kernel_inception_distance(real, fake, subsets: int = 10, subset_size: int = 1000,
                              seed: int = 0) -> tuple[float, float]:
    """Kernel distance between two sets of features (KID on Inception features): (mean, std).

    The unbiased estimate of the squared maximum mean discrepancy with the cubic kernel
    ``k(x, y) = (x . y / D + 1)^3``, on ``subsets`` random subsets of ``subset_size`` samples
    from each set (capped by the smaller set), drawn without replacement with ``seed``. Returns
    the mean and the standard deviation over the subsets. About 0 for two samples of one
    distribution (it can be slightly negative: the estimate is unbiased); lower is better.
    Unlike FD, it needs no more samples than features.

    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(400, 8))
    >>> same = kernel_inception_distance(real, rng.normal(size=(400, 8)), subsets=5, subset_size=200)
    >>> shifted = kernel_inception_distance(real, rng.normal(size=(400, 8)) + 1.0, subsets=5, subset_size=200)
    >>> abs(same[0]) < 0.1 < shifted[0]
    True
    """
    real, fake = _features(real, "real", 2, "KID"), _features(fake, "fake", 2, "KID")
    _same_width(real, fake, "real and fake")
    subsets = _whole_number(subsets, "subsets", 1)
    size = min(_whole_number(subset_size, "subset_size", 2), len(real), len(fake))
    rng = np.random.default_rng(seed)
    values = [_mmd2_unbiased(real[rng.choice(len(real), size, replace=False)],
                             fake[rng.choice(len(fake), size, replace=False)]) for _ in range(subsets)]
    return float(np.mean(values)), float(np.std(values))


def _mmd2_unbiased(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 of two equal-sized sets with the cubic polynomial kernel (k(x, x) left out)."""
    m = len(x)
    diagonals = _kernel_sum(x, x, diagonal=True) + _kernel_sum(y, y, diagonal=True)
    within = _kernel_sum(x, x) + _kernel_sum(y, y) - diagonals
    return within / (m * (m - 1)) - 2.0 * _kernel_sum(x, y) / m**2


def _kernel_sum(x: np.ndarray, y: np.ndarray, diagonal: bool = False) -> float:
    """The sum of (x_i . y_j / D + 1)^3 over all i, j (over i = j only, if ``diagonal``), in blocks of rows."""
    if diagonal:
        return float(((np.einsum("ij,ij->i", x, y) / x.shape[1] + 1.0) ** 3).sum())
    rows = max(1, _CHUNK_BYTES // (8 * len(y)))
    return sum(float(((x[start:start + rows] @ y.T / x.shape[1] + 1.0) ** 3).sum())
               for start in range(0, len(x), rows))


def _squared_distances(a: np.ndarray, b: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Squared Euclidean distances from the rows of ``a`` to those of ``b``, a block of rows at a time.

    Yields ``(start, block)``: ``block[i, j]`` is the squared distance from ``a[start + i]`` to
    ``b[j]``. A block holds at most _CHUNK_BYTES.
    """
    rows = max(1, _CHUNK_BYTES // (8 * len(b)))
    b_squared = np.einsum("ij,ij->i", b, b)
    for start in range(0, len(a), rows):
        part = a[start:start + rows]
        # |a|^2 + |b|^2 first, then - 2 a.b: (a, b) and (b, a) round alike, so ties between sets stay ties.
        block = np.einsum("ij,ij->i", part, part)[:, None] + b_squared
        products = part @ b.T
        products *= 2.0
        block -= products
        np.maximum(block, 0.0, out=block)
        yield start, block


def _kth_neighbour_distances(x: np.ndarray, k: int) -> np.ndarray:
    """Squared distance from each row of ``x`` to its k-th nearest other row (itself excluded)."""
    out = np.empty(len(x))
    for start, block in _squared_distances(x, x):
        rows = np.arange(len(block))
        block[rows, start + rows] = np.inf
        out[start:start + len(block)] = np.partition(block, k - 1, axis=1)[:, k - 1]
    return out


def _nearest(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``a``: (Euclidean distance to the nearest row of ``b``, that row's index)."""
    index = np.empty(len(a), dtype=np.int64)
    for start, block in _squared_distances(a, b):
        index[start:start + len(block)] = block.argmin(axis=1)
    # Computed again directly: exact (0 for a copy), where the blocks' |a|^2 + |b|^2 - 2ab rounds.
    return np.linalg.norm(a - b[index], axis=1), index
