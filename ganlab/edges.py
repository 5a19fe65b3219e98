"""Edge maps of Fashion-MNIST items: the course's small edges2shoes.

pix2pix learns to draw a shoe from its outline (edges2shoes). Here the items are Fashion-MNIST's
shoes and bags, and the outlines come from the Canny edge detector of scikit-image:

- the image is padded from 28 to 32 pixels (a U-Net halves the size at each level, so it wants
  a power of two) with background, then scaled to [0, 1];
- ``skimage.feature.canny`` with ``sigma=1.0`` (the Gaussian smoothing, in pixels) and hysteresis
  thresholds ``low_threshold=0.1``, ``high_threshold=0.2`` (on the gradient magnitude of the [0, 1]
  image): the item's outline and its strongest inner lines (a sole, a strap) survive, the fabric
  texture does not;
- an edge pixel is 1 and the rest is -1 (white lines on black, Fashion-MNIST's own polarity).

The labels stay Fashion-MNIST's (5 sandal, 7 sneaker, 8 bag, 9 ankle boot), so a Fashion-MNIST
classifier can judge what a translation drew. Loading, splits and caching: :mod:`ganlab.paired`.
"""

from __future__ import annotations

import numpy as np

from .data import check_images
from .errors import InputError

EDGE_CLASSES = (5, 7, 8, 9)  # Fashion-MNIST labels: sandal, sneaker, bag, ankle boot
SIZE = 32
SIGMA = 1.0
LOW_THRESHOLD = 0.1
HIGH_THRESHOLD = 0.2


def pad_to(images: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Pad (N, h, w, C) images in [-1, 1] with background (-1) to (N, size, size, C), centred.

    >>> pad_to(np.zeros((1, 28, 28, 1), "float32")).shape
    (1, 32, 32, 1)
    """
    images = np.asarray(images)
    h, w = images.shape[1:3]
    if h > size or w > size:
        raise InputError(f"images of {h}x{w} pixels do not fit in {size}x{size}; crop or resize them first.")
    top, left = (size - h) // 2, (size - w) // 2
    widths = ((0, 0), (top, size - h - top), (left, size - w - left), (0, 0))
    return np.pad(images, widths, constant_values=-1.0)


def crop_to(images: np.ndarray, size: int = 28) -> np.ndarray:
    """The centre (N, size, size, C) of (N, H, W, C) images: undoes :func:`pad_to`, e.g. for a 28 px classifier.

    >>> crop_to(pad_to(np.zeros((1, 28, 28, 1), "float32"))).shape
    (1, 28, 28, 1)
    """
    images = np.asarray(images)
    h, w = images.shape[1:3]
    if h < size or w < size:
        raise InputError(f"images of {h}x{w} pixels are smaller than {size}x{size}: nothing to crop.")
    top, left = (h - size) // 2, (w - size) // 2
    return images[:, top:top + size, left:left + size]


def canny_edges(images: np.ndarray, sigma: float = SIGMA, low: float = LOW_THRESHOLD,
                high: float = HIGH_THRESHOLD) -> np.ndarray:
    """Canny edge maps of grey images (N, H, W, 1) in [-1, 1]: float32, 1 on an edge, -1 elsewhere.

    >>> square = -np.ones((1, 16, 16, 1), "float32"); square[0, 4:12, 4:12] = 1
    >>> edges = canny_edges(square)
    >>> int((edges[0, :, :, 0] > 0).sum() > 0), float(edges[0, 8, 8, 0])  # an outline, hollow inside
    (1, -1.0)
    """
    from skimage.feature import canny

    images = check_images(images)
    if images.shape[-1] != 1:
        raise InputError(f"canny_edges takes grey images (N, H, W, 1), not {images.shape}.")
    grey = (images[..., 0] + 1.0) / 2.0
    edges = np.stack([canny(image, sigma=sigma, low_threshold=low, high_threshold=high) for image in grey])
    return np.where(edges, 1.0, -1.0).astype(np.float32)[..., None]


def edge_pairs(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(edges, items, labels) of the shoes and bags among Fashion-MNIST ``images`` (N, 28, 28, 1).

    Items are padded to 32x32 first, so the edges are found right up to the item's border.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if len(images) != len(labels):
        raise InputError(f"{len(labels)} labels for {len(images)} images: give one label per image.")
    keep = np.isin(labels, EDGE_CLASSES)
    items = pad_to(images[keep])
    return canny_edges(items), items.astype(np.float32), labels[keep].astype(np.int32)
