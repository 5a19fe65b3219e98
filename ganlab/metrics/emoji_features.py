"""The emoji feature network: a small CNN that sorts Google's (Noto) 64 px emoji into their categories.

Translations Twitter -> Google are judged in its features, as edges2fashion items are judged in the
Fashion-MNIST network's (``ganlab.translation.realism_scores``): FD between the features of the
translations and of the true Noto targets, and the share put in the target's category. It trains once
on the Noto images of the emoji training split, is judged on the validation split's, and is cached like
:func:`ganlab.metrics.feature_network`. Its accuracy and training time: docs/benchmarks.md.

>>> net = emoji_feature_network()                                    # doctest: +SKIP
>>> net.features(noto_images).shape                                  # doctest: +SKIP
(356, 128)
"""

from __future__ import annotations

from .. import paired
from .._files import one_builder_at_a_time
from ..emoji import CATEGORIES, SIZE
from ..errors import InputError
from ._cache import cache_dir, save_cached
from .features import FEATURE_LAYER, FEATURES, EvaluationSplit, FeatureNet, _train, cached_network

FORMAT_VERSION = 1  # raise it when the network or its training changes: older caches are then retrained
EPOCHS = 30  # about 700 steps of 128 images: a minute or two on 2 CPU cores


def build_emoji_feature_model(name: str = "emoji_feature_network"):
    """Four 3x3 convolutions of stride 2 (64 -> 4 px), Dense(128) (the features), Dense(10) (category logits).

    float32 throughout, whatever the global dtype policy, like every measuring instrument of ``ganlab``.
    """
    import keras
    from keras import layers

    f32 = {"dtype": "float32"}
    inputs = keras.Input((SIZE, SIZE, 3), dtype="float32")
    x = inputs
    for filters in (32, 64, 128, 128):
        x = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu", **f32)(x)
    x = layers.Flatten(**f32)(x)
    features = layers.Dense(FEATURES, activation="relu", name=FEATURE_LAYER, **f32)(x)
    logits = layers.Dense(len(CATEGORIES), **f32)(layers.Dropout(0.3, **f32)(features))
    return keras.Model(inputs, logits, name=name)


def noto_split() -> EvaluationSplit:
    """Google's images of the emoji training split (train) and validation split (reference), with categories."""
    _, train, train_labels = paired.paired_arrays("emoji", "train")
    _, reference, reference_labels = paired.paired_arrays("emoji", "validation")
    description = (f"emoji feature network trained on the {len(train):,} Noto images of the training split; "
                   f"accuracy on the {len(reference):,} of the validation split")
    return EvaluationSplit("emoji", train, train_labels, reference, reference_labels, description)


def emoji_feature_network(epochs: int = EPOCHS, seed: int = 0, use_cache: bool = True, verbose: int = 0) -> FeatureNet:
    """The emoji feature network: loaded from the cache, or trained (once, in this process) and cached.

    A cache made with other settings, or damaged, is not used: one printed line says why, a new network
    is trained, and the cache is replaced only once that has succeeded.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise InputError(f"epochs must be a whole number >= 1, not {epochs!r}.")
    split = noto_split()
    path = cache_dir() / f"feature_net_emoji_e{epochs}_s{seed}.keras"
    expected = {"format": FORMAT_VERSION, "dataset": "emoji", "split": split.description, "epochs": epochs,
                "seed": seed}
    with one_builder_at_a_time(path):
        cached = cached_network(path, expected, split) if use_cache else None
        if cached is not None:
            return cached
        print(f"ganlab: training the emoji feature network ({epochs} epochs on {len(split.train):,} images).",
              flush=True)
        model, accuracy, seconds = _train(split, 0, epochs, seed, verbose, build=build_emoji_feature_model)
        if use_cache:
            save_cached(path, model, dict(expected, held_out_accuracy=accuracy, training_seconds=seconds))
        return FeatureNet(model, split, accuracy, seconds)
