"""Helpers for the tests of the scripts in benchmarks/: load one as a module, and a stand-in
for the MNIST classifier so that a tiny run is measured without training one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_script(name: str):
    """benchmarks/<name>.py as a module (its main() is not run), with benchmarks/ on sys.path as when run."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class StubClassifier:
    """Calls every image a 3 with probability 1 and records the shapes of the batches it judged."""

    held_out_accuracy = 1.0
    trained_on = "a stand-in for the tests"

    def __init__(self):
        self.batches: list[tuple[int, ...]] = []

    def probabilities(self, images) -> np.ndarray:
        images = np.asarray(images)
        self.batches.append(images.shape)
        probabilities = np.zeros((len(images), 11), "float32")  # 10 digits and "not a digit"
        probabilities[:, 3] = 1.0
        return probabilities


def use_stub_classifier(monkeypatch) -> StubClassifier:
    """Make ganlab.metrics.mnist_classifier return a StubClassifier (the scripts import it when run)."""
    import ganlab.metrics

    stub = StubClassifier()
    monkeypatch.setattr(ganlab.metrics, "mnist_classifier", lambda *args, **kwargs: stub)
    return stub


def refusal(module, argv, capsys) -> str:
    """The one-line error with which ``module.parse_args(argv)`` refuses ``argv`` (exit status 2)."""
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        module.parse_args(argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "Traceback" not in error
    return error.strip().splitlines()[-1]
