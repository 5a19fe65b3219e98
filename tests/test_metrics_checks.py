import numpy as np
import pytest
from keras import ops

from ganlab import metrics
from ganlab.exercises import dense as checks, toy as toy_checks
from ganlab.errors import InputError
from ganlab.datasets import load_mnist


def test_moments():
    assert metrics.moments([1.0, 3.0]) == (2.0, 1.0)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """An empty GANLAB_CACHE_DIR for this module's tests, the variable restored afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("cache")
        patch.setenv("GANLAB_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def classifier(cache, mnist_source):
    return metrics.mnist_classifier(epochs=3)


def test_classifier_tells_digits_from_non_digits(classifier):
    """The check that the dense GAN's target rests on: it must accept real digits and
    reject noise, shuffled pixels and overlays (so it cannot be fooled by blobs)."""
    images, labels = load_mnist(split="test")
    held_out, held_labels = images[8000:], labels[8000:]
    assert classifier.held_out_accuracy > 0.95
    real = metrics.recognisable_fraction(held_out, classifier)
    assert real["fraction"] > 0.85 and real["classes_covered"] == 10
    fake = metrics.not_digits(held_out, held_labels, 600, seed=123)  # other images than in training
    assert metrics.recognisable_fraction(fake, classifier)["fraction"] < 0.05
    rng = np.random.default_rng(0)
    blank = np.full((50, 28, 28, 1), -1.0, np.float32)
    gauss = np.clip(rng.normal(-0.5, 0.5, (200, 28, 28, 1)), -1, 1).astype(np.float32)
    assert metrics.recognisable_fraction(gauss, classifier)["fraction"] < 0.05
    assert metrics.recognisable_fraction(blank, classifier)["fraction"] <= 0.1


def test_classifier_cache_round_trip(classifier, cache, monkeypatch):
    """The second call loads what the first one trained and saved: no training, same model."""
    import keras

    assert classifier.from_cache is False  # the cache was empty: trained now ...
    saved = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert {name.rsplit(".", 1)[-1] for name in saved} == {"keras", "json"}  # ... and saved

    def fit(*args, **kwargs):
        raise AssertionError("mnist_classifier trained again instead of loading its cache")

    monkeypatch.setattr(keras.Model, "fit", fit)
    again = metrics.mnist_classifier(epochs=3)
    assert again.from_cache is True and again.model is not classifier.model
    assert again.held_out_accuracy == classifier.held_out_accuracy
    assert again.trained_on == classifier.trained_on
    images = load_mnist(split="test")[0][8000:8200]
    np.testing.assert_allclose(again.probabilities(images), classifier.probabilities(images), atol=1e-6)
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == saved  # nothing rewritten


def test_recognisable_fraction_counts_classes(classifier):
    images, labels = load_mnist(split="test")
    ones = images[8000:][labels[8000:] == 1][:50]
    result = metrics.recognisable_fraction(ones, classifier)
    assert result["counts"][1] >= 45 and sum(result["counts"]) - result["counts"][1] <= 2


# ----------------------------------------------------------------------- exercise checks


def test_shifted_moves_pixels_and_fills_background():
    images = np.full((2, 5, 6, 1), -1.0, np.float32)
    images[:, 1, 2] = 0.5
    right = metrics.shifted(images, right=2)
    assert right.shape == images.shape and right[0, 1, 4, 0] == 0.5 and (right == 0.5).sum() == 2
    up_left = metrics.shifted(images, right=-1, down=-1)
    assert up_left[1, 0, 1, 0] == 0.5 and (up_left == 0.5).sum() == 2
    assert metrics.shifted(images)[0, 1, 2, 0] == 0.5
    edge = np.full((1, 4, 4, 1), -1.0, np.float32)
    edge[0, :, 3] = 1.0  # ink on the right edge leaves the picture when moved right
    assert (metrics.shifted(edge, right=1) == -1.0).all()


@pytest.mark.parametrize("bad, message", [
    (dict(right=6), "out of view"),
    (dict(down=-5), "out of view"),
])
def test_shifted_refuses_shifts_past_the_image(bad, message):
    with pytest.raises(InputError, match=message):
        metrics.shifted(np.zeros((1, 5, 6, 1), np.float32), **bad)


def test_shifted_checks_images():
    with pytest.raises(InputError, match="dtype"):
        metrics.shifted(np.zeros((1, 5, 5, 1), np.uint8), right=1)


def test_discriminator_loss_check(capsys):
    assert checks.check_discriminator_loss(lambda r, f: ops.mean(ops.softplus(-r)) + ops.mean(ops.softplus(f)))
    assert "Correct!" in capsys.readouterr().out
    wrong = {
        "swapped": lambda r, f: ops.mean(ops.softplus(-f)) + ops.mean(ops.softplus(r)),
        "only the real term": lambda r, f: ops.mean(ops.softplus(-r)),
        "sigmoid was applied": lambda r, f: (ops.mean(ops.softplus(-ops.sigmoid(r)))
                                             + ops.mean(ops.softplus(ops.sigmoid(f)))),
        "raised ZeroDivisionError": lambda r, f: 1 / 0,
        "expected": lambda r, f: ops.mean(r) * 0.0,
    }
    for hint, fn in wrong.items():
        assert checks.check_discriminator_loss(fn) is False
        assert hint in capsys.readouterr().out


def test_generator_loss_check(capsys):
    assert checks.check_generator_loss(lambda f: ops.mean(ops.softplus(-f)))
    for hint, fn in {"minimax": lambda f: -ops.mean(ops.softplus(f)),
                     "sign is flipped": lambda f: -ops.mean(ops.softplus(-f))}.items():
        assert checks.check_generator_loss(fn) is False
        assert hint in capsys.readouterr().out


def test_optimal_discriminator_check(capsys):
    assert toy_checks.check_optimal_discriminator(lambda p, q: p / (p + q))
    assert toy_checks.check_optimal_discriminator(lambda p, q: q / (p + q)) is False
    assert "probability of 'generated'" in capsys.readouterr().out


@pytest.mark.parametrize("n_doublings, last_channels, ok, hint", [
    (3, 3, True, "(32, 32, 3)"),
    (2, 3, False, "give side 16, not 32"),
    (3, 1, False, "must output one per colour channel (3)"),
    (0, 3, False, "between 1 and 6 doublings"),
    ("three", 3, False, "whole numbers"),
])
def test_check_upsampling_plan(n_doublings, last_channels, ok, hint, capsys):
    from ganlab.exercises.dcgan import check_upsampling_plan

    assert check_upsampling_plan(4, (32, 32, 3), n_doublings, last_channels) is ok
    assert hint in capsys.readouterr().out
