"""Exercise checks of notebooks/04_dcgan.ipynb: the upsampling plan, a DCGAN generator and discriminator.

The model checks print the learner's model layer by layer (the shape checks of the
notebook), then the first thing that keeps it from being a DCGAN for these images.
"""

from __future__ import annotations

import numpy as np

from ._feedback import report

POOLING = ("MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling2D", "UpSampling2D")


def check_upsampling_plan(start_side: int, image_shape, n_doublings, last_channels) -> bool:
    """Exercise: how many stride-2 transposed convolutions, ending with how many channels (notebooks/04)."""
    import keras
    from keras import layers

    try:
        n_doublings, last_channels = int(n_doublings), int(last_channels)
    except (TypeError, ValueError):
        return report(False, "n_doublings and last_channels must be whole numbers.")
    if not 1 <= n_doublings <= 6 or last_channels < 1:
        return report(False, "try between 1 and 6 doublings, and at least 1 channel.")
    x = keras.Input((start_side, start_side, 8))
    for i in range(n_doublings):
        channels = last_channels if i == n_doublings - 1 else 8
        x = layers.Conv2DTranspose(channels, 4, strides=2, padding="same")(x)
    got, wanted = tuple(x.shape[1:]), tuple(image_shape)
    if got == wanted:
        return report(True, f"{start_side} x {start_side} doubled {n_doublings} times is {got}.")
    if got[:2] != wanted[:2]:
        return report(False, f"{n_doublings} doubling(s) of {start_side} give side {got[0]}, "
                              f"not {wanted[0]}: each stride-2 layer doubles the side.")
    return report(False, f"the side is right, but the image has {got[2]} channel(s); "
                          f"the last layer must output one per colour channel ({wanted[2]}).")


def shape_table(model) -> str:
    """One line per layer: its type, output shape and weight count (the notebook's shape check)."""
    lines = []
    for layer in model.layers:
        try:
            shape = tuple(layer.output.shape[1:])
        except (AttributeError, ValueError):  # a layer used more than once has no single output
            shape = "?"
        lines.append(f"    {type(layer).__name__:<20} {str(shape):<16} {layer.count_params():>9,}")
    return "\n".join(lines)


def _kinds(model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def _activation_name(layer) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation or ""))


def _strided(model, kind: str) -> int:
    return sum(1 for layer in model.layers if type(layer).__name__ == kind and tuple(layer.strides) == (2, 2))


def _doublings(image_shape) -> int:
    """How many stride-2 layers ganlab's DCGAN uses for these images (1 for an unsupported size)."""
    from ..errors import InputError
    from ..models.dcgan import n_upsamplings

    try:
        return n_upsamplings(image_shape)
    except InputError:
        return 1


def _run(model, inputs):
    import keras

    return keras.ops.convert_to_numpy(model(inputs, training=False)).astype(np.float32)


def check_dcgan_generator(model, latent_dim: int = 110, image_shape=(28, 28, 1)) -> bool:
    """Exercise: a DCGAN generator, noise (latent_dim,) -> image_shape in [-1, 1] (notebooks/04).

    What it checks, in order: a keras.Model taking noise of ``latent_dim`` numbers; the
    output shape (the layer-by-layer shapes are printed); upsampling by stride-2
    ``Conv2DTranspose`` (no pooling or UpSampling2D); batch norm in the hidden blocks but
    not on the output; a final tanh that reaches both -1 and +1; samples that depend on the noise.
    """
    import keras

    if not isinstance(model, keras.Model):
        return report(False, f"expected a keras.Model, got {type(model).__name__}.")
    inputs = tuple(model.inputs[0].shape[1:])
    if inputs != (int(latent_dim),):
        return report(False, f"it takes inputs of shape {inputs}; the noise is {latent_dim} numbers: "
                             f"start from keras.Input(({latent_dim},)).")
    image_shape = tuple(int(s) for s in image_shape)
    print("Your generator, layer by layer (type, output shape, weights):\n" + shape_table(model))
    noise = np.random.default_rng(0).standard_normal((16, int(latent_dim))).astype("float32")
    try:
        images, loud = _run(model, noise), _run(model, 10 * noise)
    except Exception as err:  # the learner's own error, in one line
        return report(False, f"calling it on noise of shape (16, {latent_dim}) raised {type(err).__name__}: {err}")
    if images.shape[1:] != image_shape:
        return report(False, f"it makes images of shape {images.shape[1:]}, not {image_shape}. Each "
                             "Conv2DTranspose(..., strides=2, padding=\"same\") doubles the side: from 7 x 7, "
                             "two of them give 28 x 28; the last one has one filter per colour channel.")
    kinds = _kinds(model)
    pooling = sorted(set(kinds) & set(POOLING))
    if pooling or not _strided(model, "Conv2DTranspose"):
        return report(False, f"{' and '.join(pooling) or 'no stride-2 Conv2DTranspose'}: a DCGAN generator "
                             "learns its upsampling with Conv2DTranspose(..., strides=2), no pooling or "
                             "UpSampling2D.")
    if "BatchNormalization" not in kinds:
        return report(False, "no BatchNormalization: the DCGAN guidelines put one after each hidden layer of "
                             "the generator (before its ReLU), which keeps every layer's outputs at a steady "
                             "scale while the weights change.")
    last_conv = max(i for i, kind in enumerate(kinds) if kind == "Conv2DTranspose")
    hidden = sum(kind in ("Dense", "Conv2DTranspose") for kind in kinds[:last_conv])
    if kinds[:last_conv].count("BatchNormalization") < hidden:
        return report(False, f"{hidden} hidden layers but {kinds[:last_conv].count('BatchNormalization')} "
                             "BatchNormalization before the output layer: put one after each hidden layer "
                             "(before its ReLU), the middle Conv2DTranspose included.")
    if "BatchNormalization" in kinds[last_conv:]:
        return report(False, "a BatchNormalization after the last Conv2DTranspose: the output layer has none "
                             "(DCGAN paper), else every image is pushed to the same mean and spread.")
    if min(images.min(), loud.min()) < -1 - 1e-6 or max(images.max(), loud.max()) > 1 + 1e-6:
        return report(False, "outputs leave [-1, 1]; end with a tanh (activation=\"tanh\" on the last "
                             "Conv2DTranspose, or an Activation(\"tanh\") after it).")
    if loud.min() > -0.5:
        return report(False, f"its outputs never go below {loud.min():.2f}, so it cannot draw the -1 background "
                             "of a real digit (a sigmoid ends at 0); end with a tanh.")
    if np.allclose(images[0], images[1:], atol=1e-6):
        return report(False, "every noise vector gives the same image; is the noise used at all?")
    return report(True, f"{model.count_params():,} weights; noise ({latent_dim},) -> images {image_shape} "
                        "in [-1, 1], upsampled by stride-2 transposed convolutions.")


