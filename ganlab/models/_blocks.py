"""Small building blocks shared by the model families."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers

from ..errors import InputError


def check_units(units, what: str) -> tuple[int, ...]:
    """Return ``units`` as a tuple of positive ints, or raise InputError."""
    units = tuple(int(u) for u in units)
    if not units or min(units) < 1:
        raise InputError(f"{what} needs at least one layer of >= 1 units, got {units}.")
    return units


def batch_normalization(**options) -> layers.BatchNormalization:
    """BatchNormalization; synchronized when built under a tf.distribute strategy with several replicas.

    Synchronized, its statistics are those of the whole batch rather than of each device's share,
    so N devices train as one does (ganlab.distribute). On one device the plain layer computes the
    same thing with slightly different rounding; it keeps runs identical to earlier ones.
    """
    several = tf.distribute.get_strategy().num_replicas_in_sync > 1
    return layers.BatchNormalization(synchronized=several, **options)


def dense_stack(x, units, batch_norm: bool = False, dropout: float = 0.0, slope: float = 0.2,
                spectral_norm: bool = False):
    """Dense -> (BatchNorm) -> LeakyReLU(slope) -> (Dropout), for each width in ``units``;
    with ``spectral_norm`` each Dense is wrapped in ``keras.layers.SpectralNormalization``."""
    for width in units:
        x = dense(width, spectral_norm, use_bias=not batch_norm)(x)
        if batch_norm:
            x = batch_normalization(momentum=0.8)(x)
        x = layers.LeakyReLU(negative_slope=slope)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    return x


def dense(width: int, spectral_norm: bool = False, **kwargs):
    """A Dense layer, wrapped in SpectralNormalization (its largest singular value kept at 1) if asked."""
    layer = layers.Dense(width, **kwargs)
    return layers.SpectralNormalization(layer) if spectral_norm else layer


def latent_dim_of(generator: keras.Model) -> int:
    """The length of the noise vector a generator takes."""
    shape = generator.inputs[0].shape
    return int(shape[-1])


NORMS = ("batch", "instance")


def normalization(kind: str, name: str | None = None) -> layers.Layer:
    """"batch": BatchNormalization (momentum 0.9, pix2pix's); "instance": each image's channels on their own.

    Instance norm is GroupNormalization with one group per channel (Ulyanov et al., 2016): its statistics
    come from one image, so it behaves the same at any batch size, in training and at inference.
    """
    if kind == "batch":
        # 0.9 rather than Keras' 0.99: the moving statistics used at inference catch up within a short run.
        return batch_normalization(momentum=0.9, name=name)
    if kind == "instance":
        return layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    raise InputError(f"Unknown norm {kind!r}; choose one of {', '.join(NORMS)}.")


@keras.saving.register_keras_serializable(package="ganlab")
class ReflectionPadding2D(layers.Layer):
    """Pad height and width by ``padding`` pixels mirrored from the inside (no new edge at the border).

    Zero padding surrounds an image in [-1, 1] with a grey frame; the convolutions next to the
    border learn that frame and can print it into the output. Mirroring continues the image instead.
    """

    def __init__(self, padding: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, x):
        p = self.padding
        return keras.ops.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, shape):
        grow = lambda side: None if side is None else side + 2 * self.padding  # noqa: E731
        return (shape[0], grow(shape[1]), grow(shape[2]), shape[3])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}
