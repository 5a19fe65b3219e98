"""Image-to-image networks: the U-Net generator and the PatchGAN discriminator of pix2pix.

Introduced in notebooks/09_pix2pix.ipynb (Isola et al., 2017); notebooks/10_unpaired_translation.ipynb
uses them in a CycleGAN (Zhu et al., 2017), with instance norm and without dropout.

- ``unet_generator``: an encoder that halves the image down to a 1 x 1 bottleneck, a decoder that
  doubles it back, and a skip connection joining each encoder level to the decoder level of the same
  size, so that details (edges, positions) need not squeeze through the bottleneck.
- ``patchgan_discriminator``: a few convolutions and no dense layer, so it outputs a map of logits,
  one verdict per overlapping patch of the image (its receptive field, :func:`receptive_field`).

Both use 4 x 4 kernels (a kernel divisible by the stride: fewer checkerboard artefacts), LeakyReLU 0.2
in the encoders, ReLU in the decoder, weights drawn from N(0, 0.02) as in the paper, and mirrored
(reflection) padding at their outermost layer, the one that sees the image's border.

>>> unet_generator(32, base_filters=8).output_shape
(None, 32, 32, 3)
>>> patchgan_discriminator(32, base_filters=8).output_shape
(None, 2, 2, 1)
"""

from __future__ import annotations

import keras
from keras import layers

from ..errors import InputError
from ._blocks import NORMS, ReflectionPadding2D, normalization

SIZES = (32, 64, 128, 256)  # image sides the U-Net supports: powers of two, halved down to 1 x 1
KERNEL = 4
MAX_MULTIPLE = 8  # no level has more than 8 x base_filters channels (pix2pix's ngf * 8)
DROPOUT_LAYERS = 3  # the decoder's first three layers have dropout (pix2pix's only noise)
BOTTLENECK = "bottleneck"  # the name of the innermost layer's output


def _init():
    return keras.initializers.RandomNormal(0.0, 0.02)  # pix2pix's and DCGAN's initialisation


def unet_depth(image_size: int) -> int:
    """How many times the encoder halves the image to reach 1 x 1: 5 at 32 px, 6 at 64, 7 at 128, 8 at 256.

    >>> unet_depth(256)
    8
    """
    size = int(image_size)
    if size not in SIZES:
        raise InputError(f"The U-Net halves the image down to 1 x 1, so its side must be a power of two from 32 to "
                         f"256 ({', '.join(map(str, SIZES))}), not {image_size}. Resize or crop the images "
                         "(tf.image.resize, tf.image.random_crop) to one of these sides.")
    return size.bit_length() - 1


def level_filters(base_filters: int, level: int) -> int:
    """Channels at encoder level ``level`` (0 = outermost): base x 2^level, at most 8 x base."""
    return int(base_filters) * min(2 ** level, MAX_MULTIPLE)


