"""Pix2Pix and CycleGAN: losses against hand-computed values, the image history, a short run that learns."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from ganlab.cyclegan import CycleGAN, ImageHistory, unpaired_dataset
from ganlab.errors import InputError
from ganlab.losses import l1_loss
from ganlab.models import patchgan_discriminator, unet_generator
from ganlab.translation import Pix2Pix, check_pairs, cycle_reconstruction_error, translation_scores


def constant(value, shape=(1, 4, 4, 1)):
    return tf.fill(shape, value)


def scaling(factor, shape=(4, 4, 1), name=None):
    """A network with no weights: x -> factor * x (to compute its losses by hand)."""
    x = keras.Input(shape)
    return keras.Model(x, keras.layers.Rescaling(factor)(x), name=name)


def averaging(shape=(4, 4, 1)):
    """A pair discriminator with no weights: [input, output] -> their average, a map of logits."""
    a, b = keras.Input(shape), keras.Input(shape)
    return keras.Model([a, b], keras.layers.Average()([a, b]))


def random_shapes(n, size=32, seed=0):
    """Discs and squares of random colours on black: the synthetic paired task's inputs."""
    rng = np.random.default_rng(seed)
    x = np.full((n, size, size, 3), -1.0, "float32")
    yy, xx = np.mgrid[:size, :size]
    for image in x:
        for _ in range(rng.integers(1, 4)):
            cy, cx = rng.integers(4, size - 4, 2)
            r = rng.integers(3, 8)
            disc = rng.random() < 0.5
            image[((yy - cy) ** 2 + (xx - cx) ** 2 < r * r) if disc else ((abs(yy - cy) < r) & (abs(xx - cx) < r))] = \
                rng.uniform(-1, 1, 3)
    return x


def colour_transform(x):
    """The target: the negative of the image with red and blue swapped (a fixed per-pixel colour map)."""
    return -x[..., ::-1]


# ---------------------------------------------------------------- losses by hand


def test_l1_loss_by_hand():
    assert float(l1_loss(tf.constant([[1.0, -1.0], [0.5, 0.0]]), tf.constant([[0.0, 0.0], [0.0, 0.5]]))) == 0.75  # 3 / 4


def test_pix2pix_losses_by_hand():
    """G(x) = x / 2, D(x, y) = (x + y) / 2; input 0.8, target 0.2, so G's output is 0.4."""
    model = Pix2Pix(scaling(0.5), averaging(), l1_weight=100)
    model.compile()
    data = (constant(0.8), constant(0.2))
    fake = model.generate_fakes(data, 1)
    np.testing.assert_allclose(np.asarray(fake), 0.4, rtol=1e-6)
    adversarial = model.gan_loss.generator(model.discriminate(fake, data))  # -log sigmoid(0.6)
    extra = model.generator_extra_loss(fake, data)  # 100 x |0.2 - 0.4|
    assert float(adversarial) == pytest.approx(math.log1p(math.exp(-0.6)), rel=1e-5)
    assert float(extra) == pytest.approx(20.0, rel=1e-5) and float(model.trackers["l1"].result()) == pytest.approx(0.2)
    d_loss = model.gan_loss.discriminator(model.discriminate(model.real_examples(data), data),
                                          model.discriminate(fake, data))  # real pair 0.5, fake pair 0.6
    assert float(d_loss) == pytest.approx(math.log1p(math.exp(-0.5)) + math.log1p(math.exp(0.6)), rel=1e-5)


