"""Build the rendered copy of the course: every notebook executed, as a static HTML site.

    python docs/build_course.py                         # cpu profile -> docs/_build/course/
    python docs/build_course.py --profile quick --out /tmp/course 00_setup 01_gan_on_toy_data
    python docs/build_course.py --figures               # also refresh docs/figures/ (`make figures`)
    python docs/build_course.py --profile quick --executed DIR   # pages from notebooks already run

Each notebook runs once, in a fresh kernel, with a fresh temporary GANLAB_RUNS_DIR (nothing is
resumed), and becomes one page with its outputs; index.html lists the pages by title. If a cell
raises, the build stops with one line naming the notebook and the cell, and exits with 1.
With --executed DIR a notebook found there as DIR/<name>.ipynb is not run again: `make test` runs
every notebook once, under nbval, and notebooks/conftest.py writes each executed copy there, so
the test of this build (tests/test_course_build.py) renders those instead of running the course twice.

Tool: nbclient executes, nbconvert's HTMLExporter ("lab" template) writes the pages. Both come
with jupyterlab and nbval, so nothing new is installed and nothing is downloaded; Jupyter Book
would add a large dependency tree for a site this small. Images are embedded in the pages.
Widgets: nbclient stores their state and nbconvert embeds it, so a browser that is online shows
each widget as it was left (its JavaScript comes from a CDN; sliders do not recompute, there is
no kernel); offline, the widget's text form shows. The static figures are what always shows.

Reference figures, what a learner sees without running anything. A code cell whose figure is a
reference figure carries a comment line (after any %%magic first line)

    # REFERENCE_FIGURE: density_after_training      (letters, digits, _ and -)

and the next cell is markdown showing the committed PNG, with a caption saying that it is what
a cpu-profile run draws:

    ![D and G after training](../docs/figures/01_gan_on_toy_data/density_after_training.png)
    *Reference figure: what a `cpu`-profile run draws; `make figures` redraws it.*

With --figures the build writes the last PNG output of each marked cell to
docs/figures/<notebook>/<name>.png and deletes figures that no marker makes any more.
tests/test_course_build.py checks the markers, the markdown and the files without running.
"""

from __future__ import annotations

import argparse
import base64
import html
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures"
MARKER = re.compile(r"^# REFERENCE_FIGURE: ([A-Za-z0-9_-]+)\s*$", re.M)
CELL_TIMEOUT_S = 1800
# The lab template, with error outputs wrapped in a class that tests/test_course_build.py looks for.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{% block error %}<div class="course-error">{{ super() }}</div>{% endblock error %}"""


class BuildError(Exception):
    """A notebook failed; the message is the one line to print."""


def notebooks(names: list[str] | None = None) -> list[Path]:
    """The course's notebooks in teaching order, or the ones named (stems); unknown names fail."""
    paths = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                   if re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name))  # not a learner's "-Copy1"
    if not names:
        return paths
    unknown = sorted(set(names) - {p.stem for p in paths})
    if unknown:
        raise BuildError(f"no notebook named {', '.join(unknown)} in notebooks/ "
                         f"(there are: {', '.join(p.stem for p in paths)})")
    return [p for p in paths if p.stem in names]


