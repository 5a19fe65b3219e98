"""Feature networks and evaluate(): the split, the cache, scores against the real baseline, the callback."""

import json
import shutil

import numpy as np
import pytest

from ganlab.errors import GanlabError, InputError
from ganlab.metrics import evaluate, evaluation_split, feature_network, features, format_table
from ganlab.metrics.features import FEATURES, Recipe


def image_set(images) -> set[bytes]:
    return {image.tobytes() for image in np.round((images + 1) * 127.5).astype(np.uint8)}


# ------------------------------------------------------------------ the split and the network


@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_the_reference_images_are_not_in_the_train_part(dataset, mnist_source):
    from ganlab.datasets import find_dataset

    if find_dataset(dataset) is None:
        pytest.skip(f"{dataset} is not on this machine")
    split = evaluation_split(dataset)
    assert not image_set(split.train) & image_set(split.reference)
    assert len(split.train) == len(split.train_labels) and len(split.reference) == len(split.reference_labels)
    if set(find_dataset(dataset).splits) == {"train", "test"}:
        assert (len(split.train), len(split.reference)) == (60_000, 10_000)
        assert "training images" in split.description and "test images" in split.description
    else:  # CI: MNIST's test split only
        assert (len(split.train), len(split.reference)) == (8_000, 2_000)
        assert "first 8,000 of the 10,000" in split.description and "last 2,000" in split.description


def test_the_network_trains_on_the_train_part_only_and_records_its_accuracy(mnist_feature_net):
    net, split = mnist_feature_net.net, mnist_feature_net.net.split
    assert mnist_feature_net.fits, "the fixture saw no training"
    for images, labels in mnist_feature_net.fits:
        assert len(images) == len(split.train)
        np.testing.assert_array_equal(labels, split.train_labels)
    assert 0.5 < net.held_out_accuracy <= 1.0 and net.training_seconds > 0 and not net.from_cache
    record = json.loads(next(mnist_feature_net.folder.glob("feature_net_mnist_*.json")).read_text())
    assert record["held_out_accuracy"] == net.held_out_accuracy and record["split"] == split.description
    assert record["dataset"] == "mnist" and record["format"] == features.FORMAT_VERSION and len(record["sha256"]) == 64


def test_features_are_float32_whatever_the_dtype_policy(mnist_feature_net):
    import keras

    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        model = features.build_feature_model()
    finally:
        keras.config.set_dtype_policy(before)
    computing = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    assert {layer.dtype_policy.name for layer in computing} == {"float32"} and model.inputs[0].dtype == "float32"
    images = mnist_feature_net.net.split.reference[:64]
    vectors, probabilities = mnist_feature_net.net.outputs(images)
    assert vectors.shape == (64, FEATURES) and vectors.dtype == probabilities.dtype == np.float32
    np.testing.assert_array_equal(vectors, mnist_feature_net.net.features(images))  # no dropout: training=False
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


# ------------------------------------------------------------------ the cache


@pytest.fixture
def cache(mnist_feature_net, tmp_path, monkeypatch):
    """A private copy of the trained network's cache folder, used as GANLAB_CACHE_DIR."""
    folder = tmp_path / "cache"
    shutil.copytree(mnist_feature_net.folder, folder)
    monkeypatch.setenv("GANLAB_CACHE_DIR", str(folder))
    return folder


def test_the_cache_gives_back_the_same_network_without_training(mnist_feature_net, cache, monkeypatch):
    import keras

    monkeypatch.setattr(keras.Model, "fit", lambda *a, **k: pytest.fail("trained again instead of loading"))
    before = {path.name: path.read_bytes() for path in cache.iterdir()}
    again = feature_network("mnist", epochs=1)
    trained = mnist_feature_net.net
    assert again.from_cache and again.model is not trained.model
    assert again.held_out_accuracy == trained.held_out_accuracy and again.training_seconds == trained.training_seconds
    for loaded, original in zip(again.model.get_weights(), trained.model.get_weights(), strict=True):
        np.testing.assert_array_equal(loaded, original)
    images = trained.split.reference[:200]
    np.testing.assert_allclose(again.features(images), trained.features(images), atol=1e-6)
    assert {path.name: path.read_bytes() for path in cache.iterdir()} == before  # nothing rewritten


def edit_record(**changes):
    def damage(model_file):
        record_file = model_file.with_suffix(".json")
        record_file.write_text(json.dumps(dict(json.loads(record_file.read_text()), **changes)))
    return damage


