"""build_gan, the noise layout, the time budget, the measurement convention and D*: each idea's one home."""

import math
import subprocess
import sys

import keras
import numpy as np
import pytest

import ganlab
from ganlab.build import build_gan, recipe
from ganlab.callbacks import TimeBudget
from ganlab.data import check_images, make_dataset
from ganlab.errors import InputError
from ganlab.metrics import optimal_discriminator
from ganlab.noise import CODE_SCALE, GAUSSIAN_DIM, NoiseLayout, seed_noise
from ganlab.profiles import params


# ------------------------------------------------------------------ build_gan


@pytest.mark.parametrize("model,table", [("dense", "dense_mnist"), ("dcgan", "dcgan")])
def test_build_gan_follows_the_profile(model, table):
    expected = params(table, "cpu")
    gan = build_gan(model, "cpu")
    assert gan.recipe.profile == "cpu" and gan.recipe.learning_rate == expected.learning_rate
    assert gan.noise == NoiseLayout(GAUSSIAN_DIM, expected.latent_categories)
    assert gan.generator.inputs[0].shape[-1] == GAUSSIAN_DIM + expected.latent_categories
    assert gan.ema_decay == expected.ema_decay and gan.reuse_fakes == expected.reuse_fakes
    assert math.isclose(float(gan.d_optimizer.learning_rate), expected.learning_rate, rel_tol=1e-6)
    assert gan.d_optimizer is not gan.g_optimizer and gan.gan_loss.name == "non_saturating"


def test_build_gan_overrides_and_seeds():
    a = build_gan("dcgan", "quick", seed=3, width=8, latent_categories=0)
    b = build_gan("dcgan", "quick", seed=3, width=8, latent_categories=0)
    c = build_gan("dcgan", "quick", seed=4, width=8, latent_categories=0)
    assert a.noise.dim == GAUSSIAN_DIM and a.recipe.width == 8
    for wa, wb in zip(a.generator.get_weights(), b.generator.get_weights()):
        np.testing.assert_array_equal(wa, wb)  # the same seed builds the same GAN
    assert not all(np.array_equal(wa, wc) for wa, wc in zip(a.generator.get_weights(), c.generator.get_weights()))
    paper = build_gan("dcgan", "quick", width=8, discriminator_options={"hidden_units": 0})
    assert "hidden" not in [layer.name for layer in paper.discriminator.layers]


def test_build_gan_trains_one_step():
    gan = build_gan("dense", "quick", seed=0)
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    logs = gan.fit(make_dataset(images, 16), epochs=1, verbose=0).history
    assert set(logs) == {"d_loss", "g_loss", "D(x)", "D(G(z))"} and np.isfinite(logs["d_loss"][0])


def test_build_gan_rejects_bad_input():
    with pytest.raises(InputError, match="Unknown model 'gan'"):
        build_gan("gan")
    with pytest.raises(InputError, match="width applies to the dcgan model only"):
        ganlab.build.build_models("dense", NoiseLayout(), width=8)
    with pytest.raises(InputError, match="has no parameter"):
        recipe("dense", "quick", widht=8)
    with pytest.raises(InputError, match="square images of side 28, 32 or 64"):
        build_gan("dcgan", "quick", image_shape=(30, 30, 1))


# ------------------------------------------------------------------ the noise layout


def test_noise_layout_is_the_gaussian_part_then_a_code():
    layout = NoiseLayout(5, 3)
    assert layout.dim == 8
    z = layout.seeded(7, 200)
    np.testing.assert_array_equal(z, seed_noise(7, 8, 200, categories=3))
    np.testing.assert_array_equal(z[:, :5], seed_noise(7, 5, 200))  # the same Gaussian numbers
    assert np.all(np.sort(z[:, 5:], axis=1) == [0, 0, CODE_SCALE])
    drawn = keras.ops.convert_to_numpy(layout.sample(2000, keras.random.SeedGenerator(0)))
    assert drawn.shape == (2000, 8) and abs(drawn[:, :5].std() - 1) < 0.05
    assert np.all(np.sort(drawn[:, 5:], axis=1) == [0, 0, CODE_SCALE])
    assert set(np.argmax(drawn[:, 5:], axis=1)) == {0, 1, 2}


def test_noise_layout_rejects_what_does_not_fit():
    with pytest.raises(InputError, match="categories must be a whole number >= 0"):
        NoiseLayout(100, -1)
    with pytest.raises(InputError, match="gaussian"):
        NoiseLayout(0, 3)
    generator = ganlab.models.dense_generator(latent_dim=12, units=(8,))
    assert NoiseLayout.of_generator(generator, 2) == NoiseLayout(10, 2)
    with pytest.raises(InputError, match="noise of length 12"):
        NoiseLayout.of_generator(generator, 12)


def test_generate_rejects_noise_of_another_layout():
    gan = ganlab.GAN(ganlab.models.dense_generator(latent_dim=12, units=(8,)),
                     ganlab.models.dense_discriminator(units=(8,)), latent_categories=2)
    assert gan.generate(noise=gan.fixed_noise(3)).shape == (3, 28, 28, 1)
    with pytest.raises(InputError, match="vectors of length 12"):
        gan.generate(noise=np.zeros((3, 10), "float32"))


# ------------------------------------------------------------------ the time budget


