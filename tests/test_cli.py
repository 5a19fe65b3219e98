"""The command line, run as a learner runs it: `python -m ganlab ...` in a subprocess."""

import os
import subprocess
import sys

import numpy as np
import pytest


def ganlab(*args, cwd=None, **variables):
    env = dict(os.environ, GANLAB_PROFILE="quick", **variables)
    return subprocess.run([sys.executable, "-m", "ganlab", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def assert_one_line_error(result, *fragments):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("ganlab: error:")]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, mnist_source):
    out = tmp_path_factory.mktemp("runs") / "dense1"
    result = ganlab("train", "dense", "--dataset", "mnist", "--out", out, "--epochs", "2",
                    "--n-images", "512", "--batch-size", "64")
    assert result.returncode == 0, result.stderr
    return out, result


def test_train_saves_generator_history_and_samples(trained_run):
    out, result = trained_run
    assert {p.name for p in out.iterdir()} == {"generator.keras", "history.json", "config.json",
                                               "samples.png", "grids", "checkpoints"}
    assert sorted(p.name for p in (out / "grids").iterdir())[-1] == "samples_epoch_002.png"
    assert "Training the dense GAN on 512 mnist images, epoch 1 to 2, batch 64" in result.stdout
    import json

    history = json.loads((out / "history.json").read_text())
    assert len(history["epochs"]["d_loss"]) == 2 and len(history["steps"]["g_loss"]) == 16


