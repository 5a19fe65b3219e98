"""The gpu profile's recipes against the cpu profile's, at equal numbers of images seen.

    python benchmarks/gpu_profile_on_cpu.py                         # dense and dcgan, both profiles
    python benchmarks/gpu_profile_on_cpu.py --model dcgan --images 51200,102400,204800,409600
    python benchmarks/gpu_profile_on_cpu.py --model dense --max-seconds 600 --seed 1

What every Colab learner with a GPU runtime trains is the gpu profile (ganlab/profiles.py: for
the DCGAN width 64 and 24,000 steps; for the dense GAN 30,000 steps), yet it cannot be timed
without a GPU. Its recipe can still be checked anywhere:
this script trains each model with the cpu profile's recipe and with the gpu profile's, each
built by ``ganlab.build_gan(model, profile)`` and trained with ``GAN.fit`` on
``make_dataset(...).repeat()``, the code path of ``python -m ganlab train``. Only the fast path
follows the device, as it does for a learner: ``choose_fast_path()`` gives float32, no XLA and
one step per execution on a CPU, and mixed precision, XLA and 20 steps per execution on a GPU
with tensor cores (then both profiles get the GPU's fast path).

At each number of images in --images (rounded up to whole executions of whole batches; the
defaults are multiples of 256 x 20 images, so both profiles stop at exactly the same count)
it measures ``ganlab.metrics.sample_quality``: the share of 1,000 samples (the noise of seed 1,
the moving-average generator) that ganlab.metrics.mnist_classifier names as a digit with
p >= 0.9. It prints one table per model: the two profiles side by side, images seen against
recognised share, and whether the gpu profile learned at least as well per image at each count.
--max-seconds bounds each run's training time (``ganlab.callbacks.TimeBudget``); counts a run
did not reach in time are shown as "-".
"""

from __future__ import annotations

import argparse
import math
import os

import ganlab  # noqa: F401  (sets the Keras backend before keras loads)

MODELS = ("dense", "dcgan")
PROFILES = ("cpu", "gpu")
NAMES = {"dense": "dense GAN", "dcgan": "DCGAN"}
DEFAULT_IMAGES = (51_200, 102_400, 204_800, 409_600)  # multiples of 256 x 20 = 5,120


def image_counts(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(n.replace("_", "")) for n in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected image counts like 51200,102400, not {text!r}") from None
    if any(n < 1 for n in counts) or list(counts) != sorted(set(counts)):
        raise argparse.ArgumentTypeError(f"image counts must be positive and increasing, not {text!r}")
    return counts


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=(*MODELS, "both"), default="both")
    parser.add_argument("--images", type=image_counts, default=DEFAULT_IMAGES, metavar="N,N,...",
                        help="images seen at which to measure (default %(default)s)")
    parser.add_argument("--max-seconds", type=float, default=1800.0,
                        help="training time allowed to each run (model x profile); default 1800")
    parser.add_argument("--seed", type=int, default=0, help="weights, noise and image order")
    args = parser.parse_args(argv)
    if not args.max_seconds > 0:
        parser.error(f"--max-seconds must be positive, not {args.max_seconds}.")
    if args.seed < 0:
        parser.error(f"--seed must be 0 or more, not {args.seed}.")
    return args