def test_cyclegan_losses_by_hand():
    """G = F = x / 2, D_A = D_B = identity (the image is its own logit map); a = 0.8, b = -0.4."""
    model = CycleGAN(scaling(0.5), scaling(0.5), scaling(1.0), scaling(1.0))
    model.compile()
    a, b = constant(0.8), constant(-0.4)
    losses, (fake_a, fake_b) = model.generator_losses(a, b)
    # fake_b = 0.4, F(fake_b) = 0.2: |0.2 - 0.8| = 0.6; fake_a = -0.2, G(fake_a) = -0.1: |-0.1 + 0.4| = 0.3
    assert float(losses["cycle"]) == pytest.approx(10 * (0.6 + 0.3), rel=1e-5)
    # G(b) = -0.2 vs b: 0.2; F(a) = 0.4 vs a: 0.4; weight 0.5 x 10
    assert float(losses["identity"]) == pytest.approx(5 * (0.2 + 0.4), rel=1e-5)
    # least squares: 1/2 (D_B(0.4) - 1)^2 + 1/2 (D_A(-0.2) - 1)^2
    assert float(losses["adversarial"]) == pytest.approx(0.5 * 0.36 + 0.5 * 1.44, rel=1e-5)
    assert float(losses["total"]) == pytest.approx(9 + 3 + 0.9, rel=1e-5)
    # D_A: 1/2 (0.8 - 1)^2 + 1/2 (-0.2)^2; D_B: 1/2 (-0.4 - 1)^2 + 1/2 (0.4)^2
    assert float(model.discriminator_loss(a, b, fake_a, fake_b)) == pytest.approx(0.04 + 0.98 + 0.08, rel=1e-5)


# ---------------------------------------------------------------- the image history


def numbered(start, n):
    return np.arange(start, start + n, dtype="float32").reshape(n, 1, 1, 1)


def test_history_fills_then_mixes_old_and_new_half_and_half():
    history = ImageHistory(capacity=5, seed=0)
    np.testing.assert_array_equal(np.asarray(history(numbered(0, 3))), numbered(0, 3))  # filling: passed through
    np.testing.assert_array_equal(np.asarray(history(numbered(3, 3)))[:2], numbered(3, 2))  # 2 fill the last slots
    assert int(history.count) == 5
    seen, old = set(range(6)), 0
    for start in range(6, 406, 4):
        out = np.asarray(history(numbered(start, 4))).ravel()
        for value, new in zip(out, range(start, start + 4)):
            assert value in seen | {new}  # an image it was given, now or before
            old += value != new
        seen |= set(range(start, start + 4))
    assert 0.4 < old / 400 < 0.6  # with probability 1/2 an older image goes to D instead


def test_history_holds_every_image_it_swapped_in():
    history = ImageHistory(capacity=4, seed=1)
    history(numbered(0, 4))
    out = np.asarray(history(numbered(4, 3))).ravel()
    pool = set(np.asarray(history.images).ravel().tolist())
    for value, new in zip(out, (4, 5, 6)):
        assert (value == new and new not in pool) or (value != new and new in pool and value not in pool)
    assert len(pool) == 4


def test_history_is_deterministic_with_a_seed():
    def run(seed):
        history = ImageHistory(capacity=3, seed=seed)
        return np.concatenate([np.asarray(history(numbered(i, 2))).ravel() for i in range(0, 24, 2)])
    np.testing.assert_array_equal(run(7), run(7))
    assert not np.array_equal(run(7), run(8))
    with pytest.raises(InputError, match="capacity"):
        ImageHistory(capacity=0)


def test_history_works_in_a_compiled_step():
    """fit runs the history inside a tf.function (a graph), with batches of a size unknown when traced."""
    history = ImageHistory(capacity=3, seed=0)
    history.build((None, 1, 1, 1))
    step = tf.function(history.__call__, input_signature=[tf.TensorSpec((None, 1, 1, 1))])
    np.testing.assert_array_equal(np.asarray(step(numbered(0, 2))), numbered(0, 2))
    out = np.asarray(step(numbered(2, 5))).ravel()  # one fills the last slot, four may swap
    assert out[0] == 2 and int(history.count) == 3 and set(out) <= set(range(7))


# ---------------------------------------------------------------- training


