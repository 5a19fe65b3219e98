import keras
import numpy as np
import pytest

from ganlab.errors import InputError
from ganlab.models import dense_discriminator, dense_generator, toy_discriminator, toy_generator


def test_dense_generator_shape_range_and_size():
    g = dense_generator()
    noise = np.random.default_rng(0).standard_normal((5, 100)).astype("float32")
    images = np.asarray(g(noise, training=False))
    assert images.shape == (5, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1
    # Dense 100->256 (no bias: batch norm follows), 256->512, 512->1024, 1024->784 (+bias), 3 BNs
    expected = 100 * 256 + 256 * 512 + 512 * 1024 + 1024 * 784 + 784 + 4 * (256 + 512 + 1024)
    assert g.count_params() == expected


def test_dense_discriminator_outputs_one_logit():
    d = dense_discriminator(units=(64,))
    out = np.asarray(d(np.zeros((3, 28, 28, 1), "float32")))
    assert out.shape == (3, 1)
    assert d.count_params() == 784 * 64 + 64 + 64 + 1
    assert d.layers[-1].activation.__name__ == "linear"  # logits, no sigmoid


def test_dense_discriminator_has_dropout_only_when_asked():
    """No dropout by default (it cost the cpu profile about 20 points of recognisable digits);
    with dropout=0.3 it is active in training and off at inference."""
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in dense_discriminator(units=(64,)).layers)
    d = dense_discriminator(units=(64,), dropout=0.3)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in d.layers) == 1
    x = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    np.testing.assert_array_equal(np.asarray(d(x, training=False)), np.asarray(d(x, training=False)))
    assert not np.allclose(np.asarray(d(x, training=True)), np.asarray(d(x, training=False)))


def test_sizes_are_configurable():
    g = dense_generator(latent_dim=8, units=(16,), image_shape=(8, 8, 3))
    assert g.output_shape == (None, 8, 8, 3) and g.input_shape == (None, 8)


def test_bad_sizes_are_rejected():
    with pytest.raises(InputError, match="at least one layer"):
        dense_generator(units=())
    with pytest.raises(InputError, match="at least one layer"):
        toy_discriminator(units=(0,))


def test_toy_models():
    g, d = toy_generator(latent_dim=3, data_dim=2), toy_discriminator(data_dim=2)
    points = np.asarray(g(np.zeros((4, 3), "float32")))
    assert points.shape == (4, 2)
    assert np.asarray(d(points)).shape == (4, 1)
