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
from ganlab.callbacks import SampleGrid, StepHistory

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
    (half / "generator.weights.npz").write_bytes(b"half a file")
    assert latest_checkpoint(checkpoints.directory).name == "ckpt-000002"
    assert Checkpoints(checkpoints.directory).restore(small_gan(seed=2)) == 2
    assert not half.exists()  # the next run in the folder gives its space back
    checkpoints.save(gan, 3)
    assert latest_checkpoint(checkpoints.directory).name == "ckpt-000003"


def test_a_different_architecture_is_refused_and_the_checkpoint_untouched(trained):
    _, checkpoints, _ = trained
    before = folder_bytes(checkpoints.directory)
    with pytest.raises(InputError, match=r"different generator: dcgan_generator .* -> \(28, 28, 1\)"):
        Checkpoints(checkpoints.directory).restore(small_gan(width=16))
    with pytest.raises(InputError, match="EMA"):  # the same networks, but no EMA generator
        Checkpoints(checkpoints.directory).restore(small_gan(ema=None))
    assert folder_bytes(checkpoints.directory) == before


def flip_a_byte(path: Path) -> None:
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))


def drop_field(path: Path, field: str) -> None:
    state = json.loads(path.read_text())
    del state[field]
    path.write_text(json.dumps(state))


DAMAGE = {  # every kind goes through the same path: set aside, fall back to the one before
    "weights flipped": lambda ckpt: flip_a_byte(ckpt / "generator.weights.npz"),
    "weights deleted": lambda ckpt: (ckpt / "discriminator.weights.npz").unlink(),
    "optimizer truncated": lambda ckpt: (ckpt / "d_optimizer.npz").write_bytes(b"PK"),
    "state truncated": lambda ckpt: (ckpt / "state.json").write_text((ckpt / "state.json").read_text()[:100]),
    "state missing": lambda ckpt: (ckpt / "state.json").unlink(),
    "state without its file list": lambda ckpt: drop_field(ckpt / "state.json", "files"),
    "state without its epoch": lambda ckpt: drop_field(ckpt / "state.json", "epoch"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=str)
def test_a_damaged_latest_is_set_aside_and_the_one_before_is_used(trained, damage, capsys):
    gan, checkpoints, _ = trained
    DAMAGE[damage](checkpoints.directory / "ckpt-000002")
    damaged, intact = folder_bytes(checkpoints.directory / "ckpt-000002"), folder_bytes(checkpoints.directory / "ckpt-000001")
    again = Checkpoints(checkpoints.directory)
    assert again.restore(small_gan(seed=3)) == 1
    note = capsys.readouterr().out.strip()
    assert note.splitlines() == [note] and "ckpt-000002" in note and "set aside as damaged-ckpt-000002" in note
    assert folder_bytes(checkpoints.directory / "damaged-ckpt-000002") == damaged  # renamed, never changed
    assert folder_bytes(checkpoints.directory / "ckpt-000001") == intact
    again.save(gan, 2)  # the resumed run writes epoch 2 again: the damaged copy stays where it was put
    assert (checkpoints.directory / "damaged-ckpt-000002").is_dir()
    assert [p.name for p in complete_checkpoints(checkpoints.directory)] == ["ckpt-000001", "ckpt-000002"]


def test_when_every_checkpoint_is_damaged_training_starts_over_and_keeps_them(trained, capsys):
    _, checkpoints, _ = trained
    for folder in complete_checkpoints(checkpoints.directory):
        flip_a_byte(folder / "ema_generator.weights.npz")
    assert Checkpoints(checkpoints.directory).restore(small_gan(seed=3)) == 0
    assert capsys.readouterr().out.count("set aside") == 2
    assert sorted(p.name for p in checkpoints.directory.iterdir() if p.is_dir()) == \
        ["damaged-ckpt-000001", "damaged-ckpt-000002"]


def test_read_state_names_the_damaged_file(trained):
    _, checkpoints, _ = trained
    flip_a_byte(checkpoints.directory / "ckpt-000002" / "generator.weights.npz")
    with pytest.raises(CheckpointError, match=r"generator\.weights\.npz is missing or does not match its recorded checksum"):
        read_state(checkpoints.directory / "ckpt-000002")


def test_the_per_step_history_survives_any_number_of_resumes(tmp_path):
    gan, steps = small_gan(), StepHistory()
    gan.fit(dataset(), epochs=2, callbacks=[steps, Checkpoints(tmp_path, step_history=steps)], verbose=0)
    first = {name: list(values) for name, values in steps.history.items()}
    for stop in (3, 5):  # two resumes, each in a new process's worth of objects
        gan, steps = small_gan(seed=stop), StepHistory()
        checkpoints = Checkpoints(tmp_path, step_history=steps)
        start = checkpoints.restore(gan)
        gan.fit(dataset(), epochs=stop, initial_epoch=start, callbacks=[steps, checkpoints], verbose=0)
    assert all(len(values) == 5 * 3 for values in steps.history.values())  # 5 epochs of 3 steps
    for name, values in first.items():
        np.testing.assert_allclose(steps.history[name][:6], values, rtol=1e-6)


def test_a_failed_save_gives_its_space_back_and_keeps_the_earlier_ones(trained, monkeypatch):
    import errno

    from ganlab import checkpoints as module

    gan, checkpoints, _ = trained
    before = folder_bytes(checkpoints.directory)

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(module, "_write_contents", disk_full)
    with pytest.raises(OSError):
        checkpoints.save(gan, 3)
    assert folder_bytes(checkpoints.directory) == before  # no partial folder holds on to the space
    assert not list(checkpoints.directory.glob(".partial-*"))
    monkeypatch.undo()
    assert checkpoints.save(gan, 3).name == "ckpt-000003"  # space is back: it saves again


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
    with np.load(latest / "generator.weights.npz") as saved:
        reference.set_weights([saved[f"arr_{i}"] for i in range(len(saved.files))])
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


def test_a_checkpoint_with_keras_h5_weights_from_before_still_restores(trained):
    from ganlab._files import sha256

    gan, checkpoints, _ = trained
    folder = latest_checkpoint(checkpoints.directory)
    state = json.loads((folder / "state.json").read_text())
    for name in ("generator", "discriminator", "ema_generator"):  # rewrite it as ganlab wrote it before
        (folder / f"{name}.weights.npz").unlink()
        del state["files"][f"{name}.weights.npz"]
        getattr(gan, name).save_weights(folder / f"{name}.weights.h5")
        state["files"][f"{name}.weights.h5"] = sha256(folder / f"{name}.weights.h5")
    (folder / "state.json").write_text(json.dumps(state))
    fresh = small_gan(seed=5)
    assert Checkpoints(checkpoints.directory).restore(fresh) == 2
    for a, b in zip(gan.ema_generator.get_weights(), fresh.ema_generator.get_weights()):
        np.testing.assert_array_equal(a, b)
