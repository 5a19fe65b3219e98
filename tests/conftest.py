"""Shared fixtures. The tests run offline on a CPU; MNIST comes from $GANLAB_DATA_DIR
(CI points it at the real MNIST test split) or wherever ganlab.datasets finds it."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("GANLAB_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def mnist_source():
    """Where the real MNIST files are; fails with ganlab's own advice when they are missing."""
    from ganlab.datasets import find_dataset

    source = find_dataset("mnist")
    if source is None:
        pytest.fail("MNIST is not on this machine: set GANLAB_DATA_DIR to a folder holding mnist/ "
                    "(CI uses ../shared/data) or load it once with internet.")
    return source


@pytest.fixture(scope="session")
def fashion_source():
    """Where the full Fashion-MNIST is (edges2fashion needs its train split); skips with how to get it."""
    from ganlab.datasets import find_dataset

    source = find_dataset("fashion_mnist")
    if source is None:
        pytest.skip("Fashion-MNIST is not on this machine (apt-get install dataset-fashion-mnist; .ci/run does)")
    return source


@pytest.fixture(scope="session")
def emoji_source():
    """The folder holding the two emoji npm tarballs; skips with how to get them."""
    from ganlab import emoji

    for folder in emoji.tarball_folders():
        if all((folder / package.tarball).is_file() for package in emoji.PACKAGES.values()):
            return folder
    pytest.skip(f"the emoji npm packages are not here; to fetch them: {emoji.how_to_get()}")


@pytest.fixture
def mnist_copy(tmp_path, mnist_source):
    """A private copy of the MNIST test-split files, safe to damage: tmp_path/mnist/..."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for path in mnist_source.splits["test"] if "test" in mnist_source.splits else ():
        shutil.copy(path, folder / path.name)
    if not any(folder.iterdir()):
        pytest.skip("the MNIST test split is stored as mnist.npz here, not as IDX files")
    return folder


@pytest.fixture
def no_data_anywhere(tmp_path, monkeypatch):
    """Point every place ganlab looks at empty folders (the Debian path is mocked away)."""
    import ganlab.datasets as data

    monkeypatch.delenv("GANLAB_DATA_DIR", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    real = data.candidate_dirs
    monkeypatch.setattr(data, "candidate_dirs",
                        lambda spec, data_dir=None: [d for d in real(spec, data_dir)
                                                     if not str(d).startswith("/usr/share")])
    return tmp_path


@pytest.fixture(scope="session")
def mnist_feature_net(tmp_path_factory, mnist_source):
    """The MNIST feature network trained for one epoch (these tests are about mechanics; its accuracy
    is measured by benchmarks/metric_timings.py), the cache folder it was saved in, and the
    (images, labels) that each ``fit`` call of its training was given."""
    from types import SimpleNamespace

    import keras
    import numpy as np

    from ganlab.metrics import feature_network

    folder = tmp_path_factory.mktemp("feature-cache")
    fits, real_fit = [], keras.Model.fit

    def recording_fit(self, x=None, y=None, *args, **kwargs):
        fits.append((np.array(x), np.array(y)))
        return real_fit(self, x, y, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GANLAB_CACHE_DIR", str(folder))
        patch.setattr(keras.Model, "fit", recording_fit)
        net = feature_network("mnist", epochs=1, separate_process=False)  # in this process, so fit is recorded
    return SimpleNamespace(net=net, folder=folder, fits=fits)
