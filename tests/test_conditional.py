"""Conditional GANs: the label goes in, the class asked for comes out."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from ganlab import cli
from ganlab.build import build_gan
from ganlab.checkpoints import Checkpoints
from ganlab.conditional import (ConditionalGAN, class_grid, generator_inputs, label_accuracy, labelled_dataset,
                                labelled_subset)
from ganlab.errors import InputError
from ganlab.latent import interpolate
from ganlab.metrics import class_shares, feature_network, generated_samples, per_class_scores, training_examples
from ganlab.models import conditional_discriminator, conditional_generator, dense_generator
from ganlab.models.conditional import balanced_labels, classes_of, projection_parts

IMAGES = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
LABELS = np.arange(64) % 10


def small_cgan(mechanism="projection", kind="dcgan", seed=0):
    return build_gan("cgan", "quick", seed=seed, mechanism=mechanism, kind=kind, width=8, batch_size=16)


@pytest.mark.parametrize("kind", ["dcgan", "dense"])
@pytest.mark.parametrize("mechanism", ["projection", "concat"])
def test_shapes_of_both_networks(kind, mechanism):
    generator = conditional_generator(kind, classes=10, latent_dim=12, width=8)
    discriminator = conditional_discriminator(kind, classes=10, mechanism=mechanism, width=8)
    images = keras.ops.convert_to_numpy(generator([np.zeros((5, 12), "float32"), np.arange(5)]))
    assert tuple(images.shape) == (5, 28, 28, 1)
    assert tuple(discriminator([images, np.arange(5)]).shape) == (5, 1)
    assert classes_of(generator) == 10 and classes_of(dense_generator(latent_dim=8, units=(8,))) == 0


@pytest.mark.parametrize("mechanism", ["projection", "concat"])
def test_the_label_changes_the_output_of_both_networks(mechanism):
    gan = small_cgan(mechanism)
    noise = np.repeat(gan.fixed_noise(1), 2, axis=0)
    images = gan.generate(noise=noise, labels=[2, 7])
    assert images.shape == (2, 28, 28, 1) and not np.allclose(images[0], images[1], atol=1e-6)
    logits = keras.ops.convert_to_numpy(gan.discriminator([IMAGES[:1].repeat(2, 0), np.array([2, 7])]))
    assert abs(logits[0, 0] - logits[1, 0]) > 1e-6  # D's verdict on one image depends on the claimed class


@pytest.mark.parametrize("mechanism", ["projection", "concat"])
def test_both_mechanisms_train_a_step_on_labelled_batches(mechanism):
    gan = small_cgan(mechanism)
    before = [w.copy() for w in gan.discriminator.get_weights()], [w.copy() for w in gan.generator.get_weights()]
    history = gan.fit(labelled_dataset(IMAGES, LABELS, 16), epochs=1, steps_per_epoch=2, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    for old, model in zip(before, (gan.discriminator, gan.generator)):
        assert any(not np.allclose(a, b) for a, b in zip(old, model.get_weights()))
    assert int(gan.g_optimizer.iterations) == 2


def test_fit_takes_two_arrays_and_refuses_images_alone():
    gan = small_cgan()
    gan.fit(IMAGES, LABELS, batch_size=32, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 2
    with pytest.raises(InputError, match=r"fit\(images, labels\)"):
        gan.fit(IMAGES)


def test_class_grid_keeps_the_noise_in_each_column_and_the_class_in_each_row():
    gan = small_cgan()
    grid = class_grid(gan, per_class=3, seed=4)
    assert grid.shape == (30, 28, 28, 1)
    again = gan.generate(noise=gan.fixed_noise(3, 4), labels=5)
    np.testing.assert_allclose(grid[15:18], again, atol=1e-5)


def test_labelled_subset_takes_the_same_number_of_each_class():
    images, labels = labelled_subset(IMAGES, LABELS, per_class=3, seed=1)
    assert len(images) == 30 and np.bincount(labels).tolist() == [3] * 10
    for image, label in zip(images, labels):  # each image keeps its own label
        assert LABELS[np.flatnonzero((IMAGES == image).all(axis=(1, 2, 3)))[0]] == label


def test_bare_conditional_generators_are_sampled_and_evaluated_with_every_class():
    generator = conditional_generator("dense", latent_dim=10)
    noise, labels = generator_inputs(generator, 12, seed=3, labels=balanced_labels(12, 10))
    assert noise.shape == (12, 10) and labels.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    expected = keras.ops.convert_to_numpy(generator([noise, labels]))
    np.testing.assert_allclose(generated_samples(generator, 12, seed=3), expected, atol=1e-5)


def test_a_checkpoint_restores_a_conditional_gan(tmp_path):
    gan = small_cgan()
    gan.fit(labelled_dataset(IMAGES, LABELS, 16), epochs=1, steps_per_epoch=1, verbose=0)
    Checkpoints(tmp_path).save(gan, 1)
    fresh = small_cgan(seed=5)
    assert Checkpoints(tmp_path).restore(fresh) == 1
    z = gan.fixed_noise(4)
    np.testing.assert_allclose(fresh.generate(noise=z, labels=[0, 3, 6, 9]), gan.generate(noise=z, labels=[0, 3, 6, 9]),
                               atol=1e-5)
    with pytest.raises(InputError, match="different discriminator"):  # another mechanism is another D
        Checkpoints(tmp_path).restore(small_cgan("concat"))


@pytest.fixture(scope="module")
def short_mnist_run(mnist_source):
    """250 steps on 8,000 MNIST digits (about 30 s on one core): width 16, learning rate 1e-3.

    The global seeds are set first, so the run is the same whichever tests ran before it in this process
    (under pytest-xdist that changes from run to run)."""
    keras.utils.set_random_seed(0)
    images, labels = training_examples("mnist", 8_000)
    gan = build_gan("cgan", "quick", seed=0, width=16, learning_rate=1e-3)
    gan.fit(labelled_dataset(images, labels, gan.recipe.batch_size).repeat(), epochs=1, steps_per_epoch=250, verbose=0)
    return gan


def test_a_short_run_draws_the_digit_it_is_asked_for(short_mnist_run):
    # Measured on one core: 0.58 of 500 samples after 300 steps, 0.52 after 225, 0.53 after 150 (a
    # noisy climb); chance is 0.10. 0.3 leaves a wide margin below what 250 steps reach.
    accuracy = label_accuracy(short_mnist_run, feature_network("mnist"), n=500)
    assert accuracy > 0.3, accuracy


class CopiesRealImages:
    """A stand-in conditional GAN whose "samples" of class c are real train-part images of class c + shift."""

    classes = 10

    def __init__(self, split, shift=0):
        self.split, self.shift = split, shift

    def fixed_noise(self, n, seed=0):
        return np.zeros((n, 1), "float32")

    def generate(self, noise=None, labels=None):
        wanted = (int(labels) + self.shift) % 10
        return self.split.train[self.split.train_labels == wanted][-len(noise):]


def test_class_shares_put_real_images_of_each_class_on_the_diagonal(mnist_source):
    net = feature_network("mnist")
    groups = {c: net.split.reference[net.split.reference_labels == c][:100] for c in range(10)}
    shares = class_shares(groups, net)
    assert shares.shape == (10, 10) and np.allclose(shares.sum(axis=1), 1.0)
    assert shares.diagonal().min() > 0.8, shares.diagonal()


def test_per_class_fd_is_near_the_baseline_for_the_right_class_and_far_for_another(mnist_source):
    net = feature_network("mnist")
    right = per_class_scores(CopiesRealImages(net.split), net, n=129)
    wrong = per_class_scores(CopiesRealImages(net.split, shift=1), net, n=129)
    for c in range(10):
        baseline = right[c]["fd"]["real"]
        assert right[c]["fd"]["generated"] < 1.5 * baseline, (c, right[c]["fd"])
        assert wrong[c]["fd"]["generated"] > 3 * right[c]["fd"]["generated"], (c, wrong[c]["fd"])
        assert wrong[c]["precision"]["generated"] < right[c]["precision"]["generated"]
    with pytest.raises(InputError, match="images of class"):
        per_class_scores(CopiesRealImages(net.split), net, n=5_000)


def test_interpolation_within_one_class_starts_and_ends_at_its_endpoints():
    gan = small_cgan()
    z0, z1 = gan.fixed_noise(2, seed=4)
    path = interpolate(gan, z0, z1, n=5, label=6)
    assert path.shape == (5, 28, 28, 1)
    np.testing.assert_allclose(path[[0, -1]], gan.generate(noise=np.stack([z0, z1]), labels=6), atol=1e-5)
    with pytest.raises(InputError, match="label= is for a conditional GAN"):
        interpolate(build_gan("dcgan", "quick", width=8), z0, z1, n=3, label=6)


def test_projection_parts_rebuild_the_discriminators_logit():
    gan = small_cgan("projection")
    features, class_vectors, w, b = projection_parts(gan.discriminator)
    labels = LABELS[:8]
    h = keras.ops.convert_to_numpy(features(IMAGES[:8], training=False))
    rebuilt = h @ w + b + np.sum(class_vectors[labels] * h, axis=1)
    logits = keras.ops.convert_to_numpy(gan.discriminator([IMAGES[:8], labels], training=False))[:, 0]
    np.testing.assert_allclose(rebuilt, logits, rtol=1e-4, atol=1e-4)
    with pytest.raises(InputError, match="not a projection discriminator"):
        projection_parts(small_cgan("concat").discriminator)


def test_after_training_the_label_decides_what_the_noise_draws(short_mnist_run):
    # The same 100 noise vectors drawn as 1s and as 7s: the classifier finds the class asked for far more
    # often under its own label than under the other (a generator that ignored the label would tie).
    gan = short_mnist_run
    noise = np.tile(gan.fixed_noise(100, seed=2), (2, 1))
    probabilities = feature_network("mnist").outputs(gan.generate(noise=noise, labels=[1] * 100 + [7] * 100))[1]
    as_ones, as_sevens = np.split(np.argmax(probabilities, axis=1), 2)
    assert np.mean(as_ones == 1) > np.mean(as_sevens == 1) + 0.2, (np.mean(as_ones == 1), np.mean(as_sevens == 1))
    assert np.mean(as_sevens == 7) > np.mean(as_ones == 7) + 0.2, (np.mean(as_sevens == 7), np.mean(as_ones == 7))


# ------------------------------------------------------------------ the command line


def ganlab(*args):
    env = dict(os.environ, GANLAB_PROFILE="quick")
    return subprocess.run([sys.executable, "-m", "ganlab", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


def test_train_cgan_then_sample_a_class(tmp_path, mnist_source):
    out = tmp_path / "cgan"
    result = ganlab("train", "cgan", "--out", out, "--epochs", "1", "--n-images", "256", "--width", "8")
    assert result.returncode == 0, result.stderr
    config = json.loads((out / "config.json").read_text())
    assert (config["model"], config["mechanism"], config["classes"], config["width"]) == ("cgan", "projection", 10, 8)
    assert ganlab("sample", out, "--n", "5", "--label", "3", "--out", tmp_path / "threes.npy").returncode == 0
    generator = keras.saving.load_model(out / "generator.keras")
    expected = generator(generator_inputs(generator, 5, seed=0, labels=3))
    np.testing.assert_allclose(np.load(tmp_path / "threes.npy"), keras.ops.convert_to_numpy(expected), atol=1e-5)
    no_label = cli.build_parser().parse_args(["sample", str(out), "--n", "5", "--out", str(tmp_path / "any.npy")])
    with pytest.raises(InputError, match="This run is conditional: say which class to draw with --label"):
        cli.sample(no_label)
    assert not (tmp_path / "any.npy").exists()


def unconditional_run(tmp):
    run = tmp / "dense_run"
    run.mkdir()
    dense_generator(latent_dim=8, units=(8,)).save(run / "generator.keras")
    return run


def test_a_label_for_an_unconditional_run_is_refused(tmp_path):
    run = unconditional_run(tmp_path)
    args = cli.build_parser().parse_args(["sample", str(run), "--n", "2", "--label", "3", "--out",
                                          str(tmp_path / "s.npy")])
    with pytest.raises(InputError, match="This run is unconditional: it takes no --label. Drop --label"):
        cli.sample(args)
    assert not (tmp_path / "s.npy").exists()
