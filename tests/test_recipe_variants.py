"""benchmarks/recipe_variants.py: the noise it feeds each variant, and its argument checks."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "recipe_variants.py"


def load_script():
    spec = importlib.util.spec_from_file_location("recipe_variants", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_gan(module, categories: int):
    from ganlab.models import dense_discriminator, dense_generator

    generator = dense_generator(latent_dim=4 + categories, units=(8,))
    return module.VariantGAN(generator, dense_discriminator(units=(8,)), False, 0, categories)


def test_categories_become_ganlabs_one_hot_code():
    from ganlab.noise import CODE_SCALE

    gan = small_gan(load_script(), categories=3)
    assert gan.latent_categories == 3
    for noise in (np.asarray(gan.sample_noise(200)), gan.fixed_noise(200, seed=1)):
        assert noise.shape == (200, 7)
        assert np.all(np.sort(noise[:, 4:], axis=1) == [0.0, 0.0, CODE_SCALE])  # exactly one category on


def test_without_categories_the_fixed_noise_is_that_of_earlier_runs():
    gan = small_gan(load_script(), categories=0)
    expected = np.random.default_rng(1).standard_normal((10, 4)).astype("float32")
    np.testing.assert_array_equal(gan.fixed_noise(10, seed=1), expected)  # rows in docs/ stay comparable


@pytest.mark.parametrize("arguments, message", [
    (["--categories", "-1"], "--categories 0 or more"),
    (["--d-dropout", "1.5"], "--d-dropout is a rate"),
    (["--d-hidden", "-2"], "--d-hidden is 0"),
])
def test_bad_arguments_are_refused_in_one_line(arguments, message):
    result = subprocess.run([sys.executable, str(SCRIPT), "dense", *arguments],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