def flip_a_byte(model_file):
    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_file.write_bytes(bytes(data))


STALE = {
    "a damaged model file": (flip_a_byte, "does not match its recorded SHA-256"),
    "a cut model file": (lambda f: f.write_bytes(f.read_bytes()[:1000]), "does not match its recorded SHA-256"),
    "another format version": (edit_record(format=features.FORMAT_VERSION - 1), "made with format"),
    "another dataset": (edit_record(dataset="fashion_mnist"), "made with dataset 'fashion_mnist'"),
    "another split": (edit_record(split="60,000 training images"), "made with split"),
    "a record that is not JSON": (lambda f: f.with_suffix(".json").write_text("{half"), "cannot be read"),
    "no record": (lambda f: f.with_suffix(".json").unlink(), ".json is missing"),
    "no model file": (lambda f: f.unlink(), ".keras is missing"),
}


@pytest.mark.parametrize("case", STALE, ids=lambda case: case.replace(" ", "-"))
def test_a_cache_that_does_not_fit_is_retrained_and_says_why(case, cache, monkeypatch, capsys):
    damage, reason = STALE[case]
    model_file = next(cache.glob("feature_net_mnist_*.keras"))
    damage(model_file)
    quick = features.build_feature_model()  # stands in for training: the cache's decision is under test
    monkeypatch.setattr(features, "_train", lambda *args: (quick, 0.5, 0.25))
    net = feature_network("mnist", epochs=1, separate_process=False)
    said = capsys.readouterr().out
    assert "is not used" in said and reason in said, said
    assert net.model is quick and not net.from_cache and net.held_out_accuracy == 0.5
    record = json.loads(model_file.with_suffix(".json").read_text())  # replaced by the new network's
    assert record["held_out_accuracy"] == 0.5 and record["format"] == features.FORMAT_VERSION
    assert feature_network("mnist", epochs=1).from_cache  # and that one is used next time


def test_a_failed_training_leaves_the_cache_as_it_was(cache, monkeypatch):
    edit_record(format=0)(next(cache.glob("feature_net_mnist_*.keras")))
    before = {path.name: path.read_bytes() for path in cache.iterdir()}

    def fail(*args):
        raise RuntimeError("killed mid-training")

    monkeypatch.setattr(features, "_train", fail)
    with pytest.raises(RuntimeError, match="killed"):
        feature_network("mnist", epochs=1, separate_process=False)
    assert {path.name: path.read_bytes() for path in cache.iterdir()} == before


def test_a_child_process_trains_the_network_and_this_one_loads_it(cache, monkeypatch, capsys):
    for path in cache.glob("feature_net_mnist_*"):
        path.unlink()

    def no_training_here(*args):
        raise AssertionError("trained in the parent process")

    monkeypatch.setattr(features, "_train", no_training_here)
    net = feature_network("mnist", epochs=1)  # separate_process=True by default
    assert "training the mnist feature network" in capsys.readouterr().out
    assert not net.from_cache and net.held_out_accuracy > 0.9  # one epoch on 8,000 digits
    assert feature_network("mnist", epochs=1).from_cache


def test_a_failed_child_process_says_so_and_caches_nothing(cache, monkeypatch):
    for path in cache.glob("feature_net_mnist_*"):
        path.unlink()
    monkeypatch.setattr(features, "_train_in_child", lambda *args: features._missing(cache / "x"))
    with pytest.raises(GanlabError, match="not found in"):
        feature_network("mnist", epochs=1)
    assert not list(cache.glob("feature_net_mnist_*"))


def test_random_shifts_move_whole_images_by_at_most_max_shift():
    images = np.full((200, 6, 6, 1), -1.0, np.float32)
    images[:, 2:4, 2:4] = 1.0  # a 2x2 square in the middle
    moved = features.shifted_at_random(images, 2, np.random.default_rng(0), chunk=64)
    assert moved.shape == images.shape and ((moved == 1.0).sum(axis=(1, 2, 3)) == 4).all()
    rows = np.argwhere(moved[..., 0] == 1.0).reshape(200, 4, 3)[:, 0, 1:]  # top-left corner of each square
    assert set(map(tuple, rows - 2)) == {(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)}


# ------------------------------------------------------------------ evaluate()


def scores(result, which="generated"):
    return {name: row[which] for name, row in result["scores"].items()}