def run(model: str, profile: str, counts, classifier, max_seconds: float, seed: int = 0) -> dict:
    """Train ``model`` with ``profile``'s recipe up to each of ``counts`` images; measure at each.

    Returns the recipe, the fast path and one row per count reached: (images, steps, seconds, result).
    """
    from ganlab.callbacks import TimeBudget
    from ganlab.fast_path import choose_fast_path
    from ganlab.metrics import sample_quality

    path = choose_fast_path()
    gan = ganlab.build_gan(model, profile, seed=seed, fast_path=path)
    p = gan.recipe
    images, _ = ganlab.load_mnist(n=p.n_images)
    dataset = ganlab.make_dataset(images, p.batch_size, seed=seed, drop_remainder=path.jit_compile).repeat()
    per_execution = p.batch_size * path.steps_per_execution
    steps, trained, rows = 0, 0.0, []
    for count in counts:
        target = math.ceil(count / per_execution) * path.steps_per_execution
        if target > steps:
            if trained >= max_seconds:
                break
            budget = TimeBudget(max_seconds - trained)
            gan.fit(dataset, epochs=1, steps_per_epoch=target - steps, verbose=0, callbacks=[budget])
            steps, trained = steps + budget.steps, trained + budget.elapsed
            if steps < target:
                break
        rows.append((steps * p.batch_size, steps, trained, sample_quality(gan, classifier)))
        print(f"  {model}, {profile} profile: {rows[-1][0]:>9,} images, {steps:>6,} steps, {trained:>6.0f} s, "
              f"{rows[-1][3]['fraction']:.1%} recognised", flush=True)
    return {"recipe": p, "path": path, "images": len(images), "rows": rows}


def describe(model: str, result: dict) -> str:
    p = result["recipe"]
    parts = [f"batch {p.batch_size}", f"Adam({p.learning_rate:g})", f"EMA {p.ema_decay}",
             f"code of {p.latent_categories}", "one pass per step" if p.reuse_fakes else "two tapes per step",
             f"{result['images']:,} training images"]
    if model == "dcgan":
        parts.insert(0, f"width {p.width}")
    rows = result["rows"]
    if len(rows) >= 2 and rows[-1][2] > rows[0][2]:  # after the first count: tracing left out
        parts.append(f"{(rows[-1][0] - rows[0][0]) / (rows[-1][2] - rows[0][2]):,.0f} images/s")
    return ", ".join(parts)


def table(model: str, counts, results: dict) -> list[str]:
    """Markdown rows: images seen, each profile's recognised share, and the gpu profile's lead."""
    lines = ["| images seen | cpu profile | gpu profile | gpu - cpu |", "|---|---|---|---|"]
    verdicts = []
    for i, count in enumerate(counts):
        shares = {}
        for profile in PROFILES:
            rows = results[profile]["rows"]
            shares[profile] = rows[i][3]["fraction"] if i < len(rows) else None
        if all(share is None for share in shares.values()):
            continue
        seen = max(results[p]["rows"][i][0] for p in PROFILES if i < len(results[p]["rows"]))
        cells = [f"{shares[p]:.1%}" if shares[p] is not None else "-" for p in PROFILES]
        lead = "-"
        if None not in shares.values():
            lead = f"{100 * (shares['gpu'] - shares['cpu']):+.1f} points"
            verdicts.append(shares["gpu"] >= shares["cpu"])
        lines.append(f"| {seen:,} | {cells[0]} | {cells[1]} | {lead} |")
    if verdicts:
        lines.append(f"\n{NAMES[model]}: the gpu profile recognised at least as many as the cpu profile at "
                     f"{sum(verdicts)} of {len(verdicts)} image counts.")
    return lines


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.metrics import mnist_classifier

    classifier = mnist_classifier(epochs=ganlab.build.recipe("dcgan", "cpu").classifier_epochs)
    models = MODELS if args.model == "both" else (args.model,)
    output = []
    for model in models:
        results = {profile: run(model, profile, args.images, classifier, args.max_seconds, args.seed)
                   for profile in PROFILES}
        output.append(f"\n{NAMES[model]}, seed {args.seed}")
        for profile in PROFILES:
            output.append(f"  {profile} profile: {describe(model, results[profile])}")
        output += ["", *table(model, args.images, results)]
    path = results[PROFILES[0]]["path"]
    print("\n".join(output))
    print(f"\nfast path (both profiles): {path.describe().splitlines()[0]}")
    print(f"classifier: {classifier.trained_on}, held-out accuracy {classifier.held_out_accuracy:.3f}; "
          f"{os.cpu_count()} CPU cores visible")


if __name__ == "__main__":
    main()
