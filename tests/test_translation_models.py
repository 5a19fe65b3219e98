"""The U-Net generator and the PatchGAN discriminator: shapes, sizes, a live bottleneck, receptive fields."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab.errors import InputError
from ganlab.models import patchgan_discriminator, receptive_field, unet_generator
from ganlab.models._blocks import ReflectionPadding2D
from ganlab.models.translation import BOTTLENECK, level_filters, unet_depth

RNG = np.random.default_rng(0)


def images(n, size, channels=3, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, size, size, channels)).astype("float32")


def unet_parameters(size, base, c_in=3, c_out=3):
    """Counted by hand from the architecture: 4 x 4 kernels, bias only where no norm follows, BN = 4 numbers."""
    depth = int(np.log2(size))
    f = [level_filters(base, i) for i in range(depth)]
    count = 16 * c_in * f[0] + f[0]  # outermost encoder conv: bias, no norm
    count += sum(16 * f[i - 1] * f[i] + 4 * f[i] for i in range(1, depth - 1))  # conv + batch norm
    count += 16 * f[-2] * f[-1] + f[-1]  # innermost: bias, no norm
    ins = [f[-1]] + [2 * f[i] for i in reversed(range(1, depth - 1))]  # decoder inputs (after the skip joins)
    count += sum(16 * c * f[i] + 4 * f[i] for c, i in zip(ins, reversed(range(depth - 1))))
    return count + 16 * 2 * f[0] * c_out + c_out  # output layer


@pytest.mark.parametrize("size", [32, 64, 128])
def test_unet_keeps_the_size_and_maps_into_minus_one_one(size):
    g = unet_generator(size, in_channels=1, out_channels=3, base_filters=8)
    out = np.asarray(g(images(2, size, 1), training=False))
    assert out.shape == (2, size, size, 3) and -1 <= out.min() and out.max() <= 1
    assert g.count_params() == unet_parameters(size, 8, 1, 3)
    assert g.get_layer(BOTTLENECK).output.shape[1:3] == (1, 1)  # down to 1 x 1, like pix2pix
    assert len([layer for layer in g.layers if isinstance(layer, keras.layers.Concatenate)]) == unet_depth(size) - 1


def test_unet_at_256_is_pix2pix_size():
    assert unet_generator(256).count_params() == unet_parameters(256, 64) == 54_424_387
    g = unet_generator(256, base_filters=8)
    assert tuple(g(images(1, 256), training=False).shape) == (1, 256, 256, 3)


@pytest.mark.parametrize("size", [48, 16, 512, 100])
def test_unet_refuses_a_size_it_cannot_halve_to_one_pixel(size):
    with pytest.raises(InputError, match="power of two from 32 to 256"):
        unet_generator(size)


def test_bad_options_are_refused():
    with pytest.raises(InputError, match="Unknown norm 'layer'"):
        unet_generator(32, norm="layer")
    with pytest.raises(InputError, match="base_filters"):
        patchgan_discriminator(32, base_filters=0)
    with pytest.raises(InputError, match="dropout"):
        unet_generator(32, dropout=1.0)
    with pytest.raises(InputError, match="too small for a PatchGAN with n_layers=4"):
        patchgan_discriminator(32, n_layers=4)


def assert_bottleneck_alive(generator, batch_size=1):
    """In training mode, at batch size 1 (pix2pix's), the bottleneck must still depend on the input."""
    bottleneck = keras.Model(generator.inputs[0], generator.get_layer(BOTTLENECK).output)
    x = images(4, generator.input_shape[1], seed=3)
    outputs = np.stack([np.asarray(bottleneck(x[i:i + batch_size], training=True))[0] for i in range(0, 4, batch_size)])
    spread = outputs.std(axis=0).mean()
    assert spread > 1e-3, f"dead bottleneck: its output varies by {spread:.2g} across inputs"


@pytest.mark.parametrize("norm", ["batch", "instance"])
def test_the_bottleneck_depends_on_the_input(norm):
    assert_bottleneck_alive(unet_generator(32, base_filters=8, norm=norm))


@pytest.mark.parametrize("norm", ["batch", "instance"])
def test_the_check_catches_a_normalised_innermost_layer(norm):
    """The mistake the default avoids: normalising a 1 x 1 map makes the bottleneck a constant."""
    with pytest.raises(AssertionError, match="dead bottleneck"):
        assert_bottleneck_alive(unet_generator(32, base_filters=8, norm=norm, innermost_norm=True))


def test_instance_norm_is_one_group_per_channel_and_no_batch_norm():
    g = unet_generator(32, base_filters=8, norm="instance")
    groups = [layer for layer in g.layers if isinstance(layer, keras.layers.GroupNormalization)]
    assert groups and all(layer.groups == layer.gamma.shape[0] for layer in groups)  # groups=-1: one per channel
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in g.layers)


