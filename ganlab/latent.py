"""Walking through the latent space: fixed seeds, interpolation, random directions.

Introduced in notebooks/04_dcgan.ipynb.

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
from .noise import check_categories, check_positive

METHODS = ("lerp", "slerp")


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
    gaussian = len(z0) - check_categories(categories, len(z0))
    path = _lerp_at(z0, z1, t)
    path[:, :gaussian] = _slerp_at(z0[:gaussian], z1[:gaussian], t)
    return path


def truncate(noise, psi: float, categories: int = 0) -> np.ndarray:
    """``noise`` with its Gaussian part scaled by ``psi`` towards 0 (the code is kept).

    A simple cousin of the truncation trick. Short noise vectors are rare in training
    (100 Gaussian numbers have a length near 10), yet they tend to give the generator's
    cleanest, most typical samples: ``psi`` < 1 trades variety for fidelity, and ``psi`` = 1
    is the generator's own distribution. Scaling z this way is like lowering a sampling
    temperature. The published tricks differ: BigGAN (Brock et al., 2019) redraws the
    components of z whose size exceeds a threshold, and StyleGAN (Karras et al., 2019)
    pulls the intermediate latent w, not z, towards its mean.

    Examples
    --------
    >>> truncate([[2.0, -1.0, 3.0]], 0.5, categories=1)   # the last entry is a code
    array([[ 1. , -0.5,  3. ]], dtype=float32)
    """
    noise = np.array(noise, dtype=np.float32)
    if not 0.0 < psi <= 1.0:
        raise InputError(f"psi must be in (0, 1]: 1 keeps the noise as it is, smaller pulls it to 0; not {psi!r}.")
    gaussian = noise.shape[-1] - check_categories(categories, noise.shape[-1])
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
    check_positive(latent_dim, "latent_dim")
    check_positive(k, "k")
    free = int(latent_dim) - check_categories(categories, latent_dim)  # the Gaussian part's length
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
                categories: int | None = None, label: int | None = None) -> np.ndarray:
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
    label : for a conditional GAN (notebooks/08), the class of every sample along the path.

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
    return _generate(generator_or_gan, path, label)


def _generate(generator_or_gan, noise, label: int | None = None) -> np.ndarray:
    """Samples for each row of ``noise`` from a ``ganlab.GAN`` or a generator ``keras.Model``."""
    noise = np.asarray(noise, dtype=np.float32)
    if label is not None:  # a ConditionalGAN: the same class all along the path
        if not hasattr(generator_or_gan, "classes"):
            raise InputError("label= is for a conditional GAN (ganlab.ConditionalGAN); leave it out for this one.")
        return generator_or_gan.generate(noise=noise, labels=label)
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
