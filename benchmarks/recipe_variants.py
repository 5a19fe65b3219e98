"""Which settings make the cpu profile's digits more recognisable in the same time?

    python benchmarks/recipe_variants.py dcgan                          # the cpu profile as it is
    python benchmarks/recipe_variants.py dcgan --categories 0           # Gaussian noise only
    python benchmarks/recipe_variants.py dcgan --no-simultaneous        # fresh noise for G's update
    python benchmarks/recipe_variants.py dcgan --d-width 64 --seconds 180
    python benchmarks/recipe_variants.py dense --d-units 1024,512,256 --learning-rate 1.2e-3

Trains the dense GAN or the DCGAN with the cpu profile's settings, changed by the
options below, for --seconds of training. Every --eval-every seconds it prints the share
of 1,000 samples (fixed noise) that ganlab.metrics.mnist_classifier names as a digit with
p >= 0.9: for the generator itself and for moving averages of its weights with decays
0.99, 0.995 and 0.999, all kept in the same run. Compare the rows of docs/benchmarks.md.

Variants:
  --simultaneous     one generated batch serves both updates, as in the TensorFlow DCGAN
  --no-simultaneous  tutorial, or fresh noise for the generator's update (ganlab.GAN's
                     reuse_fakes; default: the profile's, on for the DCGAN, off for dense)
  --translate PX     shift every image the discriminator sees, real and generated, by up
                     to PX pixels (differentiable augmentation, Zhao et al., 2020)
  --loss NAME        any ganlab loss: non_saturating, hinge, least_squares, ...
  --categories K     end the noise in a random one-hot code of K categories (times 3),
                     ganlab.GAN's latent_categories (default: the profile's; 0: Gaussian
                     noise only), so the generator can jump between digits instead of
                     blending them where the latent space passes from one digit to the next
  --info W          InfoGAN's mutual-information term with weight W (needs a code and the
                     one-pass step): a small head on the discriminator's features learns to
                     tell the code back from each generated image, and the generator is
                     rewarded when it can, so each category draws something distinct
  --latent-dim N, --learning-rate LR, --batch-size N
  dcgan: --g-width N, --d-width N, --d-no-batch-norm, --d-hidden N (units of the
         discriminator's hidden Dense layer; default as in dcgan_discriminator, 0: none)
  dense: --g-units A,B,C, --d-units A,B, --d-dropout R (dropout after each of the
         discriminator's hidden layers; default 0, as in dense_discriminator)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import ganlab  # noqa: F401  (sets the Keras backend before keras loads)
import keras
import tensorflow as tf
from ganlab.training import update_moving_average
from keras import ops

DECAYS = (0.99, 0.995, 0.999)


def translate(images, pixels: int):
    """Shift each image by its own random whole-pixel offset in [-pixels, pixels]; the
    background (-1) fills in. Gradients flow back to the images (a projective transform)."""
    n = tf.shape(images)[0]
    offsets = tf.cast(tf.random.uniform([n, 2], -pixels, pixels + 1, dtype=tf.int32), tf.float32)
    ones, zeros = tf.ones([n, 1]), tf.zeros([n, 1])
    transforms = tf.concat([ones, zeros, offsets[:, :1], zeros, ones, offsets[:, 1:], zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=tf.shape(images)[1:3],
        interpolation="NEAREST", fill_mode="CONSTANT", fill_value=-1.0)


class VariantGAN(ganlab.GAN):
    """ganlab's GAN with the variants above, and one moving average per decay in DECAYS."""

    def __init__(self, generator, discriminator, simultaneous: bool, translate_pixels: int, categories: int,
                 info_weight: float = 0.0):
        super().__init__(generator, discriminator, seed=0, latent_categories=categories, reuse_fakes=simultaneous)
        self.translate_pixels = translate_pixels
        self.info_weight = info_weight
        if info_weight:  # the code's recogniser: one Dense layer on the discriminator's last features
            self.d_features = keras.Model(discriminator.inputs, discriminator.layers[-2].output)
            self.d_last = discriminator.layers[-1]
            self.q_head = keras.layers.Dense(categories, name="q_head")
            self.q_head.build(self.d_features.outputs[0].shape)
            self.q_optimizer = ganlab.training.default_optimizer(2e-4)
        self.averages = {}
        for decay in DECAYS:
            average = keras.models.clone_model(generator)
            average.set_weights(generator.get_weights())
            self.averages[decay] = average

    def judge(self, images):
        if self.translate_pixels:
            images = translate(images, self.translate_pixels)
        return self.discriminator(images, training=True)

    def train_step(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        batch_size = ops.shape(real)[0]
        if self.info_weight:
            return self._info_step(real, batch_size)
        with tf.GradientTape(persistent=True) as tape:
            fake = self.generator(self.sample_noise(batch_size), training=True)
            real_out, fake_out = self.judge(real), self.judge(fake)
            d_loss = self.gan_loss.discriminator(real_out, fake_out)
            if self.reuse_fakes:
                g_loss = self.gan_loss.generator(fake_out)
        self._apply(tape, d_loss, self.discriminator, self.d_optimizer)
        if not self.reuse_fakes:  # ganlab's default: the updated discriminator judges fresh samples
            with tf.GradientTape() as tape:
                g_loss = self.gan_loss.generator(self.judge(self.generator(self.sample_noise(batch_size),
                                                                             training=True)))
        self._apply(tape, g_loss, self.generator, self.g_optimizer)
        self._update_averages()
        self._update_trackers(d_loss, g_loss, real_out, fake_out)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _info_step(self, real, batch_size):
        """The one-pass step plus InfoGAN's term: D and the head learn to read the code, G to show it."""
        noise = self.sample_noise(batch_size)
        codes = ops.argmax(noise[:, -self.latent_categories:], axis=1)
        with tf.GradientTape(persistent=True) as tape:
            fake = self.generator(noise, training=True)
            real_out = self.judge(real)
            features = self.d_features(translate(fake, self.translate_pixels) if self.translate_pixels else fake,
                                       training=True)
            fake_out = self.d_last(features)
            info = ops.mean(keras.losses.sparse_categorical_crossentropy(codes, self.q_head(features),
                                                                         from_logits=True))
            d_loss = self.gan_loss.discriminator(real_out, fake_out)
            g_loss = self.gan_loss.generator(fake_out)
            d_total, g_total = d_loss + self.info_weight * info, g_loss + self.info_weight * info
        self._apply(tape, d_total, self.discriminator, self.d_optimizer)
        self._apply(tape, d_total, self.q_head, self.q_optimizer)
        self._apply(tape, g_total, self.generator, self.g_optimizer)
        self._update_averages()
        self._update_trackers(d_loss, g_loss, real_out, fake_out)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _update_averages(self):
        for decay, average in self.averages.items():
            update_moving_average(average, self.generator, decay, self.g_optimizer.iterations)


def units(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(u) for u in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 512,256, not {text!r}") from None


def build_models(args, p):
    from ganlab.models import dcgan_discriminator, dcgan_generator, dense_discriminator, dense_generator

    latent_dim = args.latent_dim + args.categories  # the Gaussian noise, then the one-hot code

    if args.model == "dense":
        g_kwargs = {"units": args.g_units} if args.g_units else {}
        d_kwargs = {"units": args.d_units} if args.d_units else {}
        d_kwargs["dropout"] = args.d_dropout
        return dense_generator(latent_dim=latent_dim, **g_kwargs), dense_discriminator(**d_kwargs)
    d_kwargs = {} if args.d_hidden is None else {"hidden_units": args.d_hidden}
    discriminator = dcgan_discriminator(width=args.d_width or p.width, **d_kwargs)
    if args.d_no_batch_norm:  # the same layers with the batch norm left out
        layers = [layer for layer in discriminator.layers[1:] if not isinstance(layer, keras.layers.BatchNormalization)]
        discriminator = keras.Sequential([keras.Input(discriminator.inputs[0].shape[1:])] +
                                         [type(layer).from_config(layer.get_config()) for layer in layers])
    return dcgan_generator(latent_dim=latent_dim, width=args.g_width or p.width), discriminator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=("dense", "dcgan"))
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--eval-every", type=float, default=30.0)
    parser.add_argument("--simultaneous", action=argparse.BooleanOptionalAction)
    parser.add_argument("--translate", type=int, default=0, metavar="PX")
    parser.add_argument("--loss", default="non_saturating")
    parser.add_argument("--info", type=float, default=0.0, metavar="W")
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--categories", type=int, metavar="K")
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--g-width", type=int)
    parser.add_argument("--d-width", type=int)
    parser.add_argument("--d-no-batch-norm", action="store_true")
    parser.add_argument("--g-units", type=units)
    parser.add_argument("--d-units", type=units)
    parser.add_argument("--d-dropout", type=float, default=0.0, metavar="R")
    parser.add_argument("--d-hidden", type=int, metavar="N")
    args = parser.parse_args()
    if args.seconds <= 0 or args.eval_every <= 0 or args.translate < 0 or (args.categories or 0) < 0:
        parser.error("--seconds and --eval-every must be positive, --translate and --categories 0 or more.")
    if not 0.0 <= args.d_dropout < 1.0:
        parser.error(f"--d-dropout is a rate from 0 up to (not including) 1, not {args.d_dropout}.")
    if args.d_hidden is not None and args.d_hidden < 0:
        parser.error(f"--d-hidden is 0 (no hidden layer) or a number of units, not {args.d_hidden}.")
    if args.model == "dense" and (args.g_width or args.d_width or args.d_no_batch_norm or args.d_hidden is not None):
        parser.error("--g-width/--d-width/--d-hidden are for dcgan; the dense GAN takes --g-units/--d-units.")
    if args.model == "dcgan" and (args.g_units or args.d_units or args.d_dropout):
        parser.error("--g-units/--d-units/--d-dropout are for dense; the DCGAN takes --g-width/--d-width.")

    from ganlab.metrics import mnist_classifier, recognisable_fraction
    from ganlab.training import default_optimizer

    p = ganlab.params("dense_mnist" if args.model == "dense" else "dcgan", "cpu")
    learning_rate, batch_size = args.learning_rate or p.learning_rate, args.batch_size or p.batch_size
    if args.categories is None:
        args.categories = p.latent_categories
    if args.simultaneous is None:
        args.simultaneous = p.reuse_fakes
    if args.info and not (args.categories and args.simultaneous):
        parser.error("--info needs a code (--categories K >= 1) and the one-pass step (--simultaneous).")
    classifier = mnist_classifier(epochs=p.classifier_epochs)
    images = ganlab.load_mnist(n=p.n_images)[0]

    keras.utils.set_random_seed(0)
    gan = VariantGAN(*build_models(args, p), args.simultaneous, args.translate, args.categories, args.info)
    gan.compile(default_optimizer(learning_rate), default_optimizer(learning_rate), loss=args.loss)
    dataset = ganlab.make_dataset(images, batch_size, seed=0).repeat()
    noise = gan.fixed_noise(1000, seed=1)  # the same 1,000 noise vectors every run

    def share(generator) -> str:
        return f"{recognisable_fraction(np.asarray(generator(noise, training=False)), classifier)['fraction']:.1%}"

    changes = {k: v for k, v in vars(args).items() if v != parser.get_default(k)
               and k not in ("model", "seconds", "eval_every")
               and (k, v) not in (("categories", p.latent_categories), ("simultaneous", p.reuse_fakes))}
    print(f"{args.model}, cpu profile, changed: {changes or 'nothing'}; {len(images):,} images, batch {batch_size}, "
          f"Adam({learning_rate:g}, beta_1=0.5), code of {args.categories} categories, "
          f"{'one generator pass' if args.simultaneous else 'fresh noise for G'} per step")
    print(f"{'train s':>8} {'steps':>7} {'generator':>10} " + " ".join(f"{f'EMA {d}':>10}" for d in DECAYS))
    trained = 0.0
    while trained < args.seconds - 1:
        start = time.perf_counter()
        while time.perf_counter() - start < min(args.eval_every, args.seconds - trained):
            gan.fit(dataset, epochs=1, steps_per_epoch=20, verbose=0)
        trained += time.perf_counter() - start
        shares = [share(gan.generator)] + [share(average) for average in gan.averages.values()]
        print(f"{trained:>8.0f} {int(gan.g_optimizer.iterations):>7,} " + " ".join(f"{s:>10}" for s in shares),
              flush=True)


if __name__ == "__main__":
    main()
