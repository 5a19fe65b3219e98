"""The ring of 8 Gaussians: its data, its scores on known answers, and GANs that really learn it."""

import numpy as np
import pytest

from ganlab.data import ring_data
from ganlab.errors import InputError
from ganlab.metrics import ring_centres, ring_scores
from ganlab.ring import RingConfig, compare, format_results, train_ring


def test_ring_data_sits_on_the_ring():
    points = ring_data(8_000, seed=3)
    assert points.shape == (8_000, 2) and points.dtype == np.float32
    assert np.abs(np.linalg.norm(points, axis=1) - 2.0).max() < 0.35  # 7 std of 0.05, well inside
    scores = ring_scores(points)
    assert scores.modes_covered == 8 and scores.high_quality > 0.98  # 3 std in 2-D hold 98.9 %
    assert min(scores.counts) > 800 and np.array_equal(ring_data(10, seed=3), ring_data(10, seed=3))


@pytest.mark.parametrize("kwargs", [dict(n=0), dict(n=2.5), dict(n=5, modes=0), dict(n=5, std=0),
                                    dict(n=5, radius=-1)])
def test_ring_data_rejects_bad_arguments(kwargs):
    with pytest.raises(InputError):
        ring_data(**kwargs)


def test_scores_of_the_exact_modes():
    scores = ring_scores(np.repeat(ring_centres(), 5, axis=0))
    assert (scores.modes_covered, scores.high_quality, scores.counts) == (8, 1.0, (5,) * 8)


def test_scores_of_one_mode():
    one = ring_centres()[2] + np.random.default_rng(0).normal(0, 0.01, (500, 2))
    scores = ring_scores(one)
    assert scores.modes_covered == 1 and scores.counts[2] == scores.counts[2] == sum(scores.counts)


def test_scores_of_uniform_noise():
    noise = np.random.default_rng(0).uniform(-3, 3, (20_000, 2))
    # 8 discs of radius 3 std = 0.15 cover 8·π·0.15² / 36 ≈ 1.57 % of the square: uniform points
    # fall in them that often, no more
    assert abs(ring_scores(noise).high_quality - 8 * np.pi * 0.15**2 / 36) < 0.003


def test_a_mode_needs_its_share_of_samples():
    points = np.concatenate([np.repeat(ring_centres()[:1], 995, 0), np.repeat(ring_centres()[1:2], 5, 0)])
    assert ring_scores(points).modes_covered == 1                  # 0.5 % < 1 %
    assert ring_scores(points, min_share=0.005).modes_covered == 2


@pytest.mark.parametrize("samples", [np.zeros((5, 3)), np.zeros((0, 2)), np.full((4, 2), np.nan)])
def test_scores_reject_bad_samples(samples):
    with pytest.raises(InputError):
        ring_scores(samples)


@pytest.mark.parametrize("change", [dict(loss="nope"), dict(penalty="gp"), dict(optimizer="sgd"), dict(d_lr=0),
                                    dict(d_steps=0), dict(label_smoothing=0.6), dict(instance_noise=-1),
                                    dict(loss="hinge", label_smoothing=0.1), dict(dropout=1.0)])
def test_config_rejects_bad_knobs(change):
    with pytest.raises(InputError):
        config = RingConfig().but(**change)
        train_ring(config, steps=10, every=10)  # dropout is checked when D is built


def test_non_saturating_learns_several_modes_and_a_collapse_config_learns_fewer():
    healthy = train_ring(RingConfig(), steps=1000, seed=0, every=250)
    collapsed = train_ring(RingConfig().but(d_units=(4,)), steps=1000, seed=0, every=250)  # D far too weak
    assert healthy.scores.modes_covered >= 3 and healthy.scores.high_quality > 0.1
    assert collapsed.scores.modes_covered <= 1 < healthy.scores.modes_covered
    assert len(healthy.history["d_loss"]) == 4 and healthy.steps == [250, 500, 750, 1000]


def test_every_knob_trains_without_error():
    configs = {"wgan-gp, 2 D steps": RingConfig(loss="wasserstein", penalty="wgan_gp", d_steps=2),
               "everything": RingConfig(optimizer="rmsprop", dropout=0.2, label_smoothing=0.1, instance_noise=0.1,
                                        spectral_norm=True, penalty="r1", penalty_weight=1.0)}
    results = compare(configs, seeds=(0,), steps=40, every=20)
    table = format_results(results)
    assert "wgan-gp, 2 D steps" in table and "± 0.0" in table and len(table.splitlines()) == 3
