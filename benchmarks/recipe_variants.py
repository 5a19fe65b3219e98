"""Which settings make the cpu profile's digits more recognisable in the same time?

    python benchmarks/recipe_variants.py dcgan                          # the cpu profile as it is
    python benchmarks/recipe_variants.py dcgan --categories 0           # Gaussian noise only
    python benchmarks/recipe_variants.py dcgan --no-simultaneous        # fresh noise for G's update
    python benchmarks/recipe_variants.py dcgan --d-width 64 --seconds 180
    python benchmarks/recipe_variants.py dense --d-units 1024,512,256 --learning-rate 1.2e-3

Trains the dense GAN or the DCGAN with the cpu profile's settings (``ganlab.build.recipe``),
changed by the options below, for --seconds of training (``ganlab.callbacks.TimeBudget``).
The networks come from ``ganlab.build.build_models``; the GAN is ``ganlab.GAN`` with the
variants written in its hooks (``generate_fakes``, ``discriminate``, ``train_step`` calling
``super()``), so its steps, loss scaling and trackers are the package's. Every --eval-every
seconds it prints ``ganlab.metrics.sample_quality`` (the share of 1,000 samples from the noise
of seed 1 that ganlab.metrics.mnist_classifier names as a digit with p >= 0.9): for the
generator itself and for moving averages of its weights with decays 0.99, 0.995 and 0.999,
all kept in the same run. Compare the rows of docs/benchmarks.md.

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
  --info W           InfoGAN's mutual-information term with weight W (needs a code): a
                     small head on the discriminator's features learns to tell the code
                     back from each generated image (trained with the discriminator's
                     optimizer), and the generator is rewarded when it can, so each
                     category draws something distinct
  --latent-dim N     the Gaussian part of the noise (default ganlab.noise.GAUSSIAN_DIM)
  --learning-rate LR, --batch-size N
  dcgan: --g-width N, --d-width N, --d-no-batch-norm, --d-hidden N (units of the
         discriminator's hidden Dense layer; default as in dcgan_discriminator, 0: none)
  dense: --d-units A,B, --d-dropout R (dropout after each of the discriminator's hidden
         layers; default 0, as in dense_discriminator)
"""

from __future__ import annotations

import argparse
from types import SimpleNamespace

import numpy as np

import ganlab  # noqa: F401  (sets the Keras backend before keras loads)
import keras
import tensorflow as tf
from ganlab.losses import GANLoss, get_loss
from ganlab.noise import GAUSSIAN_DIM, NoiseLayout
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


def with_code_head(discriminator: keras.Model, categories: int) -> keras.Model:
    """The discriminator with a second output: logits of the code's category, read by one Dense
    layer off its last features (InfoGAN's Q head). Its first output is still the logit."""
    head = keras.layers.Dense(categories, dtype="float32", name="code_head")
    return keras.Model(discriminator.inputs, [discriminator.outputs[0], head(discriminator.layers[-2].output)],
                       name=f"{discriminator.name}_with_code_head")


def without_batch_norm(discriminator: keras.Model) -> keras.Model:
    """The same layers with the batch norm left out (fresh weights)."""
    layers = [layer for layer in discriminator.layers[1:] if not isinstance(layer, keras.layers.BatchNormalization)]
    return keras.Sequential([keras.Input(discriminator.inputs[0].shape[1:])] +
                            [type(layer).from_config(layer.get_config()) for layer in layers])


