"""Class-conditional generators and discriminators: the label is a second input.

Introduced in notebooks/08_conditional_gans.ipynb. Each network wraps one of the unconditional
networks of notebooks 02 and 04 (``kind`` "dense" or "dcgan") and adds the label:

- the generator embeds the label (a learned vector per class) and joins it to the noise
  (Mirza & Osindero, 2014); the wrapped generator reads the longer vector;
- the discriminator computes the unconditional discriminator's penultimate features h(x), then
  either joins the label's embedding to them and judges the pair with a hidden layer
  (``mechanism="concat"``), or uses a projection (``"projection"``, Miyato & Koyama, 2018):
  logit = w . h(x) + b + embed(y) . h(x). The projection asks "does this image look like class y?"
  as one inner product, where concatenation leaves the network to learn how to use the label.

Inputs are ``[noise, label]`` and ``[image, label]``; labels are whole numbers 0..classes-1.

>>> g = conditional_generator("dcgan", classes=10, width=16)          # doctest: +SKIP
>>> g([noise, labels]).shape                                           # doctest: +SKIP
TensorShape([16, 28, 28, 1])
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from ..errors import InputError
from .dcgan import dcgan_discriminator, dcgan_generator
from .dense import dense_discriminator, dense_generator

KINDS = ("dense", "dcgan")
MECHANISMS = ("projection", "concat")
EMBEDDING = "label_embedding"  # a label embedding layer: its input_dim is the number of classes
EMBEDDING_DIM = 50  # numbers per label in the generator's (and the concat discriminator's) embedding


def conditional_generator(kind: str = "dcgan", classes: int = 10, image_shape=(28, 28, 1), latent_dim: int = 100,
                          width: int = 32, embedding_dim: int = EMBEDDING_DIM) -> keras.Model:
    """[noise (latent_dim,), label ()] -> image: the label's embedding joined to the noise, then ``kind``'s generator."""
    _check(kind, classes, embedding_dim=embedding_dim)
    noise = keras.Input((int(latent_dim),), name="noise")
    label = keras.Input((), dtype="int32", name="label")
    code = layers.Embedding(int(classes), int(embedding_dim), name=EMBEDDING)(label)
    joined = layers.Concatenate(name="noise_and_label")([noise, code])
    size = int(latent_dim) + int(embedding_dim)
    body = (dcgan_generator(image_shape, latent_dim=size, width=width) if kind == "dcgan"
            else dense_generator(latent_dim=size, image_shape=image_shape))
    return keras.Model([noise, label], body(joined), name=f"conditional_{kind}_generator")


def conditional_discriminator(kind: str = "dcgan", classes: int = 10, image_shape=(28, 28, 1),
                              mechanism: str = "projection", width: int = 32, **options) -> keras.Model:
    """[image, label] -> one logit; ``options`` go to ``kind``'s discriminator (e.g. ``hidden_units``)."""
    _check(kind, classes)
    if mechanism not in MECHANISMS:
        raise InputError(f"Unknown mechanism {mechanism!r}; choose one of {', '.join(MECHANISMS)}.")
    image = keras.Input(tuple(image_shape), name="image")
    label = keras.Input((), dtype="int32", name="label")
    if kind == "dcgan":
        options["width"] = width
    if mechanism == "concat":
        return _concat_discriminator(kind, int(classes), image, label, options)
    return _projection_discriminator(kind, int(classes), image, label, options)


def _features(kind: str, image, options: dict):
    """h(image): ``kind``'s unconditional discriminator without its last layer (the one named "logit")."""
    builder = dcgan_discriminator if kind == "dcgan" else dense_discriminator
    body = builder(tuple(image.shape[1:]), **options)
    return keras.Model(body.inputs, body.get_layer("logit").input, name=f"{kind}_features")(image)


def _concat_discriminator(kind, classes, image, label, options) -> keras.Model:
    """The label's embedding joined to the image's features h(x), then a hidden layer judges the pair."""
    features = _features(kind, image, options)
    code = layers.Embedding(classes, EMBEDDING_DIM, name="label_embedding")(label)
    x = layers.Concatenate(name="features_and_label")([features, code])
    x = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(int(features.shape[-1]), name="joint")(x))
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model([image, label], logit, name=f"concat_{kind}_discriminator")


def _projection_discriminator(kind, classes, image, label, options) -> keras.Model:
    """logit = w . h(x) + b + embed(y) . h(x), with h(x) the penultimate features (Miyato & Koyama, 2018)."""
    features = _features(kind, image, options)
    unconditional = layers.Dense(1, name="unconditional_logit")(features)
    class_vector = layers.Embedding(classes, int(features.shape[-1]), name="class_projection")(label)
    projection = layers.Dot(axes=1, name="projection")([class_vector, features])
    logit = layers.Add(dtype="float32", name="logit")([unconditional, projection])
    return keras.Model([image, label], logit, name=f"projection_{kind}_discriminator")


def projection_parts(discriminator: keras.Model) -> tuple[keras.Model, np.ndarray, np.ndarray, float]:
    """(h, V, w, b) of a projection discriminator: logit = w . h(x) + b + V[y] . h(x).

    ``h`` maps images to their penultimate features; ``V`` holds one vector per class (classes, F).
    """
    try:
        features = next(layer for layer in discriminator.layers if layer.name.endswith("_features"))
        kernel, bias = discriminator.get_layer("unconditional_logit").get_weights()
        class_vectors = discriminator.get_layer("class_projection").get_weights()[0]
    except (StopIteration, ValueError):
        raise InputError(f"{discriminator.name} is not a projection discriminator: build one with "
                         "conditional_discriminator(..., mechanism='projection').") from None
    h = keras.Model(features.inputs[0], features.outputs[0], name="h")  # takes a batch of images, not a list
    return h, class_vectors, kernel[:, 0], float(bias[0])


def classes_of(generator: keras.Model) -> int:
    """How many classes a conditional generator knows (0 for an unconditional one)."""
    if len(generator.inputs) < 2:
        return 0
    for layer in generator.layers:
        if layer.name == EMBEDDING:
            return int(layer.input_dim)
    raise InputError(f"{generator.name} takes two inputs but has no {EMBEDDING!r} layer; build it with "
                     "ganlab.models.conditional_generator.")


def balanced_labels(n: int, classes: int) -> np.ndarray:
    """0, 1, ..., classes-1, 0, 1, ... : ``n`` labels, every class as often as possible (int32)."""
    return (np.arange(int(n)) % int(classes)).astype(np.int32)


def _check(kind, classes, **positive) -> None:
    if kind not in KINDS:
        raise InputError(f"Unknown kind {kind!r}; choose one of {', '.join(KINDS)}.")
    if isinstance(classes, bool) or int(classes) != classes or classes < 2:
        raise InputError(f"classes must be a whole number >= 2 (10 for MNIST), not {classes!r}.")
    for name, value in positive.items():
        if int(value) < 1:
            raise InputError(f"{name} must be a positive whole number, not {value}.")
