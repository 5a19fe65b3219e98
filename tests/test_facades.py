"""Facades (pix2pix's label maps -> photos): a small fake facades.tar.gz stands in for the real archive.

Checked: the halves (input = right, the label map), trust on first use and the GANLAB_FACADES_SHA256 pin,
unsafe members, a picture that is not a pair, partial and cut downloads, the offline message, and that a
failed run leaves whatever was cached before exactly as it was.
"""

import io
import json
import tarfile
import urllib.error
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from ganlab import facades, paired
from ganlab._files import sha256
from ganlab.errors import DataCorruptedError, DataNotFoundError, InputError

H = 32  # the fake pairs are 64 x 32 pixels
COUNTS = {"train": (1, 2, 10), "val": (1, 2), "test": (1, 2)}  # 10 after 2: the order is by number


def photo_colour(i: int, shift: int = 0) -> tuple[int, int, int]:
    return 10 * i + shift, 100, 200


def label_colour(i: int) -> tuple[int, int, int]:
    return 200, 10 * i, 30


def side_by_side(left, right, width: int = 2 * H) -> bytes:
    from PIL import Image

    pixels = np.zeros((H, width, 3), np.uint8)
    pixels[:, : width // 2], pixels[:, width // 2:] = left, right
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=95, subsampling=0)  # 4:4:4: no colour bleeds
    return out.getvalue()


