"""How recognisable are the dense GAN's digits, and how fast do they get there?

    python benchmarks/dense_mnist_quality.py [--profile cpu] [--seconds 180] [--eval-every 30] [--seed 0]
    python benchmarks/dense_mnist_quality.py --categories 0 --d-dropout 0.3   # the recipe before

Trains ganlab's dense MNIST GAN with the profile's settings (batch size, learning rate,
EMA) for --seconds of training (the clock covers `fit` only, not the evaluations).
Every --eval-every seconds it measures the share of 1,000 samples (fixed noise) that
ganlab.metrics.mnist_classifier, a small CNN with an explicit "not a digit" class,
names as a digit with probability >= 0.9; it prints the curve, then a table next to
the same share for held-out real digits and for non-digits.
Target (cpu profile, 2 CPU cores): >= 80% within 180 s of training.

--categories K, --d-dropout R and --ema-decay D change the profile's one-hot code
(latent_categories), the discriminator's dropout (default 0) and the moving average of the
generator's weights, to measure what each is worth.
"""

from __future__ import annotations

import argparse
import os
import time

import ganlab  # noqa: F401  (sets the Keras backend before keras loads)
import keras


def main() -> None:
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
    args = parser.parse_args()
    if args.categories is not None and args.categories < 0:
        parser.error(f"--categories must be 0 or more, not {args.categories}.")
    if not 0.0 <= args.d_dropout < 1.0:
        parser.error(f"--d-dropout is a rate from 0 up to (not including) 1, not {args.d_dropout}.")
    if args.ema_decay is not None and not 0.0 < args.ema_decay < 1.0:
        parser.error(f"--ema-decay must be between 0 and 1 (e.g. 0.999), not {args.ema_decay}.")

    from ganlab.metrics import mnist_classifier, not_digits, recognisable_fraction, shifted
    from ganlab.models import dense_discriminator, dense_generator
    from ganlab.training import default_optimizer

    p = ganlab.params("dense_mnist", args.profile)
    if args.learning_rate:
        p.learning_rate = args.learning_rate
    if args.categories is not None:
        p.latent_categories = args.categories
    if args.ema_decay is not None:
        p.ema_decay = args.ema_decay
    clf = mnist_classifier(epochs=p.classifier_epochs)
    images, _ = ganlab.load_mnist()
    images = images[: p.n_images]
    test_x, test_y = ganlab.load_mnist(split="test")
    held_out = test_x[8000:], test_y[8000:]

    keras.utils.set_random_seed(args.seed)
    gan = ganlab.GAN(dense_generator(latent_dim=100 + p.latent_categories), dense_discriminator(dropout=args.d_dropout),
                     seed=args.seed,
                     ema_decay=p.ema_decay, latent_categories=p.latent_categories, reuse_fakes=p.reuse_fakes)
    gan.compile(default_optimizer(p.learning_rate), default_optimizer(p.learning_rate))
    dataset = ganlab.make_dataset(images, p.batch_size, seed=args.seed).repeat()
    noise = gan.fixed_noise(1000, seed=1)  # the same 1,000 noise vectors as before: seed 1
    print(f"{'train s':>8} {'steps':>7} {'recognised':>11}")
    trained, generated = 0.0, None
    while trained < args.seconds - 1:
        chunk = min(args.eval_every, args.seconds - trained)
        start = time.perf_counter()
        gan.fit(dataset, epochs=10_000, steps_per_epoch=50, verbose=0, callbacks=[StopAt(start + chunk)])
        trained += time.perf_counter() - start
        generated = recognisable_fraction(gan.generate(noise=noise), clf)
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


class StopAt(keras.callbacks.Callback):
    """End `fit` after the first training step that finishes at or past ``deadline``
    (a time.perf_counter() value), so a run overshoots its budget by one step at most."""

    def __init__(self, deadline: float):
        super().__init__()
        self.deadline = deadline

    def on_train_batch_end(self, batch, logs=None):
        if time.perf_counter() >= self.deadline:
            self.model.stop_training = True


if __name__ == "__main__":
    main()
