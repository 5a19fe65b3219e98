import numpy as np
import pytest
import tensorflow as tf

import keras
from ganlab import GAN
from ganlab.data import make_dataset, toy_data
from ganlab.errors import InputError
from ganlab.losses import GANLoss, bce_discriminator
from ganlab.metrics import moments
from ganlab.models import dense_discriminator, dense_generator, toy_discriminator, toy_generator
from ganlab.callbacks import NaNGuard, SampleGrid, StepHistory
from ganlab.optimizers import default_optimizer
from ganlab.training import METRIC_NAMES, update_moving_average


def toy_stream(n=20_000, batch_size=128, seed=0):
    x = toy_data(n, mean=4.0, std=1.25, seed=seed)
    return tf.data.Dataset.from_tensor_slices(x).shuffle(n, seed=seed).batch(batch_size).repeat()


def toy_gan(seed=0, loss="non_saturating", lr=1e-3):
    keras.utils.set_random_seed(seed)
    gan = GAN(toy_generator(), toy_discriminator(), seed=seed)
    gan.compile(g_optimizer=default_optimizer(lr), d_optimizer=default_optimizer(lr), loss=loss)
    return gan


@pytest.mark.slow
def test_toy_gan_learns_the_data_distribution():
    """The generated mean moves from ~0 to the data's 4.0, the spread to the data's 1.25."""
    gan = toy_gan()
    before_mean, _ = moments(gan.generate(4000))
    assert abs(before_mean - 4.0) > 2.0  # an untrained generator is far off
    gan.fit(toy_stream(), epochs=1, steps_per_epoch=1500, verbose=0)
    mean, std = moments(gan.generate(20_000))
    assert abs(mean - 4.0) < 0.25, mean
    assert abs(std - 1.25) < 0.35, std


def test_history_has_the_four_metrics_once():
    gan = toy_gan()
    history = gan.fit(toy_stream(), epochs=2, steps_per_epoch=5, verbose=0)
    assert sorted(history.history) == sorted(METRIC_NAMES)
    for name in ("D(x)", "D(G(z))"):  # probabilities for the cross-entropy losses
        assert all(0.0 <= v <= 1.0 for v in history.history[name])


def test_discriminator_sees_real_data_and_generator_sees_discriminator():
    gan = toy_gan()
    d_before = [w.copy() for w in gan.discriminator.get_weights()]
    g_before = [w.copy() for w in gan.generator.get_weights()]
    gan.fit(toy_stream(), epochs=1, steps_per_epoch=3, verbose=0)
    changed = lambda a, b: any(not np.allclose(x, y) for x, y in zip(a, b))  # noqa: E731
    assert changed(d_before, gan.discriminator.get_weights())
    assert changed(g_before, gan.generator.get_weights())
    assert int(gan.d_optimizer.iterations) == 3 and int(gan.g_optimizer.iterations) == 3


def test_step_history_recovers_each_step_from_running_means():
    gan = toy_gan()
    steps = StepHistory()
    history = gan.fit(toy_stream(), epochs=2, steps_per_epoch=7, verbose=0, callbacks=[steps])
    for name in METRIC_NAMES:
        values = np.array(steps.history[name])
        assert len(values) == 14
        # each epoch's mean of the recovered steps is the epoch value Keras logged
        np.testing.assert_allclose(values.reshape(2, 7).mean(axis=1), history.history[name], rtol=1e-4, atol=1e-5)
    assert np.std(steps.history["d_loss"]) > 0  # real step-to-step values, not one constant


def test_sample_grid_uses_fixed_noise(tmp_path):
    gan = toy_gan()
    grid = SampleGrid(n=8, out_dir=None)
    gan.fit(toy_stream(), epochs=3, steps_per_epoch=2, verbose=0, callbacks=[grid])
    assert grid.epochs == [0, 1, 2, 3]
    assert all(g.shape == (8, 1) for g in grid.grids)
    np.testing.assert_allclose(gan.generate(noise=grid.noise), grid.grids[-1], rtol=1e-5)


def test_sample_grid_saves_pngs(tmp_path):
    keras.utils.set_random_seed(0)
    gan = GAN(dense_generator(units=(16,)), dense_discriminator(units=(16,)), seed=0)
    gan.compile()
    images = np.zeros((16, 28, 28, 1), "float32")
    gan.fit(make_dataset(images, 8), epochs=2, verbose=0, callbacks=[SampleGrid(n=4, out_dir=tmp_path)])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "samples_epoch_000.png", "samples_epoch_001.png", "samples_epoch_002.png"]


