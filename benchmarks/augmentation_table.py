"""GAN data augmentation: a classifier's test accuracy with few labels, with and without a cGAN's images.

    python benchmarks/augmentation_table.py                           # fashion_mnist, cpu profile
    python benchmarks/augmentation_table.py --profile quick --budgets 10,50 --seeds 0
    python benchmarks/augmentation_table.py --dataset mnist --plot accuracy.png

For every label budget (labelled images per class) and seed, ``ganlab.augmentation.augmentation_run``
draws the labelled subset, trains the profile's conditional GAN on it only, and trains the same small
classifier for the same number of steps on: the real subset; the subset with classic augmentation
(shifts, and flips for clothes); the subset plus generated images at each ratio of the profile; the
generated images only (the Classification Accuracy Score); and as many real images as the largest
mix holds (the upper reference). Accuracy is on the whole held-out test set; the table gives
mean ± std over the seeds. Sizes: the "augmentation" table of ganlab/profiles.py.
"""

from __future__ import annotations

import argparse
import time


def _whole_numbers(text: str, name: str, parser, least: int) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        parser.error(f"{name} takes comma-separated whole numbers, e.g. 10,50,200; not {text!r}.")
    if not values or min(values) < least:
        parser.error(f"{name} must be whole numbers >= {least}, not {text!r}.")
    return values


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=("fashion_mnist", "mnist"), default="fashion_mnist")
    parser.add_argument("--profile", choices=("quick", "cpu", "gpu"), default="cpu")
    parser.add_argument("--budgets", help="labelled images per class, comma-separated (default: the profile's)")
    parser.add_argument("--seeds", help="comma-separated (default: the profile's)")
    parser.add_argument("--plot", help="also save the accuracy-against-labels plot to this PNG file")
    args = parser.parse_args(argv)
    args.budgets = None if args.budgets is None else _whole_numbers(args.budgets, "--budgets", parser, 1)
    args.seeds = None if args.seeds is None else _whole_numbers(args.seeds, "--seeds", parser, 0)
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.augmentation import augmentation_params, augmentation_table, format_augmentation_table

    p = augmentation_params(args.profile)
    start = time.perf_counter()
    results = augmentation_table(args.dataset, args.budgets, args.seeds, args.profile)
    minutes = (time.perf_counter() - start) / 60
    seeds = sorted({run["seed"] for run in results})
    print(f"\n{args.dataset}, profile {args.profile}: cGAN {p.gan_steps} steps (width {p.gan_width}) on the labelled "
          f"images only; classifier {p.classifier_steps} steps of {p.batch_size}; seeds {seeds}; test accuracy "
          f"on the whole test set, mean ± std over seeds\n")
    print(format_augmentation_table(results))
    print(f"\n{len(results)} runs in {minutes:.1f} min")
    if args.plot:
        import matplotlib.pyplot as plt

        from ganlab.augmentation import plot_accuracy_vs_labels

        plot_accuracy_vs_labels(results)
        plt.savefig(args.plot, dpi=120, bbox_inches="tight")
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
