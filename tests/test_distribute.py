"""ganlab.distribute: choosing a strategy, and a GAN step on two devices = one step on one device.

Two devices need a fresh TensorFlow (the CPU is split into two logical devices before
TensorFlow starts), so the equivalence checks run once, in a subprocess, and the tests
read its JSON report.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# float32 sums taken in another order (two half-batch gradients added, batch norm's
# E[x^2] - E[x]^2 over two shares) differ in the last bits: at most 1.2e-7 was measured. A
# loss not divided among the replicas, or per-device batch-norm statistics, put the weights
# 5e-3 to 0.2 off, so 1e-5 leaves about two orders of magnitude on each side.
TOLERANCE = 1e-5
MIN_MOVE = 1e-3  # the step must really move the weights, or equal weights would prove nothing

TWO_DEVICES = textwrap.dedent("""
    import json, sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras, numpy as np
    from ganlab.distribute import choose_strategy, describe_strategy
    from ganlab.models import dcgan_discriminator, dcgan_generator, dense_discriminator, dense_generator
    from ganlab.training import GAN

    B, LATENT = 8, 8  # global batch: 4 images per device on two devices
    PARTS = ("generator", "discriminator")

    class FixedNoiseGAN(GAN):
        # The noise comes with the data, so one device and two draw exactly the same.
        def generate_fakes(self, data, batch_size, training=True):
            return self.generator(data[1], training=training)

    MODELS = {
        "dense": lambda: (dense_generator(LATENT, units=(16, 32)), dense_discriminator(units=(32,))),
        "dcgan": lambda: (dcgan_generator(latent_dim=LATENT, width=8), dcgan_discriminator(width=8, hidden_units=16)),
    }

    def build(kind, reuse_fakes, weights=None):
        keras.utils.set_random_seed(1)
        generator, discriminator = MODELS[kind]()
        if weights:
            generator.set_weights(weights[0]), discriminator.set_weights(weights[1])
        gan = FixedNoiseGAN(generator, discriminator, reuse_fakes=reuse_fakes)
        # SGD: its step is proportional to the gradient, so a gradient twice too large shows;
        # Adam divides the gradient's scale out (a missing division moved weights by only 3e-5).
        gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
        return gan

    def weights(model):
        return [w.numpy() for w in model.weights]

    def max_diff(a, b):
        return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))

    rng = np.random.default_rng(0)
    data = (rng.uniform(-1, 1, (B, 28, 28, 1)).astype("float32"), rng.normal(size=(B, LATENT)).astype("float32"))
    report = {"auto": describe_strategy(choose_strategy("auto"))}
    strategy = choose_strategy("mirrored")
    report["mirrored"] = describe_strategy(strategy)
    report["same_object"] = choose_strategy("mirrored") is strategy
    for kind, reuse_fakes in (("dense", False), ("dense", True), ("dcgan", False)):
        one = build(kind, reuse_fakes)
        start = weights(one.generator), weights(one.discriminator)
        trainable = {part: [w.numpy() for w in getattr(one, part).trainable_weights] for part in PARTS}
        logs_one = one.fit(tf.data.Dataset.from_tensor_slices(data).batch(B), verbose=0).history
        with strategy.scope():
            two = build(kind, reuse_fakes, start)
        logs_two = two.fit(tf.data.Dataset.from_tensor_slices(data).batch(B), verbose=0).history
        case = report[f"{kind}, reuse_fakes={reuse_fakes}"] = {}
        for part in PARTS:  # diff: all weights, batch-norm statistics too; moved: the trained ones
            case[part] = {"diff": max_diff(weights(getattr(one, part)), weights(getattr(two, part))),
                          "moved": max_diff([w.numpy() for w in getattr(one, part).trainable_weights],
                                            trainable[part])}
        case["logs"] = max(abs(logs_one[name][0] - logs_two[name][0]) for name in logs_one)
        case["synchronized"] = {
            name: sorted({layer.synchronized for part in PARTS for layer in getattr(gan, part).layers
                          if isinstance(layer, keras.layers.BatchNormalization)})
            for name, gan in (("one", one), ("two", two))}

    # The GAN as the course trains it: its own noise, Adam (whose slots SGD lacks), a code, EMA.
    with strategy.scope():
        gan = GAN(*MODELS["dense"](), seed=3, ema_decay=0.9, latent_categories=2)
        gan.compile()
    rows = strategy.experimental_local_results(strategy.run(tf.function(lambda: gan.sample_noise(4))))
    report["noise_replicas_differ"] = bool(np.abs(rows[0].numpy() - rows[1].numpy()).max() > 0.1)
    try:
        logs = gan.fit(tf.data.Dataset.from_tensor_slices(data[0]).batch(B), verbose=0).history
        report["default_fit"] = {name: values[0] for name, values in logs.items()}
    except Exception as error:  # shown by the test that needs it; the other checks stand
        report["default_fit"] = f"{type(error).__name__}: {' '.join(str(error).split())[:400]}"
    print("REPORT" + json.dumps(report))
