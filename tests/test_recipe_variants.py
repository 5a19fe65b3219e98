"""benchmarks/recipe_variants.py: its variants live in ganlab.GAN's hooks (so the package's step,
loss scaling included, does the training), and the networks follow the profile and the options;
a tiny run prints a row."""

import re

import keras
import numpy as np
import pytest
from benchmark_scripts import load_script, use_stub_classifier

script = load_script("recipe_variants")


def small_models(categories: int, seed: int = 0):
    from ganlab.models import dense_discriminator, dense_generator
    from ganlab.noise import NoiseLayout

    keras.utils.set_random_seed(seed)
    return (dense_generator(latent_dim=NoiseLayout(4, categories).dim, units=(8,)),
            dense_discriminator(units=(8,)))


def small_gan(categories: int = 0, **variants):
    gan = script.VariantGAN(*small_models(categories), seed=3, latent_categories=categories, **variants)
    gan.compile(loss="non_saturating")
    return gan


def real_batch(n: int = 16):
    return np.random.default_rng(0).uniform(-1, 1, (n, 28, 28, 1)).astype("float32")


def test_categories_become_ganlabs_one_hot_code():
    from ganlab.noise import CODE_SCALE

    gan = small_gan(categories=3)
    assert gan.latent_categories == 3
    for noise in (np.asarray(gan.sample_noise(200)), gan.fixed_noise(200, seed=1)):
        assert noise.shape == (200, 7)
        assert np.all(np.sort(noise[:, 4:], axis=1) == [0.0, 0.0, CODE_SCALE])  # exactly one category on


def test_without_categories_the_fixed_noise_is_that_of_earlier_runs():
    gan = small_gan(categories=0)
    expected = np.random.default_rng(1).standard_normal((10, 4)).astype("float32")
    np.testing.assert_array_equal(gan.fixed_noise(10, seed=1), expected)  # rows in docs/ stay comparable


@pytest.mark.parametrize("reuse_fakes", [False, True])
def test_without_variants_a_step_is_ganlabs_step(reuse_fakes):
    import ganlab

    variant = small_gan(reuse_fakes=reuse_fakes)
    plain = ganlab.GAN(*small_models(0), seed=3, reuse_fakes=reuse_fakes)
    plain.compile(loss="non_saturating")
    batch = real_batch()
    variant.train_step(batch)
    plain.train_step(batch)
    for mine, theirs in zip(variant.generator.weights + variant.discriminator.weights,
                            plain.generator.weights + plain.discriminator.weights):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)
    moved = [not np.allclose(a.numpy(), g.numpy()) for a, g in zip(variant.averages[0.99].weights,
                                                                     small_models(0)[0].weights)]
    assert any(moved)  # the moving averages follow the generator


class CountingAdam(keras.optimizers.Adam):
    """Adam that counts the losses it was asked to scale (GAN._apply's loss scaling)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scaled = 0

    def scale_loss(self, loss):
        self.scaled += 1
        return super().scale_loss(loss)


@pytest.mark.parametrize("variants", [
    {"translate_pixels": 2},
    {"info_weight": 1.0, "reuse_fakes": True},
    {"info_weight": 1.0, "translate_pixels": 1, "reuse_fakes": False},
])
def test_every_variant_keeps_the_loss_scaling_and_trains_what_it_adds(variants):
    gan = script.VariantGAN(*small_models(3), seed=3, latent_categories=3, **variants)
    d_optimizer, g_optimizer = CountingAdam(1e-3), CountingAdam(1e-3)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, run_eagerly=True)
    head_before = [w.numpy() for w in gan.discriminator.weights if "code_head" in w.path]
    gan.fit(real_batch(32), batch_size=16, epochs=1, verbose=0)
    assert (d_optimizer.scaled, g_optimizer.scaled) == (2, 2)  # two steps, each scales D's and G's loss
    if variants.get("info_weight"):
        head_after = [w.numpy() for w in gan.discriminator.weights if "code_head" in w.path]
        assert len(head_after) == 2 and not np.allclose(head_before[0], head_after[0])
        assert float(gan._step.info) > 0  # the code-recognition error entered the losses


def test_translation_shifts_whole_pixels_and_fills_the_background():
    image = -np.ones((1, 8, 8, 1), "float32")
    image[0, 4, 4, 0] = 1.0
    moved = np.asarray(script.translate(image, 2))
    assert moved.shape == image.shape and np.sum(moved == 1.0) == 1 and np.sum(moved == -1.0) == 63


def test_the_networks_follow_the_profile_and_the_options():
    import ganlab

    p = ganlab.build.recipe("dcgan", "cpu")
    generator, discriminator = script.build_models(script.parse_args(["dcgan"])[0], p)
    assert generator.inputs[0].shape[-1] == ganlab.noise.NoiseLayout(ganlab.noise.GAUSSIAN_DIM, p.latent_categories).dim
    assert discriminator.layers[1].filters == p.width
    assert discriminator.get_layer("hidden").units == ganlab.models.dcgan.HIDDEN_UNITS

    args = script.parse_args(["dcgan", "--g-width", "8", "--d-width", "16", "--d-hidden", "0", "--latent-dim", "32",
                              "--categories", "0", "--d-no-batch-norm"])[0]
    generator, discriminator = script.build_models(args, p)
    assert generator.inputs[0].shape[-1] == 32
    assert generator.layers[-2].input.shape[-1] == 8  # the last hidden block: g-width channels
    assert discriminator.layers[0].filters == 16
    assert not any(isinstance(layer, keras.layers.BatchNormalization) for layer in discriminator.layers)
    assert not any(layer.name.startswith("hidden") for layer in discriminator.layers)

    dense = script.parse_args(["dense", "--d-units", "64,32", "--d-dropout", "0.2"])[0]
    _, discriminator = script.build_models(dense, ganlab.build.recipe("dense", "cpu"))
    assert [layer.units for layer in discriminator.layers if isinstance(layer, keras.layers.Dense)] == [64, 32, 1]


def test_a_tiny_run_prints_a_row_for_the_generator_and_each_average(monkeypatch, capsys, mnist_source):
    stub = use_stub_classifier(monkeypatch)
    script.main(["dense", "--seconds", "2", "--eval-every", "2"])
    out = capsys.readouterr().out
    assert re.search(r"^ +\d+ +[\d,]+( +100\.0%){4}$", out, re.MULTILINE), out
    assert stub.batches[-4:] == [(1000, 28, 28, 1)] * 4  # sample_quality's 1,000 samples, each generator
