"""Walking through the latent space: fixed seeds, interpolation, random directions.

Introduced in notebooks/03_dcgan.ipynb.

A generator maps each noise vector z to one sample. Nearby vectors give similar
samples, so a path from z0 to z1 shows one sample morphing into another.

A noise vector may end in a one-hot *code* of ``categories`` entries (scaled by
CODE_SCALE) after its Gaussian numbers: ``ganlab.GAN(..., latent_categories=10)``.
Every function here takes ``categories`` and treats the code as what it is: a
choice among K, drawn uniformly, never rotated or moved along a direction.

>>> z0, z1 = seed_noise(7, 100)[0], seed_noise(12, 100)[0]   # doctest: +SKIP
>>> frames = interpolate(gan, z0, z1, n=8)                    # doctest: +SKIP
"""

from __future__ import annotations

import keras
import numpy as np

from .errors import InputError

METHODS = ("lerp", "slerp")
CODE_SCALE = 3.0  # the one-hot code's size next to N(0, 1) noise: large enough to be heard


def _pair(z0, z1) -> tuple[np.ndarray, np.ndarray]:
    """``z0`` and ``z1`` as float64 vectors of the same length, or InputError."""
    z0, z1 = np.asarray(z0, dtype=np.float64), np.asarray(z1, dtype=np.float64)
    if z0.ndim != 1 or z0.shape != z1.shape:
        raise InputError(
            f"z0 and z1 must be 1-D noise vectors of the same length; got shapes {z0.shape} and "
            f"{z1.shape}. Take one row of a batch, e.g. seed_noise(7, latent_dim)[0]."
        )
    if not (np.isfinite(z0).all() and np.isfinite(z1).all()):
        raise InputError("z0 and z1 contain NaN or infinite values; use finite noise vectors.")
    return z0, z1


def _steps(n: int) -> np.ndarray:
    """``n`` evenly spaced fractions from 0 to 1, as a column (n, 1)."""
    if int(n) != n or n < 2:
        raise InputError(f"n must be a whole number >= 2 (the two end points), not {n!r}.")
    return np.linspace(0.0, 1.0, int(n))[:, None]


