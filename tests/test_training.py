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
from ganlab.training import METRIC_NAMES, NaNGuard, SampleGrid, StepHistory, default_optimizer


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
    gan._update_ema()
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
