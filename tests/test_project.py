"""The course's own rules: pins agree, one repository address, clean notebooks."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The course's notebooks: NN_topic.ipynb. A learner's copy ("02_dense_mnist_gan-Copy1.ipynb") is not one.
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                   if re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name))
# The syllabus arc still to be written; each is a README row, "(coming)" until its notebook exists.
PLANNED = ("evaluating_gans", "losses_and_stability", "conditional_gans", "pix2pix", "unpaired_translation")
PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([0-9][^\s;#]*)", re.M)
SAME_PACKAGE = {"tensorflow-cpu": "tensorflow"}  # Binder installs the CPU-only build


def pins_in(text: str) -> dict[str, str]:
    return {SAME_PACKAGE.get(name.lower(), name.lower()): version for name, version in PIN.findall(text)}


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def git(*args: str) -> bytes | None:
    """``git args`` run in the repository, or None where there is no git or no repository."""
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def files_git_would_commit() -> list[str]:
    """Tracked files and untracked ones that .gitignore lets through; not a learner's runs/ or caches."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if listed is None:
        pytest.skip("not a git checkout: the repository-hygiene checks need git")
    return [name for name in listed.decode().split("\0") if name]


def committed_notebook(path: Path) -> dict:
    """The notebook as git holds it (its staged version), so that running the course in place
    (outputs saved, exercises solved) never fails a test; a notebook git does not track yet
    is read as it is on disk."""
    staged = git("show", f":{path.relative_to(ROOT).as_posix()}")
    return json.loads(staged if staged is not None else path.read_bytes())


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


def syllabus_rows() -> list[str]:
    """The first cell of each row of the README's syllabus table."""
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"^## Syllabus\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert section, "README.md needs a '## Syllabus' section with a table of the notebooks."
    rows = [line.split("|")[1].strip() for line in section.group(1).splitlines() if line.startswith("|")]
    return rows[2:]  # after the header and the |---| line


def test_notebooks_are_numbered_from_00_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS))), (
        f"notebooks/ holds {[p.name for p in NOTEBOOKS]}: number them 00, 01, 02, ... in teaching order, "
        "with no gap and no number used twice.")


def test_readme_syllabus_lists_every_notebook_then_the_planned_ones_as_coming():
    rows = syllabus_rows()
    numbers = [row[1:3] if row.startswith("[") else row[:2] for row in rows]
    assert numbers == [f"{n:02d}" for n in range(len(rows))], (
        f"README.md's syllabus rows are numbered {numbers}: number them 00, 01, 02, ... in order.")
    written = [f"[{p.name}](notebooks/{p.name})" for p in NOTEBOOKS]
    assert rows[:len(written)] == written, (
        "README.md's syllabus must start with one row per notebook, in order, its first cell a link "
        f"[NN_name.ipynb](notebooks/NN_name.ipynb): expected {written}, found {rows[:len(written)]}.")
    coming = rows[len(written):]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+ \(coming\)", row) for row in coming), (
        f"README.md's syllabus rows after the written notebooks must read 'NN_name (coming)': {coming}.")
    for topic in PLANNED:
        assert any(topic in row for row in rows), (
            f"README.md's syllabus has no row for the planned notebook on {topic}: add 'NN_{topic} (coming)'.")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_badges_and_setup_cell_use_the_one_repository_url(path):
    nb = committed_notebook(path)
    url = repository_url()
    slug = url.removeprefix("https://github.com/")
    text = "".join("".join(c["source"]) for c in nb["cells"][:4])
    release = "v" + re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert f"https://colab.research.google.com/github/{slug}/blob/{release}/notebooks/{path.name}" in text
    assert f"https://mybinder.org/v2/gh/{slug}/main?labpath=notebooks%2F{path.name}" in text
    setup = next(c for c in nb["cells"] if c["cell_type"] == "code")
    source = "".join(setup["source"])
    assert 'if "google.colab" in sys.modules' in source and f"git+{url}@{release}" in source  # docs/release.py
    assert "ganlab.check_env()" in source
    every_url = set(re.findall(r"github(?:\.com/|/)([\w.-]+/[\w.-]+)", json.dumps(nb)))
    assert every_url <= {slug}, every_url


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_clean(path):
    """What git holds of each notebook: no stored outputs except marked ones, no machine paths."""
    nb = committed_notebook(path)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "Run time:" in "".join(first["source"]), (
        f"{path.name}: start with a markdown cell (title, what the learner will be able to do, "
        "prerequisites, dataset) that has a 'Run time:' line pointing to the README's syllabus.")
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        first_lines = source.lstrip().splitlines()[:2]
        marked = any(line.strip() == "# NBVAL_CHECK_OUTPUT" for line in first_lines)
        if not marked:
            assert not cell.get("outputs"), (
                f"{path.name}: the cell {source[:60]!r} is stored with outputs. Clear them before committing "
                "(JupyterLab: Edit > Clear Outputs of All Cells, then save; or `jupyter nbconvert "
                "--clear-output --inplace`), or, if the output is the same on every run, start the cell "
                "with '# NBVAL_CHECK_OUTPUT'.")
        assert not (source.lstrip().startswith("# NBVAL") and "\n%%" in source), (
            f"{path.name}: the cell {source[:60]!r} has its # NBVAL marker before a %%magic line, which "
            "breaks the magic: put the marker on the line after it.")
    machine_path = re.search(r"/(work|tmp|root|home)/[^\s\"']*", json.dumps(nb))
    assert not machine_path, (
        f"{path.name} holds an absolute path of a machine ({machine_path and machine_path.group()}): "
        "use a path relative to the notebook, or a GANLAB_* variable.")


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem != "00_setup"], ids=lambda p: p.stem)
def test_notebook_sizes_come_from_the_profile(path):
    nb = committed_notebook(path)
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    calls = sum("ganlab.params(" in s for s in sources)
    assert calls == 1, (f"{path.name} calls ganlab.params( in {calls} cells: size everything in one "
                        "parameters cell, right after the setup cell.")


def test_readme_has_the_two_commands_and_one_repository_url():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    slug = repository_url().removeprefix("https://github.com/")
    assert set(re.findall(r"github(?:\.com/|/)([\w.-]+/[\w.-]+)", readme)) <= {slug}


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_no_data_or_checkpoints_in_what_git_would_commit():
    """Only what git would commit counts: a learner's runs/ and the data cache are git-ignored."""
    files = files_git_would_commit()
    data = [f for f in files if f.endswith((".gz", ".npz", ".npy")) or f.endswith("-ubyte")]
    assert not data, (
        f"Dataset files are in what git would commit: {data}. Keep datasets out of the repository: move "
        "them to a folder that GANLAB_DATA_DIR names (see data/README.md), or, if git tracks them "
        "already, `git rm --cached <file>`.")
    weights = [f for f in files if f.endswith((".keras", ".h5"))]
    assert not weights, (
        f"Trained weights are in what git would commit: {weights}. Keep runs in a runs/ folder (git "
        "ignores it) or in GANLAB_RUNS_DIR, or, if git tracks them already, `git rm --cached <file>`.")


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
