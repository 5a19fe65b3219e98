"""A disk that fills up during a run: one line, the earlier checkpoints intact, and the run resumes.

A real small filesystem (tmpfs) where this machine allows mounting one (root with the
capability, as in CI's containers); elsewhere it is skipped, and the simulated full disk of
test_checkpoints.py / test_cli.py still runs.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ganlab.checkpoints import latest_checkpoint, read_state


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({done.stderr.strip() or 'mount failed'})")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """A ballast file that leaves only ``leave`` bytes free on ``disk``."""
    stat = os.statvfs(disk)
    ballast = disk / "ballast"
    with open(ballast, "wb") as f:
        os.posix_fallocate(f.fileno(), 0, stat.f_bavail * stat.f_frsize - leave)
    return ballast


def train(out: Path, *extra) -> subprocess.Popen:
    command = [sys.executable, "-m", "ganlab", "train", "dcgan", "--out", str(out), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, GANLAB_PROFILE="quick"))


@pytest.mark.slow
def test_a_disk_full_at_a_checkpoint_is_one_line_keeps_the_earlier_ones_and_resumes(small_disk, mnist_source):
    out = small_disk / "run"
    run = train(out, "--epochs", "400", "--n-images", "256", "--batch-size", "64", "--width", "8")
    deadline = time.time() + 240
    while latest_checkpoint(out / "checkpoints") is None and run.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, run.communicate()[1][-2000:]
    ballast = fill(small_disk, leave=64 * 1024)  # room for a sample grid, not for a checkpoint
    _, stderr = run.communicate(timeout=240)

    assert run.returncode == 1, stderr[-2000:]
    errors = [line for line in stderr.splitlines() if line.startswith("ganlab: error:")]
    assert "Traceback" not in stderr and len(errors) == 1, stderr[-2000:]
    assert "the disk is full" in errors[0] and "--resume" in errors[0]
    kept = latest_checkpoint(out / "checkpoints")
    epoch = read_state(kept)["epoch"]  # intact: every file matches its checksum
    assert not list((out / "checkpoints").glob(".partial-*")), "a failed checkpoint kept its space"

    ballast.unlink()  # space returns
    resumed = train(out, "--resume", "--epochs", str(epoch + 2))
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr[-2000:]
    assert read_state(latest_checkpoint(out / "checkpoints"))["epoch"] == epoch + 2
    assert (out / "generator.keras").is_file()
