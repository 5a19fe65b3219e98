"""The exercise checks of notebooks 04 (DCGAN) and 05 (training engineering): each accepts the
solution and says what is wrong with the typical wrong answers, and the latent explorer's code menu."""

import keras
import numpy as np
import pytest
from keras import layers

from ganlab.exercises import dcgan as checks, engineering
from ganlab.models import dcgan_discriminator, dcgan_generator

WIDTH = 8


def generator(variant="solution", latent_dim=110):
    noise = keras.Input((latent_dim,))
    x = layers.Dense(7 * 7 * 2 * WIDTH, use_bias=False)(noise)
    if variant != "no batch norm":
        x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((7, 7, 2 * WIDTH))(x)
    if variant == "upsampling":
        x = layers.Conv2D(WIDTH, 3, padding="same")(layers.UpSampling2D()(x))
    elif variant != "one doubling":
        x = layers.Conv2DTranspose(WIDTH, 4, strides=2, padding="same", use_bias=False)(x)
        if variant not in ("no batch norm", "no middle batch norm"):
            x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    x = layers.Conv2DTranspose(1, 4, strides=2, padding="same")(x)
    if variant == "batch norm on the output":
        x = layers.BatchNormalization()(x)
    activation = {"sigmoid": "sigmoid", "no tanh": None}.get(variant, "tanh")
    return keras.Model(noise, layers.Activation(activation)(x) if activation else x)


@pytest.mark.parametrize("variant, ok, hint", [
    ("solution", True, "upsampled by stride-2 transposed convolutions"),
    ("one doubling", False, "makes images of shape (14, 14, 1), not (28, 28, 1)"),
    ("upsampling", False, "UpSampling2D"),
    ("no batch norm", False, "no BatchNormalization"),
    ("no middle batch norm", False, "2 hidden layers but 1 BatchNormalization"),
    ("batch norm on the output", False, "after the last Conv2DTranspose"),
    ("sigmoid", False, "cannot draw the -1 background"),
    ("no tanh", False, "outputs leave [-1, 1]"),
])
def test_generator_check(variant, ok, hint, capsys):
    assert checks.check_dcgan_generator(generator(variant)) is ok
    out = capsys.readouterr().out
    assert hint in out and out.count("Correct!" if ok else "Not yet:") == 1
    assert "Conv2DTranspose" in out  # the layer-by-layer shapes are shown


def test_generator_check_accepts_ganlab_model_and_names_wrong_input(capsys):
    assert checks.check_dcgan_generator(dcgan_generator(latent_dim=110, width=WIDTH))
    assert not checks.check_dcgan_generator(generator(latent_dim=100))
    assert "noise is 110 numbers" in capsys.readouterr().out
    assert not checks.check_dcgan_generator("a generator")