def test_pix2pix_learns_a_colour_transform_on_held_out_pairs(capsys):
    keras.utils.set_random_seed(0)
    train, test = random_shapes(256, seed=0), random_shapes(64, seed=1)
    model = Pix2Pix(unet_generator(32, base_filters=8), patchgan_discriminator(32, base_filters=8, n_layers=2), seed=0)
    model.compile(g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5))
    before = translation_scores(model.translate(test), colour_transform(test))
    pairs = tf.data.Dataset.from_tensor_slices((train, colour_transform(train))).shuffle(256, seed=0).batch(16)
    history = model.fit(pairs, epochs=3, verbose=0)
    after = translation_scores(model.translate(test), colour_transform(test))
    copy = translation_scores(test, colour_transform(test))  # the input as its own guess
    print(f"held-out L1 {before['l1']:.3f} -> {after['l1']:.3f} (copying the input: {copy['l1']:.3f})")
    assert set(history.history) == {"d_loss", "g_loss", "D(x)", "D(G(z))", "l1"}
    assert after["l1"] < 0.3 * before["l1"] and after["l1"] < 0.2 * copy["l1"]
    assert after["ssim"] > before["ssim"] and after["psnr"] > before["psnr"] + 6


def test_translate_uses_inference_mode():
    model = Pix2Pix(unet_generator(32, base_filters=8), patchgan_discriminator(32, base_filters=8))
    x = random_shapes(3)
    np.testing.assert_array_equal(model.translate(x), model.translate(x))  # dropout off
    assert not np.allclose(np.asarray(model.generator(x, training=True)), np.asarray(model.generator(x, training=True)))
    with pytest.raises(InputError, match="translate"):
        model.generate(4)


@pytest.mark.parametrize("discriminator, l1_weight, reuse_fakes", [(None, 100.0, False), ("patchgan", 0.0, False),
                                                                  ("patchgan", 0.0, True)])
def test_l1_only_and_adversarial_only_runs(discriminator, l1_weight, reuse_fakes):
    d = patchgan_discriminator(32, base_filters=4) if discriminator else None
    model = Pix2Pix(unet_generator(32, base_filters=4), d, l1_weight=l1_weight, reuse_fakes=reuse_fakes)
    model.compile(run_eagerly=True)  # the mechanics of two steps: quicker than tracing them
    x = random_shapes(8)
    history = model.fit(x, colour_transform(x), batch_size=4, epochs=1, verbose=0)
    if d is None:  # no discriminator step: the loss is the L1 alone
        assert set(history.history) == {"g_loss", "l1"} and history.history["g_loss"] == history.history["l1"]
        assert int(model.d_optimizer.iterations) == 0 and int(model.g_optimizer.iterations) == 2
    else:  # the conditional GAN alone: g_loss is the adversarial term only
        assert history.history["g_loss"][0] < 5 and int(model.d_optimizer.iterations) == 2
    assert all(np.isfinite(v[-1]) for v in history.history.values())


def test_cyclegan_one_step_updates_all_four_networks():
    nets = [unet_generator(32, 3, 1, base_filters=4, norm="instance", dropout=0),
            unet_generator(32, 1, 3, base_filters=4, norm="instance", dropout=0),
            patchgan_discriminator(32, None, 3, base_filters=4, norm="instance"),
            patchgan_discriminator(32, None, 1, base_filters=4, norm="instance")]
    model = CycleGAN(*nets, identity_weight=0, seed=0)  # grey B: no identity loss across channel counts
    model.compile(run_eagerly=True)  # two steps: quicker than tracing them (the history's graph: test above)
    before = [[w.copy() for w in net.get_weights()] for net in nets]
    a, b = random_shapes(4), random_shapes(6, seed=2)[..., :1]
    history = model.fit(unpaired_dataset(a, b, batch_size=2), epochs=1, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "cycle", "identity"}
    assert all(np.isfinite(v[-1]) for v in history.history.values()) and history.history["identity"] == [0.0]
    for old, net in zip(before, nets):
        assert any(not np.allclose(w0, w1) for w0, w1 in zip(old, net.get_weights())), net.name
    assert [int(h.count) for h in model.histories] == [4, 4]  # 2 steps x 2 fakes in each domain's history
    assert model.translate(a, "a_to_b").shape == (4, 32, 32, 1) and model.translate(b, "b_to_a").shape == (6, 32, 32, 3)
    errors = model.cycle_errors(a, b)
    assert set(errors) == {"a", "b"} and all(0 <= e < 2 for e in errors.values())


# ---------------------------------------------------------------- scores


