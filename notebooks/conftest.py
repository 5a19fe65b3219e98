"""pytest (nbval) runs the course's notebooks only: NN_topic.ipynb, not a learner's "-Copy1" duplicate.

With GANLAB_EXECUTED_DIR set (`make test` sets it), each notebook whose cells all passed is also
written there with the outputs nbval collected, as DIR/<name>.ipynb: the rendered-course test
(tests/test_course_build.py, run after the notebooks) builds its pages from these copies instead
of running every notebook a second time.
"""

import copy
import os
import re
from pathlib import Path

import nbformat
import pytest

COURSE_NOTEBOOK = re.compile(r"\d\d_[a-z0-9_]+\.ipynb")
_outputs: dict[str, dict[int, list]] = {}  # notebook node id -> code cell number -> outputs
_failed: set[str] = set()
_saved: dict[str, str] = {}


def pytest_ignore_collect(collection_path, config):
    if collection_path.suffix == ".ipynb" and not COURSE_NOTEBOOK.fullmatch(collection_path.name):
        return True
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a notebook's kernel starts: no MPLBACKEND, so that it draws inline figures as in
    JupyterLab (MPLBACKEND=Agg, set for the unit tests, would leave the executed copies without one)."""
    if hasattr(item, "test_outputs") and "MPLBACKEND" in os.environ:
        _saved["MPLBACKEND"] = os.environ.pop("MPLBACKEND")


def pytest_runtest_logreport(report):
    if report.failed:
        _failed.add(report.nodeid.split("::")[0])


def pytest_runtest_teardown(item, nextitem):
    if not hasattr(item, "test_outputs"):  # not an nbval cell
        return
    notebook = item.parent
    _outputs.setdefault(notebook.nodeid, {})[item.cell_num] = item.test_outputs or []
    if nextitem is not None and nextitem.parent is notebook:
        return  # more cells to come
    os.environ.update(_saved)  # what comes after the notebook gets its backend back
    outputs, folder = _outputs.pop(notebook.nodeid), os.environ.get("GANLAB_EXECUTED_DIR")
    if folder and notebook.nodeid not in _failed:
        _write_executed(notebook, outputs, Path(folder))


def _write_executed(notebook, outputs: dict[int, list], folder: Path) -> None:
    nb = copy.deepcopy(notebook.nb)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells):
        cell.outputs = [nbformat.from_dict(dict(out)) for out in outputs.get(number, [])]
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{Path(notebook.path).name}.partial"
    nbformat.write(nb, partial)
    partial.replace(folder / Path(notebook.path).name)
