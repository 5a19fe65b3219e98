"""benchmarks/dense_mnist_quality.py: builds the profile's dense GAN with the options given, and a
tiny run prints its curve and table through ganlab.metrics.sample_quality. (Bad settings:
tests/test_benchmark_arguments.py.)"""

import re

import pytest
from benchmark_scripts import load_script, use_stub_classifier

script = load_script("dense_mnist_quality")


def test_the_gan_is_the_profiles_with_the_overrides_given():
    import keras

    from ganlab.build import recipe
    from ganlab.noise import GAUSSIAN_DIM, NoiseLayout

    gan = script.build(script.parse_args(["--profile", "quick", "--categories", "0", "--d-dropout", "0.3"]))
    assert vars(gan.recipe) == vars(recipe("dense", "quick", latent_categories=0))
    assert gan.noise == NoiseLayout(GAUSSIAN_DIM, 0)
    assert [layer.rate for layer in gan.discriminator.layers if isinstance(layer, keras.layers.Dropout)] == [0.3, 0.3]
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(gan.recipe.learning_rate)
    assert gan.ema_decay == gan.recipe.ema_decay

    default = script.build(script.parse_args(["--profile", "cpu"]))
    assert vars(default.recipe) == vars(recipe("dense", "cpu"))
    assert not any(isinstance(layer, keras.layers.Dropout) for layer in default.discriminator.layers)


def test_a_tiny_run_prints_the_curve_and_the_table(monkeypatch, capsys, mnist_source):
    stub = use_stub_classifier(monkeypatch)
    script.main(["--profile", "quick", "--seconds", "2", "--eval-every", "2"])
    out = capsys.readouterr().out
    assert re.search(r"^ +\d+ +[\d,]+ +100\.0%$", out, re.MULTILINE), out  # a row of the curve
    assert re.search(r"dense GAN samples \(EMA generator\) +100\.0% +1$", out, re.MULTILINE), out
    assert (1000, 28, 28, 1) in stub.batches  # the measurement convention: 1,000 samples
