"""Every script in benchmarks/ refuses bad settings in one line (argparse's usage and the reason,
exit status 2), before it loads data or trains anything."""

import pytest
from benchmark_scripts import load_script, refusal


@pytest.mark.parametrize("name, arguments, message", [
    ("dense_mnist_quality", ["--d-dropout", "1.5"], "--d-dropout is a rate"),
    ("dense_mnist_quality", ["--categories", "-2"], "--categories must be 0 or more"),
    ("dense_mnist_quality", ["--ema-decay", "1.0"], "--ema-decay must be between 0 and 1"),
    ("dense_mnist_quality", ["--seconds", "0"], "--seconds and --eval-every must be positive"),
    ("dense_mnist_quality", ["--learning-rate=-1e-3"], "--learning-rate must be positive"),
    ("dcgan_throughput", ["--d-hidden", "-1"], "--d-hidden must be 0"),
    ("dcgan_throughput", ["--seconds", "0"], "--seconds and --eval-every must be positive"),
    ("dcgan_throughput", ["--ganlab-only"], "--ganlab-only is for --mode quality"),
    ("recipe_variants", ["dense", "--categories", "-1"], "--categories 0 or more"),
    ("recipe_variants", ["dense", "--d-dropout", "1.5"], "--d-dropout is a rate"),
    ("recipe_variants", ["dcgan", "--d-hidden", "-2"], "--d-hidden is 0"),
    ("recipe_variants", ["dense", "--d-hidden", "2"], "are for dcgan"),
    ("recipe_variants", ["dcgan", "--d-units", "8,8"], "are for dense"),
    ("recipe_variants", ["dcgan", "--info", "1", "--categories", "0"], "--info needs a code"),
    ("recipe_variants", ["dense", "--loss", "nope"], "Unknown GAN loss 'nope'"),
    ("gpu_profile_on_cpu", ["--images", "1000,500"], "positive and increasing"),
    ("gpu_profile_on_cpu", ["--images", "a lot"], "expected image counts"),
    ("gpu_profile_on_cpu", ["--max-seconds", "0"], "--max-seconds must be positive"),
    ("gpu_profile_on_cpu", ["--model", "pix2pix"], "invalid choice"),
    ("resume_cycles", ["--cycles", "0"], "--cycles and --width must be >= 1"),
    ("resume_cycles", ["--n-images", "10"], "--n-images >= 64"),
    ("metric_timings", ["--datasets", "mnist,cifar10"], "--datasets takes mnist, fashion_mnist, not cifar10"),
    ("metric_timings", ["--n", "500"], "--n must be at least 1000"),
    ("advice_table", ["--steps", "0"], "--steps must be >= 1"),
    ("metric_table", ["--models", "dense,wgan"], "--models takes dense, dcgan, not wgan"),
    ("metric_table", ["--n", "100"], "--n must be at least 129"),
    ("metric_table", ["--seconds", "0"], "--seconds must be positive"),
    ("weights_fingerprint", ["--steps", "0"], "--steps must be >= 1"),
    ("conditional_quality", ["--mechanisms", "projection,acgan"], "--mechanisms takes projection, concat, not acgan"),
    ("conditional_quality", ["--seconds", "0"], "--seconds must be positive"),
    ("conditional_quality", ["--n", "100"], "--n must be at least 129"),
    ("augmentation_table", ["--budgets", "10,0"], "--budgets must be whole numbers >= 1"),
    ("augmentation_table", ["--budgets", "ten"], "--budgets takes comma-separated whole numbers"),
    ("augmentation_table", ["--seeds", "-1"], "--seeds must be whole numbers >= 0"),
    ("augmentation_table", ["--dataset", "cifar10"], "invalid choice"),
    ("diffaugment_table", ["--steps", "0"], "--steps must be >= 1"),
    ("diffaugment_table", ["--n-images", "10"], "--n-images must be >= 64"),
    ("diffaugment_table", ["--profile", "laptop"], "invalid choice"),
])
def test_bad_settings_are_refused_in_one_line(name, arguments, message, capsys):
    assert message in refusal(load_script(name), arguments, capsys)
