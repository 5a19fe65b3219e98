"""Run the notebooks as mybinder.org would: its environment, one CPU core, 2 GB of memory.

    python benchmarks/binder_sim.py                          # build a fresh environment, run every notebook
    python benchmarks/binder_sim.py --venv /tmp/binder-env 00_setup   # keep the environment; reuse it next time

The environment is built as repo2docker builds binder/: python (version from binder/runtime.txt)
in a new virtual environment, `pip install -r binder/requirements.txt` (tensorflow-cpu, from
the package index), then binder/postBuild. Each notebook then runs in a fresh kernel (the runner
of benchmarks/notebook_runs.py) under binder/start (cpu profile, one thread), pinned to CPU 0
with `taskset -c 0`.

Memory: where this machine has a writable memory cgroup (v2, or v1 as in many containers; as
root), each notebook runs in a new cgroup limited to 2 GB without swap, as on Binder; "cgroup MB"
is its peak (memory.peak, v1: memory.max_usage_in_bytes) over the runner, the kernel and its
children, page cache included. Shared libraries already in memory for other processes are not
charged to it, so "kernel RSS MB", the kernel's peak resident size (ru_maxrss), is printed beside
it. Elsewhere the limit cannot be enforced and only the RSS is printed. A row over 2 GB by either
fails; the output says whether the limit was enforced. Building the environment takes a few
minutes and about 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_runs import ROOT, run_in_child  # noqa: E402

LIMIT_MB = 2048  # mybinder.org: 2 GB of memory, 1 CPU
MARKER = ".binder_sim"  # in a finished environment: what it was built from


def recipe() -> str:
    """What the environment is built from; a reused one must have been built from the same."""
    files = ("runtime.txt", "requirements.txt", "postBuild")
    return f"{ROOT}\n" + "".join((ROOT / "binder" / name).read_text() for name in files)


def build_env(venv: Path) -> None:
    """The environment repo2docker would build from binder/, in `venv`."""
    version = (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")
    python = shutil.which(f"python{version}")
    if python is None:
        sys.exit(f"binder_sim: python{version} not found on PATH (binder/runtime.txt asks for python-{version})")
    print(f"building the Binder environment in {venv} (a few minutes) ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv)}
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
                   cwd=ROOT, env=env, check=True)
    subprocess.run([ROOT / "binder" / "postBuild"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    (venv / MARKER).write_text(recipe())
    print(f"built in {time.perf_counter() - start:.0f} s", file=sys.stderr)


@dataclass
class MemoryLimit:
    """A memory cgroup with a 2 GB limit: where to enter it, and what it measured."""

    group: Path
    peak_file: str  # memory.peak (cgroup v2) or memory.max_usage_in_bytes (v1)

    def enter(self) -> None:
        (self.group / "cgroup.procs").write_text(str(os.getpid()))

    def peak_mb(self) -> int | None:
        path = self.group / self.peak_file
        return round(int(path.read_text()) / 2**20) if path.exists() else None

    def oom_kills(self) -> int:
        for name in ("memory.events", "memory.oom_control"):  # v2, v1: both have a line "oom_kill N"
            if (self.group / name).exists():
                lines = dict(line.split() for line in (self.group / name).read_text().splitlines())
                return int(lines.get("oom_kill", 0))
        return 0


def memory_cgroup(name: str) -> MemoryLimit | None:
    """A new cgroup (v2, else v1) limited to LIMIT_MB without swap, or None where this machine allows none."""
    mounts = [line.split() for line in Path("/proc/self/mounts").read_text().splitlines()]
    v2 = [Path(m[1]) for m in mounts if m[2] == "cgroup2" and "memory" in _read(Path(m[1]) / "cgroup.controllers")]
    v1 = [Path(m[1]) for m in mounts if m[2] == "cgroup" and "memory" in m[3].split(",")]
    for root, limit, swap, peak in [*((r, "memory.max", "memory.swap.max", "memory.peak") for r in v2),
                                    *((r, "memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
                                       "memory.max_usage_in_bytes") for r in v1)]:
        group = root / name
        try:
            group.mkdir()
            (group / limit).write_text(f"{LIMIT_MB * 2**20}\n")
            if (group / swap).exists():  # no swap on Binder
                (group / swap).write_text(f"{LIMIT_MB * 2**20}\n" if swap.startswith("memory.memsw") else "0\n")
            return MemoryLimit(group, peak)
        except OSError:
            if group.is_dir():
                group.rmdir()
    return None


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def run(path: Path, venv: Path) -> dict:
    """One notebook under Binder's limits: a row of the table."""
    limit = memory_cgroup(f"ganlab-binder-sim-{os.getpid()}")
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    row = run_in_child(path, "cpu", python=str(venv / "bin" / "python"), env=env,
                       preexec_fn=limit.enter if limit else None,
                       prefix=["taskset", "-c", "0", str(ROOT / "binder" / "start")])
    row["enforced"] = "yes" if limit else "no"
    row["rss_mb"], row["peak_mb"] = row["peak_mb"], "-"  # the kernel's own peak; the cgroup's below
    if limit:
        row["peak_mb"] = limit.peak_mb() or "-"
        if limit.oom_kills():
            row["seconds"] = "killed: over 2 GB"
        try:
            limit.group.rmdir()
        except OSError as error:  # a process still in it; the cgroup goes when it exits and is removed
            print(f"binder_sim: could not remove {limit.group}: {error}", file=sys.stderr)
    over = any(isinstance(row[k], int) and row[k] > LIMIT_MB for k in ("peak_mb", "rss_mb"))
    row["status"] = "failed" if row["seconds"] in ("failed", "killed: over 2 GB") or over else "ok"
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="notebook stems, e.g. 00_setup (default: all)")
    parser.add_argument("--venv", type=Path, help="keep the environment here; reuse it when it is already built")
    args = parser.parse_args()
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    unknown = sorted(set(args.names) - {p.stem for p in paths})
    if unknown:
        parser.error(f"no notebook named {', '.join(unknown)} (there are: {', '.join(p.stem for p in paths)})")
    if shutil.which("taskset") is None:
        parser.error("taskset not found (it is in util-linux): it pins the notebooks to one CPU core")
    paths = [p for p in paths if p.stem in args.names] if args.names else paths
    with tempfile.TemporaryDirectory() as scratch:
        venv = args.venv.resolve() if args.venv else Path(scratch) / "binder-env"
        if not venv.exists():
            build_env(venv)
        elif not (venv / MARKER).is_file():
            parser.error(f"--venv {args.venv} exists but is no finished binder_sim environment "
                         f"(no {MARKER} file in it): give a new folder")
        elif (venv / MARKER).read_text() != recipe():
            parser.error(f"--venv {args.venv} was built from another binder/ or checkout: delete it or give a new folder")
        rows = []
        for path in paths:
            rows.append(run(path, venv))
            print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    enforced = rows and rows[0]["enforced"] == "yes"
    print("\nmemory limit: " + (f"enforced, a memory cgroup limited to {LIMIT_MB} MB without swap" if enforced else
                                "NOT enforced (no writable memory cgroup here)") + f"; a row over {LIMIT_MB} MB fails")
    print(f"{'notebook':<24} {'seconds':>8} {'cgroup MB':>9} {'kernel RSS MB':>13}  {'limit enforced':<15} {'status'}"
          "   (binder/start, taskset -c 0)")
    for row in rows:
        print(f"{row['notebook']:<24} {row['seconds']:>8} {row['peak_mb']:>9} {row['rss_mb']:>13}  "
              f"{row['enforced']:<15} {row['status']}")
    return 0 if all(row["status"] == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