def _lerp_at(z0: np.ndarray, z1: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (1.0 - t) * z0 + t * z1


def _slerp_at(z0: np.ndarray, z1: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Slerp at fractions ``t`` (a column); lerp where the angle is (nearly) 0 or 180 degrees."""
    norms = np.linalg.norm(z0) * np.linalg.norm(z1)
    if norms == 0.0:  # a zero vector has no direction
        return _lerp_at(z0, z1, t)
    omega = np.arccos(np.clip(z0 @ z1 / norms, -1.0, 1.0))  # the angle between z0 and z1
    if np.sin(omega) < 1e-6:  # parallel: lerp is the same path; opposite: no unique great circle
        return _lerp_at(z0, z1, t)
    w0, w1 = np.sin((1.0 - t) * omega) / np.sin(omega), np.sin(t * omega) / np.sin(omega)
    return w0 * z0 + w1 * z1  # weights exactly (1, 0) at t = 0 and (0, 1) at t = 1


def lerp(z0, z1, n: int = 8) -> np.ndarray:
    """``n`` points on the straight line from ``z0`` to ``z1``, both included.

    Parameters
    ----------
    z0, z1 : 1-D noise vectors of the same length D.
    n : number of points, at least 2.

    Returns
    -------
    float32 array of shape (n, D); row 0 is ``z0``, row n-1 is ``z1``.

    Examples
    --------
    >>> lerp([0.0, 0.0], [1.0, 2.0], n=3)
    array([[0. , 0. ],
           [0.5, 1. ],
           [1. , 2. ]], dtype=float32)
    """
    z0, z1 = _pair(z0, z1)
    return _lerp_at(z0, z1, _steps(n)).astype(np.float32)


def slerp(z0, z1, n: int = 8, categories: int = 0) -> np.ndarray:
    """``n`` points on the great-circle arc from ``z0`` to ``z1`` (spherical interpolation).

    Gaussian noise in many dimensions lies near a sphere of radius sqrt(D). The
    straight line between two such vectors cuts through the inside of the sphere,
    where the generator saw almost no noise during training; slerp follows the
    sphere instead (Shoemake, 1985; White, 2016, "Sampling generative networks").
    Between two vectors of equal norm every point keeps that norm, and the angle
    grows in equal steps. Falls back to :func:`lerp` when the vectors are (nearly)
    parallel or opposite, where the arc is not defined.

    Parameters
    ----------
    z0, z1 : 1-D noise vectors of the same length D.
    n : number of points, at least 2.
    categories : the length of the one-hot code at the end of each vector (0: none).
        Only the Gaussian part follows the arc; the code moves in a straight line.

    Returns
    -------
    float32 array of shape (n, D); row 0 is ``z0``, row n-1 is ``z1``.

    Examples
    --------
    >>> np.round(slerp([1.0, 0.0], [0.0, 1.0], n=3), 4)
    array([[1.    , 0.    ],
           [0.7071, 0.7071],
           [0.    , 1.    ]], dtype=float32)
    """
    z0, z1 = _pair(z0, z1)
    return slerp_at(z0, z1, _steps(n), categories).astype(np.float32)


def slerp_at(z0: np.ndarray, z1: np.ndarray, t: np.ndarray, categories: int = 0) -> np.ndarray:
    """Points at fractions ``t`` (a column): slerp on the Gaussian part, lerp on the code."""
    gaussian = len(z0) - _check_categories(categories, len(z0))
    path = _lerp_at(z0, z1, t)
    path[:, :gaussian] = _slerp_at(z0[:gaussian], z1[:gaussian], t)
    return path


def seed_noise(seed: int, latent_dim: int, n: int = 1, categories: int = 0) -> np.ndarray:
    """Noise of shape (n, latent_dim), always the same for the same ``seed``.

    So "seed 7" names one sample for good: share the number, not the vector. It is
    the noise :class:`ganlab.training.SampleGrid` uses, so
    ``seed_noise(s, latent_dim, 16)`` regenerates the grid of ``SampleGrid(16, seed=s)``.

    With ``categories`` = K, the last K of the latent_dim entries are a one-hot code
    (times CODE_SCALE) of a category drawn uniformly, as ``GAN(..., latent_categories=K)``
    draws it; the first latent_dim - K are standard-normal, the same numbers as
    ``seed_noise(seed, latent_dim - K, n)``.

    Examples
    --------
    >>> seed_noise(7, 100).shape
    (1, 100)
    >>> bool((seed_noise(7, 100) == seed_noise(7, 100)).all())
    True
    >>> seed_noise(7, 6, categories=3)[0, 3:] / CODE_SCALE   # the code: one category of 3
    array([0., 0., 1.], dtype=float32)
    """
    if int(seed) != seed or seed < 0:
        raise InputError(f"seed must be a whole number >= 0, not {seed!r}.")
    _check_positive(latent_dim, "latent_dim")
    _check_positive(n, "n")
    categories = _check_categories(categories, latent_dim)
    rng = np.random.default_rng(int(seed))
    gaussian = rng.standard_normal((int(n), int(latent_dim) - categories)).astype(np.float32)
    if not categories:
        return gaussian
    return with_category(np.concatenate([gaussian, np.zeros((int(n), categories), np.float32)], axis=1),
                         rng.integers(0, categories, int(n)), categories)


def with_category(noise, category, categories: int) -> np.ndarray:
    """``noise`` (one vector or a batch) with its code set to ``category`` (one per row, or one for all).

    Keeps the Gaussian part, so the same "style" can be drawn in each category.

    Examples
    --------
    >>> z = seed_noise(0, 5, categories=2)
    >>> with_category(z, 0, categories=2)[0, 3:] / CODE_SCALE
    array([1., 0.], dtype=float32)
    """
    noise = np.array(noise, dtype=np.float32)  # a copy: the caller's array is left as it was
    categories = _check_categories(categories, noise.shape[-1])
    if not categories:
        raise InputError("with_category needs categories >= 1: this noise has no code to set.")
    category = np.asarray(category)
    if np.any(category != np.round(category)) or np.any(category < 0) or np.any(category >= categories):
        raise InputError(f"category must be a whole number from 0 to {categories - 1}, not {category!r}.")
    noise[..., -categories:] = CODE_SCALE * np.eye(categories, dtype=np.float32)[category.astype(int)]
    return noise


def truncate(noise, psi: float, categories: int = 0) -> np.ndarray:
    """``noise`` with its Gaussian part pulled towards 0 by the factor ``psi`` (the code is kept).

    The truncation trick: a shorter Gaussian part moves each sample towards the generator's
    most typical image for its code. Such short vectors almost never occur in training, yet
    in practice they give cleaner, more typical and less varied samples. ``psi`` = 1 is the
    generator's own distribution; smaller trades variety for fidelity (z is scaled as w is in
    StyleGAN, w = mean + psi (w - mean), Karras et al., 2019; BigGAN redraws large values
    instead, Brock et al., 2019).

    Examples
    --------
    >>> truncate([[2.0, -1.0, 3.0]], 0.5, categories=1)   # the last entry is a code
    array([[ 1. , -0.5,  3. ]], dtype=float32)
    """
    noise = np.array(noise, dtype=np.float32)
    if not 0.0 < psi <= 1.0:
        raise InputError(f"psi must be in (0, 1]: 1 keeps the noise as it is, smaller pulls it to 0; not {psi!r}.")
    gaussian = noise.shape[-1] - _check_categories(categories, noise.shape[-1])
    noise[..., :gaussian] *= psi
    return noise


def latent_directions(latent_dim: int, k: int, seed: int = 0, categories: int = 0) -> np.ndarray:
    """``k`` random directions in the latent space, unit length and at right angles to each other.

    The QR decomposition of a Gaussian matrix gives orthonormal columns; fixing the
    signs by the diagonal of R makes them uniformly random (Mezzadri, 2007). Moving
    a noise vector along one direction shows what that direction changes in the sample.
    With ``categories`` the directions lie in the Gaussian part only (0 on the code).

    Returns
    -------
    float32 array of shape (k, latent_dim); ``directions @ directions.T`` is the identity.

    Examples
    --------
    >>> d = latent_directions(100, 4)
    >>> d.shape, bool(np.allclose(d @ d.T, np.eye(4), atol=1e-6))
    ((4, 100), True)
    """
    _check_positive(latent_dim, "latent_dim")
    _check_positive(k, "k")
    free = int(latent_dim) - _check_categories(categories, latent_dim)  # the Gaussian part's length
    if k > free:
        raise InputError(f"At most {free} directions (the Gaussian part of the noise) can be at right angles; "
                         f"asked for k = {k}.")
    gaussian = np.random.default_rng(int(seed)).standard_normal((free, int(k)))
    q, r = np.linalg.qr(gaussian)
    q = q * np.sign(np.diag(r))  # unique signs: directions uniform on the sphere
    directions = np.zeros((int(k), int(latent_dim)), np.float32)
    directions[:, :free] = q.T
    return directions


def interpolate(generator_or_gan, z0, z1, n: int = 8, method: str = "slerp",
                categories: int | None = None) -> np.ndarray:
    """The generator's samples along a path from ``z0`` to ``z1``.

    Parameters
    ----------
    generator_or_gan : a ``ganlab.GAN`` (its ``generate`` uses the EMA weights if
        there are any) or a generator ``keras.Model``.
    z0, z1 : 1-D noise vectors of length latent_dim.
    n : number of samples, at least 2.
    method : "slerp" (default, stays on the sphere where the noise lives) or "lerp".
    categories : the length of the noise's one-hot code; default: the GAN's
        ``latent_categories`` (0 for a bare generator).

    Returns
    -------
    float32 array with one sample per point, e.g. (n, H, W, C) images in [-1, 1].

    Examples
    --------
    >>> frames = interpolate(gan, seed_noise(1, 100)[0], seed_noise(2, 100)[0])  # doctest: +SKIP
    >>> ganlab.viz.image_grid(frames, ncols=8)                                    # doctest: +SKIP
    """
    if method not in METHODS:
        raise InputError(f"Unknown interpolation method {method!r}; use one of {', '.join(METHODS)}.")
    if categories is None:
        categories = latent_categories_of(generator_or_gan)
    path = lerp(z0, z1, n) if method == "lerp" else slerp(z0, z1, n, categories)
    return _generate(generator_or_gan, path)


def _generate(generator_or_gan, noise) -> np.ndarray:
    """Samples for each row of ``noise`` from a ``ganlab.GAN`` or a generator ``keras.Model``."""
    noise = np.asarray(noise, dtype=np.float32)
    if hasattr(generator_or_gan, "generate"):  # a ganlab.GAN: uses the EMA generator if it has one
        return generator_or_gan.generate(noise=noise)
    if isinstance(generator_or_gan, keras.Model):
        out = generator_or_gan(noise, training=False)
        return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float32)
    raise InputError(
        f"Expected a ganlab.GAN or a generator keras.Model, got {type(generator_or_gan).__name__}."
    )


def _latent_dim(generator_or_gan) -> int:
    """The noise length of a ``ganlab.GAN`` (``.latent_dim``) or a generator ``keras.Model``."""
    if hasattr(generator_or_gan, "latent_dim"):
        return int(generator_or_gan.latent_dim)
    if isinstance(generator_or_gan, keras.Model):
        return int(generator_or_gan.inputs[0].shape[-1])
    raise InputError(
        f"Cannot tell the latent size of a {type(generator_or_gan).__name__}: pass latent_dim=..."
    )


def latent_categories_of(generator_or_gan) -> int:
    """The length of the one-hot code in a GAN's noise (0 for a bare generator, which cannot tell)."""
    return int(getattr(generator_or_gan, "latent_categories", 0))


def _check_categories(categories, latent_dim) -> int:
    """``categories`` as an int in [0, latent_dim), or InputError."""
    if int(categories) != categories or not 0 <= categories < int(latent_dim):
        raise InputError(f"categories (the one-hot code's length) must be a whole number from 0 to "
                         f"latent_dim - 1 = {int(latent_dim) - 1}, not {categories!r}.")
    return int(categories)


def _check_positive(value, name: str) -> None:
    if int(value) != value or value < 1:
        raise InputError(f"{name} must be a whole number >= 1, not {value!r}.")
