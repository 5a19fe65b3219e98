"""`python -m ganlab train pix2pix|l1_only|cyclegan` and `translate`, run as a learner runs them."""

import json

import numpy as np
import pytest
from test_cli import assert_one_line_error
from test_cli import ganlab as ganlab_command

TINY = ("--epochs", "1", "--batch-size", "16")


def ganlab(*args):
    """The command with XLA off: for a few steps, compiling costs more than it saves."""
    return ganlab_command(*args, GANLAB_XLA="0")


@pytest.fixture(scope="module")
def pix2pix_run(tmp_path_factory, fashion_source):
    out = tmp_path_factory.mktemp("runs") / "p2p"
    result = ganlab("train", "pix2pix", "--dataset", "edges2fashion", "--out", out, "--n-images", "64", *TINY)
    assert result.returncode == 0, result.stderr
    return out, result


def test_train_pix2pix_saves_generator_scores_and_samples(pix2pix_run):
    out, result = pix2pix_run
    assert {p.name for p in out.iterdir()} == {"config.json", "generator.keras", "history.json", "scores.json",
                                               "samples.png"}
    assert "Training pix2pix on 64 edges2fashion pairs, 1 epoch(s) of batch 16" in result.stdout
    scores = json.loads((out / "scores.json").read_text())
    assert set(scores) == {"l1", "psnr", "ssim", "recognised", "recognised_real", "fd"}
    assert 0 <= scores["l1"] <= 2 and 0 <= scores["recognised"] <= 1 and scores["recognised_real"] > 0.9
    assert len(json.loads((out / "history.json").read_text())["epochs"]["l1"]) == 1


def test_translate_a_npy_file_and_a_folder_of_pngs(pix2pix_run, tmp_path):
    out, _ = pix2pix_run
    edges = np.where(np.random.default_rng(0).random((3, 32, 32, 1)) > 0.9, 1.0, -1.0).astype("float32")
    np.save(tmp_path / "edges.npy", edges)
    result = ganlab("translate", out, "--input", tmp_path / "edges.npy", "--out", tmp_path / "items.npy")
    assert result.returncode == 0, result.stderr
    items = np.load(tmp_path / "items.npy")
    assert items.shape == (3, 32, 32, 1) and items.min() >= -1 and items.max() <= 1

    from PIL import Image

    folder = tmp_path / "pngs"
    folder.mkdir()
    for i, edge in enumerate(edges):
        Image.fromarray(((edge[..., 0] + 1) * 127.5).astype("uint8")).save(folder / f"shoe{i}.png")
    result = ganlab("translate", out, "--input", folder, "--out", tmp_path / "translated")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "translated").iterdir()) == ["shoe0.png", "shoe1.png", "shoe2.png"]
    again = np.asarray(Image.open(tmp_path / "translated" / "shoe0.png"), np.float32) / 127.5 - 1
    assert np.abs(again - items[0, ..., 0]).max() < 0.02  # the same input gives the same output (training=False)


def test_translate_refuses_bad_inputs_and_never_overwrites(pix2pix_run, tmp_path):
    out, _ = pix2pix_run
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an image")
    assert_one_line_error(ganlab("translate", out, "--input", folder, "--out", tmp_path / "a.npy"),
                          "not images", "notes.txt")
    (folder / "notes.txt").unlink()
    assert_one_line_error(ganlab("translate", out, "--input", folder, "--out", tmp_path / "a.npy"), "holds no images")
    from PIL import Image

    Image.new("RGB", (40, 40)).save(folder / "big.png")
    assert_one_line_error(ganlab("translate", out, "--input", folder, "--out", tmp_path / "a.npy"),
                          "40 x 40", "32 x 32", "resize")
    (folder / "big.png").write_bytes(b"\x89PNG broken")
    assert_one_line_error(ganlab("translate", out, "--input", folder, "--out", tmp_path / "a.npy"),
                          "cannot be read as an image")
    kept = tmp_path / "kept.npy"
    kept.write_bytes(b"precious")
    assert_one_line_error(ganlab("translate", out, "--input", folder, "--out", kept), "already exists")
    assert kept.read_bytes() == b"precious"
    assert_one_line_error(ganlab("translate", out, "--input", tmp_path / "missing.npy", "--out", tmp_path / "b.npy"),
                          "does not exist")
    assert_one_line_error(ganlab("translate", out, "--input", folder, "--out", tmp_path / "b.npy", "--direction",
                                 "b_to_a"), "one way only")


def test_train_translation_refuses_bad_combinations_and_keeps_runs(pix2pix_run, tmp_path):
    out, _ = pix2pix_run
    before = (out / "generator.keras").read_bytes()
    assert_one_line_error(ganlab("train", "pix2pix", "--out", out, *TINY), "already holds a run")
    assert (out / "generator.keras").read_bytes() == before
    assert_one_line_error(ganlab("train", "cyclegan", "--dataset", "edges2fashion", "--out", tmp_path / "c"),
                          "emoji")
    assert_one_line_error(ganlab("train", "pix2pix", "--width", "8", "--out", tmp_path / "d"), "--width")
    assert_one_line_error(ganlab("train", "dcgan", "--dataset", "emoji", "--out", tmp_path / "e"), "mnist")
    assert not any((tmp_path / name).exists() for name in "cde")


def test_train_cyclegan_saves_both_directions(tmp_path, emoji_source):
    out = tmp_path / "cycle"
    result = ganlab("train", "cyclegan", "--out", out, "--n-images", "16", "--epochs", "1", "--batch-size", "8")
    assert result.returncode == 0, result.stderr
    assert {"generator_a_to_b.keras", "generator_b_to_a.keras", "scores.json"} <= {p.name for p in out.iterdir()}
    pictures = np.zeros((2, 64, 64, 3), "float32")
    np.save(tmp_path / "in.npy", pictures)
    result = ganlab("translate", out, "--input", tmp_path / "in.npy", "--out", tmp_path / "back.npy",
                    "--direction", "b_to_a")
    assert result.returncode == 0, result.stderr
    assert np.load(tmp_path / "back.npy").shape == (2, 64, 64, 3)