def test_dropout_only_in_the_first_three_decoder_layers_and_off_at_inference():
    g = unet_generator(64, base_filters=8)
    dropouts = [i for i, layer in enumerate(g.layers) if isinstance(layer, keras.layers.Dropout)]
    first_up = next(i for i, layer in enumerate(g.layers) if isinstance(layer, keras.layers.Conv2DTranspose))
    assert len(dropouts) == 3 and min(dropouts) > first_up
    x = images(2, 64)
    np.testing.assert_array_equal(np.asarray(g(x, training=False)), np.asarray(g(x, training=False)))
    assert not np.allclose(np.asarray(g(x, training=True)), np.asarray(g(x, training=True)))
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in unet_generator(32, dropout=0).layers)


def test_reflection_padding_mirrors_the_border():
    x = RNG.uniform(-1, 1, (1, 5, 6, 2)).astype("float32")
    padded = np.asarray(ReflectionPadding2D(2)(x))
    np.testing.assert_allclose(padded, np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect"))
    assert isinstance(unet_generator(32, base_filters=8).layers[1], ReflectionPadding2D)  # the outermost layer


def test_a_saved_unet_loads_and_gives_the_same_images(tmp_path):
    g = unet_generator(32, base_filters=4, norm="instance")
    g.save(tmp_path / "g.keras")
    x = images(2, 32)
    np.testing.assert_allclose(np.asarray(keras.models.load_model(tmp_path / "g.keras")(x, training=False)),
                               np.asarray(g(x, training=False)), atol=1e-6)


@pytest.mark.parametrize("size, side", [(32, 2), (64, 6), (128, 14), (256, 30)])
def test_patchgan_outputs_a_map_of_logits(size, side):
    d = patchgan_discriminator(size, in_channels=1, out_channels=3, base_filters=8)
    out = d([images(2, size, 1), images(2, size, 3)], training=False)
    assert tuple(out.shape) == (2, side, side, 1)
    assert [tuple(x.shape[1:]) for x in d.inputs] == [(size, size, 1), (size, size, 3)]
    one_image = patchgan_discriminator(size, in_channels=None, out_channels=3, base_filters=8)
    assert tuple(one_image(images(2, size), training=False).shape) == (2, side, side, 1)


def test_patchgan_size_at_the_paper_configuration():
    # conv_0 6->64 with bias; conv_1..3 (64->128, 128->256 stride 2, 256->512 stride 1) + batch norm; 512->1 with bias
    expected = (16 * 6 * 64 + 64) + sum(16 * a * b + 4 * b for a, b in [(64, 128), (128, 256), (256, 512)]) + 16 * 512 + 1
    assert patchgan_discriminator(256).count_params() == expected == 2_770_497


@pytest.mark.parametrize("pairs, field", [
    ([(4, 2)] * 3 + [(4, 1)] * 2, 70),   # 1 + 3 + 3*2 + 3*4 + 3*8 + 3*8
    ([(4, 2), (4, 2), (4, 1), (4, 1)], 34),  # 1 + 3 + 6 + 12 + 12
    ([(4, 2), (4, 1), (4, 1)], 16),  # 1 + 3 + 6 + 6
    ([(3, 1), (3, 1)], 5),
    ([(2, 2)] * 3, 8),
    ([(7, 1)], 7),
])
def test_receptive_field_against_hand_computed_values(pairs, field):
    assert receptive_field(pairs) == field


def test_receptive_field_of_layers_and_models():
    assert receptive_field(patchgan_discriminator(256)) == 70
    assert receptive_field(patchgan_discriminator(64, n_layers=1, base_filters=8)) == 16
    stack = [keras.layers.Conv2D(1, 3, dilation_rate=2), keras.layers.MaxPooling2D(2), keras.layers.ReLU()]
    assert receptive_field(stack) == 5 + (2 - 1) * 1  # a dilated 3 x 3 sees 5; the pooling adds (2 - 1) x stride 1
    with pytest.raises(InputError, match="upsamples"):
        receptive_field(unet_generator(32, base_filters=8))


def test_one_logit_sees_exactly_its_receptive_field():
    """The gradient of one logit in the middle of the map is non-zero on a 16 x 16 square of the image."""
    d = patchgan_discriminator(64, in_channels=None, base_filters=8, n_layers=1)
    x = tf.constant(images(1, 64))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logit = d(x, training=False)[0, 15, 15, 0]
    seen = np.abs(np.asarray(tape.gradient(logit, x))[0]).sum(axis=-1) > 0
    rows, cols = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
    assert len(rows) == len(cols) == receptive_field(d) == 16
    assert rows[-1] - rows[0] == 15 and seen[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].all()