@pytest.fixture(scope="module")
def real_and_noise(mnist_feature_net):
    """evaluate() of 500 other real digits of the train part, and of 500 images of noise."""
    net = mnist_feature_net.net
    real = net.split.train[np.random.default_rng(7).choice(len(net.split.train), 500, replace=False)]
    noise = np.random.default_rng(0).uniform(-1, 1, (500, 28, 28, 1)).astype(np.float32)
    return evaluate(real, n=500, network=net), evaluate(noise, n=500, network=net)


def test_real_digits_score_near_the_real_baseline(real_and_noise):
    result = real_and_noise[0]
    generated, real = scores(result), scores(result, "real")
    assert set(generated) == {"fd", "kid", "precision", "recall", "density", "coverage", "memorised_share",
                              "nearest_train_ratio", "class_coverage", "classifier_score"}
    assert generated["fd"] < 1.5 * real["fd"] + 1.0 and abs(generated["kid"] - real["kid"]) < 0.05
    for name in ("precision", "recall", "coverage", "class_coverage"):
        assert abs(generated[name] - real[name]) < 0.1, name
    assert generated["classifier_score"] > 0.8 * real["classifier_score"]
    assert result["n"] == 500 and result["seed"] == 1 and result["split"] and result["reference_images"] == 2000
    json.dumps(result)  # plain numbers: the CLI saves it as it is


def test_noise_scores_far_from_the_real_baseline(real_and_noise):
    generated, real = scores(real_and_noise[1]), scores(real_and_noise[1], "real")
    assert generated["fd"] > 10 * real["fd"] and generated["kid"] > 10 * max(real["kid"], 0.01)
    assert generated["recall"] < 0.1 and generated["coverage"] < 0.1
    # Not precision: the fixture's one-epoch network maps noise near a few wide real balls, and precision
    # counts a sample inside any ball (the weakness density was made for).
    assert generated["density"] < 0.6 * real["density"]
    assert generated["class_coverage"] <= 0.5 and generated["classifier_score"] < 0.5 * real["classifier_score"]
    assert generated["memorised_share"] < 0.05  # noise is no copy of anything


def test_a_generator_that_returns_training_images_is_flagged(mnist_feature_net):
    train = mnist_feature_net.net.split.train
    seen = {}

    class CopyingGAN:  # what evaluate reads of a ganlab.GAN: fixed_noise and generate
        def fixed_noise(self, n, seed):
            seen["n"], seen["seed"] = n, seed
            return np.zeros((n, 4), np.float32)

        def generate(self, noise):
            return train[100:100 + len(noise)]

    result = evaluate(CopyingGAN(), metrics=("memorisation",), n=300, network=mnist_feature_net.net)
    generated, real = scores(result), scores(result, "real")
    assert seen == {"n": 300, "seed": 1}  # the measurement convention of sample_quality
    assert generated["memorised_share"] > 0.95 and real["memorised_share"] == 0.01
    assert generated["nearest_train_ratio"] < 0.05 and real["nearest_train_ratio"] == 1.0


def test_a_bare_generator_gets_the_seed_noise_of_its_run(mnist_feature_net):
    import keras

    from ganlab.models import dense_generator
    from ganlab.noise import seed_noise

    generator = dense_generator(latent_dim=12, units=(16,))
    by_hand = keras.ops.convert_to_numpy(generator(seed_noise(1, 12, 200, categories=2)))
    got = evaluate(generator, metrics=("kid", "classes"), n=200, categories=2, network=mnist_feature_net.net)
    expected = evaluate(by_hand, metrics=("kid", "classes"), n=200, network=mnist_feature_net.net)
    assert scores(got) == pytest.approx(scores(expected), rel=1e-4, abs=1e-6)
    other_noise = evaluate(generator, metrics=("kid", "classes"), n=200, network=mnist_feature_net.net)
    assert scores(other_noise)["kid"] != pytest.approx(scores(expected)["kid"], rel=1e-4, abs=1e-6)


def test_the_table_shows_each_score_with_its_baseline(real_and_noise):
    table = format_table(real_and_noise[1])
    assert "| metric" in table and "real baseline |" in table and "held-out accuracy" in table
    fd = next(line for line in table.splitlines() if line.startswith("| FD"))
    assert f"{real_and_noise[1]['scores']['fd']['real']:.4g}" in fd


# ------------------------------------------------------------------ refusals, before any work


