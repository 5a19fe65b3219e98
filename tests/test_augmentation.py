"""GAN data augmentation: classic augmentation, the fixed-step classifier, the runs and their table."""

import matplotlib
import numpy as np
import pytest

from ganlab.augmentation import (FLIPS_KEEP_CLASS, augmentation_params, augmentation_run, augmentation_settings,
                                 augmentation_table, classic_augment, draw_labelled, format_augmentation_table,
                                 plot_accuracy_vs_labels, test_accuracy, train_classifier)
from ganlab.datasets import find_dataset
from ganlab.errors import InputError

RNG = np.random.default_rng(0)
# Images with a lit block on the left: a left-right mirror puts it on the right.
BLOCKS = np.full((200, 28, 28, 1), -1.0, np.float32)
BLOCKS[:, 10:18, 4:10] = 1.0
needs_fashion = pytest.mark.skipif(find_dataset("fashion_mnist") is None,
                                   reason="Fashion-MNIST is not on this machine (.ci/run installs it)")
TINY = dict(gan_steps=20, gan_width=8, classifier_steps=30, batch_size=32, ratios=(1, 2))


def test_shifts_keep_shape_and_range_and_really_move_pixels():
    moved = classic_augment(BLOCKS, np.random.default_rng(1), max_shift=2)
    assert moved.shape == BLOCKS.shape and moved.dtype == np.float32
    assert moved.min() == -1.0 and moved.max() == 1.0
    assert np.mean([not np.array_equal(m, b) for m, b in zip(moved, BLOCKS)]) > 0.8  # 24 of 25 shifts move
    assert (moved == 1.0).sum(axis=(1, 2, 3)).min() == 48  # the 8x6 block stays whole: it is far from the edge
    centre = [np.argwhere(m[..., 0] == 1.0).mean(axis=0) for m in moved]
    assert np.abs(np.array(centre) - [13.5, 6.5]).max() <= 2  # moved by at most max_shift


def test_flips_only_when_asked_and_about_half_the_time():
    assert np.array_equal(classic_augment(BLOCKS, np.random.default_rng(1), max_shift=0), BLOCKS)
    flipped = classic_augment(BLOCKS, np.random.default_rng(1), max_shift=0, flip=True)
    mirrored = np.array([np.array_equal(f, b[:, ::-1]) for f, b in zip(flipped, BLOCKS)])
    unchanged = np.array([np.array_equal(f, b) for f, b in zip(flipped, BLOCKS)])
    assert np.all(mirrored | unchanged) and 0.35 < mirrored.mean() < 0.65
    assert FLIPS_KEEP_CLASS == {"fashion_mnist": True, "mnist": False}  # a mirrored digit is no digit


def test_classic_augmentation_refuses_bad_input():
    with pytest.raises(InputError, match="max_shift must be a whole number"):
        classic_augment(BLOCKS, RNG, max_shift=-1)
    with pytest.raises(InputError, match="values"):
        classic_augment(BLOCKS * 3, RNG)


@needs_fashion
def test_the_classifier_learns_fashion_from_a_few_hundred_images():
    from ganlab.metrics.features import evaluation_split

    split = evaluation_split("fashion_mnist")
    index = draw_labelled(split.train_labels, 30, 0, seed=0)[0]
    model = train_classifier(split.train[index], split.train_labels[index], seed=0, steps=150)
    assert int(model.optimizer.iterations) == 150  # steps, not epochs
    accuracy = test_accuracy(model, split.reference[:2000], split.reference_labels[:2000])
    assert accuracy > 0.55  # chance is 0.10; 300 images reach about 0.7


def test_the_classifier_is_repeatable_for_a_seed():
    labels = np.arange(len(BLOCKS)) % 10
    weights = [train_classifier(BLOCKS, labels, seed=3, steps=5, batch_size=16).get_weights() for _ in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(*weights))


def test_labelled_draws_are_balanced_nested_and_apart():
    labels = np.arange(1000) % 10
    chosen, extra = draw_labelled(labels, 5, 20, seed=0)
    assert np.bincount(labels[chosen]).tolist() == [5] * 10 and np.bincount(labels[extra]).tolist() == [20] * 10
    assert not set(chosen) & set(extra)
    assert np.array_equal(chosen, draw_labelled(labels, 5, 0, seed=0)[0])  # 'more real' does not change the subset
    with pytest.raises(InputError, match="Lower the budget"):
        draw_labelled(labels, 80, 30, seed=0)


def test_a_tiny_run_trains_every_setting_on_the_right_images(mnist_source):
    run = augmentation_run("mnist", 5, seed=0, profile="quick", **TINY)
    names = ["real", "real + classic", "real + GAN ×1", "real + GAN ×2", "GAN only", "more real"]
    assert list(run["accuracy"]) == names
    assert run["images"] == {"real": 50, "real + classic": 50, "real + GAN ×1": 100, "real + GAN ×2": 150,
                             "GAN only": 100, "more real": 150}
    assert all(0.0 <= a <= 1.0 for a in run["accuracy"].values()) and run["gan_steps"] == 20
    assert run["accuracy"]["more real"] > 0.3  # 150 real digits, 30 steps: well above chance (0.1)


def test_without_gan_settings_no_gan_is_trained(mnist_source):
    run = augmentation_run("mnist", 5, seed=1, profile="quick", settings=("more real",), **TINY)
    assert list(run["accuracy"]) == ["more real"] and "GAN" not in run["seconds"]
    assert run["images"]["more real"] == 150  # the largest mix: 5 real + 2 x 5 generated per class


def test_bad_settings_budgets_and_ratios_are_refused(mnist_source):
    with pytest.raises(InputError, match="Unknown setting"):
        augmentation_settings(("real", "mixup"))
    for ratios in ((0, 1), (-1,), ()):
        with pytest.raises(InputError, match="must all be > 0"):
            augmentation_params("quick", ratios=ratios)
    with pytest.raises(InputError, match="the training split has only"):
        augmentation_run("mnist", 2000, profile="quick", settings=("real",))
    with pytest.raises(InputError, match="budgets must be whole numbers"):
        augmentation_table("mnist", budgets=(0,), profile="quick")


RESULTS = [{"dataset": "fashion_mnist", "per_class": budget, "seed": seed,
            "accuracy": {"real": 0.5 + budget / 1000 + seed / 100, "GAN only": 0.4}}
           for budget in (10, 50, 200) for seed in (0, 1, 2)]


def test_the_markdown_table_has_a_row_per_setting_and_a_column_per_budget():
    lines = format_augmentation_table(RESULTS).splitlines()
    assert lines[0] == "| setting | 10 per class | 50 per class | 200 per class |"
    assert len(lines) == 4 and lines[2].startswith("| real | 52.0 ± 0.8 % | 56.0 ± 0.8 % | 71.0 ± 0.8 % |")
    assert lines[3] == "| GAN only | 40.0 ± 0.0 % | 40.0 ± 0.0 % | 40.0 ± 0.0 % |"


def test_the_plot_has_a_line_per_setting_on_a_log_axis():
    matplotlib.use("Agg")
    ax = plot_accuracy_vs_labels(RESULTS)
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_legend().get_texts()] == ["real", "GAN only"]
    assert np.allclose(ax.lines[0].get_ydata(), [52.0, 56.0, 71.0])
    ax.figure.canvas.draw()  # the labels a reader sees: the budgets, and no "2x10^1" between them
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "50", "200"]
    assert not any(t.get_text() for t in ax.get_xticklabels(minor=True))
    with pytest.raises(InputError, match="No results"):
        format_augmentation_table([])