def test_time_budget_stops_fit_after_its_seconds():
    gan = build_gan("dense", "quick", seed=0)
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    stream = make_dataset(images, 16).repeat()
    gan.fit(stream, epochs=1, steps_per_epoch=1, verbose=0)  # traces the step: not part of the budget
    budget = TimeBudget(seconds=1.5)
    gan.fit(stream, epochs=1, steps_per_epoch=10**6, verbose=0, callbacks=[budget])
    assert 1.5 <= budget.elapsed < 30
    assert budget.steps == int(gan.d_optimizer.iterations) - 1 > 1  # it counted the steps that ran, then stopped
    for bad in (0, -1, float("nan"), "3"):
        with pytest.raises(InputError, match="seconds must be a positive number"):
            TimeBudget(bad)


# ------------------------------------------------------------------ D* and the measurement convention


def test_optimal_discriminator_is_the_density_ratio():
    np.testing.assert_allclose(optimal_discriminator([0.4, 0.1, 0.0, 0.25], [0.1, 0.1, 0.3, 0.75]),
                               [0.8, 0.5, 0.0, 0.25])
    assert np.isnan(optimal_discriminator([0.0], [0.0]))[0]  # no data, no generator: nothing to judge
    with pytest.raises(InputError, match="same shape"):
        optimal_discriminator([0.1, 0.2], [0.1])
    with pytest.raises(InputError, match="negative"):
        optimal_discriminator([-0.1], [0.1])


def test_sample_quality_uses_the_benchmarks_noise(monkeypatch):
    seen = {}

    class FakeGAN:
        latent_categories = 2

        def fixed_noise(self, n, seed):
            seen["n"], seen["seed"] = n, seed
            return NoiseLayout(4, 2).seeded(seed, n)

        def generate(self, noise):
            seen["noise"] = noise
            return np.zeros((len(noise), 28, 28, 1), "float32")

    monkeypatch.setattr(ganlab.metrics.recognition, "recognisable_fraction", lambda images, classifier, threshold: len(images))
    assert ganlab.metrics.sample_quality(FakeGAN(), classifier=None, psi=0.5) == 1000
    assert seen["n"] == 1000 and seen["seed"] == 1
    np.testing.assert_allclose(seen["noise"][:, :4], 0.5 * NoiseLayout(4, 2).seeded(1, 1000)[:, :4])
    np.testing.assert_array_equal(seen["noise"][:, 4:], NoiseLayout(4, 2).seeded(1, 1000)[:, 4:])


# ------------------------------------------------------------------ data checks and environment variables


def test_check_images_gives_advice_that_fits_the_case():
    with pytest.raises(InputError, match=r"one image, not a batch.*images\[None\]"):
        check_images(np.zeros((28, 28, 1), "float32"))
    with pytest.raises(InputError, match=r"images\[\.\.\., None\]"):
        check_images(np.zeros((5, 28, 28), "float32"))
    with pytest.raises(InputError, match="empty"):
        check_images(np.zeros((0, 28, 28, 1), "float32"))
    with pytest.raises(InputError, match="to_model_range"):
        check_images(np.zeros((2, 28, 28, 1), "uint8"))


def test_make_dataset_takes_points_and_images():
    points = make_dataset(np.zeros((10, 2), "float32"), batch_size=4, shuffle=False)
    assert [tuple(b.shape) for b in points] == [(4, 2), (4, 2), (2, 2)]
    with pytest.raises(InputError, match="NaN"):
        make_dataset(np.full((4, 1), np.nan, "float32"))
    with pytest.raises(InputError, match="one label per example"):
        make_dataset(np.zeros((4, 1), "float32"), labels=np.zeros(3))


def test_gan_fit_checks_arrays():
    gan = ganlab.GAN(ganlab.models.toy_generator(), ganlab.models.toy_discriminator())
    gan.compile()
    with pytest.raises(InputError, match="empty"):
        gan.fit(np.zeros((0, 1), "float32"))
    images = ganlab.GAN(ganlab.models.dense_generator(units=(8,)), ganlab.models.dense_discriminator(units=(8,)))
    images.compile()
    with pytest.raises(InputError, match=r"values in \[0, 255\]"):
        images.fit(np.linspace(0, 255, 2 * 784, dtype="float32").reshape(2, 28, 28, 1))


@pytest.mark.parametrize("value,ok", [("abc", False), ("-1", False), ("0", False), ("2", True)])
def test_ganlab_threads_is_validated_on_import(value, ok):
    done = subprocess.run([sys.executable, "-c", "import ganlab"], capture_output=True, text=True,
                          env={**__import__("os").environ, "GANLAB_THREADS": value})
    assert (done.returncode == 0) == ok, done.stderr[-500:]
    if not ok:
        assert f"GANLAB_THREADS={value!r} must be a whole number >= 1" in done.stderr


@pytest.mark.parametrize("value,offline", [("1", True), ("true", True), ("yes", True), ("0", False),
                                           ("false", False), ("", False)])
def test_ganlab_offline_accepts_the_usual_spellings(monkeypatch, value, offline):
    monkeypatch.setenv("GANLAB_OFFLINE", value)
    assert ganlab.datasets.downloads_are_off() is offline


def test_ganlab_offline_rejects_a_typo(monkeypatch):
    monkeypatch.setenv("GANLAB_OFFLINE", "ture")
    with pytest.raises(InputError, match="GANLAB_OFFLINE='ture' is not understood"):
        ganlab.datasets.downloads_are_off()


def test_the_fast_path_on_several_devices_turns_off_what_fails_there():
    from ganlab.fast_path import FastPath

    gpu = FastPath("2 GPUs", jit_compile=True, mixed_precision=True, steps_per_execution=20, reasons=())
    assert gpu.for_replicas(1) is gpu
    several = gpu.for_replicas(2)
    assert (several.jit_compile, several.steps_per_execution, several.mixed_precision) == (False, 1, True)
    assert "on 2 devices" in several.describe()
