"""Kill `python -m ganlab train dcgan` with SIGKILL again and again, at chosen moments; resume each time.

    python benchmarks/resume_cycles.py [--cycles 20] [--width 8] [--n-images 256] [--seed 0]

Each cycle starts training in the same folder (with --resume once the folder holds a run)
and kills it at one of four kinds of moment, taken in turn:

- start-up: 0.5 to 4 s after the start, usually before the run's first (or next) checkpoint,
  often before it has written anything;
- mid-epoch: at a random moment after the run has saved at least one new checkpoint;
- checkpoint write: while a checkpoint is being written (a ``.partial-ckpt-*`` folder exists);
- file write: while a run file is being written (a ``.<name>.<pid>.partial.*`` file exists:
  config.json, a sample grid).

After every kill it checks that the newest checkpoint is intact (every file matches its
SHA-256) and loadable, that no checkpoint went backwards, and whether a completed epoch was
lost: epochs the run had finished (counted from its own log) minus the epoch the checkpoint
holds. A final resume trains to the last epoch; history.json must then hold the per-step
history of every epoch, across all the resumes. Target: every cycle finishes, none loses an
epoch or a checkpoint, and the history is whole.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ganlab.checkpoints import latest_checkpoint, read_state

KINDS = ("start-up", "mid-epoch", "checkpoint write", "file write")
BATCH = 64


def train_command(out: Path, args, epochs: int | None = None) -> list[str]:
    command = [sys.executable, "-m", "ganlab", "train", "dcgan", "--out", str(out), "--epochs", str(epochs or args.epochs)]
    if (out / "config.json").is_file():  # the folder holds a run (perhaps without a checkpoint yet)
        return command + ["--resume"]
    return command + ["--n-images", str(args.n_images), "--batch-size", str(BATCH), "--width", str(args.width)]


def saved_epoch(out: Path) -> int:
    latest = latest_checkpoint(out / "checkpoints")
    return read_state(latest)["epoch"] if latest else 0


def partial_checkpoint(out: Path) -> bool:
    return any((out / "checkpoints").glob(".partial-*"))


def partial_file(out: Path) -> bool:
    return any(path.is_file() for folder in (out, out / "grids") for path in folder.glob(".*.partial*"))


def wait_until(done, process, seconds: float) -> bool:
    """Poll ``done()`` every 2 ms while the process runs; True if it came true in time."""
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        if done():
            return True
        time.sleep(0.002)
    return False


def kill_at(kind: str, out: Path, before: int, process, rng: random.Random) -> bool:
    """Wait for the moment ``kind`` names, then SIGKILL; True if the moment was caught."""
    new_checkpoint = lambda: saved_epoch_quiet(out) > before  # noqa: E731
    if kind == "start-up":
        time.sleep(rng.uniform(0.5, 4.0))
        caught = not new_checkpoint()
    elif kind == "mid-epoch":
        caught = wait_until(new_checkpoint, process, 300)
        time.sleep(rng.uniform(0.0, 1.5))
    else:
        wait_until(new_checkpoint, process, 300)  # past start-up: training is under way
        writing = partial_checkpoint if kind == "checkpoint write" else partial_file
        caught = wait_until(lambda: writing(out), process, 30)  # not caught in 30 s: killed anyway
    if process.poll() is not None:
        raise SystemExit(f"training ended by itself (exit {process.returncode}); see {out.parent / 'log.txt'}")
    process.send_signal(signal.SIGKILL)
    process.wait()
    return caught


def saved_epoch_quiet(out: Path) -> int:
    """saved_epoch while the run writes: a checkpoint being renamed into place counts once it is whole."""
    try:
        return saved_epoch(out)
    except Exception:  # noqa: BLE001  (a state file read mid-rename)
        return 0


def one_cycle(out: Path, args, kind: str, rng: random.Random) -> dict:
    before = saved_epoch(out)
    log = out.parent / "log.txt"
    with open(log, "w") as log_file:
        process = subprocess.Popen(train_command(out, args), stdout=log_file, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, PYTHONUNBUFFERED="1"))
        caught = kill_at(kind, out, before, process, rng)
    finished = log.read_text().count(" - d_loss: ")  # one line per completed epoch (verbose=2)
    after = saved_epoch(out)  # raises if the newest checkpoint is incomplete or corrupted
    # A run prints an epoch's line just after saving its checkpoint, so a kill in between
    # shows one epoch more in the checkpoint than in the log: nothing was lost then.
    return {"kind": kind, "caught": caught, "before": before, "finished": before + finished, "checkpoint": after,
            "lost": max(0, before + finished - after), "went_back": after < before}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--n-images", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.width < 1 or args.n_images < BATCH or args.epochs < 2:
        parser.error(f"--cycles and --width must be >= 1, --n-images >= {BATCH} and --epochs >= 2.")
    return args


def whole_history(out: Path, epochs: int, steps_per_epoch: int) -> bool:
    history = json.loads((out / "history.json").read_text())
    return all(len(values) == epochs * steps_per_epoch for values in history["steps"].values()) and \
        all(len(values) == epochs for values in history["epochs"].values())


def main(argv=None) -> None:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        print(f"{'cycle':>5}  {'kill':<16} {'caught':>6} {'epoch before':>13} {'finished':>9} {'checkpoint':>11} "
              f"{'lost':>5}  checkpoint ok")
        rows = []
        for cycle in range(1, args.cycles + 1):
            row = one_cycle(out, args, KINDS[(cycle - 1) % len(KINDS)], rng)
            rows.append(row)
            print(f"{cycle:>5}  {row['kind']:<16} {'yes' if row['caught'] else 'no':>6} {row['before']:>13} "
                  f"{row['finished']:>9} {row['checkpoint']:>11} {row['lost']:>5}  "
                  f"{'no (went back!)' if row['went_back'] else 'yes'}", flush=True)
        last = saved_epoch(out) + 1
        final = subprocess.run(train_command(out, args, epochs=last), capture_output=True, text=True)
        whole = final.returncode == 0 and whole_history(out, last, args.n_images // BATCH)
        worst = max(row["lost"] for row in rows)
        print(f"\n{args.cycles} kill-and-resume cycles ({sum(r['caught'] for r in rows)} killed at the intended "
              f"moment): at most {worst} completed epoch(s) lost in a cycle; checkpoints gone back: "
              f"{sum(row['went_back'] for row in rows)}; final resume exit code {final.returncode}, reaching epoch "
              f"{saved_epoch(out)}; per-step history of all {last} epochs in history.json: {'yes' if whole else 'NO'}")
        if worst > 0 or any(row["went_back"] for row in rows) or not whole:
            print(final.stderr[-2000:], file=sys.stderr)
            raise SystemExit(1)


if __name__ == "__main__":
    main()
