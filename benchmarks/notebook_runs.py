"""Run every notebook under a profile; print wall time and peak memory of each.

    python benchmarks/notebook_runs.py                  # quick profile, all notebooks
    python benchmarks/notebook_runs.py --profile cpu 02_dense_mnist_gan
    python benchmarks/notebook_runs.py --profile cpu 04_dcgan --keep executed/   # read the outputs after

Each notebook runs in a fresh kernel in a child process, so the peak resident
memory (the kernel's maxrss) belongs to that notebook alone. Targets: quick <= 180 s
on 2 CPU cores; peak memory <= 1.5 GB (Binder gives 2 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_one(path: Path, profile: str, keep: Path | None = None) -> dict:
    import nbformat
    from nbclient import NotebookClient

    os.environ["GANLAB_PROFILE"] = profile
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as runs:  # a new run each time: nothing is resumed
        os.environ["GANLAB_RUNS_DIR"] = runs
        start = time.perf_counter()
        NotebookClient(nb, timeout=3600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        seconds = time.perf_counter() - start
    if keep:  # the executed notebook, with its outputs (printed results, plots)
        keep.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, keep / f"{path.stem}.{profile}.ipynb")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the kernel, after it exited
    return {"notebook": path.stem, "profile": profile, "seconds": round(seconds, 1), "peak_mb": round(peak_kb / 1024)}


def run_in_child(path: Path, profile: str, keep: Path | None = None, python: str = sys.executable,
                 prefix: Sequence[str] = (), env: dict[str, str] | None = None,
                 preexec_fn: Callable[[], None] | None = None) -> dict:
    """run_one in a fresh child process, `*prefix python notebook_runs.py --one path`, so that
    the peak memory is this notebook's alone. benchmarks/binder_sim.py passes another python,
    a prefix (taskset, binder/start) and a preexec_fn (a cgroup)."""
    keep_args = ["--keep", str(keep.resolve())] if keep else []
    done = subprocess.run([*prefix, python, str(Path(__file__).resolve()), "--profile", profile, "--one", str(path),
                           *keep_args], capture_output=True, text=True, env=env, preexec_fn=preexec_fn)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return {"notebook": path.stem, "profile": profile, "seconds": "failed", "peak_mb": "-"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="notebook stems (default: all)")
    parser.add_argument("--profile", default="quick", choices=("quick", "cpu", "gpu"))
    parser.add_argument("--keep", type=Path, help="save each executed notebook (with outputs) in this folder")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(Path(args.one), args.profile, args.keep)))
        return 0
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.names:
        paths = [p for p in paths if p.stem in args.names]
    rows = []
    for path in paths:
        rows.append(run_in_child(path, args.profile, args.keep))
        if rows[-1]["seconds"] != "failed":
            print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    print(f"\n{'notebook':<24} {'profile':<8} {'seconds':>8} {'peak MB':>8}   (cores: {os.cpu_count()})")
    for row in rows:
        print(f"{row['notebook']:<24} {row['profile']:<8} {row['seconds']:>8} {row['peak_mb']:>8}")
    return 0 if all(r["seconds"] != "failed" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
