import gzip
import os

import numpy as np
import pytest

from ganlab import data, datasets
from ganlab.errors import DataCorruptedError, DataNotFoundError, InputError


def test_load_mnist_gives_images_in_model_range(mnist_source):
    images, labels = datasets.load_mnist()
    assert images.dtype == np.float32 and images.shape[1:] == (28, 28, 1)
    assert len(images) == len(labels) >= 10_000
    assert images.min() == -1.0 and images.max() == 1.0
    assert set(np.unique(labels)) == set(range(10))
    # the digits look like digits: mostly background, a stroke in the middle
    assert (images < -0.9).mean() > 0.7
    assert images[:, 10:18, 10:18].mean() > images[:, :3, :3].mean() + 0.3


def test_test_split_matches_known_first_labels(mnist_source):
    _, labels = datasets.load_mnist(split="test")
    assert len(labels) == 10_000
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the published t10k order


def test_explicit_dir_wins_over_environment(mnist_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("GANLAB_DATA_DIR", str(tmp_path / "nowhere"))
    source = datasets.find_dataset("mnist", data_dir=mnist_copy.parent)
    assert source.folder == mnist_copy
    images, _ = datasets.load_mnist(split="test", data_dir=mnist_copy.parent)
    assert len(images) == 10_000


def test_environment_variable_is_used(mnist_copy, monkeypatch):
    monkeypatch.setenv("GANLAB_DATA_DIR", str(mnist_copy.parent))
    assert datasets.find_dataset("mnist").folder == mnist_copy


def test_missing_data_offline_lists_places_and_advice(no_data_anywhere, monkeypatch):
    monkeypatch.setenv("GANLAB_OFFLINE", "1")
    with pytest.raises(DataNotFoundError) as err:
        datasets.load_mnist()
    message = str(err.value)
    assert "keras-home" in message and "GANLAB_DATA_DIR" in message
    assert "GANLAB_OFFLINE=1" in message


def test_failed_download_is_reported(no_data_anywhere, monkeypatch):
    import keras

    monkeypatch.setenv("GANLAB_OFFLINE", "0")

    def no_network():
        raise ConnectionError("network is unreachable")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    with pytest.raises(DataNotFoundError, match="download failed too.*network is unreachable"):
        datasets.load_mnist()


def test_train_split_missing_is_not_found(mnist_copy, no_data_anywhere):
    with pytest.raises(DataNotFoundError, match="train split"):
        datasets.load_mnist(split="train", data_dir=mnist_copy.parent, download=False)


def test_a_misspelt_data_dir_is_said_not_loaded_from_elsewhere(mnist_copy, monkeypatch):
    monkeypatch.setenv("GANLAB_DATA_DIR", str(mnist_copy.parent))  # would be found there otherwise
    with pytest.raises(InputError, match=r"data_dir .*mnsit is not a folder on this machine; check its spelling"):
        datasets.load_mnist(data_dir=mnist_copy.parent / "mnsit")


def test_a_missing_images_file_is_named(mnist_copy, no_data_anywhere):
    (mnist_copy / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DataNotFoundError,
                       match=r"has t10k-labels-idx1-ubyte\.gz but not t10k-images-idx3-ubyte\.gz"):
        datasets.load_mnist(split="test", data_dir=mnist_copy.parent, download=False)


def test_truncated_file_is_detected_and_left_alone(mnist_copy):
    path = mnist_copy / "t10k-images-idx3-ubyte.gz"
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataCorruptedError, match="t10k-images-idx3-ubyte.gz") as err:
        datasets.load_mnist(split="test", data_dir=mnist_copy.parent)
    assert "left it untouched" in str(err.value)
    assert path.read_bytes() == blob[: len(blob) // 2]  # not deleted, not rewritten


def test_wrong_checksum_of_valid_gzip_is_detected(mnist_copy):
    path = mnist_copy / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # one label changed: still a valid IDX file
    path.write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DataCorruptedError, match="checksum"):
        datasets.load_mnist(split="test", data_dir=mnist_copy.parent)


def test_recompressed_file_is_accepted(mnist_copy):
    """Debian re-compresses the files: same content, other gzip bytes."""
    path = mnist_copy / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()), mtime=0))
    _, labels = datasets.load_mnist(split="test", data_dir=mnist_copy.parent)
    assert labels[:3].tolist() == [7, 2, 1]


def test_foreign_npz_is_rejected(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    np.savez(folder / "mnist.npz", x_train=np.zeros((2, 28, 28), np.uint8), y_train=np.zeros(2),
             x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2))
    with pytest.raises(DataCorruptedError, match="SHA-256"):
        datasets.load_mnist(data_dir=tmp_path)


@pytest.mark.skipif(not os.path.isdir("/usr/share/datasets/fashion-mnist"),
                    reason="Debian's dataset-fashion-mnist is not installed (.ci/run installs it)")
def test_fashion_mnist_from_debian_package():
    images, labels = datasets.load_fashion_mnist(split="test")
    assert images.shape == (10_000, 28, 28, 1) and images.dtype == np.float32
    assert labels[:5].tolist() == [9, 2, 1, 1, 6]  # ankle boot, pullover, trouser, trouser, shirt


def test_unknown_dataset_and_split():
    with pytest.raises(InputError, match="Unknown dataset 'cifar'"):
        datasets.load_dataset("cifar")
    with pytest.raises(InputError, match="split must be"):
        datasets.load_mnist(split="validation")


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((4, 28, 28), np.float32), r"Add the channel axis"),
        (np.zeros((4, 784), np.float32), r"4 axes"),
        (np.zeros((4, 28, 28, 1), np.uint8), r"to_model_range"),
        (np.full((4, 28, 28, 1), 255.0, np.float32), r"x / 127.5 - 1"),
        (np.array([np.nan] * 4, np.float32).reshape(4, 1, 1, 1), r"4 NaN"),
    ],
)
def test_check_images_rejects_bad_batches(bad, message):
    with pytest.raises(InputError, match=message):
        data.check_images(bad)


def test_pixel_round_trip():
    pixels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    images = data.to_model_range(pixels)
    assert images.min() == -1.0 and images.max() == 1.0
    assert np.array_equal(data.to_pixels(images), pixels)


def test_make_dataset_batches_and_is_seeded():
    images = data.to_model_range(np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1) * 20)
    first = [b.numpy() for b in data.make_dataset(images, batch_size=4, seed=1)]
    again = [b.numpy() for b in data.make_dataset(images, batch_size=4, seed=1)]
    assert [len(b) for b in first] == [4, 4, 2]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert sorted(np.concatenate(first).ravel()) == sorted(images.ravel())
    with pytest.raises(InputError):
        data.make_dataset(images, batch_size=0)


def test_toy_data_statistics():
    x = data.toy_data(50_000, mean=4.0, std=1.25, seed=0)
    assert x.shape == (50_000, 1)
    assert abs(x.mean() - 4.0) < 0.02 and abs(x.std() - 1.25) < 0.02


def test_load_only_the_first_n_images(mnist_source):
    from ganlab.datasets import load_mnist

    first, labels = load_mnist(n=100)
    everything, all_labels = load_mnist()
    assert first.shape == (100, 28, 28, 1) and first.dtype == np.float32
    np.testing.assert_array_equal(first, everything[:100])
    np.testing.assert_array_equal(labels, all_labels[:100])
    for bad in (0, -5, 2.5):
        with pytest.raises(InputError, match="n must be a whole number"):
            load_mnist(n=bad)