def test_translation_scores_by_hand():
    x = np.random.default_rng(0).uniform(-1, 1, (3, 16, 16, 3)).astype("float32")
    same = translation_scores(x, x)
    assert same["l1"] == 0 and same["ssim"] == pytest.approx(1.0) and same["psnr"] == math.inf
    grey, darker = np.zeros((2, 16, 16, 1), "float32"), np.full((2, 16, 16, 1), -0.5, "float32")
    scores = translation_scores(grey, darker)  # in [0, 1]: 0.5 vs 0.25
    assert scores["l1"] == pytest.approx(0.5)
    assert scores["psnr"] == pytest.approx(10 * math.log10(1 / 0.25 ** 2), rel=1e-5)
    c1 = 0.01 ** 2  # SSIM of flat images: the luminance term alone
    assert scores["ssim"] == pytest.approx((2 * 0.5 * 0.25 + c1) / (0.5 ** 2 + 0.25 ** 2 + c1), rel=1e-3)


def test_cycle_reconstruction_error_by_hand():
    x = np.random.default_rng(0).uniform(-1, 1, (5, 4, 4, 1)).astype("float32")
    assert cycle_reconstruction_error(scaling(2.0), scaling(0.5), x) == pytest.approx(0.0, abs=1e-7)
    assert cycle_reconstruction_error(scaling(0.5), scaling(0.5), x) == pytest.approx(0.75 * np.abs(x).mean(), rel=1e-5)


# ---------------------------------------------------------------- bad input


def test_bad_pairs_are_refused_with_what_to_do():
    x = random_shapes(4)
    with pytest.raises(InputError, match="4 inputs but 3 targets"):
        check_pairs(x, x[:3])
    with pytest.raises(InputError, match="resize them to one size"):
        check_pairs(x, np.zeros((4, 64, 64, 3), "float32"))
    with pytest.raises(InputError, match=r"expected \[-1, 1\].*to_model_range"):
        check_pairs(x, (x + 1) * 127.5)
    model = Pix2Pix(unet_generator(32, base_filters=4), patchgan_discriminator(32, base_filters=4))
    model.compile()
    with pytest.raises(InputError, match=r"inputs have shape \(32, 32, 1\).*grayscale_to_rgb"):
        model.fit(x[..., :1], x, verbose=0)
    with pytest.raises(InputError, match="targets have shape"):
        model.fit(x, x[..., :1], verbose=0)
    with pytest.raises(InputError, match=r"inputs have shape \(16, 16, 3\)"):
        model.translate(x[:, :16, :16])
    with pytest.raises(InputError, match="fit\\(inputs, targets\\)"):
        model.fit(x)
    with pytest.raises(InputError, match="pairs of image batches"):
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(2))
    with pytest.raises(InputError, match=r"targets in the dataset has values in"):
        model.fit(tf.data.Dataset.from_tensor_slices((x, x * 3)).batch(2))


def test_networks_that_do_not_fit_are_refused():
    g = unet_generator(32, base_filters=4)
    with pytest.raises(InputError, match="judges \\[input, output\\] pairs"):
        Pix2Pix(g, patchgan_discriminator(32, None, base_filters=4))
    with pytest.raises(InputError, match="augmenting the output"):
        Pix2Pix(g, patchgan_discriminator(32, base_filters=4), augment="translation")
    grey_to_rgb = unet_generator(32, 1, 3, base_filters=4)
    d3, d1 = (patchgan_discriminator(32, None, c, base_filters=4) for c in (3, 1))
    with pytest.raises(InputError, match="generator_ba maps"):
        CycleGAN(grey_to_rgb, g, d1, d3)
    with pytest.raises(InputError, match="discriminator_a maps"):
        CycleGAN(grey_to_rgb, unet_generator(32, 3, 1, base_filters=4), d3, d3)
    with pytest.raises(InputError, match="identity_weight=0"):
        CycleGAN(grey_to_rgb, unet_generator(32, 3, 1, base_filters=4), d1, d3)
    model = CycleGAN(g, unet_generator(32, base_filters=4), d3, d3)
    with pytest.raises(InputError, match="unpaired_dataset"):
        model.fit(random_shapes(2), random_shapes(2))
    with pytest.raises(InputError, match="direction"):
        model.translate(random_shapes(2), "forward")
