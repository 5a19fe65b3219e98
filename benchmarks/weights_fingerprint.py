"""Does a step still do what it did? The weights of a GAN after a fixed number of steps, as a few sums.

    GANLAB_THREADS=1 python benchmarks/weights_fingerprint.py --model dense --steps 300
    GANLAB_THREADS=1 python benchmarks/weights_fingerprint.py --model dcgan --steps 100

Builds the cpu profile's GAN with seed 0, trains it for ``--steps`` steps on the first images of
MNIST in a fixed order, and prints the sums of the generator's first weight tensors and of a
sample. On one thread TensorFlow's CPU kernels are deterministic, so two versions of the code
that train alike print the same digits, and any change to what a step computes (even in rounding)
shows within a few hundred steps: GAN training amplifies it. The script also runs on versions of
ganlab from before ``build_gan`` (it builds the same models by hand there), so a checkout of an
older commit can be compared with this one.
"""

from __future__ import annotations

import argparse

import numpy as np

import ganlab


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=("dense", "dcgan"), default="dense")
    parser.add_argument("--steps", type=int, default=300, help="training steps before the fingerprint")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be >= 1, not {args.steps}.")
    return args


def build(model: str):
    """The cpu profile's GAN with seed 0: with build_gan where there is one, else by hand as before."""
    if hasattr(ganlab, "build_gan") or "build_gan" in dir(ganlab):
        return ganlab.build_gan(model, "cpu", seed=0)
    import keras
    from ganlab.models import dcgan_discriminator, dcgan_generator, dense_discriminator, dense_generator
    from ganlab.training import default_optimizer

    p = ganlab.params("dense_mnist" if model == "dense" else "dcgan", "cpu")
    keras.utils.set_random_seed(0)
    latent = 100 + p.latent_categories
    models = ((dense_generator(latent_dim=latent), dense_discriminator()) if model == "dense" else
              (dcgan_generator(latent_dim=latent, width=p.width), dcgan_discriminator(width=p.width)))
    gan = ganlab.GAN(*models, seed=0, ema_decay=p.ema_decay, latent_categories=p.latent_categories,
                     reuse_fakes=p.reuse_fakes)
    gan.compile(default_optimizer(p.learning_rate), default_optimizer(p.learning_rate))
    return gan


def main(argv=None) -> None:
    args = parse_args(argv)
    gan = build(args.model)
    profile = ganlab.params("dense_mnist" if args.model == "dense" else "dcgan", "cpu")
    images, _ = ganlab.load_mnist(n=profile.n_images or 10_000)
    data = ganlab.make_dataset(images, profile.batch_size, seed=0, drop_remainder=args.model == "dcgan").repeat()
    gan.fit(data, epochs=1, steps_per_epoch=args.steps, verbose=0)
    sums = [round(float(np.sum(w)), 5) for w in gan.generator.get_weights()[:4]]
    sample = float(np.sum(gan.generate(noise=gan.fixed_noise(2, seed=1))))
    print(f"{args.model}, {args.steps} steps: generator weight sums {sums}; sample sum {sample:.4f}")


if __name__ == "__main__":
    main()
