"""Set the course's release: pyproject.toml's version and the ref of every Colab link and install cell.

    python docs/release.py            # check: every Colab link and install cell names v<version>
    python docs/release.py 0.2.0      # set version 0.2.0 everywhere; then commit and `git tag v0.2.0`

On Colab a notebook is opened from GitHub at a ref, and its first cell installs ganlab from
GitHub at a ref. Both are the release tag (never the moving main branch), so the notebook a
learner reads and the package it installs always come from the same commit.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO = "github.com/ganlab-course/ganlab"
REFS = re.compile(r"(colab\.research\.google\.com/github/ganlab-course/ganlab/blob/|"
                  r"git\+https://github\.com/ganlab-course/ganlab@)([\w.\-]+)")
VERSION = re.compile(r'^version = "([^"]+)"$', re.MULTILINE)


def files() -> list[Path]:
    """The files that link to or install ganlab on Colab."""
    return [ROOT / "README.md", *sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def version() -> str:
    return VERSION.search((ROOT / "pyproject.toml").read_text()).group(1)


def refs(text: str) -> list[str]:
    """Every ref a Colab link or install line in ``text`` names."""
    return [match.group(2) for match in REFS.finditer(text)]


def with_ref(text: str, ref: str) -> str:
    return REFS.sub(lambda match: match.group(1) + ref, text)


def set_release(new_version: str) -> None:
    if not re.fullmatch(r"\d+\.\d+\.\d+", new_version):
        sys.exit(f"release: give a version such as 0.2.0, not {new_version!r}")
    pyproject = ROOT / "pyproject.toml"
    pyproject.write_text(VERSION.sub(f'version = "{new_version}"', pyproject.read_text(), count=1))
    for path in files():
        path.write_text(with_ref(path.read_text(encoding="utf-8"), f"v{new_version}"), encoding="utf-8")
    print(f"version {new_version}: commit, then `git tag v{new_version}` and push the tag")


def check() -> int:
    wanted = f"v{version()}"
    wrong = [f"{path.relative_to(ROOT)}: {ref}" for path in files() for ref in refs(path.read_text(encoding="utf-8"))
             if ref != wanted]
    for line in wrong:
        print(f"release: {line} (expected {wanted}); run `python docs/release.py {version()}`")
    return 1 if wrong else 0


if __name__ == "__main__":
    if len(sys.argv) > 2:
        sys.exit("usage: python docs/release.py [VERSION]")
    sys.exit(set_release(sys.argv[1]) if len(sys.argv) == 2 else check())
