"""Paired and unpaired translation data: npm tarballs checked and read safely, the emoji split,
joint jitter and flip, the edges of Fashion-MNIST items. Synthetic tarballs stand in for npm."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from ganlab import _npm, edges, emoji, paired
from ganlab._checked_files import load_checked_npz
from ganlab.errors import DataCorruptedError, DataNotFoundError, InputError

# --------------------------------------------------------------------------- synthetic npm packages

REAL_RUN_NPM = _npm._run_npm  # before any test replaces it
TONES = ("1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF")


def fake_emoji_json(n_base: int = 40) -> list[dict]:
    """``n_base`` emoji; every fourth has five skin tones; 0003 was replaced by 0002 (obsoleted_by)."""
    entries = []
    for i in range(n_base):
        code = f"{i:04X}"
        entry = {"unified": code, "image": f"{code.lower()}.png", "category": emoji.CATEGORIES[i % 10],
                 "has_img_twitter": True, "has_img_google": True}
        if i % 4 == 1:
            entry["skin_variations"] = {t: {"unified": f"{code}-{t}", "image": f"{code.lower()}-{t.lower()}.png",
                                            "has_img_twitter": True, "has_img_google": True} for t in TONES}
        entries.append(entry)
    entries[3]["obsoleted_by"], entries[2]["obsoletes"] = "0002", "0003"
    entries[5]["has_img_google"] = False  # drawn by one vendor only: no pair
    return entries


def png(index: int, vendor: str) -> bytes:
    """64x64 RGBA: the emoji's index in the red channel, the vendor in green, a transparent top-left corner."""
    from PIL import Image

    pixels = np.zeros((64, 64, 4), np.uint8)
    pixels[..., 0], pixels[..., 1], pixels[..., 3] = index, 50 if vendor == "twitter" else 150, 255
    pixels[:8, :8, 3] = 0
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, format="PNG")
    return out.getvalue()


def make_tgz(path: Path, files: dict[str, bytes], extra: tuple[tarfile.TarInfo, ...] = ()) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
        for info in extra:
            tar.addfile(info)
    return path


def fake_package(folder: Path, vendor: str, entries: list[dict]) -> Path:
    files = {"package/emoji.json": json.dumps(entries).encode(), "package/README.md": b"readme"}
    names = [e["image"] for e in entries] + [v["image"] for e in entries for v in e.get("skin_variations", {}).values()]
    for index, name in enumerate(names):
        files[f"package/img/{vendor}/64/{name}"] = png(index, vendor)
    return make_tgz(folder / f"emoji-datasource-{vendor}-16.0.0.tgz", files)


@pytest.fixture
def npm(tmp_path, monkeypatch):
    """Synthetic emoji packages pinned in place of the real ones; a fake npm that serves them and counts calls."""
    store = tmp_path / "registry"
    store.mkdir()
    packages = {}
    for vendor in emoji.VENDORS:
        tgz = fake_package(store, vendor, fake_emoji_json())
        packages[vendor] = _npm.NpmPackage(f"emoji-datasource-{vendor}", "16.0.0", _npm.integrity_of(tgz))
    monkeypatch.setattr(emoji, "PACKAGES", packages)
    monkeypatch.setenv("GANLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GANLAB_DATA_DIR", raising=False)
    monkeypatch.setenv("GANLAB_OFFLINE", "0")
    calls = []

    def fake_run(args, cwd):  # npm pack NAME@VERSION --pack-destination DIR ...
        calls.append(args)
        name = args[1].split("@")[0]
        (Path(args[3]) / f"{name}-16.0.0.tgz").write_bytes((store / f"{name}-16.0.0.tgz").read_bytes())

    monkeypatch.setattr(_npm, "_run_npm", fake_run)
    return SimpleNamespace(store=store, calls=calls, npm_dir=tmp_path / "cache" / "npm",
                           cache=tmp_path / "cache" / "paired" / "emoji_64.npz")


# --------------------------------------------------------------------------- fetching, checking, caching


