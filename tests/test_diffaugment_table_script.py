"""benchmarks/diffaugment_table.py: a tiny run prints one row per setting with real numbers, and the grid."""

from benchmark_scripts import load_script


def test_a_tiny_run_prints_the_three_settings_and_saves_their_samples(tmp_path, capsys):
    grid = tmp_path / "samples.png"
    load_script("diffaugment_table").main(["--profile", "quick", "--n-images", "64", "--steps", "2",
                                           "--grid", str(grid)])
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split(" | ") for line in lines if line.startswith("| ") and not line.startswith("| setting")]
    assert [row[0] for row in rows] == ["| no augmentation", "| real only", "| real and generated (DiffAugment)"]
    for row in rows:
        assert row[1] == "2" and float(row[2]) > float(row[3]) > 0  # 2 steps: far from the real baseline
        assert 0.0 <= float(row[4].rstrip(" |%")) <= 100.0
    assert grid.stat().st_size > 1000
