"""Every metric for the dense GAN and the DCGAN, on MNIST and Fashion-MNIST, over several seeds.

    python benchmarks/metric_table.py                                  # cpu profile, 180 s, seeds 0 1 2
    python benchmarks/metric_table.py --models dcgan --datasets mnist --seeds 0 --seconds 60

Each run builds the model with ``ganlab.build_gan`` (the profile's recipe and the seed), trains
it for ``--seconds`` of wall-clock time (``ganlab.callbacks.TimeBudget``) on the train part of
``ganlab.metrics.evaluation_split`` only (the profile's ``n_images`` of them, if it sets one),
so the reference images the samples are compared with are never trained on. Then
``ganlab.metrics.evaluate`` scores ``--n`` samples (noise seed 1) with every metric. The table
gives mean ± standard deviation over the seeds, and the real baseline (real training-part images
against the same reference images). ``--json`` also writes every run's result.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import ganlab

from _arguments import comma_separated  # benchmarks/_arguments.py

MODELS = ("dense", "dcgan")
DATASETS = ("mnist", "fashion_mnist")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated (default %(default)s)")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated (default %(default)s)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--profile", choices=("quick", "cpu", "gpu"), default="cpu")
    parser.add_argument("--seconds", type=float, default=180.0, help="training time per run (default 180)")
    parser.add_argument("--n", type=int, default=1000, help="samples and reference images (default 1000)")
    parser.add_argument("--json", help="also write every run's result to this file")
    args = parser.parse_args(argv)
    args.models, args.datasets = (comma_separated(parser, value, known, flag) for value, known, flag in
                                  ((args.models, MODELS, "--models"), (args.datasets, DATASETS, "--datasets")))
    if args.seconds <= 0:
        parser.error(f"--seconds must be positive, not {args.seconds:g}.")
    if args.n < 129:
        parser.error(f"--n must be at least 129 (FD needs one more sample than its 128 features), not {args.n}.")
    return args


def one_run(model: str, dataset: str, seed: int, args, network) -> dict:
    """Train one GAN for the time budget, then evaluate it: the result dict of ``evaluate``."""
    from ganlab.experiments import train_for
    from ganlab.metrics import evaluate

    gan = train_for(model, dataset, args.seconds, seed=seed, profile=args.profile)
    start = time.perf_counter()
    result = evaluate(gan, dataset, n=args.n, network=network)
    result.update(model=model, training_seed=seed, steps=int(gan.g_optimizer.iterations),
                  trained_seconds=gan.trained_seconds, evaluate_seconds=time.perf_counter() - start)
    return result


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.experiments import mean_std_table
    from ganlab.metrics import feature_network

    results = []
    for dataset in args.datasets:
        network = feature_network(dataset)
        print(f"{dataset}: {network.split.description}; feature network held-out accuracy "
              f"{network.held_out_accuracy:.1%}", flush=True)
        for model in args.models:
            for seed in args.seeds:
                result = one_run(model, dataset, seed, args, network)
                results.append(result)
                print(f"  {model} seed {seed}: {result['steps']:,} steps in "
                      f"{result['trained_seconds']:.0f} s; FD {result['scores']['fd']['generated']:.3g} "
                      f"(real {result['scores']['fd']['real']:.3g}); evaluated in "
                      f"{result['evaluate_seconds']:.0f} s", flush=True)
        del network
    print(f"\nprofile {args.profile}, {args.seconds:g} s of training per run, {args.n:,} samples (noise seed 1) "
          f"against {args.n:,} reference images, {os.cpu_count()} CPU cores visible, "
          f"GANLAB_THREADS={os.environ.get('GANLAB_THREADS', 'unset')}\n")
    names = [f"{r['model']} on {r['dataset']}" for r in results]
    print(mean_std_table(results, names))
    steps = {name: [r['steps'] for r, n in zip(results, names) if n == name] for name in dict.fromkeys(names)}
    print("\nsteps per run: " + "; ".join(f"{name} {', '.join(f'{s:,}' for s in v)}" for name, v in steps.items()))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
