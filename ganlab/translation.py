"""Paired image-to-image translation: pix2pix, and scores of a translation against its target.

Introduced in notebooks/09_pix2pix.ipynb (Isola et al., 2017). :class:`Pix2Pix` is ``ganlab.GAN`` with
its hooks changed, so the train steps, loss scaling, EMA and trackers are GAN's: the real examples are
the targets, a fake is the generator's translation of the batch's inputs, the discriminator judges each
image together with its input, and the generator's loss adds lambda x L1 to the target. The networks
are in ``ganlab.models.translation``; the unpaired CycleGAN is in ``ganlab.cyclegan``.

>>> model = Pix2Pix(unet_generator(32), patchgan_discriminator(32))   # doctest: +SKIP
>>> model.compile()                                                  # doctest: +SKIP
>>> model.fit(pairs, epochs=5)  # a tf.data of (input, target) batches in [-1, 1]   # doctest: +SKIP
>>> translation_scores(model.translate(inputs), targets)             # doctest: +SKIP
{'l1': 0.12, 'psnr': 21.3, 'ssim': 0.71}
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .data import check_images
from .errors import InputError
from .losses import l1_loss
from .training import GAN, METRIC_NAMES, update_moving_average

L1_WEIGHT = 100.0  # pix2pix's lambda: the L1 term dominates, the adversarial term adds the sharpness
SSIM_MIN_SIDE = 11  # tf.image.ssim's Gaussian window is 11 x 11


class Pix2Pix(GAN):
    """A U-Net generator trained against a PatchGAN on (input, target) pairs: adversarial loss + lambda x L1.

    Parameters
    ----------
    generator : keras.Model mapping an input image to an output image of the same size.
    discriminator : keras.Model mapping [input image, output image] to logits (a map or one per pair);
        None trains the generator on the L1 loss alone, with no discriminator step (the course's
        "L1 only" baseline: blurry where the answer is uncertain).
    l1_weight : lambda, 100 by default (pix2pix's); 0 leaves the conditional GAN alone.
    seed, ema_decay, reuse_fakes, penalty, penalty_weight : as for ``ganlab.GAN``.

    The progress bar shows d_loss, g_loss (adversarial + lambda x L1), D(x) and D(G(z)) (D's mean output
    on real and translated pairs; z is dropout, pix2pix's only noise) and l1, the generator's L1 error
    to the targets; without a discriminator, g_loss and l1 only.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model | None = None,
                 l1_weight: float = L1_WEIGHT, seed: int | None = None, **kwargs):
        for refused in ("augment", "latent_categories"):
            if kwargs.get(refused):
                raise InputError(f"Pix2Pix takes no {refused}=: its noise is the generator's dropout, and "
                                 "augmenting the output but not its input would break the pairs.")
        if discriminator is None and kwargs.get("penalty") is not None:
            raise InputError("A gradient penalty acts on the discriminator: give one, or drop penalty=.")
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        if not l1_weight >= 0:
            raise InputError(f"l1_weight must be >= 0 (pix2pix: 100), not {l1_weight}.")
        self.l1_weight = float(l1_weight)
        names = ("g_loss", "l1") if discriminator is None else METRIC_NAMES + ("l1",)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    def check_networks(self, generator, discriminator) -> None:
        """InputError unless G maps images to images of the same size and D takes [input, output] pairs."""
        if not isinstance(generator, keras.Model) or len(generator.inputs) != 1:
            raise InputError("generator must be a keras.Model taking one image, e.g. ganlab.models.unet_generator.")
        g_in, g_out = tuple(generator.inputs[0].shape[1:]), tuple(generator.outputs[0].shape[1:])
        if len(g_in) != 3 or g_in[:2] != g_out[:2]:
            raise InputError(f"The generator maps {g_in} to {g_out}: a translator keeps the image's height and width.")
        if discriminator is None:
            return
        d_in = [tuple(x.shape[1:]) for x in getattr(discriminator, "inputs", None) or []]
        if d_in != [g_in, g_out]:
            raise InputError(f"The discriminator takes {d_in}; pix2pix's judges [input, output] pairs, {[g_in, g_out]}: "
                             "build it with patchgan_discriminator(size, in_channels, out_channels).")

    # ------------------------------------------------------------------ the hooks of GAN's train steps

    def real_examples(self, data):
        """The targets: what D should call real."""
        return _pair(data)[1]

    def generate_fakes(self, data, batch_size, training: bool = True):
        """The generator's translations of the batch's inputs (dropout on while training)."""
        return self.generator(_pair(data)[0], training=training)

    def discriminate(self, samples, data, training: bool = True):
        """D's logits for each output image next to its input."""
        return self.discriminator([_pair(data)[0], samples], training=training)

    def generator_extra_loss(self, fake, data):
        """lambda x L1(target, translation); records the L1 for the progress bar."""
        l1 = l1_loss(self.real_examples(data), fake)
        self.trackers["l1"].update_state(l1)
        return self.l1_weight * l1

    def train_step(self, data):
        return self.l1_step(data) if self.discriminator is None else super().train_step(data)

    def l1_step(self, data):
        """The "L1 only" baseline: one generator update on mean |target - G(input)|, no discriminator."""
        inputs, targets = _pair(data)
        with tf.GradientTape() as tape:
            l1 = l1_loss(targets, self.generator(inputs, training=True))
        self._apply(tape, l1, self.generator, self.g_optimizer)
        if self.ema_generator is not None:
            update_moving_average(self.ema_generator, self.generator, self.ema_decay, self.g_optimizer.iterations)
        for name in ("g_loss", "l1"):
            self.trackers[name].update_state(l1)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ------------------------------------------------------------------ data in, images out

    def fit(self, x=None, y=None, *args, **kwargs):
        """keras.Model.fit on (input, target) pairs: a tf.data.Dataset of pairs, or two arrays (checked)."""
        if isinstance(x, tf.data.Dataset):
            check_pair_dataset(x, self.generator)
        elif x is not None:
            if y is None:
                raise InputError("Pix2Pix trains on (input, target) pairs: fit(inputs, targets), or fit(dataset) "
                                 "with a tf.data.Dataset of (input, target) batches.")
            x, y = check_pairs(x, y)
            check_channels(self.generator, x, y)
        return super().fit(x, y, *args, **kwargs)

    def translate(self, inputs, batch_size: int = 64) -> np.ndarray:
        """The generator's outputs for ``inputs`` (N, H, W, C) in [-1, 1], with ``training=False``.

        Dropout is off and batch norm uses its moving statistics, so the same input always gives the
        same output (pix2pix's own code keeps both in training mode at test time). Uses the EMA
        generator if one is kept.
        """
        inputs = check_images(inputs, "inputs")
        check_channels(self.generator, inputs)
        return np.concatenate([self._run_generator(inputs[i:i + batch_size])
                               for i in range(0, len(inputs), int(batch_size))])

    def generate(self, n=None, noise=None, labels=None):
        raise InputError("Pix2Pix translates images rather than drawing from noise: use model.translate(inputs).")


def _pair(data):
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise InputError("This model trains on (input, target) pairs: give fit a dataset of 2-tuples of "
                         "image batches, or fit(inputs, targets).")
    return data


def check_pairs(inputs, targets, names: tuple[str, str] = ("inputs", "targets")) -> tuple[np.ndarray, np.ndarray]:
    """Both batches checked (``ganlab.data.check_images``: 4 axes, floats in [-1, 1], finite), as many of
    each, of the same height and width; returned as float32.

    >>> check_pairs(np.zeros((4, 32, 32, 3)), np.zeros((3, 32, 32, 3)))
    Traceback (most recent call last):
    ...
    ganlab.errors.InputError: 4 inputs but 3 targets: a pair is one input and its target, so give as many of each.
    """
    first, second = (check_images(batch, name) for batch, name in zip((inputs, targets), names))
    if len(first) != len(second):
        raise InputError(f"{len(first)} {names[0]} but {len(second)} {names[1]}: a pair is one input and its target, "
                         "so give as many of each.")
    if first.shape[1:3] != second.shape[1:3]:
        raise InputError(f"{names[0]} are {first.shape[1]} x {first.shape[2]} px but {names[1]} "
                         f"{second.shape[1]} x {second.shape[2]}: resize them to one size (tf.image.resize).")
    return first, second


def check_channels(generator: keras.Model, inputs, targets=None) -> None:
    """InputError unless ``inputs`` (and ``targets``) have the size and channels ``generator`` takes (gives)."""
    for what, arr, tensor in (("inputs", inputs, generator.inputs[0]), ("targets", targets, generator.outputs[0])):
        expected = tuple(tensor.shape[1:])
        if arr is not None and tuple(np.shape(arr)[1:]) != expected:
            raise InputError(f"{what} have shape {tuple(np.shape(arr)[1:])} per image; this generator "
                             f"{'takes' if what == 'inputs' else 'makes'} {expected}. Resize the images, or convert "
                             "grey <-> colour (tf.image.grayscale_to_rgb / rgb_to_grayscale), or build the model "
                             "for these images.")


def check_pair_dataset(dataset: tf.data.Dataset, generator: keras.Model) -> None:
    """The dataset's batches are (input, target) pairs of the generator's shapes; its first batch is checked
    as arrays (values in [-1, 1]), which reads one batch."""
    spec = dataset.element_spec
    if not isinstance(spec, tuple) or len(spec) != 2 or any(len(s.shape) != 4 for s in spec):
        raise InputError(f"The dataset gives {spec}; this model needs (input, target) pairs of image batches "
                         "(N, H, W, C): batch the dataset (dataset.batch(n)), and zip inputs with targets.")
    inputs, targets = (np.asarray(t) for t in next(iter(dataset.take(1))))
    inputs, targets = check_pairs(inputs, targets, ("inputs in the dataset", "targets in the dataset"))
    check_channels(generator, inputs, targets)


def translation_scores(predicted, target, batch_size: int = 256) -> dict[str, float]:
    """How close ``predicted`` images are to their ``target``s, both (N, H, W, C) in [-1, 1]; the batch means of

    - ``l1``: mean |predicted - target| in [-1, 1] units, as the training loss (0 is perfect, 2 the worst);
    - ``psnr``: peak signal-to-noise ratio in dB, on images mapped to [0, 1] (``tf.image.psnr``, max_val=1;
      higher is better, infinite for identical images);
    - ``ssim``: structural similarity, on [0, 1] images (``tf.image.ssim``; 1 is identical; it needs images
      of at least 11 x 11 px).

    >>> x = np.zeros((2, 16, 16, 3), "float32")
    >>> {k: round(v, 3) for k, v in translation_scores(x + 0.5, x).items()}
    {'l1': 0.5, 'psnr': 12.041, 'ssim': 0.923}
    """
    predicted, target = check_pairs(predicted, target, ("predicted", "target"))
    if predicted.shape != target.shape:
        raise InputError(f"predicted has shape {predicted.shape[1:]} per image and target {target.shape[1:]}: "
                         "compare images with the same channels.")
    if min(predicted.shape[1:3]) < SSIM_MIN_SIDE:
        raise InputError(f"SSIM needs images of at least {SSIM_MIN_SIDE} x {SSIM_MIN_SIDE} px; these are "
                         f"{predicted.shape[1]} x {predicted.shape[2]}.")
    sums = {"l1": 0.0, "psnr": 0.0, "ssim": 0.0}
    for i in range(0, len(target), int(batch_size)):
        p, t = (tf.constant((a[i:i + batch_size] + 1.0) / 2.0) for a in (predicted, target))  # [-1, 1] -> [0, 1]
        sums["l1"] += 2.0 * float(tf.reduce_sum(tf.reduce_mean(tf.abs(p - t), axis=[1, 2, 3])))
        sums["psnr"] += float(tf.reduce_sum(tf.image.psnr(p, t, max_val=1.0)))
        sums["ssim"] += float(tf.reduce_sum(tf.image.ssim(p, t, max_val=1.0)))
    return {name: total / len(target) for name, total in sums.items()}


def realism_scores(translated, targets, labels, network) -> dict[str, float]:
    """How real translations look to a feature network trained on the target domain (``ganlab.metrics``):

    - ``recognised``: the share of ``translated`` images that ``network`` puts in their target's class
      (``labels``); the real ``targets`` give the ceiling, ``recognised_real``;
    - ``fd``: the Frechet distance between the features of the translations and of the targets (lower is
      more alike; 0 for the targets themselves). It needs more than 128 pairs.
    """
    from .metrics.feature_scores import frechet_distance

    translated, targets = check_pairs(translated, targets, ("translated", "targets"))
    labels = np.asarray(labels)
    if labels.shape != (len(targets),):
        raise InputError(f"{labels.shape} labels for {len(targets)} pairs: give one class label per pair.")
    fake_features, fake_probabilities = network.outputs(translated)
    real_features, real_probabilities = network.outputs(targets)
    return {"recognised": float(np.mean(fake_probabilities.argmax(1) == labels)),
            "recognised_real": float(np.mean(real_probabilities.argmax(1) == labels)),
            "fd": frechet_distance(real_features, fake_features)}


def fashion_item_scores(translated, targets, labels, network=None) -> dict[str, float]:
    """:func:`realism_scores` of translated edges2fashion items (N, 32, 32, 1) with Fashion-MNIST labels,
    judged by the Fashion-MNIST feature network on the 28 px centre (``ganlab.edges.crop_to``)."""
    from .edges import crop_to
    from .metrics import feature_network

    translated, targets = check_pairs(translated, targets, ("translated", "targets"))
    return realism_scores(crop_to(translated), crop_to(targets), labels, network or feature_network("fashion_mnist"))


def emoji_scores(translated, targets, labels, network=None) -> dict[str, float]:
    """:func:`realism_scores` of emoji translated into Google's style (N, 64, 64, 3), labels = emoji categories,
    judged by the emoji feature network (``ganlab.metrics.emoji_features``)."""
    from .metrics.emoji_features import emoji_feature_network

    return realism_scores(translated, targets, labels, network or emoji_feature_network())


def cycle_reconstruction_error(forward: keras.Model, backward: keras.Model, images,
                               batch_size: int = 64) -> float:
    """mean |backward(forward(x)) - x| over ``images`` in [-1, 1] units, with ``training=False``: how much of
    an image survives the trip to the other domain and back (CycleGAN's cycle loss, measured; 0 is perfect).
    """
    images = check_images(images, "images")
    check_channels(forward, images)
    total = 0.0
    for i in range(0, len(images), int(batch_size)):
        x = images[i:i + batch_size]
        back = backward(forward(x, training=False), training=False)
        total += float(ops.sum(ops.mean(ops.abs(ops.cast(back, "float32") - x), axis=[1, 2, 3])))
    return total / len(images)
