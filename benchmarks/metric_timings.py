"""The feature networks' held-out accuracy and training time, and how long each metric takes.

    python benchmarks/metric_timings.py                        # both datasets, networks trained now
    python benchmarks/metric_timings.py --datasets mnist --cached --n 5000

For each dataset it trains the feature network of ``ganlab.metrics.feature_network`` (with
``--cached``: loads it from the cache when there is one), on the train part of
``evaluation_split`` only, and prints the accuracy on the reference part (targets: MNIST >= 98.5 %,
Fashion-MNIST >= 91 %) and the training time (the epochs only; loading the data is not counted).

Then it times every metric on --n vs --n feature vectors (default 10,000 vs 10,000; training
excluded): "real" are the features of the dataset's first --n images, "generated" those of the
same images each moved by up to 2 pixels at random (a stand-in that is close to real but not equal).
Memorisation compares the generated vectors with the real ones as its training set, and a second
moved copy as its held-out set. Last, one whole ``evaluate()`` at n = 1,000 with every metric:
the first call also computes the features of the split's images, later calls reuse them.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import ganlab  # noqa: F401  (sets the Keras backend before keras loads)

from _arguments import comma_separated  # benchmarks/_arguments.py

DATASETS = ("mnist", "fashion_mnist")
TARGETS = {"mnist": 0.985, "fashion_mnist": 0.91}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated (default %(default)s)")
    parser.add_argument("--n", type=int, default=10_000, help="feature vectors per set (default 10000)")
    parser.add_argument("--cached", action="store_true", help="load the networks from the cache if there")
    args = parser.parse_args(argv)
    args.datasets = comma_separated(parser, args.datasets, DATASETS, "--datasets")
    if args.n < 1000:
        parser.error(f"--n must be at least 1000 (KID's subsets are 1,000 vectors), not {args.n}.")
    return args


def timed(call) -> tuple[object, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def metric_rows(net, n: int) -> list[tuple[str, float]]:
    """(what, seconds) for the features of n images and each metric on n vs n vectors."""
    from ganlab.datasets import load_dataset
    from ganlab.metrics import (class_scores, density_coverage, frechet_distance, kernel_inception_distance,
                                memorisation, precision_recall)
    from ganlab.metrics.features import shifted_at_random

    images, _ = load_dataset(net.dataset, n=n)
    if len(images) < n:
        raise SystemExit(f"{net.dataset} has only {len(images):,} images here; use --n {len(images)} or less.")
    rng = np.random.default_rng(0)
    moved, moved_again = (shifted_at_random(images, 2, rng) for _ in range(2))
    (real, _), seconds = timed(lambda: net.outputs(images))
    generated, probabilities = net.outputs(moved)
    held_out = net.features(moved_again)
    rows = [(f"features of {n:,} images (28x28 -> 128)", seconds)]
    for name, call in (("fd", lambda: frechet_distance(real, generated)),
                       ("kid (10 subsets of 1,000)", lambda: kernel_inception_distance(real, generated)),
                       ("precision_recall (k=3)", lambda: precision_recall(real, generated)),
                       ("density_coverage (k=5)", lambda: density_coverage(real, generated)),
                       ("memorisation (vs n training vectors)", lambda: memorisation(generated, real, held_out)),
                       ("classes", lambda: class_scores(probabilities))):
        rows.append((name, timed(call)[1]))
    return rows


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.metrics import evaluate, feature_network
    from ganlab.metrics.features import RECIPES

    networks, lines = {}, ["| dataset | trained on | epochs | held-out accuracy | target | training time |",
                           "|---|---|---|---|---|---|"]
    for dataset in args.datasets:
        net = networks[dataset] = feature_network(dataset, use_cache=args.cached)
        verdict = "met" if net.held_out_accuracy >= TARGETS[dataset] else "NOT met"
        lines.append(f"| {dataset} | {len(net.split.train):,} images | {RECIPES[dataset].epochs} | "
                     f"{net.held_out_accuracy:.2%} | >= {TARGETS[dataset]:.1%}: {verdict} | "
                     f"{net.training_seconds:.0f} s{' (cached)' if net.from_cache else ''} |")
        lines.append(f"|  | ({net.split.description}) | | | | |")
    print("\n".join(lines))
    for dataset, net in networks.items():
        print(f"\nMetric timings on {dataset} features, {args.n:,} vs {args.n:,} vectors\n\n| what | seconds |\n|---|---|")
        for what, seconds in metric_rows(net, args.n):
            print(f"| {what} | {seconds:.2f} |")
        real = net.split.reference[:1000]
        for call in ("first", "second"):
            _, seconds = timed(lambda: evaluate(real, dataset, n=1000, network=net))
            print(f"| evaluate(), n=1,000, all metrics, {call} call | {seconds:.2f} |")
    threads = os.environ.get("GANLAB_THREADS", "all")
    print(f"\n{os.cpu_count()} CPU cores visible, GANLAB_THREADS={threads}, "
          f"{len(os.sched_getaffinity(0))} core(s) usable by this process")


if __name__ == "__main__":
    main()