class VariantGAN(ganlab.GAN):
    """ganlab's GAN with the variants above written in its hooks, and one moving average of the
    generator per decay in DECAYS. ``GAN.train_step`` (either step, with its loss scaling)
    does the training; nothing of it is copied here."""

    def __init__(self, generator, discriminator, *, translate_pixels: int = 0, info_weight: float = 0.0,
                 **gan_options):
        categories = gan_options.get("latent_categories", 0)
        if info_weight and not categories:
            raise ganlab.errors.InputError("The InfoGAN term (info_weight) needs a code: latent_categories >= 1.")
        if info_weight:
            discriminator = with_code_head(discriminator, categories)
        super().__init__(generator, discriminator, **gan_options)
        self.translate_pixels = int(translate_pixels)
        self.info_weight = float(info_weight)
        self._step = SimpleNamespace(fakes=None, codes=None, info=0.0)  # tensors of the step being traced
        self.averages = {}
        for decay in DECAYS:
            average = keras.models.clone_model(generator)
            average.set_weights(generator.get_weights())
            self.averages[decay] = average

    def compile(self, *, loss="non_saturating", **options):
        base = get_loss(loss)
        if self.info_weight:  # both players' losses gain the weighted code-recognition error
            loss = GANLoss(f"{base.name} + info", lambda real, fake: base.discriminator(real, fake) + self._info(),
                           lambda fake: base.generator(fake) + self._info(), base.outputs_are_logits)
        super().compile(loss=loss, **options)

    def _info(self):
        return self.info_weight * self._step.info

    def generate_fakes(self, data, batch_size, training: bool = True):
        noise = self.sample_noise(batch_size)
        fakes = self.generator(noise, training=training)
        if self.info_weight:  # remember which code each fake was drawn with
            self._step.fakes, self._step.codes = fakes, ops.argmax(noise[:, -self.latent_categories:], axis=1)
        return fakes

    def discriminate(self, samples, data, training: bool = True):
        seen = translate(samples, self.translate_pixels) if self.translate_pixels else samples
        if not self.info_weight:
            return self.discriminator(seen, training=training)
        logit, code_logits = self.discriminator(seen, training=training)
        if samples is self._step.fakes:  # generated: how well the head reads their code back
            self._step.info = ops.mean(keras.losses.sparse_categorical_crossentropy(
                self._step.codes, code_logits, from_logits=True))
        return logit

    def train_step(self, data):
        logs = super().train_step(data)
        for decay, average in self.averages.items():
            update_moving_average(average, self.generator, decay, self.g_optimizer.iterations)
        return logs


class WithGenerator:
    """What ``sample_quality`` reads of a GAN (its noise and ``generate``), with another generator:
    to measure each of VariantGAN's moving averages the same way."""

    def __init__(self, gan: ganlab.GAN, generator: keras.Model):
        self.gan, self.generator = gan, generator
        self.latent_categories = gan.latent_categories

    def fixed_noise(self, n: int, seed: int = 0) -> np.ndarray:
        return self.gan.fixed_noise(n, seed)

    def generate(self, n: int | None = None, noise=None) -> np.ndarray:
        return np.asarray(ops.convert_to_numpy(ops.cast(self.generator(noise, training=False), "float32")))


