"""TensorFlow's start-up messages stay out of a learner's way; TF_CPP_MIN_LOG_LEVEL brings them back.

In JupyterLab they showed in red under the first code cell (absl, oneDNN, "Could not find cuda
drivers", "failed call to cuInit ... (303)") and above the DCGAN's live plot ("remapper failed").
"""

import os
import platform
import re
import subprocess
import sys

import pytest

from ganlab._quiet import shown

# A fresh interpreter, as a notebook's kernel starts: ganlab first, then one TensorFlow operation
# (the first one starts the runtime, which looks for a GPU: "failed call to cuInit"), then two
# DCGAN steps (where grappler's remapper gives up on a graph: "remapper failed").
SCRIPT = """
import ganlab, numpy as np, tensorflow as tf
print(int(tf.constant(1) + 1))
from ganlab.models import dcgan_discriminator, dcgan_generator
gan = ganlab.GAN(dcgan_generator(width=4), dcgan_discriminator(width=4), seed=0)
gan.compile()
gan.fit(ganlab.make_dataset(np.zeros((64, 28, 28, 1), np.float32), 32), epochs=1, verbose=0)
"""
TF_LOG_LINE = re.compile(r"^([IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+\]|\d{4}-\d\d-\d\d .*: [IWEF] \S+\]|WARNING: All log)",
                         re.M)

CAUGHT = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796291297.384452   15372 port.cc:153] oneDNN custom operations are on. You may see ...
I0000 00:00:1796291297.427472   15372 cpu_feature_guard.cc:227] This TensorFlow binary is optimized ...
To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow ...
W0000 00:00:1796291297.5   15372 some.cc:1] a warning
2025-09-17 14:44:05.157831: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:467] Unable to register cuFFT
  continued
F0000 00:00:1796291297.6   15372 fatal.cc:9] the process stops here
Traceback (most recent call last):
"""


def start(level: str | None) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name != "TF_CPP_MIN_LOG_LEVEL"}
    if level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = level
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "2", done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def verbose_start():
    done = start("0")
    if not TF_LOG_LINE.search(done.stderr):
        # Linux x86-64 wheels turn oneDNN on and say so; elsewhere TensorFlow may have nothing to say.
        assert not (sys.platform == "linux" and platform.machine() == "x86_64"), (
            f"With TF_CPP_MIN_LOG_LEVEL=0 TensorFlow printed no message: the user's level was not applied.\n"
            f"{done.stderr[-2000:]}")
        pytest.skip("this TensorFlow build prints no start-up messages, even with TF_CPP_MIN_LOG_LEVEL=0")
    return done.stderr


def test_tensorflow_starts_silently_by_default(verbose_start):
    stderr = start(None).stderr
    assert not TF_LOG_LINE.search(stderr), f"TensorFlow's start-up messages reached the learner:\n{stderr}"
    for text in ("oneDNN", "cuda drivers", "cuInit", "absl::InitializeLog", "rebuild TensorFlow", "remapper"):
        assert text not in stderr


def test_tf_cpp_min_log_level_0_shows_them(verbose_start):
    assert "absl::InitializeLog" in verbose_start
    assert re.search(r"^I\d{4} .*\] ", verbose_start, re.M)  # INFO messages, e.g. oneDNN's
    if "cuda drivers" in verbose_start:  # a TensorFlow built with CUDA, on a machine without a GPU
        assert "failed call to cuInit" in verbose_start
    if "remapper" in verbose_start:  # grappler's remapper gives up on the DCGAN's graph on some CPUs only
        assert re.search(r"^E\d{4} .*remapper failed", verbose_start, re.M)  # an ERROR, harmless: see ganlab/_quiet.py


def test_the_users_level_applies_to_the_messages_printed_while_loading():
    assert shown(CAUGHT, 0) == CAUGHT
    at_2 = shown(CAUGHT, 2)
    assert "oneDNN" not in at_2 and "rebuild TensorFlow" not in at_2 and "a warning" not in at_2
    assert "Unable to register cuFFT\n  continued\n" in at_2  # an ERROR and its continuation line
    assert shown(CAUGHT, 3) == ("F0000 00:00:1796291297.6   15372 fatal.cc:9] the process stops here\n"
                                "Traceback (most recent call last):\n")  # FATAL, and what is no log line
    assert "absl::InitializeLog" in shown(CAUGHT, 1) and "oneDNN" not in shown(CAUGHT, 1)


def test_ganlab_keeps_the_users_level_and_defaults_to_3(monkeypatch):
    from ganlab._quiet import log_level

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    assert log_level() == 1 and os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL")
    assert log_level() == 3 and os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