def discriminator(variant="solution"):
    image = keras.Input((28, 28, 1))
    x = layers.Conv2D(WIDTH, 4, strides=2, padding="same")(image)
    x = layers.ReLU()(x) if variant == "relu" else layers.LeakyReLU(0.2)(x)
    if variant == "pooling":
        x = layers.MaxPooling2D()(x)
    elif variant not in ("one halving", "starter"):
        x = layers.Conv2D(2 * WIDTH, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.LeakyReLU(0.2)(x if variant == "no batch norm" else layers.BatchNormalization()(x))
    if variant != "no flatten":
        x = layers.Flatten()(x)
    x = layers.LeakyReLU(0.2)(layers.Dense(32)(x))
    return keras.Model(image, layers.Dense(1, activation="sigmoid" if variant in ("sigmoid", "starter") else None)(x))


@pytest.mark.parametrize("variant, ok, hint", [
    ("solution", True, "one logit each"),
    ("starter", False, "1 stride-2 Conv2D layer(s); mirror the generator with 2"),
    ("one halving", False, "so the last feature map is 7 x 7"),
    ("pooling", False, "MaxPooling2D"),
    ("relu", False, "use LeakyReLU(0.2)"),
    ("no batch norm", False, "no BatchNormalization: the DCGAN guidelines put one after each convolution of D"),
    ("sigmoid", False, "ends in a sigmoid"),
    ("no flatten", False, "one number: end with Flatten() and Dense(1)"),
])
def test_discriminator_check(variant, ok, hint, capsys):
    assert checks.check_dcgan_discriminator(discriminator(variant)) is ok
    out = capsys.readouterr().out
    assert hint in out and out.count("Correct!" if ok else "Not yet:") == 1


def test_discriminator_check_accepts_both_ganlab_discriminators():
    assert checks.check_dcgan_discriminator(dcgan_discriminator(width=WIDTH))
    assert checks.check_dcgan_discriminator(dcgan_discriminator(width=WIDTH, hidden_units=0))
    assert not checks.check_dcgan_discriminator(dcgan_discriminator((32, 32, 3), width=WIDTH))


# ---------------------------------------------------------------- notebook 05


def no_initial_epoch(gan, dataset, folder, epochs):
    from ganlab.checkpoints import Checkpoints

    checkpoints = Checkpoints(folder)
    start = checkpoints.restore(gan)
    gan.fit(dataset, epochs=epochs, callbacks=[checkpoints], verbose=0)
    return start


def no_restore(gan, dataset, folder, epochs):
    from ganlab.checkpoints import Checkpoints

    gan.fit(dataset, epochs=epochs, callbacks=[Checkpoints(folder)], verbose=0)
    return 0


def no_checkpoints(gan, dataset, folder, epochs):
    gan.fit(dataset, epochs=epochs, verbose=0)
    return 0


def returns_nothing(gan, dataset, folder, epochs):
    engineering.fit_with_checkpoints(gan, dataset, folder, epochs)


def broken(gan, dataset, folder, epochs):
    raise ValueError("my typo")


@pytest.mark.parametrize("fn, ok, hint", [
    (engineering.fit_with_checkpoints, True, "reloaded, not trained again"),
    (no_initial_epoch, False, "initial_epoch=start"),
    (no_restore, False, "trained from scratch"),
    (no_checkpoints, False, "nothing was saved"),
    (returns_nothing, False, "return start"),
    (broken, False, "raised ValueError: my typo"),
])
def test_fit_with_checkpoints_check(fn, ok, hint, capsys):
    assert engineering.check_fit_with_checkpoints(fn) is ok
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("scale, ok, hint", [
    (2**15, True, "stays below 65,504"),
    (2**12, True, "in float16"),
    (1, False, "still rounds to 0"),
    (4, False, "keeps only about 1 of its 11 bits"),
    (1000, False, "keeps only about 9 of its 11 bits"),
    (2**17, False, "overflows float16"),
    (0, False, ">= 1"),
    ("lots", False, "must be a number"),
])
def test_loss_scale_check(scale, ok, hint, capsys):
    assert engineering.check_loss_scale(scale) is ok
    assert hint in capsys.readouterr().out


# ---------------------------------------------------------------- the latent explorer


def test_latent_explorer_code_menu_names_every_choice():
    from ganlab import GAN
    from ganlab.widgets import AS_THE_MORPH, latent_explorer

    gan = GAN(dcgan_generator(latent_dim=13, width=WIDTH), dcgan_discriminator(width=WIDTH), latent_categories=3)
    explorer = latent_explorer(gan, n_directions=2)
    code = explorer.children[3]
    assert code.label == "as the morph" and code.value == AS_THE_MORPH  # a None value showed a blank menu
    assert all(label for label, _ in code.options)
    before = explorer.children[4].value
    code.value = 2
    assert code.label == "category 2" and explorer.children[4].value != before  # redrawn with the new code


def test_image_grid_labels_each_row():
    """Notebook 04's per-category rows and lerp/slerp strips: one label per row, at that row."""
    import matplotlib.pyplot as plt

    from ganlab.viz import image_grid

    images = -np.ones((6, 28, 28, 1), np.float32)
    fig = image_grid(images, ncols=3, row_labels=["lerp", "slerp"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["lerp", "slerp"]
    top, bottom = ax.get_yticks()
    assert 0 < top < 28 < bottom < 2 * 29  # each label in the middle of its row of 28-pixel images
    plt.close(fig)