def test_npm_packages_are_fetched_verified_and_paired(npm):
    inputs, targets, labels = paired.paired_arrays("emoji", "train")
    assert len(npm.calls) == 2 and all(call[0] == "pack" for call in npm.calls)
    assert inputs.dtype == targets.dtype == np.float32 and inputs.shape[1:] == (64, 64, 3)
    assert inputs.min() >= -1 and inputs.max() <= 1 and labels.dtype == np.int32
    np.testing.assert_array_equal(inputs[:, 20, 20, 0], targets[:, 20, 20, 0])  # same emoji index: a pair
    assert np.all(inputs[:, 20, 20, 1] < targets[:, 20, 20, 1])  # twitter -> google
    np.testing.assert_allclose(inputs[:, 2, 2], 1.0)  # transparent corner composited onto white
    everything = sum(len(paired.paired_arrays("emoji", split)[0]) for split in paired.SPLITS)
    assert everything == 40 - 1 + 10 * 5  # the one-vendor emoji has no pair
    paired.paired_arrays("emoji", "test")
    assert len(npm.calls) == 2  # built once, then read from the cache


def test_offline_missing_packages_say_how_to_get_them(npm, monkeypatch):
    monkeypatch.setenv("GANLAB_OFFLINE", "1")
    with pytest.raises(DataNotFoundError) as err:
        paired.paired_arrays("emoji", "test")
    message = str(err.value)
    assert "GANLAB_OFFLINE=1" in message and "\n" not in message and not npm.calls
    assert "npm pack emoji-datasource-twitter@16.0.0 emoji-datasource-google@16.0.0 --pack-destination" in message
    assert str(npm.npm_dir) in message


def test_no_npm_client_is_said(npm, monkeypatch):
    monkeypatch.setattr(_npm, "_run_npm", REAL_RUN_NPM)
    monkeypatch.setattr(_npm.shutil, "which", lambda name: None)
    with pytest.raises(DataNotFoundError, match="npm client is not installed.*To get it, run `npm pack emoji-data"):
        emoji.tarball("twitter")


def test_corrupted_tarball_is_never_used_and_replaced_by_a_verified_fetch(npm, monkeypatch):
    npm.npm_dir.mkdir(parents=True)
    damaged = npm.npm_dir / "emoji-datasource-twitter-16.0.0.tgz"
    damaged.write_bytes((npm.store / damaged.name).read_bytes()[:-100])  # truncated
    monkeypatch.setenv("GANLAB_OFFLINE", "1")
    with pytest.raises(DataCorruptedError, match="SHA-512 does not match.*npm pack"):
        emoji.tarball("twitter")
    monkeypatch.setenv("GANLAB_OFFLINE", "0")
    assert _npm.integrity_of(emoji.tarball("twitter")) == emoji.PACKAGES["twitter"].integrity


def test_a_bad_fetch_never_replaces_a_tarball(npm, monkeypatch):
    npm.npm_dir.mkdir(parents=True)
    kept = npm.npm_dir / "emoji-datasource-google-16.0.0.tgz"
    kept.write_bytes(b"what was there before")
    monkeypatch.setattr(_npm, "_run_npm", lambda args, cwd: (Path(args[3]) / kept.name).write_bytes(b"garbage"))
    with pytest.raises(DataCorruptedError, match="not emoji-datasource-google@16.0.0"):
        _npm.npm_pack(emoji.PACKAGES["google"], npm.npm_dir)
    assert kept.read_bytes() == b"what was there before"
    assert [p.name for p in npm.npm_dir.iterdir()] == [kept.name]  # no temporary folder left