def test_sample_writes_images_in_range(trained_run, tmp_path):
    out, _ = trained_run
    target = tmp_path / "samples.npy"
    result = ganlab("sample", out, "--n", "10", "--out", target)
    assert result.returncode == 0, result.stderr
    images = np.load(target)
    assert images.shape == (10, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1 and images.std() > 0.01


def test_sample_never_overwrites(trained_run, tmp_path):
    out, _ = trained_run
    target = tmp_path / "mine.npy"
    target.write_bytes(b"precious")
    assert_one_line_error(ganlab("sample", out, "--n", "2", "--out", target), "already exists")
    assert target.read_bytes() == b"precious"


def test_existing_run_folder_is_left_untouched(trained_run):
    out, _ = trained_run
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    result = ganlab("train", "dense", "--out", out, "--epochs", "1", "--n-images", "64")
    assert_one_line_error(result, "already holds a run", "--resume", "or choose a new --out")
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


@pytest.mark.parametrize("args, fragments", [
    (["train", "dcgan9", "--out", "x"], ["invalid choice: 'dcgan9'", "--help"]),
    (["train", "dense", "--dataset", "cifar", "--out", "x"], ["invalid choice: 'cifar'"]),
    (["train", "dense"], ["--out"]),
    (["train", "dense", "--out", "x", "--epochs", "0"], ["--epochs must be at least 1"]),
    (["train", "dense", "--out", "x", "--epochs", "two"], ["invalid int value: 'two'"]),
    (["train", "dense", "--out", "x", "--loss", "l2"], ["Unknown GAN loss 'l2'"]),
    (["sample", "nowhere", "--n", "3", "--out", "s.npy"], ["holds no generator.keras"]),
    (["sample", "nowhere", "--n", "3", "--out", "s.txt"], ["must be a .npy file"]),
    (["sample", "nowhere", "--n", "-1", "--out", "s.npy"], ["--n must be at least 1"]),
    (["fly"], ["invalid choice: 'fly'"]),
    (["train", "dense", "--out", "x", "--width", "8"], ["--width applies to the dcgan model only"]),
    (["train", "dcgan", "--out", "x", "--resume"], ["holds no run to resume", "Drop --resume"]),
    (["train", "dcgan", "--out", "x", "--mixed-precision"], ["needs a GPU"]),
])
def test_bad_arguments_give_one_line_and_no_files(args, fragments, tmp_path):
    result = ganlab(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert_one_line_error(result, *fragments)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_folder(tmp_path, mnist_source):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("keep me")
    result = ganlab("train", "dense", "--out", blocker / "run", "--epochs", "1", "--n-images", "64")
    assert_one_line_error(result, "Cannot write to")
    assert blocker.read_text() == "keep me"


def test_output_path_that_is_a_file(tmp_path, mnist_source):
    target = tmp_path / "a-file"
    target.write_text("keep me")
    result = ganlab("train", "dense", "--out", target, "--epochs", "1", "--n-images", "64")
    assert_one_line_error(result, "already exists")
    assert target.read_text() == "keep me"


def test_resume_refuses_another_model_or_width_and_keeps_the_run(trained_run):
    out, _ = trained_run
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert_one_line_error(ganlab("train", "dcgan", "--out", out, "--resume"),
                          "holds a dense run", f"train dense --out {out} --resume")
    assert_one_line_error(ganlab("train", "dense", "--out", out, "--resume", "--dataset", "fashion_mnist"),
                          "was trained with --dataset mnist, not fashion_mnist")
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_resume_with_another_width_is_refused(tmp_path, mnist_source):
    out = tmp_path / "dcgan"
    first = ganlab("train", "dcgan", "--out", out, "--epochs", "1", "--n-images", "128", "--width", "8")
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert_one_line_error(ganlab("train", "dcgan", "--out", out, "--resume", "--width", "16"),
                          "--width 8, not 16")
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # the dcgan profile's noise ends in a one-hot code: config.json records it, and `sample` draws it
    import json

    import keras

    from ganlab.noise import NoiseLayout

    config = json.loads((out / "config.json").read_text())
    categories = config["latent_categories"]
    assert categories == 10
    target = tmp_path / "samples.npy"
    assert ganlab("sample", out, "--n", "6", "--out", target, "--seed", "3").returncode == 0
    generator = keras.saving.load_model(out / "generator.keras")
    layout = NoiseLayout(categories=categories)
    assert generator.inputs[0].shape[-1] == layout.dim
    expected = generator(layout.seeded(3, 6), training=False)
    np.testing.assert_allclose(np.load(target), keras.ops.convert_to_numpy(expected), atol=1e-5)


# ------------------------------------------------------------------ every expected failure in one line


def test_resume_keeps_the_runs_profile_and_seed(trained_run):
    out, _ = trained_run
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert_one_line_error(ganlab("train", "dense", "--out", out, "--resume", "--profile", "cpu"),
                          "--profile quick, not cpu", "start a new run")
    assert_one_line_error(ganlab("train", "dense", "--out", out, "--resume", "--seed", "5"), "--seed 0, not 5")
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 not a whole zip", b"\x00" * 64])
def test_a_damaged_generator_file_is_one_line_and_left_alone(trained_run, tmp_path, damage):
    out, _ = trained_run
    copy = tmp_path / "run"
    copy.mkdir()
    (copy / "config.json").write_bytes((out / "config.json").read_bytes())
    (copy / "generator.keras").write_bytes(damage)
    assert_one_line_error(ganlab("sample", copy, "--n", "4", "--out", tmp_path / "s.npy"),
                          "generator.keras cannot be loaded", "damaged")
    assert (copy / "generator.keras").read_bytes() == damage and not (tmp_path / "s.npy").exists()


def test_sample_checks_its_output_before_any_work(trained_run, tmp_path, monkeypatch):
    out, _ = trained_run
    not_a_folder = tmp_path / "a_file"
    not_a_folder.write_text("mine")
    assert_one_line_error(ganlab("sample", out, "--n", "4", "--out", not_a_folder / "s.npy"), "Cannot write to")
    assert not_a_folder.read_text() == "mine"
    from ganlab import cli

    monkeypatch.setattr(cli, "_load_generator", lambda path: pytest.fail("loaded the model before checking --out"))
    with pytest.raises(cli.InputError, match="Cannot write to"):
        cli.sample(cli.build_parser().parse_args(["sample", str(out), "--n", "4", "--out",
                                                  str(not_a_folder / "s.npy")]))


def test_sample_refuses_more_images_than_memory_holds(trained_run, tmp_path):
    out, _ = trained_run
    assert_one_line_error(ganlab("sample", out, "--n", "1000000000", "--out", tmp_path / "s.npy"),
                          "--n 1,000,000,000 images would take", "Ask for fewer")


def test_sample_on_a_folder_that_is_no_run_names_a_new_folder(tmp_path):
    assert_one_line_error(ganlab("sample", tmp_path, "--n", "4", "--out", tmp_path / "s.npy"),
                          "not a finished run", "--out runs/new_run")


def test_a_full_disk_is_one_line_with_what_to_do(monkeypatch, capsys):
    import errno

    from ganlab import cli

    def full_disk(args):
        raise OSError(errno.ENOSPC, "No space left on device", "runs/r/checkpoints")

    monkeypatch.setattr(cli, "train", full_disk)
    assert cli.main(["train", "dense", "--out", "runs/r"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and "the disk is full (runs/r/checkpoints)" in err and "--resume" in err


def test_out_of_memory_and_ctrl_c_are_one_line(monkeypatch, capsys):
    from ganlab import cli

    for error, status, words in ((MemoryError, 1, "out of memory"), (KeyboardInterrupt, 130, "interrupted")):
        def fail(args, error=error):
            raise error()

        monkeypatch.setattr(cli, "train", fail)
        assert cli.main(["train", "dense", "--out", "runs/r"]) == status
        err = capsys.readouterr().err.strip()
        assert err.startswith("ganlab: error: " + words) and "--resume" in err and "\n" not in err


def test_a_run_killed_before_its_first_checkpoint_resumes_from_epoch_1(trained_run, tmp_path):
    out, _ = trained_run
    killed = tmp_path / "killed"
    killed.mkdir()
    (killed / "config.json").write_bytes((out / "config.json").read_bytes())  # what a kill at second 1 leaves
    (killed / "checkpoints").mkdir()
    assert_one_line_error(ganlab("train", "dense", "--out", killed), "already holds a run", "--resume")
    result = ganlab("train", "dense", "--out", killed, "--resume")
    assert result.returncode == 0, result.stderr
    assert "epoch 1 to 2" in result.stdout and (killed / "generator.keras").is_file()


def test_history_json_covers_the_whole_run_across_resumes(tmp_path, mnist_source):
    out = tmp_path / "resumed"
    common = ("--n-images", "256", "--batch-size", "64")  # 4 steps per epoch
    assert ganlab("train", "dense", "--out", out, "--epochs", "1", *common).returncode == 0
    for epochs in (2, 3):
        result = ganlab("train", "dense", "--out", out, "--resume", "--epochs", epochs)
        assert result.returncode == 0, result.stderr
    import json

    history = json.loads((out / "history.json").read_text())
    assert {name: len(values) for name, values in history["steps"].items()} == \
        {name: 12 for name in history["steps"]}
    assert all(len(values) == 3 for values in history["epochs"].values())


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_partial_files_of_a_killed_run_are_cleaned_and_the_folder_reused(tmp_path, mnist_source):
    out = tmp_path / "killed_at_once"
    out.mkdir()
    stale = out / f".config.{dead_pid()}.partial.json"  # a kill while config.json was being written
    stale.write_text('{"mod')
    result = ganlab("train", "dense", "--out", out, "--epochs", "1", "--n-images", "128", "--batch-size", "64")
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and (out / "generator.keras").is_file()


def test_a_stale_partial_is_removed_but_a_live_writers_is_kept(tmp_path):
    from ganlab._files import remove_stale_partials

    stale, live = tmp_path / f".history.{dead_pid()}.partial.json", tmp_path / f".history.{os.getpid()}.partial.json"
    mine = tmp_path / ".notes.partial"  # not a name write_atomically makes: never touched
    for path in (stale, live, mine):
        path.write_text("x")
    assert remove_stale_partials(tmp_path) == [stale]
    assert live.exists() and mine.exists()
