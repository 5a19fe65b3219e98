"""The noise a generator reads: Gaussian numbers, optionally followed by a one-hot code.

Introduced in notebooks/02_dense_mnist_gan.ipynb. One :class:`NoiseLayout` describes it
for everything that draws noise: ``ganlab.GAN.sample_noise`` (training), ``seed_noise``
(fixed, shareable seeds), ``ganlab.build_gan`` (the generator's input size), the CLI and
the benchmarks.

A code of K categories is a one-hot vector times CODE_SCALE after the Gaussian part.
Gaussian noise is one connected cloud, while digits are separate shapes; a discrete part
gives the generator a way to jump between them (InfoGAN's categorical code, Chen et al.,
2016, here without InfoGAN's mutual-information term, so nothing forces one category to
mean one digit).

>>> layout = NoiseLayout(gaussian=100, categories=10)
>>> layout.dim
110
>>> layout.seeded(seed=7, n=2).shape
(2, 110)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError

GAUSSIAN_DIM = 100  # Gaussian numbers per noise vector in every MNIST GAN of the course
CODE_SCALE = 3.0  # the one-hot code's size next to N(0, 1) noise: large enough to be heard


@dataclass(frozen=True)
class NoiseLayout:
    """``gaussian`` standard-normal numbers, then a one-hot code of ``categories`` (0: none)."""

    gaussian: int = GAUSSIAN_DIM
    categories: int = 0

    def __post_init__(self):
        check_positive(self.gaussian, "gaussian (the Gaussian part's length)")
        if int(self.categories) != self.categories or self.categories < 0:
            raise InputError(f"categories must be a whole number >= 0 (0: no code), not {self.categories!r}.")

    @property
    def dim(self) -> int:
        """The noise vector's length: what the generator's input takes."""
        return int(self.gaussian) + int(self.categories)

    @classmethod
    def of_generator(cls, generator, categories: int = 0) -> "NoiseLayout":
        """The layout of a generator's input whose last ``categories`` entries are a code."""
        dim = int(generator.inputs[0].shape[-1])
        if int(categories) != categories or not 0 <= categories < dim:
            raise InputError(
                f"latent_categories must be a whole number from 0 to {dim - 1} (the generator takes "
                f"noise of length {dim}, and at least one entry must stay Gaussian), not {categories!r}. "
                "Build the generator with latent_dim = NoiseLayout(gaussian, categories).dim."
            )
        return cls(dim - int(categories), int(categories))

    def sample(self, n, seed_generator):
        """``n`` random noise vectors as a tensor (inside a train step), from a keras SeedGenerator."""
        import keras
        from keras import ops

        gaussian = keras.random.normal((n, self.gaussian), seed=seed_generator)
        if not self.categories:
            return gaussian
        category = keras.random.randint((n,), 0, self.categories, seed=seed_generator)
        return ops.concatenate([gaussian, CODE_SCALE * ops.one_hot(category, self.categories,
                                                                   dtype=gaussian.dtype)], axis=1)

    def seeded(self, seed: int, n: int = 1) -> np.ndarray:
        """The same ``n`` vectors for the same ``seed``: :func:`seed_noise` with this layout."""
        return seed_noise(seed, self.dim, n, categories=self.categories)


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
    check_positive(latent_dim, "latent_dim")
    check_positive(n, "n")
    categories = check_categories(categories, latent_dim)
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
    categories = check_categories(categories, noise.shape[-1])
    if not categories:
        raise InputError("with_category needs categories >= 1: this noise has no code to set.")
    category = np.asarray(category)
    if np.any(category != np.round(category)) or np.any(category < 0) or np.any(category >= categories):
        raise InputError(f"category must be a whole number from 0 to {categories - 1}, not {category!r}.")
    noise[..., -categories:] = CODE_SCALE * np.eye(categories, dtype=np.float32)[category.astype(int)]
    return noise


def check_categories(categories, latent_dim) -> int:
    """``categories`` as an int in [0, latent_dim), or InputError."""
    if int(categories) != categories or not 0 <= categories < int(latent_dim):
        raise InputError(f"categories (the one-hot code's length) must be a whole number from 0 to "
                         f"latent_dim - 1 = {int(latent_dim) - 1}, not {categories!r}.")
    return int(categories)


def check_positive(value, name: str) -> None:
    if int(value) != value or value < 1:
        raise InputError(f"{name} must be a whole number >= 1, not {value!r}.")