def unet_generator(image_size: int = 256, in_channels: int = 3, out_channels: int = 3, base_filters: int = 64,
                   norm: str = "batch", dropout: float = 0.5, innermost_norm: bool = False) -> keras.Model:
    """Image (image_size, image_size, in_channels) -> image with ``out_channels``, in [-1, 1].

    Encoder, for each level i = 0 .. depth - 1 (:func:`unet_depth`): Conv 4 x 4 stride 2 to
    :func:`level_filters` channels -> norm -> LeakyReLU 0.2. No norm at the outermost level (it sees the
    raw image, padded by reflection) nor at the innermost, the 1 x 1 bottleneck: normalising a 1 x 1 map
    with batch norm at batch size 1 (pix2pix's) or with instance norm at any batch size subtracts each
    value from itself, and the bottleneck always outputs the same thing whatever the input
    (``innermost_norm=True`` builds that mistake, to see it). Decoder, level by level back up:
    ConvTranspose 4 x 4 stride 2 -> norm -> Dropout (the first :data:`DROPOUT_LAYERS` layers) -> ReLU ->
    joined to the encoder's output of the same size; then ConvTranspose to ``out_channels`` and tanh.
    The defaults (256 px, base_filters=64, batch norm, dropout 0.5) are pix2pix's ``unet_256``.
    """
    depth = unet_depth(image_size)
    _check_options(base_filters, norm, in_channels=in_channels, out_channels=out_channels)
    if not 0.0 <= dropout < 1.0:
        raise InputError(f"dropout must be from 0 (none) to below 1 (pix2pix: 0.5), not {dropout}.")
    size = int(image_size)
    image = keras.Input((size, size, int(in_channels)), name="input_image")
    x = ReflectionPadding2D(1, name="reflect")(image)
    x = layers.Conv2D(base_filters, KERNEL, strides=2, kernel_initializer=_init(), name="down_0")(x)
    skips = [layers.LeakyReLU(0.2)(x)]
    for level in range(1, depth):
        innermost = level == depth - 1
        normalise = innermost_norm or not innermost
        x = layers.Conv2D(level_filters(base_filters, level), KERNEL, strides=2, padding="same",
                          use_bias=not normalise, kernel_initializer=_init(), name=f"down_{level}")(skips[-1])
        if normalise:
            x = normalization(norm)(x)
        skips.append(layers.LeakyReLU(0.2, name=BOTTLENECK if innermost else None)(x))
    x = skips.pop()  # the bottleneck: 1 x 1 x level_filters(depth - 1)
    for j, level in enumerate(reversed(range(depth - 1))):
        x = layers.Conv2DTranspose(level_filters(base_filters, level), KERNEL, strides=2, padding="same",
                                   use_bias=False, kernel_initializer=_init(), name=f"up_{level}")(x)
        x = normalization(norm)(x)
        if dropout and j < DROPOUT_LAYERS:
            x = layers.Dropout(dropout)(x)
        x = layers.Concatenate(name=f"skip_{level}")([layers.ReLU()(x), skips[level]])
    x = layers.Conv2DTranspose(int(out_channels), KERNEL, strides=2, padding="same", kernel_initializer=_init(),
                               name="up_out")(x)
    output = layers.Activation("tanh", dtype="float32", name="output_image")(x)  # float32 under mixed precision
    return keras.Model(image, output, name=f"unet_generator_{size}")


def patchgan_discriminator(image_size: int = 256, in_channels: int | None = 3, out_channels: int = 3,
                           base_filters: int = 64, n_layers: int = 3, norm: str = "batch") -> keras.Model:
    """[input image, output image] -> a map of logits, one per patch; ``in_channels=None``: output image only.

    pix2pix's D judges a pair, the input joined to a real target or to the generator's output (channels
    concatenated), so it can tell a good image that does not match its input; CycleGAN's judges one
    image (``in_channels=None``). Layers: Conv 4 x 4 stride 2 (base_filters, no norm, reflection padding)
    -> ``n_layers - 1`` x [Conv stride 2, norm] -> Conv stride 1, norm -> Conv stride 1 to 1 logit,
    LeakyReLU 0.2 between them, padding 1 everywhere.

    Receptive field (:func:`receptive_field`): 16 x 16 pixels for n_layers=1, 34 x 34 for 2, and
    70 x 70 for the default 3 (the paper's "70 x 70 PatchGAN"), whatever the image size: each logit
    judges a 70 x 70 patch, and on a 256 px image the map is 30 x 30 logits. At 32 px a 70-pixel
    patch is the whole image; n_layers=1 or 2 keeps D a judge of local texture there.
    """
    _check_options(base_filters, norm, out_channels=out_channels, n_layers=n_layers)
    size = int(image_size)
    patch_map_side(size, n_layers)  # an InputError if the image is too small for n_layers
    target = keras.Input((size, size, int(out_channels)), name="output_image")
    inputs = [target]
    x = target
    if in_channels:  # conditional (pix2pix): D sees the pair, input first
        source = keras.Input((size, size, int(in_channels)), name="input_image")
        inputs = [source, target]
        x = layers.Concatenate(name="pair")(inputs)
    x = layers.Conv2D(base_filters, KERNEL, strides=2, kernel_initializer=_init(), name="conv_0")(
        ReflectionPadding2D(1)(x))
    x = layers.LeakyReLU(0.2)(x)
    for n in range(1, int(n_layers) + 1):
        x = layers.ZeroPadding2D(1)(x)
        x = layers.Conv2D(level_filters(base_filters, n), KERNEL, strides=2 if n < n_layers else 1, use_bias=False,
                          kernel_initializer=_init(), name=f"conv_{n}")(x)
        x = layers.LeakyReLU(0.2)(normalization(norm)(x))
    x = layers.ZeroPadding2D(1)(x)
    logits = layers.Conv2D(1, KERNEL, kernel_initializer=_init(), dtype="float32", name="logits")(x)
    return keras.Model(inputs if len(inputs) > 1 else target, logits, name=f"patchgan_{receptive_field_of(n_layers)}")


