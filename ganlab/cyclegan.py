"""Unpaired image-to-image translation: CycleGAN and its history of generated images.

Introduced in notebooks/10_unpaired_translation.ipynb (Zhu et al., 2017). With no pairs to copy, two
generators learn opposite directions, G: A -> B and F: B -> A, each judged by a discriminator of its
output domain, and they are tied together by the cycle loss: F(G(a)) should give a back, G(F(b)) b.

- adversarial: least squares (``ganlab.losses``, LSGAN: 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2 for D, 1/2 (D(G(z)) - 1)^2
  for G; CycleGAN's code uses the same D loss, and twice this G term, so lambda here weighs twice as much);
- cycle: lambda x (|F(G(a)) - a| + |G(F(b)) - b|), lambda = 10;
- identity: 0.5 lambda x (|G(b) - b| + |F(a) - a|): a generator given an image already of its output
  domain should leave it alone, which keeps colours from drifting;
- the discriminators learn from a history of 50 generated images (:class:`ImageHistory`), not only the
  latest batch (Shrivastava et al., 2017), so the generators cannot win by hopping between modes.

>>> model = CycleGAN(g_ab, g_ba, d_a, d_b)                                      # doctest: +SKIP
>>> model.compile()                                                            # doctest: +SKIP
>>> model.fit(unpaired_dataset(images_a, images_b, batch_size=1), epochs=5)   # doctest: +SKIP
>>> model.translate(images_a, "a_to_b")                                        # doctest: +SKIP
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .data import check_images, make_dataset
from .errors import InputError
from .losses import GANLoss, get_loss, l1_loss
from .training import apply_gradients, prepare_optimizers
from .translation import check_channels, cycle_reconstruction_error

CYCLE_WEIGHT = 10.0  # lambda
IDENTITY_SHARE = 0.5  # the identity loss weighs 0.5 x lambda
HISTORY_SIZE = 50
METRIC_NAMES = ("d_loss", "g_loss", "cycle", "identity")
DIRECTIONS = ("a_to_b", "b_to_a")


@keras.saving.register_keras_serializable(package="ganlab")
class ImageHistory(keras.layers.Layer):
    """A pool of up to ``capacity`` generated images; D learns from it rather than from the latest batch alone.

    Each image of a batch, while the pool is not full, is stored and passed through. Once it is full, each
    image is, with probability 1/2, passed through; otherwise it replaces a random stored image, and that
    older image goes to D in its place. A batch larger than ``capacity`` may draw one stored image twice.

    >>> history = ImageHistory(capacity=2, seed=0)
    >>> x = np.arange(3, dtype="float32").reshape(3, 1, 1, 1)
    >>> [float(v) for v in history(x[:2]).numpy().ravel()], int(history.count.numpy())  # filling: passed through
    ([0.0, 1.0], 2)
    """

    def __init__(self, capacity: int = HISTORY_SIZE, seed: int | None = None, **kwargs):
        super().__init__(trainable=False, **kwargs)
        if isinstance(capacity, bool) or int(capacity) != capacity or capacity < 1:
            raise InputError(f"capacity must be a whole number >= 1 (CycleGAN: 50), not {capacity!r}.")
        self.capacity = int(capacity)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.images = self.add_weight(shape=(self.capacity, *input_shape[1:]), initializer="zeros",
                                      trainable=False, name="images")
        self.count = self.add_weight(shape=(), dtype="int32", initializer="zeros", trainable=False, name="count")

    def call(self, images):
        images = tf.cast(images, self.images.dtype)
        n, count = tf.shape(images)[0], self.count.value
        index = tf.range(n)
        filling = index < self.capacity - count  # these go into empty slots, and through
        pool = tf.tensor_scatter_nd_update(self.images.value, tf.boolean_mask(count + index, filling)[:, None],
                                           tf.boolean_mask(images, filling))
        swapping = ~filling & (keras.random.uniform((n,), seed=self.seed_generator) < 0.5)
        order = tf.argsort(keras.random.uniform((self.capacity,), seed=self.seed_generator))  # distinct slots
        slots = tf.tile(order, [n // self.capacity + 1])[:n]
        older = tf.gather(pool, slots)  # read before the swapped-in images overwrite them
        self.images.assign(tf.tensor_scatter_nd_update(pool, tf.boolean_mask(slots, swapping)[:, None],
                                                       tf.boolean_mask(images, swapping)))
        self.count.assign(tf.minimum(count + n, self.capacity))
        return tf.where(tf.reshape(swapping, (-1, 1, 1, 1)), older, images)

    def get_config(self):
        return {**super().get_config(), "capacity": self.capacity, "seed": self.seed}


class CycleGAN(keras.Model):
    """Two generators (A -> B, B -> A) and two discriminators (one per domain) trained on unpaired (a, b) batches.

    Parameters
    ----------
    generator_ab, generator_ba : keras.Models translating A -> B and B -> A (e.g. ``unet_generator(size,
        norm="instance", dropout=0)``, with the channels of each domain).
    discriminator_a, discriminator_b : keras.Models judging one image of A, of B (``patchgan_discriminator(
        size, in_channels=None, out_channels=..., norm="instance")``).
    cycle_weight : lambda (10). identity_weight : the identity loss's weight, 0.5 x lambda by default;
        0 when the two domains have different channels.
    history_size : the discriminators' pool of generated images (50); 0 shows them the latest batch only.
    seed : for the history's random choices.

    Like ``ganlab.GAN``: ``compile(d_optimizer=..., g_optimizer=..., loss="least_squares")`` (one optimizer
    for both generators, one for both discriminators, as in CycleGAN's code) and a progress bar of
    d_loss, g_loss (everything the generators minimise), and the cycle and identity terms.
    """

    def __init__(self, generator_ab: keras.Model, generator_ba: keras.Model, discriminator_a: keras.Model,
                 discriminator_b: keras.Model, cycle_weight: float = CYCLE_WEIGHT, identity_weight: float | None = None,
                 history_size: int = HISTORY_SIZE, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.shape_a, self.shape_b = check_cycle(generator_ab, generator_ba, discriminator_a, discriminator_b)
        identity_weight = IDENTITY_SHARE * cycle_weight if identity_weight is None else identity_weight
        if not (cycle_weight >= 0 and identity_weight >= 0):
            raise InputError(f"cycle_weight and identity_weight must be >= 0 (10 and 5), not {cycle_weight}, "
                             f"{identity_weight}.")
        if identity_weight and self.shape_a[-1] != self.shape_b[-1]:
            raise InputError(f"The identity loss feeds B images to G: A -> B, so the domains must have the same "
                             f"channels ({self.shape_a[-1]} and {self.shape_b[-1]} here): pass identity_weight=0.")
        self.generator_ab, self.generator_ba = generator_ab, generator_ba
        self.discriminator_a, self.discriminator_b = discriminator_a, discriminator_b
        self.cycle_weight, self.identity_weight = float(cycle_weight), float(identity_weight)
        self.histories = None
        if history_size:
            self.histories = [ImageHistory(history_size, seed=None if seed is None else seed + i, name=f"history_{d}")
                              for i, d in enumerate("ab")]
            for history, shape in zip(self.histories, (self.shape_a, self.shape_b)):
                history.build((None, *shape))
        self.trackers = {name: keras.metrics.Mean(name=name) for name in METRIC_NAMES}
        self.built = True

    def compile(self, *, d_optimizer=None, g_optimizer=None, loss: str | GANLoss = "least_squares", **kwargs) -> None:
        """Set the optimizers (default Adam(2e-4, beta_1=0.5) each) and the adversarial loss (least squares)."""
        super().compile(optimizer=None, **kwargs)
        self.d_optimizer, self.g_optimizer = prepare_optimizers(
            d_optimizer, g_optimizer, self._weights(self.discriminator_a, self.discriminator_b),
            self._weights(self.generator_ab, self.generator_ba))
        self.gan_loss = get_loss(loss)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, images, training: bool = False):
        return self.generator_ab(images, training=training)

    @staticmethod
    def _weights(*models):
        return [w for model in models for w in model.trainable_variables]

    # ------------------------------------------------------------------ the losses and the step

    def generator_losses(self, real_a, real_b, training: bool = True) -> tuple[dict, tuple]:
        """The generators' losses on one unpaired batch ("adversarial", "cycle", "identity", "total")
        and the fakes (fake_a = F(b), fake_b = G(a)) they made."""
        fake_b = self.generator_ab(real_a, training=training)
        fake_a = self.generator_ba(real_b, training=training)
        adversarial = (self.gan_loss.generator(self.discriminator_b(fake_b, training=training))
                       + self.gan_loss.generator(self.discriminator_a(fake_a, training=training)))
        cycle = self.cycle_weight * (l1_loss(real_a, self.generator_ba(fake_b, training=training))
                                     + l1_loss(real_b, self.generator_ab(fake_a, training=training)))
        identity = 0.0
        if self.identity_weight:
            identity = self.identity_weight * (l1_loss(real_b, self.generator_ab(real_b, training=training))
                                               + l1_loss(real_a, self.generator_ba(real_a, training=training)))
        losses = {"adversarial": adversarial, "cycle": cycle, "identity": identity,
                  "total": adversarial + cycle + identity}
        return losses, (fake_a, fake_b)

    def discriminator_loss(self, real_a, real_b, fake_a, fake_b, training: bool = True):
        """D_A's loss on real A images and generated ones, plus D_B's on B."""
        return (self.gan_loss.discriminator(self.discriminator_a(real_a, training=training),
                                            self.discriminator_a(fake_a, training=training))
                + self.gan_loss.discriminator(self.discriminator_b(real_b, training=training),
                                              self.discriminator_b(fake_b, training=training)))

    def train_step(self, data):
        """The generators' update on all their losses, then the discriminators' on the history of fakes."""
        real_a, real_b = _unpaired(data)
        with tf.GradientTape() as tape:
            losses, fakes = self.generator_losses(real_a, real_b)
        apply_gradients(tape, losses["total"], self._weights(self.generator_ab, self.generator_ba), self.g_optimizer)
        fake_a, fake_b = (ops.stop_gradient(f) for f in fakes)
        if self.histories is not None:
            fake_a, fake_b = (history(f) for history, f in zip(self.histories, (fake_a, fake_b)))
        with tf.GradientTape() as tape:
            d_loss = self.discriminator_loss(real_a, real_b, fake_a, fake_b)
        apply_gradients(tape, d_loss, self._weights(self.discriminator_a, self.discriminator_b), self.d_optimizer)
        for name, value in (("d_loss", d_loss), ("g_loss", losses["total"]), ("cycle", losses["cycle"]),
                            ("identity", losses["identity"])):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ------------------------------------------------------------------ data in, images out

    def fit(self, x=None, y=None, *args, **kwargs):
        """keras.Model.fit on a tf.data.Dataset of unpaired (a, b) batches (:func:`unpaired_dataset`)."""
        if not isinstance(x, tf.data.Dataset) or y is not None:
            raise InputError("CycleGAN trains on a tf.data.Dataset of unpaired (a, b) batches: "
                             "model.fit(ganlab.cyclegan.unpaired_dataset(images_a, images_b, batch_size)).")
        spec = x.element_spec
        shapes = [tuple(s.shape[1:]) for s in spec] if isinstance(spec, tuple) and len(spec) == 2 else None
        if shapes != [self.shape_a, self.shape_b]:
            raise InputError(f"The dataset gives {spec}; this CycleGAN needs (a, b) batches of images shaped "
                             f"{self.shape_a} and {self.shape_b}.")
        return super().fit(x, *args, **{"shuffle": False, **kwargs})  # a dataset shuffles itself

    def translate(self, images, direction: str = "a_to_b", batch_size: int = 64) -> np.ndarray:
        """``images`` of one domain translated to the other ("a_to_b" or "b_to_a"), with ``training=False``."""
        if direction not in DIRECTIONS:
            raise InputError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}.")
        generator = self.generator_ab if direction == "a_to_b" else self.generator_ba
        images = check_images(images, "images")
        check_channels(generator, images)
        out = [generator(images[i:i + batch_size], training=False) for i in range(0, len(images), int(batch_size))]
        return np.concatenate([np.asarray(ops.convert_to_numpy(ops.cast(o, "float32"))) for o in out])

    def cycle_errors(self, images_a, images_b) -> dict[str, float]:
        """mean |F(G(a)) - a| and |G(F(b)) - b| with ``training=False`` (``translation.cycle_reconstruction_error``)."""
        return {"a": cycle_reconstruction_error(self.generator_ab, self.generator_ba, images_a),
                "b": cycle_reconstruction_error(self.generator_ba, self.generator_ab, images_b)}


def _unpaired(data):
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise InputError("A CycleGAN trains on (a, b) batches: use ganlab.cyclegan.unpaired_dataset(images_a, images_b).")
    return data


def check_cycle(generator_ab, generator_ba, discriminator_a, discriminator_b) -> tuple[tuple, tuple]:
    """The image shapes of domains A and B, or an InputError naming the network that does not fit."""
    models = {"generator_ab": generator_ab, "generator_ba": generator_ba,
              "discriminator_a": discriminator_a, "discriminator_b": discriminator_b}
    for name, model in models.items():
        if not isinstance(model, keras.Model) or len(model.inputs) != 1:
            raise InputError(f"{name} must be a keras.Model taking one image batch (CycleGAN's discriminators judge "
                             "one image: patchgan_discriminator(size, in_channels=None, out_channels=...)).")
    shape_a, shape_b = tuple(generator_ab.inputs[0].shape[1:]), tuple(generator_ab.outputs[0].shape[1:])
    expected = {"generator_ba": (shape_b, shape_a), "discriminator_a": (shape_a, None),
                "discriminator_b": (shape_b, None)}
    for name, (takes, makes) in expected.items():
        model = models[name]
        found = tuple(model.inputs[0].shape[1:]), tuple(model.outputs[0].shape[1:])
        if found[0] != takes or (makes is not None and found[1] != makes):
            raise InputError(f"{name} maps {found[0]} to {found[1]}, but generator_ab maps A {shape_a} to "
                             f"B {shape_b}: {name} must take {takes}{f' and make {makes}' if makes else ''}.")
    return shape_a, shape_b


def unpaired_dataset(images_a, images_b, batch_size: int = 1, seed: int | None = 0) -> tf.data.Dataset:
    """(a, b) batches of the two image sets, each shuffled on its own; an epoch ends with the smaller set."""
    first = make_dataset(images_a, batch_size, seed=seed, drop_remainder=True)
    second = make_dataset(images_b, batch_size, seed=None if seed is None else seed + 1, drop_remainder=True)
    return tf.data.Dataset.zip((first, second))
