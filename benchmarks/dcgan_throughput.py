"""ganlab's DCGAN against the TensorFlow DCGAN tutorial's recipe, in one process, on one device.

    python benchmarks/dcgan_throughput.py                       # images/s of each, and the ratio
    python benchmarks/dcgan_throughput.py --mode quality --seconds 300 --eval-every 30
    python benchmarks/dcgan_throughput.py --mode quality --ganlab-only --seconds 480 --eval-every 60

The tutorial's recipe (tensorflow.org/tutorials/generative/dcgan), re-implemented
faithfully: its generator (Dense 7x7x256, 5x5 transposed convolutions 128-64-1,
LeakyReLU 0.3) and discriminator (5x5 convolutions 64-128, dropout 0.3), batch 256,
Adam(1e-4) for both, noise batches of 256 whatever the real batch, and a plain
``tf.function`` train step over ``Dataset.shuffle(60000).batch(256)``.

ganlab: ``ganlab.build_gan("dcgan", profile)`` (the discriminator's hidden layer: --d-hidden): the
profile's width, batch size, one-hot code (latent_categories) and one-pass step (reuse_fakes),
``GAN.fit`` on the fast path ``choose_fast_path()`` picks for this device (XLA, mixed precision,
steps per execution), for a time budget (``ganlab.callbacks.TimeBudget``).

--mode speed: images/s (real images consumed per second) after a warm-up, the recipes
taking turns; with the profile's one-pass step, also ganlab's DCGAN without it.
--mode quality: trains each for --seconds (clock covers training only) and prints
``ganlab.metrics.sample_quality`` (the share of 1,000 samples from the noise of seed 1 that
ganlab.metrics.mnist_classifier names as a digit with p >= 0.9) every --eval-every seconds,
and the time each first reaches --target; for ganlab's, also the share at the end with its
noise truncated (ganlab.latent.truncate).

The tutorial's recipe keeps its own models, noise size and training loop: it is the reference
being compared, written as the tutorial writes it, so none of ganlab's code is used for it
except the measurement (the same 1,000 noise vectors of seed 1, through ``sample_quality``).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import ganlab  # noqa: F401  (sets the Keras backend before keras loads)
import keras
import tensorflow as tf
from keras import layers

from ganlab.callbacks import TimeBudget
from ganlab.metrics import sample_quality
from ganlab.models.dcgan import HIDDEN_UNITS  # the discriminator's default hidden layer
from ganlab.noise import NoiseLayout

TUTORIAL_NOISE = NoiseLayout()  # the tutorial's noise: 100 Gaussian numbers (GAUSSIAN_DIM), no code
TRUNCATIONS = (1.0, 0.8, 0.6, 0.4)  # quality mode: ganlab's samples at these truncation psi


# ---------------------------------------------------------------------- the tutorial's recipe


def tutorial_generator() -> keras.Model:
    return keras.Sequential([
        keras.Input((TUTORIAL_NOISE.dim,)),
        layers.Dense(7 * 7 * 256, use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ], name="tutorial_generator")


def tutorial_discriminator() -> keras.Model:
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ], name="tutorial_discriminator")


class TutorialRecipe:
    """The tutorial's models, optimizers and tf.function train step (the reference: its own loop)."""

    batch_size = 256
    noise = TUTORIAL_NOISE
    latent_categories = 0  # what sample_quality reads of a GAN: the noise layout, fixed_noise and generate

    def __init__(self, images: np.ndarray):
        self.generator, self.discriminator = tutorial_generator(), tutorial_discriminator()
        self.g_optimizer, self.d_optimizer = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)
        self.cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        self.dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(60000).batch(self.batch_size)

    @tf.function
    def train_step(self, images):
        noise = tf.random.normal([self.batch_size, self.noise.dim])  # 256 even for a smaller last batch
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated = self.generator(noise, training=True)
            real_output = self.discriminator(images, training=True)
            fake_output = self.discriminator(generated, training=True)
            gen_loss = self.cross_entropy(tf.ones_like(fake_output), fake_output)
            disc_loss = (self.cross_entropy(tf.ones_like(real_output), real_output)
                         + self.cross_entropy(tf.zeros_like(fake_output), fake_output))
        g_grads = gen_tape.gradient(gen_loss, self.generator.trainable_variables)
        d_grads = disc_tape.gradient(disc_loss, self.discriminator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_variables))
        self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_variables))

    def train_for(self, seconds: float) -> tuple[int, float]:
        """Train whole batches until ``seconds`` pass; return (images seen, seconds taken)."""
        seen, start = 0, time.perf_counter()
        while True:
            for batch in self.dataset:
                self.train_step(batch)
                seen += int(batch.shape[0])
                if time.perf_counter() - start >= seconds:
                    return seen, time.perf_counter() - start

    def fixed_noise(self, n: int, seed: int = 0) -> np.ndarray:
        return self.noise.seeded(seed, n)

    def generate(self, n: int | None = None, noise=None) -> np.ndarray:
        return keras.ops.convert_to_numpy(self.generator(noise, training=False)).astype("float32")

    def quality(self, classifier, psi: float = 1.0) -> dict:
        """docs/benchmarks.md's measurement (``ganlab.metrics.sample_quality``) of the tutorial's generator."""
        return sample_quality(self, classifier, psi=psi)


