"""benchmarks/dense_mnist_quality.py refuses bad settings in one line, before any training."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "dense_mnist_quality.py"


@pytest.mark.parametrize("arguments, message", [
    (["--d-dropout", "1.5"], "--d-dropout is a rate"),
    (["--categories", "-2"], "--categories must be 0 or more"),
    (["--ema-decay", "1.0"], "--ema-decay must be between 0 and 1"),
])
def test_bad_settings_are_refused_in_one_line(arguments, message):
    result = subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
