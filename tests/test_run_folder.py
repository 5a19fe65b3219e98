"""ganlab.checkpoints.run_folder: a run's folder follows its settings (notebooks 04 and 05)."""

import json

import pytest

from ganlab.checkpoints import run_folder
from ganlab.errors import InputError

SETTINGS = {"profile": "quick", "steps": 1000, "learning_rate": 5e-4, "dataset": "mnist", "n_images": None}


def test_same_settings_same_folder_in_any_order(tmp_path):
    a = run_folder(tmp_path, "04_dcgan_mnist", SETTINGS)
    b = run_folder(tmp_path, "04_dcgan_mnist", dict(reversed(list(SETTINGS.items()))))
    assert a == b and a.parent == tmp_path and a.name.startswith("04_dcgan_mnist-") and a.is_dir()
    assert json.loads((a / "settings.json").read_text()) == SETTINGS


@pytest.mark.parametrize("change", [{"profile": "cpu"}, {"learning_rate": 2e-4}, {"dataset": "fashion_mnist"},
                                    {"n_images": 30_000}, {"architecture": [[110], [28, 28, 1]]}])
def test_any_changed_setting_gets_a_new_folder(tmp_path, change):
    assert run_folder(tmp_path, "run", SETTINGS) != run_folder(tmp_path, "run", {**SETTINGS, **change})


def test_a_run_under_a_former_name_is_named_and_left_alone(tmp_path, capsys):
    old = tmp_path / "03_dcgan_mnist_quick" / "checkpoints"
    old.mkdir(parents=True)
    (old / "latest").write_text("ckpt-000008")
    new = run_folder(tmp_path, "04_dcgan_mnist", SETTINGS, former=("03_dcgan_mnist_quick", "never_there"))
    out = capsys.readouterr().out
    assert "03_dcgan_mnist_quick" in out and str(new) in out and "never_there" not in out
    assert (old / "latest").read_text() == "ckpt-000008" and new != old.parent
    run_folder(tmp_path, "04_dcgan_mnist", SETTINGS)
    assert capsys.readouterr().out == ""  # no former names given: nothing to say


@pytest.mark.parametrize("name, settings", [("a/b", SETTINGS), ("", SETTINGS), ("run", [1, 2])])
def test_bad_input_is_refused(tmp_path, name, settings):
    with pytest.raises(InputError):
        run_folder(tmp_path, name, settings)
