"""The same emoji drawn by two vendors: Twitter's Twemoji and Google's Noto, 64x64 colour.

Both come from the emoji-datasource npm packages (version 16.0.0, pinned by their integrity), whose
``img/<vendor>/64/`` folders use the same file name for the same emoji: exact pairs for pix2pix,
two styles for CycleGAN. ``emoji.json`` gives each emoji its category (the label) and its
skin-tone variants, which belong to their base emoji. Images are CC BY 4.0 (Twemoji) and
Apache 2.0 (Noto); the data files are MIT (data/README.md).

The split is by emoji, so no emoji is in two splits: each emoji with its skin-tone variants (and
an emoji with the one it was renamed to, ``obsoleted_by``) forms a group, and the SHA-256 of the
group's code point sends it to train (80 %), validation (10 %) or test (10 %). The split needs no
seed, and a later version of the packages leaves every earlier emoji where it was.

Loading, caching and pipelines: :mod:`ganlab.paired`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np

from . import _npm
from ._files import cache_dir
from .datasets import downloads_are_off
from .errors import DataCorruptedError, DataNotFoundError

VENDORS = ("twitter", "google")  # input, target
PACKAGES = {  # integrity: what `npm view emoji-datasource-twitter@16.0.0 dist.integrity` prints
    "twitter": _npm.NpmPackage(
        "emoji-datasource-twitter", "16.0.0",
        "sha512-7F+uCuHH+7Qnrc15P5tnbvKkg9E6tlzi4MnT2uW1RlN4pLYTza6cP/dstIfSDMtpjFLWuZewWg8jBbuL2eyELQ=="),
    "google": _npm.NpmPackage(
        "emoji-datasource-google", "16.0.0",
        "sha512-ZRexfzs7MVoLnmzZmNsO4TKhnAJp5D++Vm6PpUpH/jEQQlemp3l88CjZ+DoZ2faM9R4QxZkOPJCoT8DlPhfQ3A=="),
}
CATEGORIES = ("Smileys & Emotion", "People & Body", "Component", "Animals & Nature", "Food & Drink",
              "Travel & Places", "Activities", "Objects", "Symbols", "Flags")  # label i is CATEGORIES[i]
SIZE = 64


# --------------------------------------------------------------------------- which emoji, which split


def emoji_table(emoji_json: bytes) -> list[tuple[str, str, int]]:
    """(image file name, group, label) for every emoji with a picture from both vendors.

    The group is the code point of the base emoji: its skin-tone variants share it, and so does
    an emoji with the one that replaced it (``obsoleted_by``).
    """
    entries = json.loads(emoji_json)
    replaced_by = {e["unified"]: e["obsoleted_by"] for e in entries if e.get("obsoleted_by")}
    rows = []
    for entry in entries:
        group = entry["unified"]
        while group in replaced_by:
            group = replaced_by[group]
        label = CATEGORIES.index(entry["category"])
        for variant in [entry, *(entry.get("skin_variations") or {}).values()]:
            if all(variant.get(f"has_img_{vendor}") for vendor in VENDORS):
                rows.append((variant["image"], group, label))
    return rows


def split_of(group: str) -> str:
    """"train", "validation" or "test" for an emoji group: 80/10/10 by the SHA-256 of its name."""
    bucket = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % 10
    return "train" if bucket < 8 else "validation" if bucket == 8 else "test"


# --------------------------------------------------------------------------- the npm packages


def tarball_folders() -> list[Path]:
    """Where the tarballs are looked for: $GANLAB_DATA_DIR/emoji/, then the cache (where npm puts them)."""
    env_dir = os.environ.get("GANLAB_DATA_DIR")
    return ([Path(env_dir) / "emoji"] if env_dir else []) + [cache_dir() / "npm"]


def how_to_get() -> str:
    folder = tarball_folders()[-1]
    return (f"run `{_npm.pack_command(tuple(PACKAGES.values()), folder)}` where there is internet, "
            f"or copy the two .tgz files into {folder} (or $GANLAB_DATA_DIR/emoji/), then load again")


def tarball(vendor: str) -> Path:
    """The verified tarball of ``vendor``'s package: found, or fetched with npm where allowed."""
    package = PACKAGES[vendor]
    damaged = None
    for folder in tarball_folders():
        if (folder / package.tarball).is_file():
            try:
                return _npm.verify_tarball(folder / package.tarball, package)
            except DataCorruptedError as err:
                damaged = err  # never used; a fresh copy may still be fetched
    if downloads_are_off():
        reason = "downloads are off (GANLAB_OFFLINE=1)"
    else:
        try:
            return _npm.npm_pack(package, tarball_folders()[-1])
        except (DataNotFoundError, DataCorruptedError, OSError, TimeoutError) as err:
            reason = f"fetching it failed: {err}"
    if damaged is not None:
        raise DataCorruptedError(f"{damaged} Also, {reason}. To get a good copy, {how_to_get()}.")
    raise DataNotFoundError(f"The emoji dataset needs the npm package {package.spec}, not found in "
                            f"{', '.join(map(str, tarball_folders()))}, and {reason}. To get it, {how_to_get()}.")


# --------------------------------------------------------------------------- pixels


def on_white(png: bytes, where: str) -> np.ndarray:
    """A 64x64 RGBA PNG as uint8 RGB (64, 64, 3), its transparent parts made white."""
    from PIL import Image

    try:
        rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"), dtype=np.float32)
    except Exception as err:  # Pillow raises several kinds for a damaged PNG
        raise DataCorruptedError(f"{where} is not a readable PNG ({type(err).__name__}); "
                                 "fetch the package again.") from err
    if rgba.shape != (SIZE, SIZE, 4):
        raise DataCorruptedError(f"{where} is {rgba.shape[1]}x{rgba.shape[0]} pixels, not {SIZE}x{SIZE}; "
                                 "it is not from the pinned package: fetch the package again.")
    alpha = rgba[..., 3:] / 255.0
    return np.round(rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)


def build_arrays() -> dict[str, np.ndarray]:
    """Read both tarballs into arrays: twitter, google (N, 64, 64, 3) uint8, names, groups, labels."""
    pngs, table = {}, None
    for vendor in VENDORS:
        path, folder = tarball(vendor), f"package/img/{vendor}/{SIZE}/"
        files = dict(_npm.read_members(path, lambda name: name.startswith(folder) or name == "package/emoji.json"))
        if "package/emoji.json" not in files:
            raise DataCorruptedError(f"{path} has no package/emoji.json; fetch the package again.")
        table = table or emoji_table(files.pop("package/emoji.json"))
        pngs[vendor] = {name[len(folder):]: blob for name, blob in files.items()}
    rows = sorted(row for row in table if all(row[0] in pngs[vendor] for vendor in VENDORS))
    if not rows:
        raise DataCorruptedError("the emoji packages hold no image pairs; fetch them again.")
    arrays = {vendor: np.stack([on_white(pngs[vendor][name], f"{PACKAGES[vendor].tarball}:{name}")
                                for name, _, _ in rows]) for vendor in VENDORS}
    names, groups, labels = zip(*rows)
    return dict(arrays, names=np.array(names), groups=np.array(groups), labels=np.array(labels, np.int32))


def cache_record() -> dict:
    """What the cached arrays were built from: a cache with another record is rebuilt."""
    return {"format": 1, **{vendor: PACKAGES[vendor].integrity for vendor in VENDORS}}
