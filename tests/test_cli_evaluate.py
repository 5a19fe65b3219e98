"""`python -m ganlab evaluate RUN_DIR`: a table of scores, JSON when asked, and one-line refusals."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from ganlab import cli
from ganlab.metrics import features
from ganlab.metrics.features import Recipe


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, mnist_source):
    """A dense GAN trained for one epoch on 256 digits, as a learner trains one."""
    out = tmp_path_factory.mktemp("runs") / "dense1"
    result = subprocess.run([sys.executable, "-m", "ganlab", "train", "dense", "--out", str(out), "--epochs", "1",
                             "--n-images", "256", "--batch-size", "64"], capture_output=True, text=True,
                            env=dict(os.environ, GANLAB_PROFILE="quick"), timeout=300)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def cached_network(mnist_feature_net, monkeypatch):
    """evaluate's feature_network("mnist") finds the session's one-epoch network in its cache."""
    monkeypatch.setenv("GANLAB_CACHE_DIR", str(mnist_feature_net.folder))
    monkeypatch.setitem(features.RECIPES, "mnist", Recipe(epochs=1, max_shift=2))


@pytest.fixture
def no_loading(monkeypatch):
    """Fail if the command loads the generator before it has checked its arguments."""
    monkeypatch.setattr(cli, "_load_generator", lambda path: pytest.fail("loaded the generator first"))


def run(*args) -> int:
    return cli.main(["evaluate", *map(str, args)])


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("ganlab: error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_evaluate_prints_the_table_and_saves_the_scores(tiny_run, cached_network, tmp_path, capsys):
    target = tmp_path / "scores" / "dense1.json"
    assert run(tiny_run, "--metrics", "fd,classes", "--n", "300", "--json", target) == 0
    out = capsys.readouterr().out
    assert "| metric" in out and "real baseline" in out and "| FD" in out and "| classes made" in out
    assert "300 samples (seed 1) against 300 reference images" in out and f"Saved the scores to {target}" in out
    assert "Note:" not in out  # 256 training images: all in the train part
    saved = json.loads(target.read_text())
    assert saved["n"] == 300 and saved["dataset"] == "mnist" and saved["metrics"] == ["fd", "classes"]
    assert set(saved["scores"]) == {"fd", "class_coverage", "classifier_score"}
    assert saved["scores"]["fd"]["generated"] > saved["scores"]["fd"]["real"]  # one epoch of training: far off
    assert [p.name for p in target.parent.iterdir()] == ["dense1.json"]  # no partial file left


def test_a_run_that_saw_reference_images_gets_a_note(tiny_run, cached_network, tmp_path, capsys):
    copy = tmp_path / "run"
    shutil.copytree(tiny_run, copy)
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps(dict(config, n_images=9000)))
    assert run(copy, "--metrics", "kid", "--n", "200") == 0
    assert "Note: this run trained on 9,000 images, more than the 8,000" in capsys.readouterr().out


def test_an_existing_json_file_is_never_overwritten(tiny_run, tmp_path, no_loading, capsys):
    target = tmp_path / "scores.json"
    target.write_bytes(b"precious")
    assert run(tiny_run, "--json", target) == 1
    assert "already exists; choose another --json" in one_line_error(capsys)
    assert target.read_bytes() == b"precious"


@pytest.mark.parametrize("args, says", [
    (["--json", "{tmp}/a_file/scores.json"], "Cannot write to"),
    (["--json", "{tmp}/scores.txt"], "--json must be a .json file"),
    (["--metrics", "fd,fid"], "Unknown metric(s) 'fid'; choose from: fd, kid, precision_recall"),
    (["--n", "50"], "fd needs at least 129 samples"),
    (["--n", "0"], "--n must be at least 1"),
])
def test_bad_arguments_are_one_line_before_any_work(args, says, tiny_run, tmp_path, no_loading, capsys):
    (tmp_path / "a_file").write_text("mine")
    assert run(tiny_run, *[arg.format(tmp=tmp_path) for arg in args]) == 2
    assert says in one_line_error(capsys)
    assert (tmp_path / "a_file").read_text() == "mine"


def test_a_folder_that_is_no_run_is_one_line(tmp_path, capsys):
    assert run(tmp_path) == 2
    assert "holds no generator.keras" in one_line_error(capsys)


def test_a_damaged_generator_is_one_line_and_left_alone(tiny_run, tmp_path):
    copy = tmp_path / "run"
    copy.mkdir()
    shutil.copy(tiny_run / "config.json", copy / "config.json")
    (copy / "generator.keras").write_bytes(b"PK\x03\x04 not a whole zip")
    result = subprocess.run([sys.executable, "-m", "ganlab", "evaluate", str(copy), "--json", str(tmp_path / "s.json")],
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stderr.splitlines() if line.startswith("ganlab: error:")]
    assert result.returncode == 1 and "Traceback" not in result.stderr and len(lines) == 1, result.stderr
    assert "generator.keras cannot be loaded: it is damaged" in lines[0]
    assert (copy / "generator.keras").read_bytes() == b"PK\x03\x04 not a whole zip"
    assert not (tmp_path / "s.json").exists()