def test_a_good_cache_survives_a_failed_fetch_and_a_damaged_cache_is_rebuilt(npm, monkeypatch):
    first = paired.paired_arrays("emoji", "validation")[0]
    for tgz in npm.npm_dir.iterdir():
        tgz.write_bytes(b"damaged")
    monkeypatch.setenv("GANLAB_OFFLINE", "1")
    np.testing.assert_array_equal(paired.paired_arrays("emoji", "validation")[0], first)  # the cache serves
    blob = bytearray(npm.cache.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    npm.cache.write_bytes(bytes(blob))
    with pytest.raises(DataCorruptedError, match="SHA-256 does not match"):
        load_checked_npz(npm.cache, emoji.cache_record())
    with pytest.raises(DataCorruptedError, match="emoji-datasource-twitter"):  # rebuild needs a good tarball
        paired.paired_arrays("emoji", "validation")
    monkeypatch.setenv("GANLAB_OFFLINE", "0")
    np.testing.assert_array_equal(paired.paired_arrays("emoji", "validation")[0], first)  # fetched, rebuilt


@pytest.mark.parametrize("member, why", [("/etc/evil", "an absolute path"), ("package/../../evil", "'..'"),
                                         ("package/img/twitter/64/link.png", "a link")])
def test_unsafe_members_refuse_the_whole_tarball(tmp_path, member, why):
    info = tarfile.TarInfo(member)
    if why == "a link":
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
    path = make_tgz(tmp_path / "bad.tgz", {"package/emoji.json": b"[]"}, (info,))
    with pytest.raises(DataCorruptedError, match=f"{why}.*reads no such tarball"):
        list(_npm.read_members(path, lambda name: True))


def test_only_wanted_regular_files_are_read(tmp_path):
    path = make_tgz(tmp_path / "ok.tgz", {"package/a.json": b"1", "package/img/x.png": b"2", "other": b"3"})
    assert dict(_npm.read_members(path, lambda name: name.startswith("package/img/"))) == {"package/img/x.png": b"2"}
    (tmp_path / "cut.tgz").write_bytes(path.read_bytes()[:30])
    with pytest.raises(DataCorruptedError, match="not a readable .tgz"):
        list(_npm.read_members(tmp_path / "cut.tgz", lambda name: True))


# --------------------------------------------------------------------------- the split


def test_split_keeps_skin_tones_and_replaced_emoji_together():
    rows = emoji.emoji_table(json.dumps(fake_emoji_json()).encode())
    group_of = {image: group for image, group, _ in rows}
    assert {group_of[f"0001-{t.lower()}.png"] for t in TONES} == {"0001"} and group_of["0001.png"] == "0001"
    assert group_of["0003.png"] == group_of["0002.png"] == "0002"
    assert "0005.png" not in group_of
    split_of_image = {image: emoji.split_of(group) for image, group in group_of.items()}
    for group in set(group_of.values()):
        assert len({split_of_image[i] for i, g in group_of.items() if g == group}) == 1
    assert set(split_of_image.values()) == set(paired.SPLITS)
    assert [emoji.split_of(f"{i:04X}") for i in range(40)] == [emoji.split_of(f"{i:04X}") for i in range(40)]


# --------------------------------------------------------------------------- pipelines


def test_joint_jitter_and_flip_give_both_images_the_same_transform():
    rng = np.random.default_rng(0)
    inputs = rng.uniform(-1, 1, (64, 32, 32, 3)).astype("float32")
    targets = inputs[..., :1].copy()  # the target is the input's first channel: it must stay so
    flipped = paired.make_paired_dataset(inputs, targets, batch_size=64, flip=True, shuffle=False)
    out_in, out_target = (np.asarray(t) for t in next(iter(flipped)))
    np.testing.assert_array_equal(out_in[..., :1], out_target)
    mirrored = [np.array_equal(out_in[i], inputs[i, :, ::-1]) for i in range(64)]
    kept = [np.array_equal(out_in[i], inputs[i]) for i in range(64)]
    assert all(m or k for m, k in zip(mirrored, kept)) and 10 < sum(mirrored) < 54
    jittered = paired.make_paired_dataset(inputs, targets, batch_size=64, jitter=True, flip=True, shuffle=False)
    out_in, out_target = (np.asarray(t) for t in next(iter(jittered)))
    np.testing.assert_array_equal(out_in[..., :1], out_target)
    assert out_in.shape == inputs.shape
    assert sum(not np.array_equal(out_in[i], inputs[i]) for i in range(64)) > 48  # it does move things


def test_uint8_pixels_become_model_range_and_labels_come_along():
    pixels = np.full((10, 16, 16, 1), 255, np.uint8)
    ds = paired.make_paired_dataset(pixels, pixels, batch_size=4, labels=np.arange(10), shuffle=False)
    a, b, labels = next(iter(ds))
    assert a.dtype.name == "float32" and float(a.numpy().min()) == 1.0 and labels.numpy().tolist() == [0, 1, 2, 3]


def test_unpaired_training_data_hide_the_pairs():
    ids = np.arange(64, dtype=np.float32)[:, None, None, None] / 64 * np.ones((1, 16, 16, 1), np.float32)
    a, b = (np.concatenate([t.numpy() for t in part]) for part in zip(*paired.make_unpaired_dataset(ids, ids, 16)))
    assert sorted(a[:, 0, 0, 0]) == sorted(b[:, 0, 0, 0]) == sorted(ids[:, 0, 0, 0])  # every image, once
    assert np.mean(a[:, 0, 0, 0] == b[:, 0, 0, 0]) < 0.2  # but no longer side by side with its pair


def test_unpaired_test_split_keeps_the_pairs(npm):
    pairs = [(a.numpy(), b.numpy()) for a, b in paired.unpaired_dataset("emoji", "test", batch_size=8)]
    inputs, targets, _ = paired.paired_arrays("emoji", "test")
    np.testing.assert_array_equal(np.concatenate([p[0] for p in pairs]), inputs)
    np.testing.assert_array_equal(np.concatenate([p[1] for p in pairs]), targets)


@pytest.mark.parametrize("inputs, targets, message", [
    (np.zeros((4, 32, 32, 1)), np.zeros((3, 32, 32, 1)), "4 inputs and 3 targets"),
    (np.zeros((4, 32, 32, 1)), np.zeros((4, 64, 64, 1)), "a pair's two images must be the same size"),
    (np.zeros((4, 28, 28, 1)), np.zeros((4, 28, 28, 1)), "28x28 pixels.*pad or resize"),
    (np.zeros((4, 32, 64, 1)), np.zeros((4, 32, 64, 1)), "32x64 pixels"),
    (np.zeros((4, 32, 32, 1), np.uint8), np.zeros((4, 32, 32, 1)), "both be uint8 pixels or both floats"),
    (np.full((4, 32, 32, 1), 3.0), np.zeros((4, 32, 32, 1)), r"expected \[-1, 1\]"),
])
def test_pairs_that_do_not_pair_up_are_refused(inputs, targets, message):
    with pytest.raises(InputError, match=message):
        paired.make_paired_dataset(inputs, targets)


def test_side_by_side_pairs_are_split_and_other_images_refused():
    images = np.concatenate([np.zeros((2, 32, 32, 3)), np.ones((2, 32, 32, 3))], axis=2)
    left, right = paired.split_side_by_side(images)
    assert left.max() == 0 and right.min() == 1
    with pytest.raises(InputError, match="not side-by-side pairs"):
        paired.split_side_by_side(np.zeros((2, 32, 48, 3)))


def test_unknown_names_and_splits_are_refused():
    with pytest.raises(InputError, match="choose one of: emoji, edges2fashion, facades"):
        paired.paired_arrays("maps")
    with pytest.raises(InputError, match="split must be one of train, validation, test"):
        paired.paired_arrays("emoji", "val")


# --------------------------------------------------------------------------- edges of Fashion-MNIST


@pytest.fixture(scope="module")
def fashion_test():
    from ganlab.datasets import find_dataset, load_fashion_mnist

    if find_dataset("fashion_mnist", split="test") is None:
        pytest.skip("Fashion-MNIST is not on this machine (apt-get install dataset-fashion-mnist)")
    return load_fashion_mnist(split="test", n=400)


def test_edges_are_binary_and_lie_on_the_items_outline(fashion_test):
    from scipy import ndimage

    edge_maps, items, labels = edges.edge_pairs(*fashion_test)
    assert edge_maps.shape == items.shape == (len(labels), 32, 32, 1) and len(labels) > 100
    assert set(np.unique(labels)) == set(edges.EDGE_CLASSES)
    assert set(np.unique(edge_maps)) == {-1.0, 1.0} and np.all(items[:, :2] == -1)  # padded with background
    on = edge_maps[..., 0] > 0
    item = items[..., 0] > -0.9
    outline = np.stack([ndimage.binary_dilation(m, iterations=1) & ~ndimage.binary_erosion(m, iterations=1)
                        for m in item])
    near_outline = np.stack([ndimage.binary_dilation(o, iterations=1) for o in outline])
    assert (on & near_outline).sum() / on.sum() > 0.75  # most edge pixels trace the outline ...
    found = np.stack([ndimage.binary_dilation(e, iterations=1) for e in on])
    assert (outline & found).sum() / outline.sum() > 0.8  # ... and most of the outline is traced
    assert on.mean() < 0.25


def test_edges2fashion_splits(fashion_test, monkeypatch, tmp_path):
    monkeypatch.setenv("GANLAB_CACHE_DIR", str(tmp_path))
    images, labels = fashion_test
    monkeypatch.setattr(paired, "load_fashion_mnist", lambda split: (images, labels))  # a small stand-in
    sizes = {}
    for split in paired.SPLITS:
        inputs, targets, split_labels = paired.paired_arrays("edges2fashion", split)
        assert inputs.shape[1:] == targets.shape[1:] == (32, 32, 1) and inputs.dtype == np.float32
        assert set(np.unique(inputs)) <= {-1.0, 1.0} and set(split_labels) <= set(edges.EDGE_CLASSES)
        sizes[split] = len(inputs)
    keep = np.isin(labels, edges.EDGE_CLASSES)
    assert sizes["test"] == keep.sum() and sizes["train"] + sizes["validation"] == keep.sum()
    assert sizes["validation"] == keep[9::10].sum()  # every tenth image
    assert sorted(p.name for p in (tmp_path / "paired").iterdir())[:2] == ["edges2fashion_32_test.json",
                                                                            "edges2fashion_32_test.npz"]


# --------------------------------------------------------------------------- the real packages, when present


def test_real_emoji_packages_when_fetched():
    present = [folder for folder in emoji.tarball_folders()
               if all((folder / p.tarball).is_file() for p in emoji.PACKAGES.values())]
    if not present:
        pytest.skip(f"the emoji npm packages are not here; to fetch them: {emoji.how_to_get()}")
    counts = {split: paired.paired_arrays("emoji", split)[0].shape for split in paired.SPLITS}
    assert sum(shape[0] for shape in counts.values()) == 3786 and counts["train"][1:] == (64, 64, 3)
    rows = emoji.emoji_table(dict(_npm.read_members(emoji.tarball("twitter"),
                                                    lambda n: n == "package/emoji.json"))["package/emoji.json"])
    splits_of_group = {}
    for _, group, _ in rows:
        splits_of_group.setdefault(group, set()).add(emoji.split_of(group))
    assert all(len(s) == 1 for s in splits_of_group.values()) and len(rows) == 3786


def test_two_processes_build_the_same_cached_arrays_once(tmp_path):
    """Two notebooks (or test workers) asking for the same arrays: one builds them, the other waits and loads."""
    builds = tmp_path / "builds.txt"
    script = ("import sys, time, numpy as np; from ganlab import paired\n"
              "def build():\n"
              f"    open({str(builds)!r}, 'a').write('built\\n'); time.sleep(2); return {{'x': np.arange(5)}}\n"
              "arrays = paired._cached('shared.npz', {'format': 1}, build)\n"
              "assert list(arrays['x']) == [0, 1, 2, 3, 4]\n")
    env = {**os.environ, "GANLAB_CACHE_DIR": str(tmp_path / "cache")}
    children = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(2)]
    assert [child.wait(timeout=120) for child in children] == [0, 0]
    assert builds.read_text() == "built\n"
    assert not list((tmp_path / "cache").rglob("*.lock"))  # the cache holds only what was cached
