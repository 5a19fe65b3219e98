"""ganlab.experiments: short runs for a time budget, and scores over seeds as one table."""

import pytest

from ganlab.errors import InputError
from ganlab.experiments import mean_std_table, train_for


def test_train_for_trains_for_its_time_on_the_train_part():
    gan = train_for("dense", "mnist", seconds=6, seed=0, profile="quick")
    assert int(gan.g_optimizer.iterations) >= 2  # past the first step, which includes tracing the step
    assert 6 <= gan.trained_seconds < 20  # stops after the step that crosses the budget


@pytest.mark.parametrize("seconds", [0, -1, "60", True])
def test_train_for_refuses_a_time_that_is_not_a_positive_number(seconds):
    with pytest.raises(InputError, match="seconds must be a positive number"):
        train_for("dense", seconds=seconds)


def run(dataset, fd, recall):
    return {"dataset": dataset, "scores": {"fd": {"generated": fd, "real": 1.0},
                                           "recall": {"generated": recall, "real": 0.9}}}


def test_mean_std_table_groups_runs_by_name_and_adds_each_datasets_baseline():
    table = mean_std_table([run("mnist", 10, 0.5), run("mnist", 20, 0.7), run("fashion_mnist", 30, 0.4)],
                           ["dcgan", "dcgan", "dcgan on fashion"])
    lines = table.splitlines()
    assert lines[0] == "| run | runs | fd | recall |"
    assert lines[2] == "| dcgan | 2 | 15 ± 5 | 0.6 ± 0.1 |"
    assert lines[3] == "| dcgan on fashion | 1 | 30 | 0.4 |"
    assert lines[4:] == ["| real images (mnist) | | 1 | 0.9 |", "| real images (fashion_mnist) | | 1 | 0.9 |"]


def test_mean_std_table_needs_one_name_per_result():
    with pytest.raises(InputError, match="one name per result"):
        mean_std_table([run("mnist", 1, 1)], ["a", "b"])
