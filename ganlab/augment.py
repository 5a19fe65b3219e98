"""Differentiable augmentation (DiffAugment): the same random changes to real and generated images before D.

Introduced in notebooks/08_conditional_gans.ipynb. With few training images (a few hundred) the
discriminator memorises them and the generator stops learning. Augmenting the real images only
does not help: D then learns that real images have shifted content and mid-grey squares, and the
generator learns to draw them (the augmentation *leaks*). DiffAugment (Zhao et al., 2020,
"Differentiable Augmentation for Data-Efficient GAN Training") applies the same kind of random
changes to real *and* generated images, everywhere D sees them, with operations that the
generator's gradient passes through. ``ganlab.GAN(..., augment="translation,cutout")`` does this;
``augment_real_only=True`` shows the leak, which :func:`cutout_share` measures.

The policies, for 28×28 grey images in [-1, 1] (-1 is the black background):

- ``translation``: shift each image by up to 1/8 of its size (rounded as in the paper's code:
  4 pixels of 28) in each direction, filling what comes in with the background value -1;
- ``cutout``: set a square of half the image's side (14×14) to 0, at a random place wholly
  inside the image. 0 is mid-grey in [-1, 1]; the paper's cutout also writes 0 on its [-1, 1]
  data. (The paper lets the square hang over the edge; here it stays inside so that
  :func:`cutout_share` can find every one.)
- ``brightness``: add one number from Uniform[-0.5, 0.5] to every pixel of an image, the paper's
  brightness on [-1, 1] data (a quarter of the range either way); no clipping, so the gradient
  is never cut.

>>> augmented = diff_augment(images, "translation,cutout")            # doctest: +SKIP
>>> cutout_share(augmented)                                           # doctest: +SKIP
1.0
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from .errors import InputError

TRANSLATION_RATIO = 1 / 8  # the largest shift, as a share of the image's side
CUTOUT_RATIO = 1 / 2  # the cutout square's side, as a share of the image's side
BRIGHTNESS = 0.5  # brightness adds Uniform[-BRIGHTNESS, BRIGHTNESS]
BACKGROUND = -1.0  # what translation fills with: the black background of [-1, 1] images
MID_GREY = 0.0  # what cutout writes
DETECT_SIDE, DETECT_TOLERANCE = 10, 0.2  # cutout_share's square and how near 0 its pixels must be


def translation(images, seed=None, ratio: float = TRANSLATION_RATIO):
    """Each image shifted by its own random (dy, dx), |d| <= round(ratio * side), filled with -1."""
    batch, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]
    # shifting (x + 1) fills with 0, so x shifted is shift(x + 1) - 1: filled with -1
    moved = images - BACKGROUND
    dy = keras.random.randint((batch,), -_pixels(height, ratio), _pixels(height, ratio) + 1, seed=seed)
    dx = keras.random.randint((batch,), -_pixels(width, ratio), _pixels(width, ratio) + 1, seed=seed)
    rows, cols = _shift_matrix(dy, height, images.dtype), _shift_matrix(dx, width, images.dtype)
    moved = ops.einsum("bik,bkwc->biwc", rows, moved)  # out[i] = in[i - dy]
    moved = ops.einsum("bjk,bikc->bijc", cols, moved)  # out[:, j] = in[:, j - dx]
    return moved + BACKGROUND


def cutout(images, seed=None, ratio: float = CUTOUT_RATIO):
    """Each image with a square of side round(ratio * side) set to 0 (mid-grey), at a random place inside it."""
    batch, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]
    side_y, side_x = _pixels(height, ratio), _pixels(width, ratio)
    top = keras.random.randint((batch, 1, 1), 0, height - side_y + 1, seed=seed)
    left = keras.random.randint((batch, 1, 1), 0, width - side_x + 1, seed=seed)
    i = ops.reshape(ops.arange(height), (1, height, 1))
    j = ops.reshape(ops.arange(width), (1, 1, width))
    inside = (i >= top) & (i < top + side_y) & (j >= left) & (j < left + side_x)
    keep = ops.cast(ops.logical_not(inside), images.dtype)[..., None]
    return images * keep + MID_GREY * (1.0 - keep)


def brightness(images, seed=None, amount: float = BRIGHTNESS):
    """Each image plus its own number from Uniform[-amount, amount] (no clipping)."""
    shift = keras.random.uniform((ops.shape(images)[0], 1, 1, 1), -amount, amount, seed=seed)
    return images + ops.cast(shift, images.dtype)


POLICIES = {"translation": translation, "cutout": cutout, "brightness": brightness}


def check_policy(policy: str) -> tuple[str, ...]:
    """The policy's names in order ("translation,cutout" -> ("translation", "cutout")), or an InputError.

    >>> check_policy("Translation, cutout")
    ('translation', 'cutout')
    """
    if not isinstance(policy, str):
        raise InputError(f"An augmentation policy is a string such as 'translation,cutout', not {policy!r}.")
    names = tuple(name.strip().lower() for name in policy.split(",") if name.strip())
    unknown = [name for name in names if name not in POLICIES]
    if unknown or not names:
        raise InputError(f"Unknown augmentation(s) {', '.join(map(repr, unknown)) or '(none given)'} in policy "
                         f"{policy!r}; use a comma-separated list of: {', '.join(POLICIES)} "
                         "(e.g. 'translation,cutout'), or augment=None for none.")
    return names


def diff_augment(images, policy: str = "translation,cutout", seed_generator=None):
    """``images`` (batch, height, width, channels) in [-1, 1] through each augmentation of ``policy``, in order.

    Differentiable with respect to ``images`` (Keras/TensorFlow operations only), so it can sit
    between the generator and the discriminator inside a ``tf.function`` train step. Every image
    gets its own random parameters.

    Parameters
    ----------
    images : a float tensor or array of shape (batch, height, width, channels).
    policy : comma-separated names from ``POLICIES``: "translation", "cutout", "brightness".
    seed_generator : a ``keras.random.SeedGenerator`` for repeatable draws (``ganlab.GAN`` passes
        its own); None draws from Keras' global one.

    Returns
    -------
    A tensor of the same shape and dtype.

    Introduced in notebooks/08_conditional_gans.ipynb.
    """
    names = check_policy(policy)
    if len(images.shape) != 4:
        raise InputError(f"diff_augment takes a batch of images (batch, height, width, channels); got shape "
                         f"{tuple(images.shape)}. Add the channel axis with images[..., None].")
    out = ops.convert_to_tensor(images)
    for name in names:
        out = POLICIES[name](out, seed=seed_generator)
    return out


def cutout_share(images, side: int = DETECT_SIDE, tolerance: float = DETECT_TOLERANCE) -> float:
    """The share of ``images`` holding a ``side`` × ``side`` square whose pixels are all within ``tolerance`` of 0.

    The leak detector: cutout writes such mid-grey squares, real Fashion-MNIST or MNIST images
    almost never hold one, so a generator whose samples do has learned to draw the augmentation.
    The defaults look for a 10×10 square (cutout's is 14×14) of pixels within 0.2 of 0: a generator
    that learned the squares draws them a little blurred at the edges and not quite flat, and
    these values find them while real Fashion-MNIST clothes stay below 1 % (docs/benchmarks.md,
    "DiffAugment on 500 images"). Every image that went through cutout holds one.

    Parameters
    ----------
    images : array (n, height, width[, channels]) in [-1, 1].
    side : the side of the square looked for, in pixels.
    tolerance : how far from 0 a pixel may be and still count as mid-grey.

    Introduced in notebooks/08_conditional_gans.ipynb.
    """
    arr = np.asarray(keras.ops.convert_to_numpy(images), dtype=np.float32)
    if arr.ndim == 4:
        arr = np.abs(arr).max(axis=-1)  # mid-grey in every channel
    if arr.ndim != 3 or len(arr) == 0:
        raise InputError(f"cutout_share takes images of shape (n, height, width[, channels]), n >= 1; got {arr.shape}.")
    side = int(side)
    if not 1 <= side <= min(arr.shape[1:]):
        raise InputError(f"side must be from 1 to {min(arr.shape[1:])} pixels for these images, not {side}.")
    grey = (np.abs(arr) <= tolerance).astype(np.int32)
    total = np.pad(grey.cumsum(1).cumsum(2), ((0, 0), (1, 0), (1, 0)))  # integral image: box sums in 4 lookups
    boxes = total[:, side:, side:] - total[:, :-side, side:] - total[:, side:, :-side] + total[:, :-side, :-side]
    return float(np.mean((boxes == side * side).any(axis=(1, 2))))


def _pixels(size: int, ratio: float) -> int:
    """round(size * ratio), halves up, as the paper's code rounds: 28 * 1/8 -> 4, 28 * 1/2 -> 14."""
    return int(size * ratio + 0.5)


def _shift_matrix(shift, size: int, dtype):
    """(batch, size, size) matrices M with M[b, i, k] = 1 where k = i - shift[b]: M @ x shifts x down by shift."""
    i = ops.reshape(ops.arange(size), (1, size, 1))
    k = ops.reshape(ops.arange(size), (1, 1, size))
    return ops.cast(ops.equal(k, i - ops.reshape(shift, (-1, 1, 1))), dtype)
