"""benchmarks/dcgan_throughput.py refuses bad settings in one line, before any training."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "dcgan_throughput.py"


@pytest.mark.parametrize("arguments, message", [
    (["--d-hidden", "-1"], "--d-hidden must be 0"),
    (["--seconds", "0"], "--seconds and --eval-every must be positive"),
    (["--ganlab-only"], "--ganlab-only is for --mode quality"),
])
def test_bad_settings_are_refused_in_one_line(arguments, message):
    result = subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