def test_noise_batch_matches_a_short_last_batch():
    keras.utils.set_random_seed(0)
    gan = GAN(dense_generator(units=(16,)), dense_discriminator(units=(16,)), seed=0)
    gan.compile()
    images = np.zeros((10, 28, 28, 1), "float32")  # batches of 4, 4 and 2
    gan.fit(make_dataset(images, 4), epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 3


def test_nan_guard_stops_with_advice():
    nan_loss = GANLoss("broken", bce_discriminator, lambda fake: keras.ops.mean(fake) * np.nan)
    keras.utils.set_random_seed(0)
    gan = GAN(toy_generator(), toy_discriminator(), seed=0)
    gan.compile(loss=nan_loss)
    guard = NaNGuard()
    with pytest.warns(RuntimeWarning, match="lower the learning rates"):
        gan.fit(toy_stream(), epochs=5, steps_per_epoch=10, verbose=0, callbacks=[guard])
    assert "g_loss became nan at epoch 1, step 1" in guard.message
    assert int(gan.g_optimizer.iterations) == 1  # stopped right away


def test_ema_generator_averages_weights():
    keras.utils.set_random_seed(0)
    gan = GAN(toy_generator(), toy_discriminator(), seed=0, ema_decay=0.9)
    gan.compile()
    start = [w.copy() for w in gan.generator.get_weights()]
    gan.fit(toy_stream(), epochs=1, steps_per_epoch=1, verbose=0)
    warm_up = 2 / 11  # min(0.9, (1 + t) / (10 + t)) at the first step, t = 1
    for avg, old, new in zip(gan.ema_generator.get_weights(), start, gan.generator.get_weights()):
        np.testing.assert_allclose(avg, warm_up * old + (1 - warm_up) * new, rtol=1e-4, atol=1e-6)
    gan.g_optimizer.iterations.assign(1000)  # long after the warm-up, the decay is ema_decay itself
    before = [w.copy() for w in gan.ema_generator.get_weights()]
    update_moving_average(gan.ema_generator, gan.generator, gan.ema_decay, gan.g_optimizer.iterations)
    for avg, old, new in zip(gan.ema_generator.get_weights(), before, gan.generator.get_weights()):
        np.testing.assert_allclose(avg, 0.9 * old + 0.1 * new, rtol=1e-4, atol=1e-6)
    with pytest.raises(InputError, match="ema_decay"):
        GAN(toy_generator(), toy_discriminator(), ema_decay=1.5)


def test_mismatched_models_are_rejected():
    with pytest.raises(InputError, match=r"makes samples of shape \(28, 28, 1\).*expects \(1,\)"):
        GAN(dense_generator(units=(8,)), toy_discriminator())
    with pytest.raises(InputError, match="must be a keras.Model"):
        GAN(lambda z: z, toy_discriminator())
    two_outputs = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2)])
    with pytest.raises(InputError, match="one raw score"):
        GAN(toy_generator(), two_outputs)


def test_generate_needs_n_or_noise():
    gan = toy_gan()
    with pytest.raises(InputError, match="n >= 1"):
        gan.generate()
    assert gan.generate(3).shape == (3, 1)


