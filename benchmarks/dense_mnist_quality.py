"""How recognisable are the dense GAN's digits, and how fast do they get there?

    python benchmarks/dense_mnist_quality.py [--profile cpu] [--seconds 180] [--eval-every 30] [--seed 0]
    python benchmarks/dense_mnist_quality.py --categories 0 --d-dropout 0.3   # the recipe before

Trains ganlab's dense MNIST GAN as ``ganlab.build_gan("dense", profile)`` builds it (batch
size, learning rate, EMA, one-hot code, the fast path of this device) for --seconds of
training (``ganlab.callbacks.TimeBudget``: the clock covers `fit` only, not the evaluations).
Every --eval-every seconds it measures ``ganlab.metrics.sample_quality``: the share of
1,000 samples (the noise of seed 1) that ganlab.metrics.mnist_classifier, a small CNN with
an explicit "not a digit" class, names as a digit with probability >= 0.9; it prints the
curve, then a table next to the same share for held-out real digits and for non-digits.
The target and the measured rows are in docs/benchmarks.md.

--categories K, --d-dropout R and --ema-decay D change the profile's one-hot code
(latent_categories), the discriminator's dropout (default 0) and the moving average of the
generator's weights, to measure what each is worth.
"""

from __future__ import annotations

import argparse
import os

import ganlab  # noqa: F401  (sets the Keras backend before keras loads)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="cpu", choices=("quick", "cpu", "gpu"))
    parser.add_argument("--seconds", type=float, default=180.0, help="training time budget")
    parser.add_argument("--eval-every", type=float, default=30.0, help="seconds of training between checks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learning-rate", type=float, help="override the profile's, to compare")
    parser.add_argument("--categories", type=int, metavar="K", help="override the profile's latent_categories")
    parser.add_argument("--ema-decay", type=float, help="override the profile's moving-average decay")
    parser.add_argument("--d-dropout", type=float, default=0.0, metavar="R",
                        help="dropout after each hidden layer of the discriminator (default 0)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.eval_every <= 0:
        parser.error("--seconds and --eval-every must be positive.")
    if args.categories is not None and args.categories < 0:
        parser.error(f"--categories must be 0 or more, not {args.categories}.")
    if not 0.0 <= args.d_dropout < 1.0:
        parser.error(f"--d-dropout is a rate from 0 up to (not including) 1, not {args.d_dropout}.")
    if args.ema_decay is not None and not 0.0 < args.ema_decay < 1.0:
        parser.error(f"--ema-decay must be between 0 and 1 (e.g. 0.999), not {args.ema_decay}.")
    if args.learning_rate is not None and args.learning_rate <= 0:
        parser.error(f"--learning-rate must be positive, not {args.learning_rate}.")
    return args


def build(args) -> "ganlab.GAN":
    """The dense GAN of ``args.profile``, with the overrides given on the command line."""
    overrides = {name: value for name, value in (("learning_rate", args.learning_rate),
                                                 ("latent_categories", args.categories),
                                                 ("ema_decay", args.ema_decay)) if value is not None}
    return ganlab.build_gan("dense", args.profile, seed=args.seed,
                            discriminator_options={"dropout": args.d_dropout}, **overrides)


def main(argv=None) -> None:
    args = parse_args(argv)
    from ganlab.callbacks import TimeBudget
    from ganlab.metrics import mnist_classifier, not_digits, recognisable_fraction, sample_quality, shifted

    gan = build(args)
    p = gan.recipe
    clf = mnist_classifier(epochs=p.classifier_epochs)
    images, _ = ganlab.load_mnist(n=p.n_images)
    test_x, test_y = ganlab.load_mnist(split="test")
    held_out = test_x[8000:], test_y[8000:]
    # whole batches under XLA (a GPU), as `python -m ganlab train` does: one shape, one compilation
    dataset = ganlab.make_dataset(images, p.batch_size, seed=args.seed, drop_remainder=bool(gan.jit_compile)).repeat()

    print(f"{'train s':>8} {'steps':>7} {'recognised':>11}")
    trained, generated = 0.0, None
    while trained < args.seconds - 1:
        budget = TimeBudget(min(args.eval_every, args.seconds - trained))
        gan.fit(dataset, epochs=1, steps_per_epoch=10**9, verbose=0, callbacks=[budget])
        trained += budget.elapsed
        generated = sample_quality(gan, clf)
        print(f"{trained:>8.0f} {int(gan.g_optimizer.iterations):>7,} {generated['fraction']:>11.1%}", flush=True)
    steps = int(gan.g_optimizer.iterations)
    rows = [
        ("held-out real digits", recognisable_fraction(held_out[0], clf)),
        ("the same, moved 2 px to the right", recognisable_fraction(shifted(held_out[0], right=2), clf)),
        ("non-digits (noise, shuffled, overlays)", recognisable_fraction(not_digits(*held_out, 999, seed=7), clf)),
        ("dense GAN samples (EMA generator)", generated),
    ]
    print(f"\nprofile {p.profile}: {len(images):,} training images, batch {p.batch_size}, "
          f"Adam({p.learning_rate:g}, beta_1=0.5), EMA {p.ema_decay}, code of {p.latent_categories} categories, "
          f"discriminator dropout {args.d_dropout:g}, seed {args.seed}: {steps:,} steps in {trained:.0f} s "
          f"of training ({steps * p.batch_size / trained:.0f} images/s), {os.cpu_count()} CPU cores")
    print(f"classifier: held-out accuracy {clf.held_out_accuracy:.3f}, trained on {clf.trained_on}\n")
    print(f"{'images':<42} {'recognised (p >= 0.9)':>22} {'digits covered':>15}")
    for name, result in rows:
        print(f"{name:<42} {result['fraction']:>22.1%} {result['classes_covered']:>15}")
    print(f"\nconfident predictions per digit 0-9: {generated['counts']}")


if __name__ == "__main__":
    main()
