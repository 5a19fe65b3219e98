"""The emoji feature network: trained on Noto images, cached, and the realism scores computed in its features."""

import numpy as np
import pytest

from ganlab import paired
from ganlab.errors import InputError
from ganlab.metrics import emoji_features
from ganlab.translation import emoji_scores


@pytest.fixture(scope="module")
def short_network(emoji_source, tmp_path_factory):
    """A 2-epoch network cached in a private folder (the real one trains 30 epochs, minutes on a CPU)."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(emoji_features, "cache_dir", lambda: folder)
        trained = emoji_features.emoji_feature_network(epochs=2)
        cached = emoji_features.emoji_feature_network(epochs=2)
    return trained, cached


@pytest.fixture(scope="module")
def test_pairs(emoji_source):
    return paired.paired_arrays("emoji", "test")


def test_the_network_is_cached_and_loads_the_same(short_network, test_pairs):
    trained, cached = short_network
    assert not trained.from_cache and cached.from_cache
    assert cached.held_out_accuracy == trained.held_out_accuracy
    targets = test_pairs[1][:16]
    np.testing.assert_allclose(cached.features(targets), trained.features(targets), atol=1e-5)
    assert trained.features(targets).shape == (16, emoji_features.FEATURES)


def test_targets_score_as_themselves_and_the_input_style_does_not(short_network, test_pairs):
    network = short_network[0]
    inputs, targets, labels = test_pairs
    itself = emoji_scores(targets, targets, labels, network)
    assert itself["fd"] == pytest.approx(0.0, abs=1e-3) and itself["recognised"] == itself["recognised_real"]
    untranslated = emoji_scores(inputs, targets, labels, network)  # Twitter's drawings, not Google's
    half_resolution = emoji_scores(targets[:, ::2, ::2].repeat(2, 1).repeat(2, 2), targets, labels, network)
    assert untranslated["fd"] > 10 * half_resolution["fd"] > 0  # another style is far; a coarser copy is near


def test_wrong_input_says_what_to_give(short_network, test_pairs):
    network = short_network[0]
    inputs, targets, labels = test_pairs
    with pytest.raises(InputError, match="one class label per pair"):
        emoji_scores(inputs, targets, labels[:-1], network)
    with pytest.raises(InputError, match=r"\(64, 64, 3\)"):
        network.features(np.zeros((2, 32, 32, 3), np.float32))
    with pytest.raises(InputError, match="epochs"):
        emoji_features.emoji_feature_network(epochs=0)