def test_update_moving_average_warms_up_then_uses_decay():
    from ganlab.training import update_moving_average

    model, average = toy_generator(), toy_generator()
    target, start = model.get_weights(), average.get_weights()
    update_moving_average(average, model, 0.99, step=0)  # warm-up: d = 1/10, mostly the model
    for avg, old, new in zip(average.get_weights(), start, target):
        np.testing.assert_allclose(avg, 0.1 * old + 0.9 * new, rtol=1e-5, atol=1e-6)
    before = average.get_weights()
    update_moving_average(average, model, 0.99, step=10_000)  # later: d = decay
    for avg, old, new in zip(average.get_weights(), before, target):
        np.testing.assert_allclose(avg, 0.99 * old + 0.01 * new, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ a one-hot code in the noise


def coded_gan(categories=3, gaussian=4):
    keras.utils.set_random_seed(0)
    generator = dense_generator(latent_dim=gaussian + categories, units=(8,))
    return GAN(generator, dense_discriminator(units=(8,)), seed=0, latent_categories=categories)


def test_latent_categories_end_the_noise_in_a_scaled_one_hot_code():
    from ganlab.noise import CODE_SCALE

    gan = coded_gan(categories=3)
    noise = np.asarray(gan.sample_noise(600))
    assert noise.shape == (600, 7) and gan.latent_dim == 7
    code = noise[:, 4:]
    assert np.all(np.sort(code, axis=1) == [0.0, 0.0, CODE_SCALE])  # exactly one category on per row
    shares = np.bincount(code.argmax(axis=1), minlength=3) / 600
    np.testing.assert_allclose(shares, 1 / 3, atol=0.07)  # drawn uniformly
    assert abs(noise[:, :4].mean()) < 0.1 and abs(noise[:, :4].std() - 1.0) < 0.1  # the rest stays N(0, 1)
    assert not np.array_equal(noise, np.asarray(gan.sample_noise(600)))  # fresh noise on every call


def test_the_sample_grid_noise_has_the_code_too():
    gan = coded_gan(categories=3)
    gan.compile()
    grid = SampleGrid(n=6, seed=5)
    gan.fit(make_dataset(np.zeros((16, 28, 28, 1), "float32"), 8), epochs=1, verbose=0, callbacks=[grid])
    from ganlab.noise import seed_noise

    np.testing.assert_array_equal(grid.noise, seed_noise(5, 7, 6, categories=3))
    np.testing.assert_array_equal(grid.noise, gan.fixed_noise(6, seed=5))
    np.testing.assert_allclose(gan.generate(noise=grid.noise), grid.grids[-1], atol=1e-6)


def test_without_categories_the_noise_is_plain_gaussian():
    gan = coded_gan(categories=0)
    assert gan.latent_categories == 0 and np.asarray(gan.sample_noise(5)).shape == (5, 4)
    np.testing.assert_array_equal(gan.fixed_noise(3, seed=2),
                                  np.random.default_rng(2).standard_normal((3, 4)).astype("float32"))


@pytest.mark.parametrize("categories", [-1, 7, 2.5])
def test_a_code_that_does_not_fit_the_generator_is_refused(categories):
    generator = dense_generator(latent_dim=7, units=(8,))
    with pytest.raises(InputError, match=r"latent_categories must be a whole number from 0 to 6"):
        GAN(generator, dense_discriminator(units=(8,)), latent_categories=categories)


# ------------------------------------------------------------------ reuse_fakes: one generator pass per step


def one_step_with_fixed_noise(reuse_fakes: bool):
    """One SGD step of a toy GAN whose noise is always the same batch; returns the GAN and the
    generator's and discriminator's weights before the step."""
    keras.utils.set_random_seed(0)
    gan = GAN(toy_generator(), toy_discriminator(), reuse_fakes=reuse_fakes)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.5))
    noise = np.random.default_rng(0).standard_normal((16, 4)).astype("float32")
    gan.sample_noise = lambda n: keras.ops.convert_to_tensor(noise)  # the same z for every draw
    g_before, d_before = gan.generator.get_weights(), gan.discriminator.get_weights()
    real = toy_data(16, mean=4.0, std=1.25, seed=1)
    gan.fit(tf.data.Dataset.from_tensor_slices(real).batch(16), epochs=1, verbose=0)
    return gan, g_before, d_before, noise


def generator_step_through(discriminator_weights, g_before, noise):
    """The generator's SGD(0.5) step on the non-saturating loss through D with the given weights."""
    generator, discriminator = toy_generator(), toy_discriminator()
    generator.set_weights(g_before)
    discriminator.set_weights(discriminator_weights)
    with tf.GradientTape() as tape:
        logits = discriminator(generator(noise, training=True), training=True)
        loss = keras.ops.mean(keras.ops.softplus(-logits))  # -log sigmoid(D(G(z)))
    grads = tape.gradient(loss, generator.trainable_weights)
    return [w.numpy() - 0.5 * g.numpy() for w, g in zip(generator.trainable_weights, grads)]


def test_reuse_fakes_takes_the_generator_step_through_the_discriminator_before_its_update():
    reused, g_before, d_before, noise = one_step_with_fixed_noise(reuse_fakes=True)
    fresh, _, _, _ = one_step_with_fixed_noise(reuse_fakes=False)
    for a, b in zip(reused.discriminator.get_weights(), fresh.discriminator.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)  # the same D update either way
    expected_reused = generator_step_through(d_before, g_before, noise)
    expected_fresh = generator_step_through(fresh.discriminator.get_weights(), g_before, noise)
    for got, want in zip(reused.generator.trainable_weights, expected_reused):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-5)
    for got, want in zip(fresh.generator.trainable_weights, expected_fresh):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-5)
    difference = max(np.abs(a.numpy() - b.numpy()).max()
                     for a, b in zip(reused.generator.trainable_weights, fresh.generator.trainable_weights))
    assert difference > 1e-4  # the two steps really differ