def fake_archive(path: Path, shift: int = 0, extra: dict[str, bytes] | None = None,
                 members: tuple[tarfile.TarInfo, ...] = ()) -> Path:
    """facades/{train,val,test}/<i>.jpg, photo left and label map right, as pix2pix's archive."""
    files = {f"facades/{folder}/{i}.jpg": side_by_side(photo_colour(i, shift), label_colour(i))
             for folder, numbers in COUNTS.items() for i in numbers}
    files.update(extra or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
        for info in members:
            tar.addfile(info)
    return path


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty cache, downloads off, no pin; the size check off (the fake archive is not 30 MB)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GANLAB_CACHE_DIR", str(cache))
    monkeypatch.setenv("GANLAB_OFFLINE", "1")
    for name in ("GANLAB_DATA_DIR", "GANLAB_FACADES_SHA256"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(facades, "ARCHIVE_BYTES", None)
    archive = cache / "facades" / "facades.tar.gz"
    return SimpleNamespace(cache=cache, archive=archive, record=archive.with_name("facades.tar.gz.json"))


# --------------------------------------------------------------------------- the pairs


def test_input_is_the_right_half_target_the_left_in_number_order(env):
    fake_archive(env.archive)
    inputs, targets, labels = paired.paired_arrays("facades", "train", size=32)
    assert inputs.shape == targets.shape == (3, 32, 32, 3) and labels.tolist() == [0, 0, 0]
    for k, i in enumerate(COUNTS["train"]):  # 1, 2, 10
        np.testing.assert_allclose((inputs[k] + 1) * 127.5, np.broadcast_to(label_colour(i), (32, 32, 3)), atol=4)
        np.testing.assert_allclose((targets[k] + 1) * 127.5, np.broadcast_to(photo_colour(i), (32, 32, 3)), atol=4)
    assert len(paired.paired_arrays("facades", "validation", size=32)[0]) == 2  # from facades/val/
    assert paired.paired_arrays("facades", "test", size=64)[0].shape == (2, 64, 64, 3)
    assert paired.CLASS_NAMES["facades"] == ()
    built = {p.name for p in (env.cache / "paired").iterdir()}
    assert {"facades_32_train.npz", "facades_32_validation.npz", "facades_64_test.npz"} <= built


def test_sizes_are_checked_before_anything_is_read(env):
    with pytest.raises(InputError, match="size must be one of"):
        paired.paired_arrays("facades", "train", size=100)  # said before the (missing) archive
    with pytest.raises(InputError, match="emoji comes at 64 x 64 pixels only"):
        paired.paired_arrays("emoji", "train", size=32)


# --------------------------------------------------------------------------- trust on first use, pins


def test_first_use_is_recorded_and_a_changed_archive_is_refused_and_never_used(env):
    fake_archive(env.archive)
    first = paired.paired_arrays("facades", "train", size=32)[1]
    record = json.loads(env.record.read_text())
    assert record["sha256"] == sha256(env.archive) and record["bytes"] == env.archive.stat().st_size
    fake_archive(env.archive, shift=5)  # the same names, other photos: another archive
    before = files_under(env.cache)
    with pytest.raises(DataCorruptedError, match=r"not the facades archive ganlab expects.*delete .*facades.tar.gz.json"):
        paired.paired_arrays("facades", "train", size=32)  # even though the arrays it built are cached
    assert files_under(env.cache) == before  # the archive, its record and the cache: all as they were
    env.record.unlink()  # the learner trusts the new archive
    again = paired.paired_arrays("facades", "train", size=32)[1]
    np.testing.assert_allclose(((again - first) * 127.5).mean(axis=(0, 1, 2)), (5, 0, 0), atol=1)  # new photos


def test_a_pinned_checksum_decides_and_a_mismatch_is_refused(env, monkeypatch):
    fake_archive(env.archive)
    monkeypatch.setenv("GANLAB_FACADES_SHA256", "0" * 64)
    with pytest.raises(DataCorruptedError, match="GANLAB_FACADES_SHA256 says 0000"):
        paired.paired_arrays("facades", "test", size=32)
    assert files_under(env.cache) == {"facades/facades.tar.gz": env.archive.read_bytes()}  # nothing built nor recorded
    monkeypatch.setenv("GANLAB_FACADES_SHA256", sha256(env.archive).upper())
    assert len(paired.paired_arrays("facades", "test", size=32)[0]) == 2
    monkeypatch.setenv("GANLAB_FACADES_SHA256", "abc")
    with pytest.raises(InputError, match="64 hexadecimal digits"):
        paired.paired_arrays("facades", "test", size=32)


def test_a_read_only_data_folder_keeps_its_record_in_the_cache(env, tmp_path, monkeypatch):
    archive = fake_archive(tmp_path / "data" / "facades" / "facades.tar.gz")
    monkeypatch.setenv("GANLAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(facades.os, "access", lambda path, mode: False)  # as a read-only folder looks (not to root)
    paired.paired_arrays("facades", "test", size=32)
    assert not archive.with_name("facades.tar.gz.json").exists()
    assert json.loads(env.record.read_text())["sha256"] == sha256(archive)


# --------------------------------------------------------------------------- what is in the archive


def unsafe(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    if name.endswith("link.jpg"):
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return info


@pytest.mark.parametrize("member, why", [("../x.jpg", "'..'"), ("/facades/train/3.jpg", "an absolute path"),
                                         ("facades/train/link.jpg", "a link")])
def test_unsafe_members_refuse_the_archive(env, member, why):
    fake_archive(env.archive, members=(unsafe(member),))
    with pytest.raises(DataCorruptedError, match=f"{why}.*reads no such tarball"):
        paired.paired_arrays("facades", "train", size=32)
    assert not env.record.exists() and not (env.cache / "paired").exists()  # neither trusted nor read


def test_a_picture_that_is_not_a_pair_is_refused_by_name(env):
    fake_archive(env.archive, extra={"facades/val/7.jpg": side_by_side(photo_colour(7), label_colour(7), width=H)})
    with pytest.raises(DataCorruptedError, match=r"facades.tar.gz:facades/val/7.jpg is 32 x 32 pixels, not a side-by-side"):
        paired.paired_arrays("facades", "validation", size=32)
    assert not (env.cache / "paired" / "facades_32_validation.npz").exists()


# --------------------------------------------------------------------------- finding and fetching


def test_offline_without_the_archive_says_where_it_looked_and_how_to_get_it(env, tmp_path):
    fake_archive(tmp_path / "good.tar.gz")
    folder = env.archive.parent
    folder.mkdir(parents=True)
    for partial in (".facades.tar.4242.partial.gz", "facades.tar.gz.partial"):  # a killed download's leftovers
        (folder / partial).write_bytes((tmp_path / "good.tar.gz").read_bytes())
    with pytest.raises(DataNotFoundError) as caught:
        paired.paired_arrays("facades", "train", size=32)
    message = str(caught.value)
    assert str(env.archive) in message and facades.MIRRORS[0] in message and "GANLAB_OFFLINE=1" in message
    assert sorted(p.name for p in folder.iterdir()) == [".facades.tar.4242.partial.gz", "facades.tar.gz.partial"]


def serve(monkeypatch, blob: bytes, claimed: int | None = None, fail_first: bool = False):
    """Replace the network: each URL answers with ``blob`` (claiming ``claimed`` bytes); maybe the first is down."""
    asked = []

    def fake_open(url):
        asked.append(url)
        if fail_first and len(asked) == 1:
            raise urllib.error.URLError("Name or service not known")
        return io.BytesIO(blob), len(blob) if claimed is None else claimed

    monkeypatch.setenv("GANLAB_OFFLINE", "0")
    monkeypatch.setattr(facades, "_open", fake_open)
    return asked


def test_a_cut_or_wrong_download_leaves_nothing_behind(env, tmp_path, monkeypatch):
    good = fake_archive(tmp_path / "good.tar.gz").read_bytes()
    asked = serve(monkeypatch, good[: len(good) // 2], claimed=len(good))
    with pytest.raises(DataNotFoundError, match="stopped after"):
        paired.paired_arrays("facades", "train", size=32)
    assert asked == list(facades.MIRRORS) and list(env.archive.parent.iterdir()) == []  # no archive, no partial
    monkeypatch.setattr(facades, "ARCHIVE_BYTES", len(good) + 1)  # complete, but not the published size
    serve(monkeypatch, good)
    with pytest.raises(DataNotFoundError, match="and pix2pix's facades.tar.gz is"):
        paired.paired_arrays("facades", "train", size=32)
    assert list(env.archive.parent.iterdir()) == []


def test_a_download_is_checked_then_recorded_and_used(env, tmp_path, monkeypatch, capsys):
    good = fake_archive(tmp_path / "good.tar.gz").read_bytes()
    asked = serve(monkeypatch, good, fail_first=True)
    assert len(paired.paired_arrays("facades", "train", size=32)[0]) == 3
    assert asked == list(facades.MIRRORS)  # the first mirror was down
    assert "Downloading facades.tar.gz" in capsys.readouterr().out and env.archive.read_bytes() == good
    assert json.loads(env.record.read_text())["sha256"] == sha256(env.archive)
    assert sorted(p.name for p in env.archive.parent.iterdir()) == ["facades.tar.gz", "facades.tar.gz.json"]


def test_train_pix2pix_on_facades_offline_says_how_to_get_them(env, tmp_path, capsys):
    from ganlab.build import translation_recipe
    from ganlab.cli import main

    assert translation_recipe("l1_only", "facades", "quick").image_size == 64
    assert translation_recipe("pix2pix", "facades", "gpu").batch_size == 1
    with pytest.raises(InputError, match="cyclegan trains on emoji here"):
        translation_recipe("cyclegan", "facades", "quick")
    status = main(["train", "pix2pix", "--dataset", "facades", "--profile", "quick", "--out", str(tmp_path / "run")])
    error = capsys.readouterr().err
    assert status == 1 and error.count("\n") == 1 and "ganlab: error:" in error
    assert str(env.archive) in error and facades.MIRRORS[0] in error