def patch_map_side(image_size: int, n_layers: int = 3) -> int:
    """The side of the PatchGAN's map of logits: 30 for 256 px and n_layers=3 (halved n_layers times, then 2 less).

    >>> patch_map_side(256), patch_map_side(32)
    (30, 2)
    """
    side = int(image_size) // 2 ** int(n_layers) - 2
    if side < 1 or int(image_size) % 2 ** int(n_layers):
        raise InputError(f"A {image_size} px image is too small for a PatchGAN with n_layers={n_layers} (or not "
                         f"divisible by 2^{n_layers}): use images of at least {2 ** (int(n_layers) + 2)} px "
                         "with a side divisible by it, or fewer layers.")
    return side


def receptive_field_of(n_layers: int) -> int:
    """The PatchGAN's receptive field for ``n_layers`` (70 for 3): its layers' kernels and strides."""
    strides = [2] * int(n_layers) + [1, 1]
    return receptive_field([(KERNEL, s) for s in strides])


def receptive_field(layers_or_model) -> int:
    """How many pixels (per side) of the input one output of a stack of convolutions sees.

    ``layers_or_model``: a keras Model, a list of layers, or a list of (kernel, stride) pairs, in order.
    Going backwards from one output, each layer of kernel k widens the field by (k - 1) x the product of
    the strides below it: r = 1 + sum_l (k_l - 1) * s_1 * ... * s_(l-1). Padding, norms, activations and
    joins change nothing; pooling counts as a kernel and a stride.

    >>> receptive_field([(4, 2), (4, 2), (4, 2), (4, 1), (4, 1)])  # pix2pix's PatchGAN
    70
    >>> receptive_field([(3, 1), (3, 1)])  # two 3 x 3 convolutions see 5 x 5
    5
    """
    field, jump = 1, 1
    for kernel, stride in _kernels_and_strides(layers_or_model):
        field += (kernel - 1) * jump
        jump *= stride
    return field


def _kernels_and_strides(items) -> list[tuple[int, int]]:
    if isinstance(items, keras.Model):
        items = items.layers
    pairs = []
    for item in items:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            pairs.append((int(item[0]), int(item[1])))
        elif isinstance(item, keras.Model):
            pairs += _kernels_and_strides(item.layers)
        elif isinstance(item, (layers.Conv2DTranspose, layers.UpSampling2D)):
            raise InputError(f"{item.name} upsamples: the receptive field formula holds for a stack of convolutions "
                             "and poolings (a discriminator, an encoder), not for a decoder.")
        elif isinstance(item, layers.Conv2D):
            dilation = item.dilation_rate[0]
            pairs.append((dilation * (item.kernel_size[0] - 1) + 1, item.strides[0]))
        elif isinstance(item, (layers.MaxPooling2D, layers.AveragePooling2D)):
            pairs.append((item.pool_size[0], item.strides[0]))
    return pairs


def _check_options(base_filters, norm, **positive) -> None:
    if norm not in NORMS:
        raise InputError(f"Unknown norm {norm!r}; choose one of {', '.join(NORMS)} (CycleGAN uses 'instance').")
    for name, value in {"base_filters": base_filters, **positive}.items():
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise InputError(f"{name} must be a whole number >= 1, not {value!r}.")
