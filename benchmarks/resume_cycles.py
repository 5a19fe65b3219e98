"""Kill `python -m ganlab train dcgan` with SIGKILL again and again; resume it each time.

    python benchmarks/resume_cycles.py [--cycles 10] [--width 8] [--n-images 256] [--seed 0]

Each cycle starts training (with --resume after the first), waits for it to complete
at least one more epoch, then kills it at a random moment, during training or in the
middle of writing a checkpoint. After every kill it checks that the newest checkpoint
is complete (every file matches its SHA-256) and loadable, that no checkpoint went
backwards, and how much progress was lost: epochs the run had finished (counted from
its own log) minus the epoch the checkpoint holds. Target: 10 cycles, each losing at
most one epoch, none losing a checkpoint. A final resume trains to the last epoch.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ganlab.checkpoints import latest_checkpoint, read_state


def train_command(out: Path, args, resume: bool, epochs: int | None = None) -> list[str]:
    command = [sys.executable, "-m", "ganlab", "train", "dcgan", "--out", str(out),
               "--epochs", str(epochs or args.epochs)]
    if resume:
        return command + ["--resume"]
    return command + ["--n-images", str(args.n_images), "--batch-size", "64", "--width", str(args.width)]


def saved_epoch(out: Path) -> int:
    latest = latest_checkpoint(out / "checkpoints")
    return read_state(latest)["epoch"] if latest else 0


def one_cycle(out: Path, args, resume: bool, rng: random.Random) -> dict:
    before = saved_epoch(out)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log = out.parent / "log.txt"
    with open(log, "w") as log_file:
        process = subprocess.Popen(train_command(out, args, resume), stdout=log_file, stderr=subprocess.STDOUT,
                                   env=env)
        deadline = time.time() + 300
        while time.time() < deadline and process.poll() is None:
            latest = latest_checkpoint(out / "checkpoints")
            if latest is not None and int(latest.name.split("-")[1]) > before:
                break
            time.sleep(0.02)
        if process.poll() is not None:
            raise SystemExit(f"training ended by itself (exit {process.returncode}); see {log}:\n"
                             + log.read_text()[-2000:])
        time.sleep(rng.uniform(0.0, 1.5))  # anywhere: mid-epoch, mid-checkpoint, mid-sample-grid
        process.send_signal(signal.SIGKILL)
        process.wait()
    mid_write = any((out / "checkpoints").glob(".partial-*"))  # killed while writing a checkpoint
    finished = log.read_text().count(" - d_loss: ")  # one line per completed epoch (verbose=2)
    after = saved_epoch(out)  # raises if the newest checkpoint is incomplete or corrupted
    # A run prints an epoch's line just after saving its checkpoint, so a kill in between
    # shows one epoch more in the checkpoint than in the log: nothing was lost then.
    return {"before": before, "finished": before + finished, "checkpoint": after,
            "lost": max(0, before + finished - after), "went_back": after < before, "mid_write": mid_write}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--n-images", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.width < 1 or args.n_images < 64 or args.epochs < 2:
        parser.error("--cycles and --width must be >= 1, --n-images >= 64 and --epochs >= 2.")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        print(f"{'cycle':>5} {'epoch before':>13} {'finished':>9} {'checkpoint':>11} {'lost':>5} "
              f"{'killed mid-write':>17}  checkpoint ok")
        rows = []
        for cycle in range(1, args.cycles + 1):
            row = one_cycle(out, args, resume=cycle > 1, rng=rng)
            rows.append(row)
            print(f"{cycle:>5} {row['before']:>13} {row['finished']:>9} {row['checkpoint']:>11} {row['lost']:>5} {'yes' if row['mid_write'] else 'no':>17}  "
                  f"{'no (went back!)' if row['went_back'] else 'yes'}", flush=True)
        final = subprocess.run(train_command(out, args, resume=True, epochs=saved_epoch(out) + 1),
                               capture_output=True, text=True)
        worst = max(row["lost"] for row in rows)
        print(f"\n{args.cycles} kill-and-resume cycles: at most {worst} epoch(s) of progress lost in a cycle; "
              f"checkpoints lost or gone back: {sum(row['went_back'] for row in rows)}; "
              f"final resume exit code {final.returncode}, reaching epoch {saved_epoch(out)}")
        if worst > 1 or any(row["went_back"] for row in rows) or final.returncode != 0:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
