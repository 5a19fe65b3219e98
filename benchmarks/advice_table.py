"""The advice table of notebooks/07_losses_and_stability.ipynb over more seeds: modes covered and
high-quality share on the ring of 8 Gaussians, mean ± standard deviation.

    python benchmarks/advice_table.py [--profile quick|cpu|gpu] [--steps N] [--seeds 0 1 2]

Sizes come from ganlab.params("stability", profile); results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import time

import ganlab
from ganlab.ring import advice_rows, compare, format_results


def parse_args(argv=None) -> argparse.Namespace:
    """The command line, checked before anything trains."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="cpu", choices=("quick", "cpu", "gpu"))
    parser.add_argument("--steps", type=int, help="generator steps per run (default: the profile's advice_steps)")
    parser.add_argument("--seeds", type=int, nargs="+", help="seeds (default: the profile's)")
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps < 1:
        parser.error("--steps must be >= 1")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    P = ganlab.params("stability", profile=args.profile)
    steps, seeds = args.steps or P.advice_steps, tuple(args.seeds or P.seeds)
    start = time.perf_counter()
    print(format_results(compare(advice_rows(), seeds=seeds, steps=steps, every=steps)))
    print(f"{steps} steps per run, seeds {seeds}, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
