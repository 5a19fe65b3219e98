"""Conditional GANs: how often a sample is of the class asked for, and its FD, after a time budget.

    python benchmarks/conditional_quality.py                          # fashion_mnist, cpu profile, 180 s
    python benchmarks/conditional_quality.py --mechanisms projection --seconds 120 --dataset mnist

Each run builds ``build_gan("cgan", profile, mechanism=...)`` and trains it for ``--seconds`` of
wall-clock time on the train part of ``ganlab.metrics.evaluation_split`` with its labels
(``ganlab.experiments.train_for``). ``--unconditional`` adds the profile's DCGAN, trained the same
time, as the FD yardstick. Scores: ``label accuracy``, the share of ``--n`` samples (every class
equally often, noise seed 1) that the dataset's feature network classifies as the class asked for
(``ganlab.conditional.label_accuracy``; 10 % is chance), and FD from ``ganlab.metrics.evaluate``
on the same kind of samples, next to the real baseline.
"""

from __future__ import annotations

import argparse

from _arguments import comma_separated  # benchmarks/_arguments.py

MECHANISMS = ("projection", "concat")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=("mnist", "fashion_mnist"), default="fashion_mnist")
    parser.add_argument("--mechanisms", default=",".join(MECHANISMS), help="comma-separated (default %(default)s)")
    parser.add_argument("--profile", choices=("quick", "cpu", "gpu"), default="cpu")
    parser.add_argument("--seconds", type=float, default=180.0, help="training time per run (default 180)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=1000, help="samples scored (default 1000)")
    parser.add_argument("--unconditional", action="store_true", help="also train the profile's DCGAN, for FD")
    args = parser.parse_args(argv)
    args.mechanisms = comma_separated(parser, args.mechanisms, MECHANISMS, "--mechanisms")
    if args.seconds <= 0:
        parser.error(f"--seconds must be positive, not {args.seconds:g}.")
    if args.n < 129:
        parser.error(f"--n must be at least 129 (FD needs one more sample than its 128 features), not {args.n}.")
    return args


def one_run(model: str, args, network, **overrides) -> dict:
    """Train for the budget; return steps, label accuracy (conditional only) and FD with its baseline."""
    from ganlab.conditional import label_accuracy
    from ganlab.experiments import train_for
    from ganlab.metrics import evaluate

    gan = train_for(model, args.dataset, args.seconds, seed=args.seed, profile=args.profile, **overrides)
    fd = evaluate(gan, args.dataset, metrics=("fd",), n=args.n, network=network)["scores"]["fd"]
    accuracy = label_accuracy(gan, network, args.n) if model == "cgan" else None
    return {"steps": int(gan.g_optimizer.iterations), "accuracy": accuracy, "fd": fd["generated"], "real": fd["real"]}


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.metrics import feature_network

    network = feature_network(args.dataset)
    runs = {f"cgan, {m}": one_run("cgan", args, network, mechanism=m) for m in args.mechanisms}
    if args.unconditional:
        runs["dcgan (unconditional)"] = one_run("dcgan", args, network)
    print(f"{args.dataset}, profile {args.profile}, {args.seconds:g} s of training each, seed {args.seed}, "
          f"{args.n} samples\n")
    print("| run | steps | label accuracy | FD | FD of real images |\n|---|---|---|---|---|")
    for name, run in runs.items():
        accuracy = "" if run["accuracy"] is None else f"{run['accuracy']:.1%}"
        print(f"| {name} | {run['steps']:,} | {accuracy} | {run['fd']:.3g} | {run['real']:.3g} |")


if __name__ == "__main__":
    main()
