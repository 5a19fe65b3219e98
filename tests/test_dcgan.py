"""DCGAN models and the fast path (XLA, mixed precision, steps per execution)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab import GAN
from ganlab.data import make_dataset
from ganlab.errors import InputError
from ganlab.fast_path import FastPath, choose_fast_path
from ganlab.models import dcgan_discriminator, dcgan_generator, toy_discriminator, toy_generator
from ganlab.models.dcgan import HIDDEN_UNITS, n_upsamplings


@pytest.mark.parametrize("shape, upsamplings", [((28, 28, 1), 2), ((32, 32, 3), 3), ((64, 64, 3), 4)])
def test_generator_and_discriminator_shapes(shape, upsamplings):
    g, d = dcgan_generator(shape, width=8), dcgan_discriminator(shape, width=8)
    assert g.output_shape == (None, *shape)
    assert d.output_shape == (None, 1)
    assert n_upsamplings(shape) == upsamplings
    transposed = [layer for layer in g.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    strided = [layer for layer in d.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(transposed) == len(strided) == upsamplings
    assert all(layer.strides == (2, 2) for layer in transposed + strided)


def test_dcgan_guidelines():
    g, d = dcgan_generator(width=8), dcgan_discriminator(width=8)
    names = [type(layer).__name__ for layer in g.layers + d.layers]
    assert not any("Pool" in name for name in names)
    slopes = {layer.negative_slope for layer in d.layers if isinstance(layer, keras.layers.LeakyReLU)}
    assert slopes == {0.2}
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in g.layers)
    assert g.layers[-1].activation.__name__ == "tanh"
    out = g(np.random.default_rng(0).standard_normal((16, 100)).astype("float32"))
    assert out.shape == (16, 28, 28, 1) and float(np.abs(out).max()) <= 1.0


def test_width_scales_the_parameter_count():
    small = dcgan_discriminator(width=8, hidden_units=0).count_params()
    large = dcgan_discriminator(width=16, hidden_units=0).count_params()
    assert 3.0 < large / small < 4.5  # most weights are in width x 2 width convolutions: ~4x
    small, large = dcgan_generator(width=8).count_params(), dcgan_generator(width=16).count_params()
    assert 1.8 < large / small < 2.5  # at 28 px the Dense layer (linear in width) dominates


def test_discriminator_hidden_layer():
    """By default one hidden Dense layer sits between the convolutions and the logit; 0 removes it."""
    def dense_units(model):
        return [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)]

    assert dense_units(dcgan_discriminator(width=8)) == [HIDDEN_UNITS, 1]
    assert dense_units(dcgan_discriminator(width=8, hidden_units=32)) == [32, 1]
    paper = dcgan_discriminator(width=8, hidden_units=0)
    assert dense_units(paper) == [1]
    assert paper.count_params() < dcgan_discriminator(width=8, hidden_units=32).count_params()
    with pytest.raises(InputError, match="hidden_units"):
        dcgan_discriminator(hidden_units=-1)


@pytest.mark.parametrize("shape", [(30, 30, 1), (28, 28, 2), (28, 32, 1), (28, 28)])
def test_unsupported_image_shapes_are_named(shape):
    with pytest.raises(InputError, match="28, 32 or 64"):
        dcgan_generator(shape)
    with pytest.raises(InputError, match="28, 32 or 64"):
        dcgan_discriminator(shape)


def test_bad_width():
    with pytest.raises(InputError, match="width"):
        dcgan_generator(width=0)


def test_noise_batch_matches_a_short_last_batch():
    """100 images in batches of 64: the last batch has 36 images, and so must its noise."""
    keras.utils.set_random_seed(0)
    gan = GAN(dcgan_generator(width=8), dcgan_discriminator(width=8), seed=0)
    gan.compile()
    images = np.random.default_rng(0).uniform(-1, 1, (100, 28, 28, 1)).astype("float32")
    history = gan.fit(make_dataset(images, 64), epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 2
    assert np.isfinite(history.history["d_loss"][0])


def test_cpu_fast_path_is_float32_without_xla(monkeypatch):
    for name in ("GANLAB_XLA", "GANLAB_MIXED_PRECISION", "GANLAB_STEPS_PER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [])
    path = choose_fast_path()
    assert (path.jit_compile, path.mixed_precision, path.steps_per_execution) == (False, False, 1)
    assert path.dtype_policy == "float32"
    assert "CPU" in path.describe() and "XLA off" in path.describe()


def test_gpu_fast_path_follows_compute_capability(monkeypatch):
    monkeypatch.delenv("GANLAB_MIXED_PRECISION", raising=False)
    monkeypatch.delenv("GANLAB_XLA", raising=False)
    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [("NVIDIA H100", (9, 0))])
    h100 = choose_fast_path()
    assert h100.jit_compile and h100.mixed_precision and h100.steps_per_execution > 1
    assert "tensor cores" in h100.describe()
    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [("Tesla K80", (3, 7))])
    k80 = choose_fast_path()
    assert k80.jit_compile and not k80.mixed_precision


def test_overrides_by_argument_and_environment(monkeypatch):
    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [("NVIDIA T4", (7, 5))])
    monkeypatch.setenv("GANLAB_MIXED_PRECISION", "0")
    monkeypatch.setenv("GANLAB_STEPS_PER_EXECUTION", "5")
    path = choose_fast_path(jit_compile=False)
    assert (path.jit_compile, path.mixed_precision, path.steps_per_execution) == (False, False, 5)
    monkeypatch.setenv("GANLAB_XLA", "maybe")
    with pytest.raises(InputError, match="GANLAB_XLA"):
        choose_fast_path()


def test_mixed_precision_on_a_cpu_is_refused(monkeypatch):
    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [])
    with pytest.raises(InputError, match="needs a GPU"):
        choose_fast_path(mixed_precision=True)
    monkeypatch.setenv("GANLAB_MIXED_PRECISION", "1")
    with pytest.raises(InputError, match="GANLAB_MIXED_PRECISION"):
        choose_fast_path()


def test_mixed_precision_train_step_keeps_float32_outputs():
    """The GPU path's mechanics, run on the CPU: float16 compute, float32 weights and outputs."""
    path = FastPath("test", jit_compile=False, mixed_precision=True, steps_per_execution=2, reasons=())
    try:
        path.apply()
        g, d = dcgan_generator(width=8), dcgan_discriminator(width=8)
    finally:
        keras.config.set_dtype_policy("float32")
    assert g.layers[1].compute_dtype == "float16" and g.layers[1].variable_dtype == "float32"
    assert g.output.dtype == "float32" and d.output.dtype == "float32"
    keras.utils.set_random_seed(0)
    gan = GAN(g, d, seed=0)
    g_opt, d_opt = path.optimizer(), path.optimizer()
    assert isinstance(g_opt, keras.optimizers.LossScaleOptimizer)
    gan.compile(d_optimizer=d_opt, g_optimizer=g_opt, **path.compile_kwargs())
    images = np.random.default_rng(0).uniform(-1, 1, (128, 28, 28, 1)).astype("float32")
    before = [w.copy() for w in g.get_weights()]
    history = gan.fit(make_dataset(images, 32), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    assert any(not np.array_equal(a, b) for a, b in zip(before, g.get_weights()))
    assert gan.generate(4).dtype == np.float32


def _toy_gan(optimizer, seed=0):
    """A small 1-D GAN with the same starting weights for every call with the same seed."""
    keras.utils.set_random_seed(seed)
    gan = GAN(toy_generator(), toy_discriminator(), seed=seed)
    gan.compile(d_optimizer=optimizer(), g_optimizer=optimizer())
    return gan


def test_the_train_step_scales_the_loss_for_a_loss_scale_optimizer():
    """LossScaleOptimizer divides every gradient by its scale before the inner optimizer sees it,
    so plain SGD and LossScaleOptimizer(SGD) take the same step only if the train step scaled
    the loss up first (``optimizer.scale_loss``). Without it the step is 1,024 times too small."""
    points = np.random.default_rng(0).normal(2.0, 0.5, (64, 1)).astype("float32")
    plain = _toy_gan(lambda: keras.optimizers.SGD(0.1))
    scaled = _toy_gan(lambda: keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=2.0**10))
    start = plain.generator.get_weights() + plain.discriminator.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(start, scaled.generator.get_weights()
                                                    + scaled.discriminator.get_weights()))
    for gan in (plain, scaled):
        gan.fit(make_dataset(points, 32), epochs=1, verbose=0)
    assert float(scaled.g_optimizer.dynamic_scale) == 2.0**10  # finite gradients: the scale stayed
    moved = plain.generator.get_weights() + plain.discriminator.get_weights()
    for before, expected, got in zip(start, moved, scaled.generator.get_weights() + scaled.discriminator.get_weights()):
        assert np.abs(expected - before).max() > 1e-4  # every weight really moved ...
        np.testing.assert_allclose(got - before, expected - before, rtol=1e-4, atol=1e-7)  # ... by as much