""")


@pytest.fixture(scope="module")
def two_devices():
    """The subprocess's report: weight differences one device vs two, per model and step."""
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "-1", "PYTHONPATH": str(ROOT), "GANLAB_STRATEGY": "",
           "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": "tensorflow"}
    done = subprocess.run([sys.executable, "-c", TWO_DEVICES], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("REPORT")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT"):])


@pytest.mark.parametrize("case", ["dense, reuse_fakes=False", "dense, reuse_fakes=True", "dcgan, reuse_fakes=False"])
def test_a_step_on_two_devices_equals_a_step_on_one(two_devices, case):
    result = two_devices[case]
    for part in ("generator", "discriminator"):
        assert result[part]["moved"] > MIN_MOVE, (part, result)
        assert result[part]["diff"] < TOLERANCE, (part, result)  # weights and batch-norm statistics
    assert result["logs"] < TOLERANCE, result  # d_loss, g_loss, D(x), D(G(z)) as on one device


@pytest.mark.parametrize("case", ["dense, reuse_fakes=False", "dcgan, reuse_fakes=False"])
def test_batch_norm_is_synchronized_only_on_several_replicas(two_devices, case):
    # whole-batch statistics on two devices; on one, the plain layer (the same numbers as before)
    assert two_devices[case]["synchronized"] == {"one": [False], "two": [True]}


def test_each_device_draws_its_own_noise(two_devices):
    assert two_devices["noise_replicas_differ"]  # else the batch holds each fake twice


def test_the_default_gan_trains_on_two_devices(two_devices):
    logs = two_devices["default_fit"]
    assert isinstance(logs, dict), logs  # else the error fit raised
    assert sorted(logs) == ["D(G(z))", "D(x)", "d_loss", "g_loss"]
    assert all(0.0 < value < 10.0 for value in logs.values()), logs


def test_mirrored_over_two_logical_cpus(two_devices):
    assert two_devices["mirrored"] == ("MirroredStrategy over 2 devices (CPU:0, CPU:1): "
                                       "each step splits the batch between them")
    assert two_devices["same_object"]  # a second MirroredStrategy would break the next fit
    assert two_devices["auto"] == "one device (CPU:0)"  # auto mirrors GPUs only


# ------------------------------------------------------------------ in this process: one device


def test_auto_and_one_give_the_default_strategy_without_several_gpus():
    import tensorflow as tf

    from ganlab.device import gpu_names
    from ganlab.distribute import choose_strategy, describe_strategy

    assert choose_strategy("one") is tf.distribute.get_strategy()
    assert describe_strategy(choose_strategy("one")).startswith("one device (")
    if len(gpu_names()) < 2:
        assert choose_strategy("auto") is tf.distribute.get_strategy()
    else:
        assert choose_strategy("auto").num_replicas_in_sync == len(gpu_names())


def test_strategy_comes_from_the_environment(monkeypatch):
    import tensorflow as tf

    from ganlab.distribute import choose_strategy
    from ganlab.errors import InputError

    monkeypatch.setenv("GANLAB_STRATEGY", "one")
    assert choose_strategy() is tf.distribute.get_strategy()
    monkeypatch.setenv("GANLAB_STRATEGY", "mirored")
    with pytest.raises(InputError, match="GANLAB_STRATEGY=mirored is not a strategy: set it to auto, mirrored"):
        choose_strategy()
    with pytest.raises(InputError, match="strategy must be 'auto', 'mirrored' or 'one', not 'two'"):
        choose_strategy("two")


def test_mirrored_on_one_device_says_what_to_do(monkeypatch):
    import tensorflow as tf

    from ganlab.distribute import choose_strategy
    from ganlab.errors import InputError

    if len(tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")) > 1:
        pytest.skip("this machine shows several devices")
    monkeypatch.setenv("GANLAB_STRATEGY", "mirrored")
    with pytest.raises(InputError, match=r"GANLAB_STRATEGY=mirrored needs at least two devices; "
                                         r"this machine shows one \((CPU|GPU):0\)\. Unset it"):
        choose_strategy()
