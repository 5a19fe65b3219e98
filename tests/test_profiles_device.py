import pytest

import ganlab
from ganlab import profiles
from ganlab.device import pinned_versions
from ganlab.errors import InputError


def test_profile_from_environment(monkeypatch):
    monkeypatch.setenv("GANLAB_PROFILE", "cpu")
    assert profiles.active_profile() == "cpu"
    assert profiles.params("dense_mnist").profile == "cpu"


def test_profile_detected_from_device(monkeypatch):
    monkeypatch.delenv("GANLAB_PROFILE", raising=False)
    monkeypatch.setattr("ganlab.device.gpu_names", lambda: ["/physical_device:GPU:0"])
    assert profiles.active_profile() == "gpu"
    monkeypatch.setattr("ganlab.device.gpu_names", lambda: [])
    assert profiles.active_profile() == "cpu"


def test_bad_profile_names(monkeypatch):
    monkeypatch.setenv("GANLAB_PROFILE", "turbo")
    with pytest.raises(InputError, match="GANLAB_PROFILE='turbo'.*quick, cpu, gpu"):
        profiles.active_profile()
    with pytest.raises(InputError, match="Unknown profile"):
        profiles.params("toy", profile="fast")
    with pytest.raises(InputError, match="No parameters for 'dcgan9'"):
        profiles.params("dcgan9", profile="quick")


def test_params_overrides():
    p = profiles.params("toy", profile="quick", steps=10)
    assert p.steps == 10 and p.batch_size == profiles.PROFILES["toy"]["quick"]["batch_size"]
    with pytest.raises(InputError, match="no parameter"):
        profiles.params("toy", profile="quick", stepz=10)


def test_every_notebook_entry_has_all_profiles_with_the_same_keys():
    for notebook, by_profile in profiles.PROFILES.items():
        assert set(by_profile) == set(profiles.PROFILE_NAMES), notebook
        keys = {name: set(values) for name, values in by_profile.items()}
        assert len({frozenset(k) for k in keys.values()}) == 1, keys


def test_quick_is_smaller_than_cpu_smaller_than_gpu():
    toy = profiles.PROFILES["toy"]
    assert toy["quick"]["steps"] < toy["cpu"]["steps"] < toy["gpu"]["steps"]
    dense = profiles.PROFILES["dense_mnist"]
    assert dense["quick"]["steps"] < dense["cpu"]["steps"] < dense["gpu"]["steps"]


def test_epochs_for_a_step_budget():
    assert profiles.epochs_for(10_000, 10_000, 64) == 64  # 157 steps an epoch
    assert profiles.epochs_for(10_000, 70_000, 64) == 9   # 1,094 steps an epoch
    assert profiles.epochs_for(10, 70_000, 64) == 1


def test_check_env_reports_versions_device_profile_and_data(capsys, monkeypatch, mnist_source):
    monkeypatch.setenv("GANLAB_PROFILE", "quick")
    report = ganlab.check_env()
    printed = capsys.readouterr().out
    assert report["profile"] == "quick" and "set by GANLAB_PROFILE" in printed
    assert report["versions"]["tensorflow"].startswith("2.")
    assert report["versions"]["keras"].startswith("3.")
    from ganlab.device import gpu_names, usable_cores

    gpus = gpu_names()
    assert report["device"] == (", ".join(gpus) if gpus else f"CPU only ({usable_cores()} cores)")
    assert report["data"]["mnist"].startswith("mnist: ")
    assert "data        mnist:" in printed


def test_check_env_names_the_gpus_it_sees(monkeypatch):
    monkeypatch.setattr("ganlab.device.gpu_names", lambda: ["/physical_device:GPU:0", "/physical_device:GPU:1"])
    monkeypatch.setattr("ganlab.device.gpu_details", lambda: [("NVIDIA T4", (7, 5))] * 2)
    monkeypatch.delenv("GANLAB_PROFILE", raising=False)
    report = ganlab.check_env(verbose=False)
    assert report["device"] == "/physical_device:GPU:0, /physical_device:GPU:1"
    assert (report["profile"], report["profile_reason"]) == ("gpu", "a GPU is visible")


def test_check_env_advises_when_mnist_is_missing(no_data_anywhere, capsys):
    report = ganlab.check_env()
    assert report["data"]["mnist"] is None
    assert any("MNIST is not on this machine" in line for line in report["advice"])


def test_pinned_versions_are_read_from_the_installed_package():
    pins = pinned_versions()
    assert pins["tensorflow"].startswith("2.21") and pins["keras"].startswith("3.")


def test_release_memory_hands_freed_heap_pages_back():
    """Freed blocks kept apart by a few live ones stay resident until release_memory trims the heap."""
    import ctypes.util
    import sys

    from ganlab.device import release_memory, resident_mb

    if not sys.platform.startswith("linux") or resident_mb() is None or not ctypes.util.find_library("c"):
        pytest.skip("malloc_trim and /proc/self/status are Linux (glibc) features")
    blocks = [bytes(4000) for _ in range(50_000)]  # 200 MB in blocks malloc keeps on its heap
    kept = blocks[::50]  # every 50th stays alive, so the heap's top cannot simply shrink
    del blocks
    before = resident_mb()
    assert release_memory() is True
    assert before - resident_mb() > 100, "release_memory left the freed 196 MB resident"
    assert len(kept) == 1000