def units(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(u) for u in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 512,256, not {text!r}") from None


def build_models(args, p) -> tuple[keras.Model, keras.Model]:
    """(generator, discriminator) through ``ganlab.build.build_models``, with the variants' sizes."""
    from ganlab.build import build_models as build

    noise = NoiseLayout(args.latent_dim, args.categories)
    if args.model == "dense":
        options = {"dropout": args.d_dropout, **({"units": args.d_units} if args.d_units else {})}
        return build("dense", noise, discriminator_options=options)
    options = {} if args.d_hidden is None else {"hidden_units": args.d_hidden}
    g_width, d_width = args.g_width or p.width, args.d_width or p.width
    generator, discriminator = build("dcgan", noise, width=g_width, discriminator_options=options)
    if d_width != g_width:
        discriminator = build("dcgan", noise, width=d_width, discriminator_options=options)[1]
    return generator, without_batch_norm(discriminator) if args.d_no_batch_norm else discriminator


def build_gan(args, p) -> VariantGAN:
    """The variant GAN, compiled on this device's fast path, as ``ganlab.build_gan`` compiles."""
    from ganlab.fast_path import choose_fast_path

    path = choose_fast_path().apply()
    keras.utils.set_random_seed(0)
    gan = VariantGAN(*build_models(args, p), seed=0, latent_categories=args.categories,
                     reuse_fakes=args.simultaneous, translate_pixels=args.translate, info_weight=args.info)
    learning_rate = args.learning_rate or p.learning_rate
    gan.compile(d_optimizer=path.optimizer(learning_rate), g_optimizer=path.optimizer(learning_rate),
                loss=args.loss, **path.compile_kwargs())
    return gan


def parse_args(argv=None) -> tuple[argparse.Namespace, argparse.ArgumentParser]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=("dense", "dcgan"))
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--eval-every", type=float, default=30.0)
    parser.add_argument("--simultaneous", action=argparse.BooleanOptionalAction)
    parser.add_argument("--translate", type=int, default=0, metavar="PX")
    parser.add_argument("--loss", default="non_saturating")
    parser.add_argument("--info", type=float, default=0.0, metavar="W")
    parser.add_argument("--latent-dim", type=int, default=GAUSSIAN_DIM)
    parser.add_argument("--categories", type=int, metavar="K")
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--g-width", type=int)
    parser.add_argument("--d-width", type=int)
    parser.add_argument("--d-no-batch-norm", action="store_true")
    parser.add_argument("--d-units", type=units)
    parser.add_argument("--d-dropout", type=float, default=0.0, metavar="R")
    parser.add_argument("--d-hidden", type=int, metavar="N")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.eval_every <= 0 or args.translate < 0 or (args.categories or 0) < 0:
        parser.error("--seconds and --eval-every must be positive, --translate and --categories 0 or more.")
    if args.latent_dim < 1 or (args.batch_size is not None and args.batch_size < 1):
        parser.error("--latent-dim and --batch-size must be 1 or more.")
    if not 0.0 <= args.d_dropout < 1.0:
        parser.error(f"--d-dropout is a rate from 0 up to (not including) 1, not {args.d_dropout}.")
    if args.d_hidden is not None and args.d_hidden < 0:
        parser.error(f"--d-hidden is 0 (no hidden layer) or a number of units, not {args.d_hidden}.")
    if args.model == "dense" and (args.g_width or args.d_width or args.d_no_batch_norm or args.d_hidden is not None):
        parser.error("--g-width/--d-width/--d-hidden/--d-no-batch-norm are for dcgan; the dense GAN takes "
                     "--d-units/--d-dropout.")
    if args.model == "dcgan" and (args.d_units or args.d_dropout):
        parser.error("--d-units/--d-dropout are for dense; the DCGAN takes --g-width/--d-width/--d-hidden.")
    try:
        get_loss(args.loss)
    except ganlab.errors.InputError as error:
        parser.error(str(error))
    p = ganlab.build.recipe(args.model, "cpu")
    if args.categories is None:
        args.categories = p.latent_categories
    if args.simultaneous is None:
        args.simultaneous = p.reuse_fakes
    if args.info and not args.categories:
        parser.error("--info needs a code (--categories K >= 1).")
    return args, parser


def main(argv=None) -> None:
    args, parser = parse_args(argv)
    from ganlab.callbacks import TimeBudget
    from ganlab.metrics import mnist_classifier, sample_quality

    p = ganlab.build.recipe(args.model, "cpu")
    batch_size = args.batch_size or p.batch_size
    classifier = mnist_classifier(epochs=p.classifier_epochs)
    images = ganlab.load_mnist(n=p.n_images)[0]
    gan = build_gan(args, p)
    dataset = ganlab.make_dataset(images, batch_size, seed=0, drop_remainder=bool(gan.jit_compile)).repeat()

    def share(generator) -> str:
        return f"{sample_quality(WithGenerator(gan, generator), classifier)['fraction']:.1%}"

    changes = {k: v for k, v in vars(args).items() if v != parser.get_default(k)
               and k not in ("model", "seconds", "eval_every")
               and (k, v) not in (("categories", p.latent_categories), ("simultaneous", p.reuse_fakes))}
    print(f"{args.model}, cpu profile, changed: {changes or 'nothing'}; {len(images):,} images, batch {batch_size}, "
          f"Adam({args.learning_rate or p.learning_rate:g}, beta_1=0.5), code of {args.categories} categories, "
          f"{'one generator pass' if args.simultaneous else 'fresh noise for G'} per step")
    print(f"{'train s':>8} {'steps':>7} {'generator':>10} " + " ".join(f"{f'EMA {d}':>10}" for d in DECAYS))
    trained = 0.0
    while trained < args.seconds - 1:
        budget = TimeBudget(min(args.eval_every, args.seconds - trained))
        gan.fit(dataset, epochs=1, steps_per_epoch=10**9, verbose=0, callbacks=[budget])
        trained += budget.elapsed
        shares = [share(gan.generator)] + [share(average) for average in gan.averages.values()]
        print(f"{trained:>8.0f} {int(gan.g_optimizer.iterations):>7,} " + " ".join(f"{s:>10}" for s in shares),
              flush=True)


if __name__ == "__main__":
    main()
