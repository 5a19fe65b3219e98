"""The course's own rules: pins agree, one repository address, clean notebooks."""

import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([0-9][^\s;#]*)", re.M)
SAME_PACKAGE = {"tensorflow-cpu": "tensorflow"}  # Binder installs the CPU-only build


def pins_in(text: str) -> dict[str, str]:
    return {SAME_PACKAGE.get(name.lower(), name.lower()): version for name, version in PIN.findall(text)}


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pins_agree_across_pyproject_environment_and_binder():
    project = pyproject()["project"]
    reference = pins_in("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
    assert {"tensorflow", "keras", "numpy", "matplotlib", "ipywidgets"} <= set(reference)
    assert reference["tensorflow"].startswith("2.21") and reference["keras"].startswith("3.")
    for other in ("environment.yml", "binder/requirements.txt"):
        found = pins_in((ROOT / other).read_text())
        assert found, other
        for name, version in found.items():
            assert reference.get(name) == version, f"{other} pins {name}=={version}, pyproject {reference.get(name)}"
    assert set(pins_in((ROOT / "binder/requirements.txt").read_text())) >= set(pins_in("\n".join(project["dependencies"])))


def test_binder_installs_ganlab_and_selects_cpu_profile():
    post_build = (ROOT / "binder/postBuild").read_text()
    assert "set -e" in post_build and "pip install" in post_build and " -e ." in post_build
    start = (ROOT / "binder/start").read_text()
    assert "GANLAB_PROFILE=cpu" in start and "GANLAB_THREADS=1" in start and 'exec "$@"' in start


def repository_url() -> str:
    return pyproject()["project"]["urls"]["Repository"]


def test_there_is_at_least_one_notebook_per_syllabus_step():
    names = [p.stem for p in NOTEBOOKS]
    assert names[:3] == ["00_setup", "01_gan_on_toy_data", "02_dense_mnist_gan"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_badges_and_setup_cell_use_the_one_repository_url(path):
    nb = json.loads(path.read_text())
    url = repository_url()
    slug = url.removeprefix("https://github.com/")
    text = "".join("".join(c["source"]) for c in nb["cells"][:4])
    assert f"https://colab.research.google.com/github/{slug}/blob/main/notebooks/{path.name}" in text
    assert f"https://mybinder.org/v2/gh/{slug}/main?labpath=notebooks%2F{path.name}" in text
    setup = next(c for c in nb["cells"] if c["cell_type"] == "code")
    source = "".join(setup["source"])
    assert 'if "google.colab" in sys.modules' in source and f"git+{url}" in source
    assert "ganlab.check_env()" in source
    every_url = set(re.findall(r"github(?:\.com/|/)([\w.-]+/[\w.-]+)", json.dumps(nb)))
    assert every_url <= {slug}, every_url


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_clean(path):
    nb = json.loads(path.read_text())
    assert nb["cells"][0]["cell_type"] == "markdown" and "Run time:" in "".join(nb["cells"][0]["source"])
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        first_lines = source.lstrip().splitlines()[:2]
        marked = any(line.strip() == "# NBVAL_CHECK_OUTPUT" for line in first_lines)
        if not marked:
            assert not cell.get("outputs"), f"{path.name}: unmarked cell keeps outputs: {source[:60]!r}"
        assert not (source.lstrip().startswith("# NBVAL") and "\n%%" in source), "marker before a %%magic"
    assert not re.search(r"/(work|tmp|root|home)/", path.read_text()), "absolute path of a machine"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem != "00_setup"], ids=lambda p: p.stem)
def test_notebook_sizes_come_from_the_profile(path):
    nb = json.loads(path.read_text())
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert sum("ganlab.params(" in s for s in sources) == 1


def test_readme_has_the_two_commands_and_the_syllabus():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    for path in NOTEBOOKS:
        assert path.name in readme
    slug = repository_url().removeprefix("https://github.com/")
    assert set(re.findall(r"github(?:\.com/|/)([\w.-]+/[\w.-]+)", readme)) <= {slug}


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_no_dataset_files_in_the_repository():
    tracked = [p for p in ROOT.rglob("*") if ".venv" not in p.parts and ".git" not in p.parts]
    assert not [p for p in tracked if p.suffix in (".gz", ".npz") or p.name.endswith("-ubyte")]


def ganlab_modules() -> list[str]:
    import pkgutil

    import ganlab

    names = [m.name for m in pkgutil.walk_packages(ganlab.__path__, "ganlab.")]
    return [name for name in names if not name.endswith("__main__")]  # __main__ runs the CLI


@pytest.mark.parametrize("module", ganlab_modules())
def test_docstring_examples_run(module):
    """Every `>>>` example in ganlab's docstrings gives what it shows (or is marked +SKIP)."""
    import doctest
    import importlib

    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert doctest.testmod(importlib.import_module(module), optionflags=flags).failed == 0