# ---------------------------------------------------------------------- ganlab's DCGAN


class GanlabRecipe:
    """ganlab's DCGAN, as ``ganlab.build_gan`` builds it, on the fast path chosen for this device."""

    def __init__(self, images: np.ndarray, profile: str, reuse_fakes: bool | None = None,
                 d_hidden: int = HIDDEN_UNITS, seed: int = 0):
        from ganlab.fast_path import choose_fast_path

        self.path = choose_fast_path()
        overrides = {} if reuse_fakes is None else {"reuse_fakes": reuse_fakes}
        self.gan = ganlab.build_gan("dcgan", profile, seed=seed, fast_path=self.path,
                                    discriminator_options={"hidden_units": d_hidden}, **overrides)
        self.p = self.gan.recipe
        self.batch_size = self.p.batch_size
        self.dataset = ganlab.make_dataset(images, self.batch_size, seed=seed, drop_remainder=True).repeat()
        keras.config.set_dtype_policy("float32")  # the tutorial's models (built later) stay float32

    def train_for(self, seconds: float) -> tuple[int, float]:
        """Train until ``seconds`` pass (``TimeBudget``); return (images seen, seconds taken)."""
        budget = TimeBudget(seconds)
        self.gan.fit(self.dataset, epochs=1, steps_per_epoch=10**9, verbose=0, callbacks=[budget])
        return budget.steps * self.batch_size, budget.elapsed

    def quality(self, classifier, psi: float = 1.0) -> dict:
        """docs/benchmarks.md's measurement: 1,000 samples from the noise of seed 1, truncated by ``psi``."""
        return sample_quality(self.gan, classifier, psi=psi)


# ---------------------------------------------------------------------- modes


def speed(recipes: dict, seconds: float, rounds: int = 2) -> None:
    """Images/s of each recipe; they take turns (``rounds`` times) so a drifting machine speed
    affects them alike."""
    seen, took = dict.fromkeys(recipes, 0), dict.fromkeys(recipes, 0.0)
    for recipe in recipes.values():
        recipe.train_for(min(10.0, seconds / 3))  # warm-up: tracing, XLA compilation, autotuning
    for _ in range(rounds):
        for name, recipe in recipes.items():
            more, time_taken = recipe.train_for(seconds / rounds)
            seen[name], took[name] = seen[name] + more, took[name] + time_taken
            print(f"  {name}: {more:,} images in {time_taken:.1f} s", flush=True)
    rates = {name: seen[name] / took[name] for name in recipes}
    print(f"\n{'recipe':<52} {'batch':>6} {'images/s':>10} {'60k-image epoch':>16}")
    for name, recipe in recipes.items():
        print(f"{name:<52} {recipe.batch_size:>6} {rates[name]:>10,.0f} {60000 / rates[name]:>14.1f} s")
    tutorial = next(name for name, recipe in recipes.items() if isinstance(recipe, TutorialRecipe))
    for name in recipes:
        if name != tutorial:
            print(f"ratio {name} / {tutorial}: {rates[name] / rates[tutorial]:.2f}x")


