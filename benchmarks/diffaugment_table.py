"""DiffAugment on a small training set: no augmentation, real images only, real and generated.

    python benchmarks/diffaugment_table.py                              # fashion_mnist, cpu profile
    python benchmarks/diffaugment_table.py --profile quick --n-images 1000 --steps 300 --grid samples.png

Each run builds the profile's DCGAN (``build_gan("dcgan", profile, augment=...)``) and trains it for
``--steps`` steps on the first ``--n-images`` training images (``ganlab.experiments.diffaugment_runs``;
sizes default to the "diffaugment" table of ganlab/profiles.py). Scores: FD of the profile's ``n``
samples (noise seed 1) against the reference images, next to the FD of as many real images
(``ganlab.metrics.evaluate``), and the share of the same samples that hold a near-mid-grey square
(``ganlab.augment.cutout_share``): the cutout augmentation leaking into the generator. ``--grid``
saves 8 samples of each run as a PNG, one row per setting.
"""

from __future__ import annotations

import argparse
import time


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=("mnist", "fashion_mnist"), default="fashion_mnist")
    parser.add_argument("--profile", choices=("quick", "cpu", "gpu"), default="cpu")
    parser.add_argument("--n-images", type=int, default=None, help="training images (default: the profile's)")
    parser.add_argument("--steps", type=int, default=None, help="training steps per run (default: the profile's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grid", default=None, help="save 8 samples per run, a row each, as this PNG")
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps < 1:
        parser.error(f"--steps must be >= 1, not {args.steps}.")
    if args.n_images is not None and args.n_images < 64:
        parser.error(f"--n-images must be >= 64 (one batch), not {args.n_images}.")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.experiments import diffaugment_runs
    from ganlab.profiles import params

    p = params("diffaugment", args.profile)
    start = time.perf_counter()
    runs = diffaugment_runs(args.dataset, args.n_images, args.steps, seed=args.seed, profile=args.profile)
    print(f"{args.dataset}, profile {args.profile}, {args.n_images or p.n_images} training images, policy "
          f"{p.policy!r}, seed {args.seed}, {p.n} samples; {time.perf_counter() - start:.0f} s in all\n")
    print("| setting | steps | FD | FD of real | cutout share of samples |\n|---|---|---|---|---|")
    for run in runs:
        print(f"| {run['setting']} | {run['steps']:,} | {run['fd']:.3g} | {run['fd_real']:.3g} | "
              f"{run['cutout_share']:.1%} |")
    if args.grid:
        save_grid(runs, args.grid)


def save_grid(runs: list[dict], path: str) -> None:
    """8 samples of each run (noise seed 1, as scored), one row per setting, saved as a PNG."""
    import matplotlib.pyplot as plt
    import numpy as np

    from ganlab.viz import image_grid

    samples = np.concatenate([run["gan"].generate(noise=run["gan"].fixed_noise(8, seed=1)) for run in runs])
    figure = image_grid(samples, ncols=8, row_labels=[run["setting"].replace(" (", "\n(") for run in runs])
    figure.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(figure)
    print(f"\nSamples saved in {path}")


if __name__ == "__main__":
    main()
