"""benchmarks/dcgan_throughput.py: ganlab's recipe is the profile's (build_gan), the tutorial's is
measured by the same convention, and a tiny quality run prints its curve, the truncation table
and the time to the target. (Bad settings: tests/test_benchmark_arguments.py.)"""

import re

import numpy as np
import pytest
from benchmark_scripts import StubClassifier, load_script, use_stub_classifier

script = load_script("dcgan_throughput")


@pytest.fixture(scope="module")
def images():
    return np.zeros((256, 28, 28, 1), "float32")


def test_ganlabs_recipe_is_the_profiles(images):
    from ganlab.build import recipe

    default = script.GanlabRecipe(images, "quick")
    assert vars(default.p) == vars(recipe("dcgan", "quick"))
    assert default.batch_size == default.p.batch_size and default.gan.reuse_fakes
    assert default.gan.discriminator.get_layer("hidden").units == script.HIDDEN_UNITS
    assert default.gan.discriminator.layers[1].filters == default.p.width

    papers = script.GanlabRecipe(images, "quick", reuse_fakes=False, d_hidden=0)
    assert not papers.gan.reuse_fakes
    assert "hidden" not in [layer.name for layer in papers.gan.discriminator.layers]


def test_the_tutorials_samples_are_measured_on_the_same_noise_as_before(images):
    tutorial = script.TutorialRecipe(images)
    earlier = np.random.default_rng(1).standard_normal((5, 100)).astype("float32")  # seed_noise(1, 100, 5)
    np.testing.assert_array_equal(tutorial.fixed_noise(5, seed=1), earlier)
    stub = StubClassifier()
    assert tutorial.quality(stub)["fraction"] == 1.0
    assert stub.batches == [(1000, 28, 28, 1)]


def test_a_tiny_quality_run_prints_its_rows(monkeypatch, capsys, mnist_source):
    use_stub_classifier(monkeypatch)
    script.main(["--mode", "quality", "--ganlab-only", "--profile", "quick", "--seconds", "2", "--eval-every", "2"])
    out = capsys.readouterr().out
    assert re.search(r"^ +\d+ +[\d,]+ +100\.0%$", out, re.MULTILINE), out
    assert len(re.findall(r"^ +(1\.0|0\.8|0\.6|0\.4) +100\.0% ", out, re.MULTILINE)) == 4, out
    assert re.search(r"ganlab DCGAN \(width 32, D hidden 256\) +\d+ s$", out, re.MULTILINE), out  # reached 80 %
