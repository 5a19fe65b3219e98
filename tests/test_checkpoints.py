"""Checkpoints: save, restore, refuse the wrong model, survive a kill at any moment."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from ganlab import GAN
from ganlab.checkpoints import Checkpoints, complete_checkpoints, latest_checkpoint, read_state
from ganlab.data import make_dataset
from ganlab.errors import CheckpointError, InputError
from ganlab.models import dcgan_discriminator, dcgan_generator
from ganlab.noise import NoiseLayout
from ganlab.callbacks import SampleGrid

IMAGES = np.random.default_rng(0).uniform(-1, 1, (96, 28, 28, 1)).astype("float32")


def small_gan(width=8, seed=0, ema=0.9, categories=0):
    keras.utils.set_random_seed(seed)
    noise = NoiseLayout(categories=categories)
    gan = GAN(dcgan_generator(latent_dim=noise.dim, width=width), dcgan_discriminator(width=width),
              seed=seed, ema_decay=ema, latent_categories=categories)
    gan.compile()
    return gan


def dataset():
    return make_dataset(IMAGES, 32, shuffle=False)  # 3 steps per epoch, same order every epoch


def folder_bytes(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def trained(tmp_path):
    """A GAN trained 2 epochs with checkpoints after each: (gan, Checkpoints, SampleGrid)."""
    gan, grids = small_gan(), SampleGrid(n=4)
    checkpoints = Checkpoints(tmp_path / "ckpt", sample_grid=grids)
    gan.fit(dataset(), epochs=2, callbacks=[grids, checkpoints], verbose=0)
    return gan, checkpoints, grids


def test_restore_brings_back_weights_optimizers_noise_and_history(trained):
    gan, checkpoints, grids = trained
    assert [p.name for p in complete_checkpoints(checkpoints.directory)] == ["ckpt-000001", "ckpt-000002"]
    fresh, fresh_grids = small_gan(seed=1), SampleGrid(n=4, seed=99)
    start = Checkpoints(checkpoints.directory, sample_grid=fresh_grids).restore(fresh)
    assert start == 2
    for name in ("generator", "discriminator", "ema_generator"):
        for a, b in zip(getattr(gan, name).get_weights(), getattr(fresh, name).get_weights()):
            np.testing.assert_array_equal(a, b)
    assert int(fresh.g_optimizer.iterations) == int(gan.g_optimizer.iterations) == 6
    for a, b in zip(gan.d_optimizer.variables, fresh.d_optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    np.testing.assert_array_equal(fresh_grids.noise, grids.noise)
    assert fresh_grids.epochs == [0, 1, 2] and len(fresh_grids.grids) == 3


def test_resumed_training_continues_exactly_where_it_stopped(tmp_path):
    """2 epochs + restore into a new process-like GAN + 1 epoch == 3 epochs straight through."""
    straight = small_gan()
    straight.fit(dataset(), epochs=3, verbose=0)

    first = small_gan()
    first.fit(dataset(), epochs=2, callbacks=[Checkpoints(tmp_path / "c")], verbose=0)
    resumed = small_gan(seed=5)
    checkpoints = Checkpoints(tmp_path / "c")
    start = checkpoints.restore(resumed)
    resumed.fit(dataset(), epochs=3, initial_epoch=start, callbacks=[checkpoints], verbose=0)
    assert int(resumed.g_optimizer.iterations) == 9
    for a, b in zip(straight.generator.get_weights(), resumed.generator.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert len(checkpoints.history["d_loss"]) == 3


def test_only_the_newest_are_kept_and_latest_points_to_the_last(tmp_path):
    gan = small_gan()
    gan.fit(dataset(), epochs=4, callbacks=[Checkpoints(tmp_path, keep=2)], verbose=0)
    assert [p.name for p in complete_checkpoints(tmp_path)] == ["ckpt-000003", "ckpt-000004"]
    assert (tmp_path / "latest").read_text() == "ckpt-000004"
    assert read_state(latest_checkpoint(tmp_path))["g_iterations"] == 12


def test_a_write_killed_halfway_is_ignored_and_cleaned_up(trained):
    gan, checkpoints, _ = trained
    half = checkpoints.directory / ".partial-ckpt-000003-12345"
    half.mkdir()
    (half / "generator.weights.h5").write_bytes(b"half a file")
    assert latest_checkpoint(checkpoints.directory).name == "ckpt-000002"
    assert Checkpoints(checkpoints.directory).restore(small_gan(seed=2)) == 2
    checkpoints.save(gan, 3)
    assert not half.exists()
    assert latest_checkpoint(checkpoints.directory).name == "ckpt-000003"


def test_a_different_architecture_is_refused_and_the_checkpoint_untouched(trained):
    _, checkpoints, _ = trained
    before = folder_bytes(checkpoints.directory)
    with pytest.raises(InputError, match=r"different generator: dcgan_generator .* -> \(28, 28, 1\)"):
        Checkpoints(checkpoints.directory).restore(small_gan(width=16))
    with pytest.raises(InputError, match="EMA"):  # the same networks, but no EMA generator
        Checkpoints(checkpoints.directory).restore(small_gan(ema=None))
    assert folder_bytes(checkpoints.directory) == before


def test_a_corrupted_file_is_detected_not_used(trained):
    _, checkpoints, _ = trained
    latest = latest_checkpoint(checkpoints.directory)
    target = latest / "generator.weights.h5"
    damaged = bytearray(target.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    target.write_bytes(bytes(damaged))
    before = folder_bytes(checkpoints.directory)
    with pytest.raises(CheckpointError, match="checksum"):
        Checkpoints(checkpoints.directory).restore(small_gan(seed=3))
    assert folder_bytes(checkpoints.directory) == before


def test_a_folder_that_is_not_a_checkpoint(tmp_path):
    (tmp_path / "ckpt-000001").mkdir()
    (tmp_path / "ckpt-000001" / "state.json").write_text(json.dumps({"format": "something else"}))
    with pytest.raises(InputError, match="not a ganlab checkpoint"):
        Checkpoints(tmp_path).restore(small_gan())
    assert Checkpoints(tmp_path / "empty").restore(small_gan()) == 0


# ---------------------------------------------------------------------- killing a real run


def start_training(out: Path, *extra) -> subprocess.Popen:
    command = [sys.executable, "-m", "ganlab", "train", "dcgan", "--out", str(out), "--epochs", "60",
               "--n-images", "256", "--batch-size", "64", "--width", "8", *extra]
    env = dict(os.environ, GANLAB_PROFILE="quick")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def kill_after_epoch(process: subprocess.Popen, checkpoints: Path, epoch: int, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and process.poll() is None:
        latest = latest_checkpoint(checkpoints)
        if latest is not None and int(latest.name.split("-")[1]) >= epoch:
            break
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()[1][-2000:]
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_continues_from_the_last_epoch(tmp_path, mnist_source):
    out = tmp_path / "run"
    kill_after_epoch(start_training(out), out / "checkpoints", epoch=3)
    latest = latest_checkpoint(out / "checkpoints")
    state = read_state(latest)  # complete and loadable after the kill
    done = state["epoch"]
    assert state["g_iterations"] == state["d_iterations"] == done * 4  # 256 images / 64 per batch

    # In-process: the restored weights are exactly the checkpoint's.
    config = json.loads((out / "config.json").read_text())
    assert config["width"] == 8 and config["latent_categories"] == 10  # the dcgan profile's code
    gan = small_gan(ema=0.99, categories=10)  # the quick profile's EMA decay
    assert Checkpoints(out / "checkpoints").restore(gan) == done
    reference = dcgan_generator(latent_dim=110, width=8)
    reference.load_weights(latest / "generator.weights.h5")
    for a, b in zip(reference.get_weights(), gan.generator.get_weights()):
        np.testing.assert_array_equal(a, b)

    # The CLI resumes from there and finishes two more epochs.
    command = [sys.executable, "-m", "ganlab", "train", "dcgan", "--out", str(out), "--resume",
               "--epochs", str(done + 2)]
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300,
                             env=dict(os.environ, GANLAB_PROFILE="quick"))
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"epoch {done + 1} to {done + 2}" in resumed.stdout
    final = read_state(latest_checkpoint(out / "checkpoints"))
    assert final["epoch"] == done + 2 and final["g_iterations"] == (done + 2) * 4
    assert len(final["history"]["d_loss"]) == done + 2
    assert (out / "generator.keras").is_file() and (out / "samples.png").is_file()


def test_a_checkpoint_of_another_model_family_is_refused(trained):
    from ganlab.models import dense_discriminator, dense_generator

    _, checkpoints, _ = trained
    before = folder_bytes(checkpoints.directory)
    dense = GAN(dense_generator(), dense_discriminator(), ema_decay=0.9)
    dense.compile()
    with pytest.raises(InputError, match="dcgan_generator .* there, dense_generator .* here"):
        Checkpoints(checkpoints.directory).restore(dense)
    assert folder_bytes(checkpoints.directory) == before


def test_mixed_precision_state_round_trips_with_its_loss_scale(tmp_path):
    """The GPU path's optimizers carry a dynamic loss scale; a resume must bring it back too."""
    from ganlab.fast_path import FastPath

    path = FastPath("test", jit_compile=False, mixed_precision=True, steps_per_execution=1, reasons=())

    def mixed_gan(seed):
        keras.utils.set_random_seed(seed)
        gan = GAN(dcgan_generator(width=8), dcgan_discriminator(width=8), seed=seed, ema_decay=0.9)
        gan.compile(d_optimizer=path.optimizer(), g_optimizer=path.optimizer())
        return gan

    try:
        path.apply()
        first, second = mixed_gan(0), mixed_gan(1)
    finally:
        keras.config.set_dtype_policy("float32")
    first.fit(dataset(), epochs=2, callbacks=[Checkpoints(tmp_path)], verbose=0)
    assert Checkpoints(tmp_path).restore(second) == 2
    names = [v.name for v in second.g_optimizer.variables]
    assert "dynamic_scale" in names
    for a, b in zip(first.g_optimizer.variables, second.g_optimizer.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_a_gan_with_another_latent_code_is_refused(trained):
    _, checkpoints, _ = trained
    before = folder_bytes(checkpoints.directory)
    keras.utils.set_random_seed(0)
    # the same generator input length (100), but 90 Gaussian numbers and a code of 10
    coded = GAN(dcgan_generator(width=8), dcgan_discriminator(width=8), ema_decay=0.9, latent_categories=10)
    coded.compile()
    assert coded.latent_dim == 100
    with pytest.raises(InputError, match="latent_categories=0, not 10"):
        Checkpoints(checkpoints.directory).restore(coded)
    assert folder_bytes(checkpoints.directory) == before


def test_a_checkpoint_from_before_the_latent_code_still_restores(trained):
    gan, checkpoints, _ = trained
    state_file = latest_checkpoint(checkpoints.directory) / "state.json"
    state = json.loads(state_file.read_text())
    del state["architecture"]["latent_categories"]  # as written before the code existed
    state_file.write_text(json.dumps(state))
    fresh = small_gan(seed=1)
    assert Checkpoints(checkpoints.directory).restore(fresh) == 2
    np.testing.assert_array_equal(fresh.generator.get_weights()[0], gan.generator.get_weights()[0])
