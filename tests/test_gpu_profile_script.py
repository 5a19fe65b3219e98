"""benchmarks/gpu_profile_on_cpu.py: each run is the profile's recipe through build_gan on this
device's fast path, stops at the image counts asked for (or when its time is up), and the table
compares the two profiles at equal numbers of images."""

import re

from benchmark_scripts import StubClassifier, load_script, use_stub_classifier

script = load_script("gpu_profile_on_cpu")


def test_a_run_is_the_profiles_recipe_measured_at_each_image_count(mnist_source):
    from ganlab.build import recipe
    from ganlab.fast_path import choose_fast_path

    stub = StubClassifier()
    result = script.run("dcgan", "gpu", (256, 512), stub, max_seconds=300)
    assert vars(result["recipe"]) == vars(recipe("dcgan", "gpu"))  # width 64, 24,000 steps, ...
    assert result["path"] == choose_fast_path()  # the device's fast path: float32 and no XLA on a CPU
    assert [row[:2] for row in result["rows"]] == [(256, 4), (512, 8)]  # batches of 64
    assert stub.batches == [(1000, 28, 28, 1)] * 2 and result["rows"][-1][3]["fraction"] == 1.0


def fake_results(cpu_shares, gpu_shares, batch=64):
    def rows(shares):
        return [(batch * (i + 1), i + 1, float(i + 1), {"fraction": share}) for i, share in enumerate(shares)]
    return {"cpu": {"rows": rows(cpu_shares)}, "gpu": {"rows": rows(gpu_shares)}}


def test_the_table_compares_equal_numbers_of_images():
    lines = script.table("dcgan", (64, 128, 192), fake_results([0.5, 0.6, 0.7], [0.55, 0.58]))
    assert lines[2:5] == ["| 64 | 50.0% | 55.0% | +5.0 points |", "| 128 | 60.0% | 58.0% | -2.0 points |",
                          "| 192 | 70.0% | - | - |"]
    assert "at least as many as the cpu profile at 1 of 2 image counts" in lines[-1]


def test_a_tiny_run_prints_the_table_of_the_counts_reached_in_time(monkeypatch, capsys, mnist_source):
    use_stub_classifier(monkeypatch)
    script.main(["--model", "dense", "--images", f"64,{64 * 10**8}", "--max-seconds", "3"])
    out = capsys.readouterr().out
    assert re.search(r"^\| 64 \| 100\.0% \| 100\.0% \| \+0\.0 points \|$", out, re.MULTILINE), out
    assert "at 1 of 1 image counts" in out  # the second count was out of reach in 3 s
    assert re.search(r"gpu profile: batch 64, Adam\(0\.0008\)", out), out
