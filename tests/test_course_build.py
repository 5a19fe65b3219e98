"""The rendered course (docs/build_course.py) and the reference figures that notebooks show.

The build test renders every notebook in the quick profile, so a notebook that breaks the
rendered copy fails CI. Under `make test` it renders the copies that nbval's run of the notebooks
wrote to $GANLAB_EXECUTED_DIR (notebooks/conftest.py); run on its own, it executes them.
The reference-figure tests only read files.
"""

import base64
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                   if re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name))  # not a learner's "-Copy1"
FIGURES = ROOT / "docs" / "figures"
sys.path.insert(0, str(ROOT / "docs"))
import build_course  # noqa: E402  (docs/ is not a package)

FIGURE_LINK = re.compile(r"""(?:\]\(|src=["'])([^)"'\s]*docs/figures/[^)"'\s]*)""")  # ![..](..) or <img src=..>


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("course")
    executed = os.environ.get("GANLAB_EXECUTED_DIR")  # notebooks nbval has run (a failed one is not there)
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "build_course.py"), "--profile", "quick",
                           "--out", str(out), *(["--executed", executed] if executed else [])],
                          capture_output=True, text=True)
    assert done.returncode == 0, next((line for line in done.stderr.splitlines() if line.startswith("build_course:")),
                                      done.stderr[-2000:])
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_becomes_a_page_with_its_figures_and_no_error(course, path):
    page = (course / f"{path.stem}.html").read_text(encoding="utf-8")
    assert re.search(r'jp-RenderedImage[^>]*>\s*<img[^>]*src="data:image/png;base64,', page), \
        f"{path.stem}.html shows no figure drawn by the notebook"
    assert 'class="course-error"' not in page


def test_index_links_every_page_by_its_title(course):
    links = dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', (course / "index.html").read_text(encoding="utf-8")))
    assert set(links) == {f"{p.stem}.html" for p in NOTEBOOKS}
    for path in NOTEBOOKS:
        heading = next(line for line in nbformat.read(path, as_version=4).cells[0].source.splitlines() if line.startswith("# "))
        assert html.unescape(links[f"{path.stem}.html"]) == heading[2:].strip()


def test_a_failing_cell_stops_the_build_naming_notebook_and_cell(tmp_path):
    path = tmp_path / "99_broken.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Broken"), new_code_cell("x = 1"),
                                       new_code_cell("1 / x\n1 / 0")]), path)
    with pytest.raises(build_course.BuildError, match=r"^99_broken\.ipynb: cell 3 \('1 / x'\) raised ZeroDivisionError"):
        build_course.execute(path, "quick")


def test_reference_figure_is_the_last_png_of_the_marked_cell():
    def png(data: bytes):
        return new_output("display_data", data={"image/png": base64.b64encode(data).decode()})

    nb = new_notebook(cells=[new_code_cell("%%time\n# REFERENCE_FIGURE: curves\nplot()", outputs=[png(b"1"), png(b"2")]),
                             new_code_cell("plot()", outputs=[png(b"3")])])
    assert build_course.reference_figures(nb) == {"curves": b"2"}
    nb.cells[0].outputs = []
    with pytest.raises(build_course.BuildError, match="REFERENCE_FIGURE: curves but drew no PNG"):
        build_course.reference_figures(nb)


def markers(path: Path) -> list[tuple[int, str]]:
    """(cell index, name) of every `# REFERENCE_FIGURE: name` in the notebook."""
    nb = nbformat.read(path, as_version=4)
    return [(i, name) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for name in build_course.MARKER.findall(cell.source)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_reference_figure_is_shown_after_its_cell_and_committed(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        lines = cell.source.splitlines() if cell.cell_type == "code" else []
        for line in (line for line in lines if line.startswith("# REFERENCE_FIGURE")):
            assert build_course.MARKER.match(line), f"{path.name}: cell {i + 1}: malformed marker {line!r}"
        assert not (lines and lines[0].startswith("# REFERENCE_FIGURE") and any(l.startswith("%%") for l in lines)), \
            f"{path.name}: cell {i + 1}: put the REFERENCE_FIGURE marker after the %%magic line"
    names = [name for _, name in markers(path)]
    assert len(names) == len(set(names)), f"{path.name}: a REFERENCE_FIGURE name is used twice: {names}"
    for i, name in markers(path):
        image = f"../docs/figures/{path.stem}/{name}.png"
        after = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        assert after is not None and after.cell_type == "markdown" and f"]({image})" in after.source, \
            f"{path.name}: cell {i + 1} (REFERENCE_FIGURE: {name}) must be followed by a markdown cell with ![...]({image})"
        assert re.search(r"\bcpu\b", after.source, re.I), \
            f"{path.name}: the caption of {image} must say it is what a cpu-profile run draws"
        assert (path.parent / image).is_file(), f"{image} is missing: run `make figures`"
    for cell in (c for c in nb.cells if c.cell_type == "markdown"):
        for target in FIGURE_LINK.findall(cell.source):
            assert (path.parent / target).is_file(), f"{path.name} shows {target}, which does not exist"


def test_no_reference_figure_is_orphaned():
    wanted = {f"{path.stem}/{name}.png" for path in NOTEBOOKS for _, name in markers(path)}
    found = {f.relative_to(FIGURES).as_posix() for f in FIGURES.rglob("*") if f.is_file()}
    assert found <= wanted, f"in docs/figures/, drawn by no REFERENCE_FIGURE marker: {sorted(found - wanted)}"


def test_a_notebook_already_executed_is_rendered_not_run_again(tmp_path):
    path = NOTEBOOKS[0]
    nb = nbformat.read(path, as_version=4)
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    first_code.outputs = [new_output("stream", name="stdout", text="printed by the earlier run\n")]
    executed = tmp_path / "executed"
    executed.mkdir()
    nbformat.write(nb, executed / path.name)
    build_course.build([path], tmp_path / "site", "quick", figures=False, executed=executed)
    assert "printed by the earlier run" in (tmp_path / "site" / f"{path.stem}.html").read_text(encoding="utf-8")