def title(nb: nbformat.NotebookNode, default: str) -> str:
    """The notebook's first markdown heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def execute(path: Path, profile: str) -> nbformat.NotebookNode:
    """Run the notebook top to bottom in a fresh kernel; raise BuildError naming the failing cell."""
    nb = nbformat.read(path, as_version=4)
    running: dict[str, int] = {}
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_execute=lambda cell, cell_index: running.update(index=cell_index))
    # MPLBACKEND=Agg (CI sets it) would hide every figure: the kernel keeps its inline backend.
    env = {name: value for name, value in os.environ.items() if name != "MPLBACKEND"}
    with tempfile.TemporaryDirectory() as runs:
        try:
            client.execute(env={**env, "GANLAB_PROFILE": profile, "GANLAB_RUNS_DIR": runs})
        except Exception as error:  # CellExecutionError, a timeout, a dead kernel
            index = running.get("index")
            where = "the kernel's start" if index is None else \
                f"cell {index + 1} ({(nb.cells[index].source.strip().splitlines() or [''])[0][:60]!r})"
            what = f"{error.ename}: {error.evalue}" if hasattr(error, "ename") else repr(error)
            raise BuildError(f"{path.name}: {where} raised {what}") from None
    return nb


def reference_figures(nb: nbformat.NotebookNode) -> dict[str, bytes]:
    """{name: PNG bytes} of the last PNG output of each cell marked `# REFERENCE_FIGURE: name`."""
    figures = {}
    for index, cell in enumerate(nb.cells):
        for name in MARKER.findall(cell.source) if cell.cell_type == "code" else []:
            pngs = [out.data["image/png"] for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
            if not pngs:
                raise BuildError(f"cell {index + 1} is marked REFERENCE_FIGURE: {name} but drew no PNG")
            figures[name] = base64.b64decode(pngs[-1])
    return figures


def write_figures(stem: str, figures: dict[str, bytes]) -> None:
    """Make docs/figures/<stem>/ hold exactly these figures."""
    folder = FIGURES / stem
    for old in folder.glob("*.png"):
        if old.stem not in figures:
            old.unlink()
            print(f"  removed {old.relative_to(ROOT)} (no marker draws it)", file=sys.stderr)
    for name, png in figures.items():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.png").write_bytes(png)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def page(nb: nbformat.NotebookNode, name: str) -> str:
    """The notebook as one HTML page; links to other notebooks and figures point into the site."""
    exporter = HTMLExporter(template_name="lab", template_file="course.html.j2",
                            extra_loaders=[jinja2.DictLoader({"course.html.j2": TEMPLATE})])
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    body = body.replace("<main>", '<main><p><a href="index.html">ganlab course: all notebooks</a></p>', 1)
    body = re.sub(r'href="(\d\d_[\w-]+)\.ipynb', r'href="\1.html', body)
    return body.replace('src="../docs/figures/', 'src="figures/')


def index_page(titles: dict[str, str], profile: str) -> str:
    items = "\n".join(f'<li><a href="{stem}.html">{html.escape(text)}</a></li>' for stem, text in titles.items())
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ganlab course</title></head>\n"
            f"<body><h1>ganlab: Generative Adversarial Networks, hands-on</h1>\n"
            f"<p>Every notebook executed in the <code>{profile}</code> profile.</p>\n<ol>\n{items}\n</ol>\n</body></html>\n")


def build(paths: list[Path], out: Path, profile: str, figures: bool, executed: Path | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    titles = {}
    for path in paths:
        start = time.perf_counter()
        ready = executed / path.name if executed else None
        nb = nbformat.read(ready, as_version=4) if ready and ready.is_file() else execute(path, profile)
        if figures:
            try:
                write_figures(path.stem, reference_figures(nb))
            except BuildError as error:
                raise BuildError(f"{path.name}: {error}") from None
        if (FIGURES / path.stem).is_dir():  # the committed figures its markdown shows
            shutil.copytree(FIGURES / path.stem, out / "figures" / path.stem, dirs_exist_ok=True)
        titles[path.stem] = title(nb, path.stem)
        (out / f"{path.stem}.html").write_text(page(nb, titles[path.stem]), encoding="utf-8")
        print(f"  {path.stem}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    (out / "index.html").write_text(index_page(titles, profile), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="notebook stems, e.g. 00_setup (default: all)")
    parser.add_argument("--profile", default="cpu", choices=("quick", "cpu", "gpu"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_build" / "course", help="output folder")
    parser.add_argument("--figures", action="store_true", help="also write docs/figures/<notebook>/<name>.png")
    parser.add_argument("--executed", type=Path, help="a folder of notebooks already executed in this profile")
    args = parser.parse_args(argv)
    if args.figures and (args.profile != "cpu" or args.executed):
        parser.error("--figures writes the reference figures, which are what the cpu profile draws: "
                     "leave --profile at cpu, without --executed")
    try:
        paths = notebooks(args.names)
        if args.figures and not args.names:  # a renamed or deleted notebook leaves no figures behind
            for folder in (f for f in FIGURES.glob("*") if f.is_dir()):
                if folder.name not in {p.stem for p in paths}:
                    shutil.rmtree(folder)
                    print(f"  removed {folder.relative_to(ROOT)} (no such notebook)", file=sys.stderr)
        build(paths, args.out, args.profile, args.figures, args.executed)
    except BuildError as error:
        print(f"build_course: {error}", file=sys.stderr)
        return 1
    print(f"built {len(paths)} notebook(s) into {args.out}/index.html ({args.profile} profile)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
