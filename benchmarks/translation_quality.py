"""Translation quality against training time: pix2pix, the same U-Net on L1 only, and CycleGAN.

    python benchmarks/translation_quality.py                      # edges2fashion, cpu profile, pix2pix and L1 only
    python benchmarks/translation_quality.py --dataset emoji --models pix2pix,l1_only,cyclegan --steps 500,1500,3000
    python benchmarks/translation_quality.py --profile quick --steps 20 --grid grid.png
    python benchmarks/translation_quality.py --profile quick --models l1_only,adversarial_only,pix2pix --steps 100 --seed 1

Each model is built by ``ganlab.build.build_translation`` with the profile's recipe (the same as
``python -m ganlab train``), trained on the training split with joint jitter and flip (CycleGAN: with
the pairing hidden), and scored at each of ``--steps`` (cumulative) on the held-out test split: L1,
PSNR and SSIM against the true targets (for CycleGAN the hidden pairs); the share of translations
that a classifier of the target domain puts in the target's class, and FD in its features (edges2fashion:
the Fashion-MNIST feature network; emoji: the emoji feature network, ``ganlab.metrics.emoji_features``,
with the untranslated inputs as a first row). ``train s`` counts training only (XLA's compile included), not scoring.
``adversarial_only`` is pix2pix with lambda = 0 (notebook 09's third run).
"""

from __future__ import annotations

import argparse
import time

from _arguments import comma_separated

MODELS = ("pix2pix", "l1_only", "adversarial_only", "cyclegan")
OVERRIDES = {"adversarial_only": ("pix2pix", {"l1_weight": 0.0})}  # pix2pix with lambda = 0 (notebook 09's third run)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=("edges2fashion", "emoji", "facades"), default="edges2fashion")
    parser.add_argument("--profile", choices=("quick", "cpu", "gpu"), default="cpu")
    parser.add_argument("--models", default="pix2pix,l1_only", help=f"comma-separated, of {', '.join(MODELS)}")
    parser.add_argument("--steps", default="250,500,1000,2000", help="cumulative steps at which to score")
    parser.add_argument("--n-test", type=int, default=None, help="test pairs scored (default: the profile's)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grid", default=None, help="save 8 test translations of each model as this PNG")
    args = parser.parse_args(argv)
    args.models = comma_separated(parser, args.models, MODELS, "--models")
    if "cyclegan" in args.models and args.dataset != "emoji":
        parser.error("cyclegan trains on --dataset emoji only (its pairs are hidden while training).")
    try:
        args.steps = tuple(int(step) for step in args.steps.split(","))
    except ValueError:
        parser.error(f"--steps takes whole numbers separated by commas (e.g. 250,500), not {args.steps!r}.")
    if any(step < 1 for step in args.steps) or list(args.steps) != sorted(set(args.steps)):
        parser.error(f"--steps must be increasing whole numbers >= 1, not {args.steps}.")
    if args.n_test is not None and args.n_test < 129:
        parser.error(f"--n-test must be >= 129 (FD's 128 features need more pairs), not {args.n_test}.")
    return args


def scored_runs(model_name: str, args) -> list[dict]:
    """Train ``model_name`` up to each of ``args.steps`` and score it there; one row per checkpoint."""
    from ganlab import paired
    from ganlab.build import build_translation
    from ganlab.cli_translation import held_out_scores, training_data

    base_name, overrides = OVERRIDES.get(model_name, (model_name, {}))
    model = build_translation(base_name, args.dataset, args.profile, seed=args.seed, **overrides)
    p = model.recipe
    inputs, targets, _ = paired.paired_arrays(p.dataset, "train", size=p.image_size)
    data = training_data(base_name, inputs, targets, p.batch_size, args.seed).repeat()
    rows, done, train_seconds = [], 0, 0.0
    for steps in args.steps:
        start = time.perf_counter()
        model.fit(data, steps_per_epoch=steps - done, epochs=1, verbose=0)
        train_seconds += time.perf_counter() - start
        done = steps
        scores, (test_inputs, test_targets, translated) = held_out_scores(model, p.dataset, args.n_test or p.n_test)
        if p.dataset == "emoji":
            scores.update(emoji_realism(translated, test_targets))
        rows.append(dict(model=model_name, steps=steps, seconds=train_seconds, batch_size=p.batch_size, **scores))
        print(row_text(rows[-1]), flush=True)
    rows[-1]["grid"] = (test_inputs[:8], test_targets[:8], translated[:8])
    return rows


def emoji_realism(translated, targets) -> dict:
    """Recognised share and FD in the emoji feature network's features (trained and cached on first use)."""
    from ganlab import paired
    from ganlab.translation import emoji_scores

    labels = paired.paired_arrays("emoji", "test", len(targets))[2]
    return emoji_scores(translated, targets, labels)


def untranslated_row(args) -> dict:
    """The scores of the test inputs left as they are: what a model must beat."""
    from ganlab import paired
    from ganlab.translation import translation_scores

    inputs, targets, _ = paired.paired_arrays("emoji", "test", args.n_test)
    return dict(model="input unchanged", steps=0, seconds=0, batch_size="-", **translation_scores(inputs, targets),
                **emoji_realism(inputs, targets))


def row_text(row: dict) -> str:
    realism = (f" | {row['recognised']:.1%} | {row['fd']:.1f}" if "fd" in row else " | - | -")
    return (f"| {row['model']} | {row['steps']:,} | {row['seconds']:.0f} | {row['batch_size']} | {row['l1']:.3f} | "
            f"{row['psnr']:.1f} | {row['ssim']:.3f}{realism} |")


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.build import translation_fast_path, translation_recipe
    from ganlab.device import usable_cores

    recipe = translation_recipe(args.models[0], args.dataset, args.profile)
    print(f"{args.dataset}, profile {args.profile}, seed {args.seed}, {usable_cores()} CPU core(s); "
          f"fast path: {translation_fast_path(getattr(recipe, 'xla', None)).describe()}\n")
    print("| model | steps | train s | batch | L1 | PSNR | SSIM | recognised | FD |\n"
          "|---|---|---|---|---|---|---|---|---|")
    if args.dataset == "emoji":
        print(row_text(untranslated_row(args)), flush=True)
    runs = {name: scored_runs(name, args) for name in args.models}
    if args.grid:
        from ganlab.viz import save_translation_grid

        inputs, targets, _ = next(iter(runs.values()))[-1]["grid"]
        columns = {"input": inputs, "target": targets}
        columns.update({name: rows[-1]["grid"][2] for name, rows in runs.items()})
        save_translation_grid(columns, args.grid)
        print(f"\nTest translations saved in {args.grid}")


if __name__ == "__main__":
    main()
