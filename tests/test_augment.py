"""DiffAugment: differentiable augmentations, the leak detector, and the GAN that applies them before D."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab.augment import check_policy, cutout_share, diff_augment
from ganlab.build import build_gan
from ganlab.conditional import labelled_dataset
from ganlab.data import make_dataset
from ganlab.errors import InputError
from ganlab.experiments import diffaugment_runs
from ganlab.metrics import training_images

RNG = np.random.default_rng(0)
NOISE_IMAGES = RNG.uniform(-0.9, 0.9, (32, 28, 28, 1)).astype("float32")  # never exactly 0


@pytest.fixture(scope="module")
def fashion():
    return training_images("fashion_mnist", 2000)


def exact_cutouts(images) -> np.ndarray:
    """How many pixels of each image are exactly 0 (cutout's value; no real or generated pixel is)."""
    return np.sum(np.asarray(images) == 0.0, axis=(1, 2, 3))


@pytest.mark.parametrize("policy", ["translation", "cutout", "brightness", "translation,cutout,brightness"])
def test_every_policy_keeps_shape_and_dtype(policy):
    out = diff_augment(NOISE_IMAGES, policy, keras.random.SeedGenerator(0))
    assert tuple(out.shape) == NOISE_IMAGES.shape and out.dtype == tf.float32


def test_the_gradient_passes_outside_the_cutout_square_and_stops_inside():
    x = tf.constant(NOISE_IMAGES)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = diff_augment(x, "cutout", keras.random.SeedGenerator(0))
        total = tf.reduce_sum(out)
    gradient = tape.gradient(total, x).numpy()
    assert set(np.unique(gradient)) == {0.0, 1.0}
    assert np.all(np.sum(gradient == 0.0, axis=(1, 2, 3)) == 14 * 14)  # the square: no gradient


def test_translation_inside_a_tf_function_has_a_gradient():
    x = tf.constant(NOISE_IMAGES)
    seeds = keras.random.SeedGenerator(1)

    @tf.function
    def squared_sum(images):
        with tf.GradientTape() as tape:
            tape.watch(images)
            total = tf.reduce_sum(diff_augment(images, "translation,brightness", seeds) ** 2)
        return tape.gradient(total, images)

    gradient = squared_sum(x).numpy()
    assert np.all(np.abs(gradient).sum(axis=(1, 2, 3)) > 0)  # every image gets a gradient
    assert np.mean(gradient != 0) > 0.75  # most pixels stay in view after a shift of at most 4


def test_translation_moves_one_bright_pixel_by_up_to_4_and_fills_with_minus_one():
    images = np.full((64, 28, 28, 1), 0.5, "float32")
    images[:, 14, 14, 0] = 1.0
    out = diff_augment(images, "translation", keras.random.SeedGenerator(0)).numpy()[..., 0]
    where = [np.argwhere(image == 1.0) for image in out]
    assert all(len(w) == 1 for w in where)  # the pixel is kept, moved as a whole
    shifts = np.array([w[0] - 14 for w in where])
    assert np.abs(shifts).max() <= 4 and len({tuple(s) for s in shifts}) > 10  # each image its own shift
    assert set(np.unique(out)) <= {-1.0, 0.5, 1.0}
    for image, (dy, dx) in zip(out, shifts):  # what came in is exactly the rows and columns shifted in
        filled = np.zeros((28, 28), bool)
        filled[:max(dy, 0)] = filled[28 + min(dy, 0):] = True
        filled[:, :max(dx, 0)] = filled[:, 28 + min(dx, 0):] = True
        assert np.array_equal(image == -1.0, filled)


def test_cutout_writes_one_mid_grey_square_and_the_detector_finds_every_one(fashion):
    augmented = diff_augment(fashion[:500], "translation,cutout", keras.random.SeedGenerator(0))
    assert np.all(exact_cutouts(augmented) == 14 * 14)
    assert cutout_share(augmented) == 1.0
    assert cutout_share(fashion) < 0.02  # real clothes rarely hold a 10x10 square within 0.2 of mid-grey
    assert cutout_share(fashion, side=14, tolerance=0.1) == 0.0 and cutout_share(augmented, 14, 0.0) == 1.0
    assert cutout_share(np.zeros((3, 28, 28))) == 1.0 and cutout_share(np.full((3, 28, 28), -1.0)) == 0.0


def test_brightness_shifts_each_image_by_one_number_within_half():
    out = diff_augment(NOISE_IMAGES, "brightness", keras.random.SeedGenerator(0)).numpy()
    shift = (out - NOISE_IMAGES).reshape(len(out), -1)
    assert np.allclose(shift, shift[:, :1], atol=1e-6)
    assert np.abs(shift).max() <= 0.5 and shift[:, 0].std() > 0.1


@pytest.mark.parametrize("policy, message", [
    ("translate", "use a comma-separated list of: translation, cutout, brightness"),
    ("", "(none given)"),
    (None, "is a string such as 'translation,cutout'"),
])
def test_a_bad_policy_is_refused_with_the_valid_names(policy, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_policy(policy)


def test_bad_images_or_sides_are_refused():
    with pytest.raises(InputError, match="Add the channel axis"):
        diff_augment(NOISE_IMAGES[..., 0])
    with pytest.raises(InputError, match="side must be from 1 to 28"):
        cutout_share(NOISE_IMAGES, side=30)


def small_gan(model="dcgan", **augment):
    overrides = dict(width=8, batch_size=16)
    if model == "cgan":
        overrides.update(kind="dcgan", mechanism="projection")
    return build_gan(model, "quick", seed=0, **overrides, **augment)


def test_without_augment_d_sees_the_very_images_and_no_seed_generator_is_added():
    gan = small_gan()
    x = tf.constant(NOISE_IMAGES)
    assert gan.augment_for_discriminator(x, real=True) is x and gan.augment_for_discriminator(x, real=False) is x
    assert gan.augment_seed_generator is None  # the GAN's variables, and so its checkpoints, are as before
    with pytest.raises(InputError, match="needs a policy"):
        small_gan(augment_real_only=True)
    with pytest.raises(InputError, match="Unknown augmentation"):
        small_gan(augment="flip")


def record_discriminator_inputs(gan):
    """Run the step eagerly and keep every real/fake image batch D and the penalty see."""
    seen = {"D": [], "penalty": []}
    discriminate = gan.discriminate

    def recording(samples, data, training=True):
        seen["D"].append(np.asarray(samples))
        return discriminate(samples, data, training)

    def penalty(d, real, fake, weight, seed):
        seen["penalty"].append((np.asarray(real), np.asarray(fake)))
        return 0.0

    gan.discriminate, gan.penalty = recording, penalty
    gan.compile(loss="non_saturating", run_eagerly=True)
    return seen


@pytest.mark.parametrize("reuse_fakes", [False, True])
@pytest.mark.parametrize("real_only", [False, True])
def test_both_steps_augment_what_d_and_the_penalty_see(reuse_fakes, real_only):
    gan = small_gan(augment="cutout", augment_real_only=real_only)
    gan.reuse_fakes = reuse_fakes
    seen = record_discriminator_inputs(gan)
    gan.fit(make_dataset(NOISE_IMAGES, 16, seed=0), epochs=1, steps_per_epoch=1, verbose=0)
    real_batch = [b for b in seen["D"] if np.isin(b, NOISE_IMAGES).mean() > 0.5]  # the real batch, cut out
    fake_batches = [b for b in seen["D"] if np.isin(b, NOISE_IMAGES).mean() <= 0.5]
    assert len(real_batch) == 1 and len(fake_batches) == (1 if reuse_fakes else 2)  # G's own pass too
    assert np.all(exact_cutouts(real_batch[0]) == 196)
    assert all(np.all(exact_cutouts(b) == (0 if real_only else 196)) for b in fake_batches)
    (real, fake), = seen["penalty"]
    assert np.array_equal(real, real_batch[0]) and np.array_equal(fake, fake_batches[0])


def test_a_conditional_gan_augments_the_images_and_keeps_the_labels():
    gan = small_gan("cgan", augment="translation,cutout")
    seen_labels = []
    discriminator = gan.discriminator

    def recording(samples, data, training=True):
        seen_labels.append(np.asarray(data[1]))
        assert np.all(exact_cutouts(samples) == 196)
        return discriminator([samples, data[1]], training=training)

    gan.discriminate = recording
    gan.compile(loss="non_saturating", run_eagerly=True)
    labels = np.arange(32) % 10
    gan.fit(labelled_dataset(NOISE_IMAGES, labels, 16, seed=0), epochs=1, steps_per_epoch=2, verbose=0)
    assert len(seen_labels) == 4 and all(set(batch) <= set(range(10)) for batch in seen_labels)
    assert int(gan.g_optimizer.iterations) == 2


def test_diffaugment_runs_refuses_unknown_settings_and_steps():
    with pytest.raises(InputError, match="choose from: no augmentation, real only"):
        diffaugment_runs(settings=("flip both",), profile="quick")
    with pytest.raises(InputError, match="steps must be a whole number"):
        diffaugment_runs(steps=2.5, profile="quick")
