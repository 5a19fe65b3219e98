"""benchmarks/translation_quality.py: a tiny run prints a scored row per model and checkpoint, and the grid."""

import pytest
from benchmark_scripts import load_script


def test_a_tiny_run_scores_each_model_at_each_checkpoint(tmp_path, capsys, fashion_source, monkeypatch):
    monkeypatch.setenv("GANLAB_XLA", "0")  # two steps do not win back XLA's compile
    import ganlab.build

    built, build = [], ganlab.build.build_translation
    monkeypatch.setattr(ganlab.build, "build_translation",
                        lambda *args, **kwargs: built.append(build(*args, **kwargs)) or built[-1])
    grid = tmp_path / "grid.png"
    load_script("translation_quality").main(["--profile", "quick", "--steps", "1,2", "--n-test", "200",
                                             "--models", "pix2pix,l1_only,adversarial_only", "--grid", str(grid)])
    lines = capsys.readouterr().out.splitlines()
    rows = [line.strip("| ").split(" | ") for line in lines if line.startswith("| ") and "| model |" not in line]
    assert [(row[0], row[1]) for row in rows] == [("pix2pix", "1"), ("pix2pix", "2"), ("l1_only", "1"),
                                                  ("l1_only", "2"), ("adversarial_only", "1"), ("adversarial_only", "2")]
    for row in rows:
        l1, ssim, recognised = float(row[4]), float(row[6]), float(row[7].rstrip("%"))
        assert 0 < l1 < 2 and -1 <= ssim <= 1 and 0 <= recognised <= 100
    assert [(model.discriminator is not None, model.l1_weight) for model in built] == [  # adversarial_only: lambda 0
        (True, 100.0), (False, 100.0), (True, 0.0)]
    assert grid.stat().st_size > 1000


@pytest.mark.parametrize("arguments, message", [
    (["--models", "pix2pix,gan"], "--models takes"),
    (["--models", "cyclegan"], "cyclegan trains on --dataset emoji"),
    (["--steps", "500,250"], "increasing"),
    (["--steps", "ten"], "whole numbers"),
    (["--n-test", "64"], ">= 129"),
])
def test_bad_arguments_are_refused_with_a_reason(arguments, message, capsys):
    with pytest.raises(SystemExit):
        load_script("translation_quality").parse_args(arguments)
    assert message in capsys.readouterr().err