def quality(recipes: dict, seconds: float, every: float, target: float, classifier_epochs: int) -> None:
    from ganlab.metrics import mnist_classifier

    classifier = mnist_classifier(epochs=classifier_epochs)
    reached = {}
    for name, recipe in recipes.items():
        trained, seen = 0.0, 0
        print(f"\n{name}\n{'train s':>8} {'images':>10} {'recognised':>11}")
        while trained < seconds - 1:
            more, took = recipe.train_for(min(every, seconds - trained))
            trained, seen = trained + took, seen + more
            share = recipe.quality(classifier)["fraction"]
            print(f"{trained:>8.0f} {seen:>10,} {share:>11.1%}", flush=True)
            if share >= target and name not in reached:
                reached[name] = trained
        if isinstance(recipe, GanlabRecipe):
            truncation_table(recipe, classifier)
    print(f"\nclassifier: {classifier.trained_on}, held-out accuracy {classifier.held_out_accuracy:.3f}")
    print(f"{'recipe':<44} {f'time to {target:.0%} recognised':>26}")
    for name in recipes:
        when = f"{reached[name]:.0f} s" if name in reached else f"not within {seconds:.0f} s"
        print(f"{name:<44} {when:>26}")


def truncation_table(recipe: GanlabRecipe, classifier) -> None:
    """The same 1,000 samples' share at smaller truncation psi: fidelity against variety."""
    print(f"{'psi':>8} {'recognised':>11} {'rarest digit':>15}   (truncation trick, after training)")
    for psi in TRUNCATIONS:
        votes = recipe.quality(classifier, psi)
        rarest = int(np.argmin(votes["counts"]))
        rarest_text = f"{rarest}: {votes['counts'][rarest]} of 1,000"
        print(f"{psi:>8} {votes['fraction']:>11.1%} {rarest_text:>15}", flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("speed", "quality"), default="speed")
    parser.add_argument("--profile", choices=("quick", "cpu", "gpu"), help="default: chosen by device")
    parser.add_argument("--seconds", type=float, default=60.0, help="timed training per recipe")
    parser.add_argument("--eval-every", type=float, default=30.0, help="quality mode: seconds between checks")
    parser.add_argument("--target", type=float, default=0.8, help="quality mode: share recognised to reach")
    parser.add_argument("--ganlab-only", action="store_true",
                        help="leave the tutorial's recipe out (e.g. for a long quality run of ganlab's alone)")
    parser.add_argument("--d-hidden", type=int, default=HIDDEN_UNITS,
                        help=f"units of ganlab's discriminator's hidden Dense layer (default {HIDDEN_UNITS}; "
                             "0: none, as in the DCGAN paper)")
    parser.add_argument("--seed", type=int, default=0, help="seed for ganlab's weights, noise and image order")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.eval_every <= 0 or not 0 < args.target <= 1:
        parser.error("--seconds and --eval-every must be positive and --target in (0, 1].")
    if args.d_hidden < 0:
        parser.error(f"--d-hidden must be 0 (no hidden layer) or a positive number of units, not {args.d_hidden}.")
    if args.ganlab_only and args.mode == "speed":
        parser.error("--ganlab-only is for --mode quality: speed mode compares the two recipes.")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    profile = args.profile or ganlab.active_profile()
    images, _ = ganlab.load_mnist()
    ganlab_recipe = GanlabRecipe(images, profile, d_hidden=args.d_hidden, seed=args.seed)
    recipes = {f"ganlab DCGAN (width {ganlab_recipe.p.width}, D hidden {args.d_hidden})": ganlab_recipe}
    if not args.ganlab_only:
        recipes["TensorFlow tutorial recipe"] = TutorialRecipe(images)
    if args.mode == "speed" and ganlab_recipe.p.reuse_fakes:  # what the one-pass step is worth
        recipes["ganlab DCGAN, fresh noise for G (reuse_fakes=False)"] = GanlabRecipe(
            images, profile, reuse_fakes=False, d_hidden=args.d_hidden, seed=args.seed)
    print(f"device: {ganlab_recipe.path.device}; {len(images):,} MNIST images; profile {profile}")
    print(f"ganlab fast path: {ganlab_recipe.path.describe()}", flush=True)
    if args.mode == "speed":
        speed(recipes, args.seconds)
    else:
        quality(recipes, args.seconds, args.eval_every, args.target, ganlab_recipe.p.classifier_epochs)
    print(f"\n({os.cpu_count()} CPU cores visible; TensorFlow {tf.__version__}, Keras {keras.__version__})")


if __name__ == "__main__":
    main()