def test_xla_compiled_step_matches_shapes():
    keras.utils.set_random_seed(0)
    gan = GAN(dcgan_generator(width=8), dcgan_discriminator(width=8), seed=0)
    gan.compile(jit_compile=True)
    assert gan.jit_compile is True  # Keras turns it off (with a warning) for models it cannot compile
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    history = gan.fit(make_dataset(images, 32, drop_remainder=True), epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2 and np.isfinite(history.history["g_loss"][0])


class _PrintingGAN(GAN):
    """A GAN whose step holds an operation that XLA cannot compile (tf.print)."""

    def discriminate(self, samples, data, training=True):
        tf.print("discriminating", output_stream="file:///dev/null")
        return super().discriminate(samples, data, training)


def test_jit_compile_really_compiles_the_step_with_xla():
    """The step goes through XLA only when asked: XLA refuses tf.print, plain TensorFlow runs it."""
    points = np.random.default_rng(0).normal(size=(64, 1)).astype("float32")
    plain = _PrintingGAN(toy_generator(), toy_discriminator(), seed=0)
    plain.compile(jit_compile=False)
    plain.fit(make_dataset(points, 32), epochs=1, verbose=0)
    assert int(plain.g_optimizer.iterations) == 2
    compiled = _PrintingGAN(toy_generator(), toy_discriminator(), seed=0)
    compiled.compile(jit_compile=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"(?s)unsupported operations.*XLA.*PrintV2"):
        compiled.fit(make_dataset(points, 32), epochs=1, verbose=0)


def test_check_env_reports_the_fast_path(capsys, monkeypatch):
    from ganlab import check_env
    from ganlab.device import usable_cores

    for name in ("GANLAB_XLA", "GANLAB_MIXED_PRECISION", "GANLAB_STEPS_PER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [])
    monkeypatch.setattr("ganlab.device.gpu_names", lambda: [])
    settings = f"XLA off, float32, 1 step(s) per execution on CPU ({usable_cores()} cores)"
    report = check_env()
    assert report["fast_path"].splitlines()[0] == settings
    assert f"fast path   {settings}\n" in capsys.readouterr().out


def test_check_env_says_when_the_fast_path_settings_are_not_usable(capsys, monkeypatch):
    from ganlab import check_env

    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [])
    monkeypatch.setenv("GANLAB_XLA", "maybe")
    report = check_env()
    assert report["fast_path"] == ("not usable: GANLAB_XLA='maybe' is not understood; "
                                   "use 1 (on) or 0 (off), or unset it.")
    assert "fast path   not usable: GANLAB_XLA='maybe'" in capsys.readouterr().out