@pytest.fixture
def no_network(monkeypatch):
    """Fail if evaluate() gets as far as loading or training a feature network."""
    from ganlab.metrics import evaluation as module

    monkeypatch.setattr(module, "feature_network", lambda *a, **k: pytest.fail("loaded the network first"))


REAL = np.zeros((300, 28, 28, 1), np.float32)


@pytest.mark.parametrize("kwargs, says", [
    (dict(metrics=("fd", "fid")), "Unknown metric(s) 'fid'; choose from: fd, kid, precision_recall, "
                                  "density_coverage, memorisation, classes."),
    (dict(metrics=()), "choose from: fd, kid"),
    (dict(metrics=("fd",), n=50), "fd needs at least 129 samples (one more than the 128 features); got 50"),
    (dict(metrics=("memorisation",), n=99), "memorisation needs at least 100 samples"),
    (dict(n=0), "n must be a whole number >= 1"),
    (dict(dataset="cifar10"), "No feature network for dataset 'cifar10'; choose one of: mnist, fashion_mnist"),
])
def test_bad_settings_are_refused_before_any_work(kwargs, says, no_network):
    with pytest.raises(InputError) as error:
        evaluate(REAL, **kwargs)
    assert says in str(error.value)


@pytest.mark.parametrize("samples, says", [
    (np.zeros((300, 32, 32, 1), np.float32), "takes (28, 28, 1) images"),
    (np.zeros((300, 28, 28), np.float32), "(N, height, width, channels)"),
    (np.zeros((300, 28, 28, 1), np.uint8), "to_model_range"),
    (np.full((300, 28, 28, 1), 3.0, np.float32), "expected [-1, 1]"),
    (np.where(np.arange(300 * 784).reshape(REAL.shape) == 7, np.nan, REAL), "1 NaN or infinite"),
])
def test_bad_samples_are_refused_before_any_work(samples, says, no_network):
    with pytest.raises(InputError, match="samples") as error:
        evaluate(samples)
    assert says in str(error.value)


def test_more_samples_than_reference_images_is_refused(mnist_feature_net):
    reference = len(mnist_feature_net.net.split.reference)
    many = np.zeros((reference + 1, 28, 28, 1), np.float32)
    with pytest.raises(InputError, match=f"use n <= {reference}"):
        evaluate(many, metrics=("kid",), n=reference + 1, network=mnist_feature_net.net)


# ------------------------------------------------------------------ the callback


def test_evaluation_history_records_scores_every_n_epochs(mnist_feature_net, monkeypatch):
    import ganlab
    from ganlab.callbacks import EvaluationHistory
    from ganlab.models import dense_discriminator, dense_generator

    monkeypatch.setenv("GANLAB_CACHE_DIR", str(mnist_feature_net.folder))
    monkeypatch.setitem(features.RECIPES, "mnist", Recipe(epochs=1, max_shift=2))  # the fixture's network
    gan = ganlab.GAN(dense_generator(latent_dim=8, units=(16,)), dense_discriminator(units=(16,)), seed=0)
    gan.compile()
    every_2 = EvaluationHistory(every=2, metrics=("fd", "classes"), n=200)
    history = gan.fit(ganlab.make_dataset(mnist_feature_net.net.split.train[:128], 64), epochs=3, verbose=0,
                      callbacks=[every_2])
    assert every_2.history["epoch"] == [2] and len(every_2.history["fd"]) == 1
    assert history.history["fd"] == every_2.history["fd"] and len(history.history["d_loss"]) == 3
    assert set(every_2.baseline) == {"fd", "class_coverage", "classifier_score"}
    assert every_2.baseline["fd"] < every_2.history["fd"][0]  # an untrained generator is far from real
    assert every_2.network.from_cache and every_2.last["n"] == 200


@pytest.mark.parametrize("kwargs, says", [
    (dict(every=0), "every must be a whole number of epochs >= 1"),
    (dict(metrics="fd,precision"), "Unknown metric(s) 'precision'"),
    (dict(metrics=("fd",), n=100), "fd needs at least 129 samples"),
    (dict(dataset="svhn"), "No feature network for dataset 'svhn'"),
])
def test_evaluation_history_refuses_bad_settings_at_once(kwargs, says):
    from ganlab.callbacks import EvaluationHistory

    with pytest.raises(InputError) as error:
        EvaluationHistory(**kwargs)
    assert says in str(error.value)
