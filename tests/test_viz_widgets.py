import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ganlab import viz, widgets  # noqa: E402
from ganlab.errors import InputError  # noqa: E402


def test_image_grid_layout_and_values():
    images = np.linspace(-1, 1, 6 * 4 * 4).reshape(6, 4, 4, 1).astype("float32")
    canvas = viz._grid(images, ncols=3)
    assert canvas.shape == (2 * 5 - 1, 3 * 5 - 1, 1)
    np.testing.assert_array_equal(canvas[5:9, 5:9], images[4])  # row 1, column 1
    fig = viz.image_grid(images, title="t")
    assert fig.axes[0].get_title() == "t"
    plt.close(fig)


def test_image_grid_rejects_bad_input():
    with pytest.raises(InputError, match="0..255"):
        viz.image_grid(np.zeros((2, 28, 28, 1), np.uint8))


def test_save_image_grid(tmp_path):
    path = viz.save_image_grid(np.zeros((4, 8, 8, 1), "float32"), tmp_path / "a" / "grid.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_grid_evolution_and_history_plots():
    grids = [np.zeros((4, 8, 8, 1), "float32")] * 10
    fig = viz.grid_evolution(grids, list(range(10)), max_panels=4)
    assert [ax.get_title() for ax in fig.axes] == ["epoch 0", "epoch 3", "epoch 6", "epoch 9"]
    history = {"d_loss": [1.0] * 20, "g_loss": [0.7] * 20, "D(x)": [0.6] * 20, "D(G(z))": [0.4] * 20}
    fig2 = viz.plot_history(history, smooth=5)
    assert len(fig2.axes[0].lines) == 2 and len(fig2.axes[0].lines[0].get_ydata()) == 16
    plt.close("all")


def test_kde_integrates_to_one_and_matches_the_true_density():
    samples = np.random.default_rng(0).normal(4.0, 1.0, 5000)
    grid = np.linspace(-2, 10, 1201)
    density = viz.gaussian_kde(samples, grid)
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-3)
    assert np.trapezoid(grid * density, grid) == pytest.approx(4.0, abs=0.05)
    true_pdf = np.exp(-0.5 * (grid - 4.0) ** 2) / np.sqrt(2 * np.pi)
    assert np.abs(density - true_pdf).max() < 0.03


def test_density_plot_shows_optimal_discriminator():
    real = np.random.default_rng(0).normal(4, 1, 2000)
    fig = viz.plot_density_1d(real, real + 0.0, discriminator=lambda x: np.full(len(x), 0.5))
    d_star = [line for ax in fig.axes for line in ax.lines if line.get_label() == "optimal D*(x)"][0]
    drawn = d_star.get_ydata()
    assert np.allclose(drawn[~np.isnan(drawn)], 0.5, atol=1e-6)  # same densities: D* = 1/2 everywhere
    assert (~np.isnan(drawn)).sum() > 0.8 * len(drawn)  # the default grid stays close to the samples
    plt.close(fig)


def test_density_plot_draws_optimal_discriminator_only_where_there_are_samples():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(4, 0.5, 2000), rng.normal(-4, 0.5, 2000)  # disjoint supports, a gap between
    grid = np.linspace(-12, 12, 481)
    fig = viz.plot_density_1d(real, fake, grid=grid)
    drawn = [line for ax in fig.axes for line in ax.lines if line.get_label() == "optimal D*(x)"][0].get_ydata()
    assert np.isnan(drawn[np.abs(grid) > 9]).all() and np.isnan(drawn[np.abs(grid) < 0.5]).all()
    assert np.allclose(drawn[np.abs(grid - 4) < 1], 1, atol=1e-3) and np.allclose(drawn[np.abs(grid + 4) < 1], 0, atol=1e-3)
    plt.close(fig)


def test_snapshot_slider_redraws_on_change():
    drawn = []

    def draw(i):
        drawn.append(i)
        return plt.figure()

    box = widgets.snapshot_slider(draw, n=5)
    slider = box.children[0].children[0]
    assert slider.value == 4 and drawn == [4]
    slider.value = 1
    assert drawn == [4, 1]
    with pytest.raises(ValueError):
        widgets.snapshot_slider(draw, n=0)
