"""docs/release.py: on Colab, a notebook and the ganlab it installs come from the same release tag."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
import release  # noqa: E402  (docs/ is not a package)


def test_every_colab_link_and_install_cell_names_this_release():
    wanted = f"v{release.version()}"
    for path in release.files():
        found = release.refs(path.read_text(encoding="utf-8"))
        least = 1 if path.name == "README.md" else 2  # a notebook: its badge and its install cell
        assert len(found) >= least, f"{path.name}: a Colab link or install cell names no release tag"
        assert set(found) == {wanted}, f"{path.name} names {sorted(set(found))}; run `python docs/release.py`"


def test_a_release_moves_links_and_install_lines_together_and_nothing_else():
    text = ("[badge](https://colab.research.google.com/github/ganlab-course/ganlab/blob/main/notebooks/00_setup.ipynb)\n"
            '"git+https://github.com/ganlab-course/ganlab@v0.1.0"\n'
            "https://mybinder.org/v2/gh/ganlab-course/ganlab/main?labpath=notebooks")
    moved = release.with_ref(text, "v0.2.0")
    assert release.refs(moved) == ["v0.2.0", "v0.2.0"]
    assert moved.splitlines()[2] == text.splitlines()[2]  # Binder builds from the ref itself: untouched


def test_check_names_the_file_that_disagrees(monkeypatch, tmp_path, capsys):
    (tmp_path / "README.md").write_text("colab.research.google.com/github/ganlab-course/ganlab/blob/main/x.ipynb")
    monkeypatch.setattr(release, "files", lambda: [tmp_path / "README.md"])
    monkeypatch.setattr(release, "ROOT", tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nversion = "1.2.3"\n')
    assert release.check() == 1
    assert "README.md: main (expected v1.2.3)" in capsys.readouterr().out