def check_dcgan_discriminator(model, image_shape=(28, 28, 1)) -> bool:
    """Exercise: a DCGAN discriminator, image -> one logit (notebooks/04).

    What it checks, in order: a keras.Model taking ``image_shape``; one raw output per
    image (the layer-by-layer shapes are printed); downsampling by stride-2 ``Conv2D``,
    as many as the generator's doublings (no pooling); LeakyReLU, not ReLU; no sigmoid
    at the end (the losses take logits); outputs that depend on the image.
    """
    import keras

    if not isinstance(model, keras.Model):
        return report(False, f"expected a keras.Model, got {type(model).__name__}.")
    image_shape = tuple(int(s) for s in image_shape)
    inputs = tuple(model.inputs[0].shape[1:])
    if inputs != image_shape:
        return report(False, f"it takes inputs of shape {inputs}; the images are {image_shape}: "
                             f"start from keras.Input({image_shape}).")
    print("Your discriminator, layer by layer (type, output shape, weights):\n" + shape_table(model))
    images = np.random.default_rng(0).uniform(-1, 1, (16, *image_shape)).astype("float32")
    try:
        out = _run(model, images)
    except Exception as err:
        return report(False, f"calling it on images of shape (16, {', '.join(map(str, image_shape))}) raised "
                             f"{type(err).__name__}: {err}")
    if out.shape[1:] != (1,):
        return report(False, f"it outputs shape {out.shape[1:]} per image; a discriminator gives one number: "
                             "end with Flatten() and Dense(1).")
    kinds = _kinds(model)
    pooling = sorted(set(kinds) & set(POOLING))
    if pooling:
        return report(False, f"{' and '.join(pooling)}: a DCGAN discriminator learns its downsampling with "
                             "Conv2D(..., strides=2) instead of pooling.")
    wanted = _doublings(image_shape)
    if _strided(model, "Conv2D") < wanted:
        return report(False, f"{_strided(model, 'Conv2D')} stride-2 Conv2D layer(s); mirror the generator with "
                             f"{wanted}, so the last feature map is {image_shape[0] >> wanted} x "
                             f"{image_shape[0] >> wanted}, as small as the generator's first.")
    if "BatchNormalization" not in kinds:
        return report(False, "no BatchNormalization: the DCGAN guidelines put one after each convolution of D "
                             "except the first (on the raw image), before its LeakyReLU.")
    if "ReLU" in kinds or any(_activation_name(layer) == "relu" for layer in model.layers):
        return report(False, "a plain ReLU passes no gradient for negative inputs, and the generator learns "
                             "only through D's gradient: use LeakyReLU(0.2).")
    if "LeakyReLU" not in kinds and not any(_activation_name(layer) == "leaky_relu" for layer in model.layers):
        return report(False, "no LeakyReLU: put LeakyReLU(0.2) after each convolution (DCGAN guideline).")
    last = model.layers[-1]
    if _activation_name(last) == "sigmoid":
        return report(False, "it ends in a sigmoid, so it outputs probabilities; ganlab's losses take the raw "
                             "score (a logit): Dense(1) with no activation.")
    if np.allclose(out, out[0], atol=1e-7):
        return report(False, "every image gets the same output; is the image used at all?")
    return report(True, f"{model.count_params():,} weights; images {image_shape} -> one logit each, "
                        "downsampled by stride-2 convolutions.")
