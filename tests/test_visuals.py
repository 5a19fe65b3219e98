"""Latent-space walks (ganlab.latent), the latent explorer widget, animations and LivePlot."""

import io
import sys

import matplotlib

matplotlib.use("Agg")
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from matplotlib import animation  # noqa: E402
from PIL import Image  # noqa: E402

from ganlab import GAN, callbacks, latent, viz, widgets  # noqa: E402
from ganlab.noise import CODE_SCALE, seed_noise, with_category  # noqa: E402
from ganlab.training import METRIC_NAMES  # noqa: E402
from ganlab.data import toy_data  # noqa: E402
from ganlab.errors import InputError  # noqa: E402
from ganlab.models import toy_discriminator, toy_generator  # noqa: E402

LATENT_DIM = 8


@pytest.fixture(scope="module")
def image_generator():
    """A tiny untrained generator: noise (8,) -> a 6x6 grey image in [-1, 1]."""
    keras.utils.set_random_seed(0)
    noise = keras.Input((LATENT_DIM,))
    pixels = keras.layers.Dense(36, activation="tanh")(noise)
    return keras.Model(noise, keras.layers.Reshape((6, 6, 1))(pixels))


def angle(a, b):
    return np.arccos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))


# ------------------------------------------------------------------ ganlab.latent


def test_lerp_is_the_straight_line():
    path = latent.lerp([0.0, 0.0], [1.0, 2.0], n=5)
    assert path.shape == (5, 2) and path.dtype == np.float32
    np.testing.assert_allclose(path, [[0, 0], [0.25, 0.5], [0.5, 1.0], [0.75, 1.5], [1, 2]])


def test_slerp_stays_on_the_sphere_with_evenly_spaced_angles():
    z0, z1 = seed_noise(1, 64)[0], seed_noise(2, 64)[0]
    z1 = z1 * (np.linalg.norm(z0) / np.linalg.norm(z1))  # equal norms
    radius, omega = np.linalg.norm(z0), angle(z0, z1)
    path = latent.slerp(z0, z1, n=9)
    np.testing.assert_array_equal(path[0], z0)
    np.testing.assert_array_equal(path[-1], z1)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), radius, rtol=1e-5)
    steps = [angle(path[i], path[i + 1]) for i in range(8)]
    np.testing.assert_allclose(steps, omega / 8, rtol=1e-3)
    # lerp cuts through the sphere: its midpoint has norm radius * cos(omega / 2)
    middle = latent.lerp(z0, z1, n=3)[1]
    assert np.linalg.norm(middle) == pytest.approx(radius * np.cos(omega / 2), rel=1e-4)
    assert np.linalg.norm(middle) < 0.8 * radius  # two random 64-D vectors are ~90 degrees apart
    np.testing.assert_allclose(latent.slerp([1.0, 0.0], [0.0, 1.0], n=3)[1], [0.5**0.5, 0.5**0.5], rtol=1e-6)


def test_slerp_falls_back_to_lerp_where_the_arc_is_undefined():
    for z0, z1 in (([1.0, 2.0], [2.0, 4.0]), ([1.0, 2.0], [-1.0, -2.0]), ([0.0, 0.0], [3.0, 1.0])):
        np.testing.assert_allclose(latent.slerp(z0, z1, n=4), latent.lerp(z0, z1, n=4), atol=1e-6)


def test_latent_functions_reject_bad_input(image_generator):
    with pytest.raises(InputError, match="same length"):
        latent.lerp(np.zeros(3), np.zeros(4), n=3)
    with pytest.raises(InputError, match="1-D"):
        latent.slerp(np.zeros((2, 3)), np.zeros((2, 3)), n=3)
    with pytest.raises(InputError, match=">= 2"):
        latent.slerp(np.ones(3), np.ones(3), n=1)
    with pytest.raises(InputError, match="lerp, slerp"):
        latent.interpolate(image_generator, np.ones(LATENT_DIM), np.ones(LATENT_DIM), method="linear")
    with pytest.raises(InputError, match="GAN or a generator"):
        latent.interpolate(lambda z: z, np.ones(2), np.zeros(2))
    with pytest.raises(InputError, match="seed"):
        seed_noise(-1, 4)
    with pytest.raises(InputError, match="at right angles"):
        latent.latent_directions(4, 5)


def test_seed_noise_names_one_noise_vector_for_good():
    a = seed_noise(7, 5, n=3)
    assert a.shape == (3, 5) and a.dtype == np.float32
    np.testing.assert_array_equal(a, seed_noise(7, 5, n=3))
    np.testing.assert_array_equal(a, np.random.default_rng(7).standard_normal((3, 5)).astype("float32"))
    assert not np.allclose(a, seed_noise(8, 5, n=3))
    many = seed_noise(0, 100, n=2000)
    assert abs(many.mean()) < 0.01 and abs(many.std() - 1.0) < 0.01  # standard normal


def test_latent_directions_are_orthonormal_and_repeatable():
    d = latent.latent_directions(16, 5, seed=3)
    assert d.shape == (5, 16) and d.dtype == np.float32
    np.testing.assert_allclose(d @ d.T, np.eye(5), atol=1e-6)
    np.testing.assert_array_equal(d, latent.latent_directions(16, 5, seed=3))
    assert not np.allclose(d, latent.latent_directions(16, 5, seed=4))


def test_interpolate_runs_the_generator_along_the_path(image_generator):
    z0, z1 = seed_noise(1, LATENT_DIM)[0], seed_noise(2, LATENT_DIM)[0]
    frames = latent.interpolate(image_generator, z0, z1, n=5)
    assert frames.shape == (5, 6, 6, 1) and frames.dtype == np.float32
    expected = image_generator(latent.slerp(z0, z1, n=5)).numpy()
    np.testing.assert_allclose(frames, expected, atol=1e-6)
    straight = latent.interpolate(image_generator, z0, z1, n=5, method="lerp")
    np.testing.assert_allclose(straight[[0, -1]], frames[[0, -1]], atol=1e-6)  # same end points
    assert np.abs(straight[2] - frames[2]).max() > 1e-3  # different paths in between
    discriminator = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    gan = GAN(image_generator, discriminator)
    np.testing.assert_allclose(latent.interpolate(gan, z0, z1, n=5), frames, atol=1e-6)


# ------------------------------------------------------------------ latent explorer


def test_explorer_image_morphs_from_a_to_b_and_moves_along_a_direction(image_generator):
    directions = latent.latent_directions(LATENT_DIM, 3, seed=0)
    z_a, z_b = seed_noise(3, LATENT_DIM)[0], seed_noise(5, LATENT_DIM)[0]
    at_a = widgets.explorer_image(image_generator, 3, 5, 0.0, 1, 0.0, directions)
    assert at_a.shape == (3, 6, 6, 1)
    np.testing.assert_array_equal(at_a[1], at_a[0])  # morph 0: exactly seed A's sample
    np.testing.assert_allclose(at_a[0], image_generator(z_a[None]).numpy()[0], atol=1e-6)
    np.testing.assert_allclose(at_a[2], image_generator(z_b[None]).numpy()[0], atol=1e-6)
    at_b = widgets.explorer_image(image_generator, 3, 5, 1.0, 1, 0.0, directions)
    np.testing.assert_array_equal(at_b[1], at_b[2])  # morph 1: exactly seed B's sample
    halfway = widgets.explorer_image(image_generator, 3, 5, 0.5, 1, 0.0, directions)[1]
    np.testing.assert_allclose(halfway, latent.interpolate(image_generator, z_a, z_b, n=3)[1], atol=1e-6)
    moved = widgets.explorer_image(image_generator, 3, 5, 0.5, 1, 2.0, directions)[1]
    target = latent.slerp(z_a, z_b, n=3)[1] + 2.0 * directions[1]
    np.testing.assert_allclose(moved, image_generator(target[None]).numpy()[0], atol=1e-5)
    assert np.abs(moved - halfway).max() > 1e-3
    with pytest.raises(InputError, match="direction_index"):
        widgets.explorer_image(image_generator, 3, 5, 0.5, 3, 0.0, directions)


def test_latent_explorer_redraws_when_a_control_changes(image_generator):
    box = widgets.latent_explorer(image_generator, n_directions=3, seed=4)
    (seed_a, seed_b), morph, (direction, amount), code, image = (
        box.children[0].children, box.children[1], box.children[2].children, box.children[3], box.children[4])
    assert (seed_a.value, seed_b.value, morph.value, amount.value) == (4, 5, 0.0, 0.0)
    assert code.layout.display == "none" and code.options == (("as the morph", widgets.AS_THE_MORPH),)  # no code to set
    assert len(direction.options) == 3 and (amount.min, amount.max) == (-3.0, 3.0)
    first = image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    morph.value = 1.0
    after_morph = image.value
    assert after_morph != first
    amount.value = 2.5
    assert image.value not in (first, after_morph)
    amount.value, morph.value = 0.0, 0.0
    assert image.value == first  # back where it started: the same picture
    seed_b.value = 4  # A and B the same seed: still three panels
    assert Image.open(io.BytesIO(image.value)).size == Image.open(io.BytesIO(first)).size
    with pytest.raises(InputError, match="latent_dim"):
        widgets.latent_explorer(object())


# ------------------------------------------------------------------ a one-hot code in the noise

CATEGORIES = 3


@pytest.fixture(scope="module")
def coded_gan(image_generator):
    """A GAN whose noise (8,) is 5 Gaussian numbers and a one-hot code of 3 categories."""
    discriminator = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    return GAN(image_generator, discriminator, latent_categories=CATEGORIES)


def test_seed_noise_with_categories_keeps_the_gaussian_part_and_adds_a_code():
    noise = seed_noise(7, LATENT_DIM, n=300, categories=CATEGORIES)
    np.testing.assert_array_equal(noise[:, :5], seed_noise(7, 5, n=300))
    code = noise[:, 5:]
    assert np.all(np.sort(code, axis=1) == [0.0, 0.0, CODE_SCALE])
    assert set(code.argmax(axis=1)) == {0, 1, 2}
    np.testing.assert_array_equal(noise, seed_noise(7, LATENT_DIM, n=300, categories=CATEGORIES))
    with pytest.raises(InputError, match="from 0 to latent_dim - 1 = 7"):
        seed_noise(7, LATENT_DIM, categories=8)


def test_with_category_swaps_only_the_code_and_leaves_the_input_alone():
    noise = seed_noise(1, LATENT_DIM, n=4, categories=CATEGORIES)
    kept = noise.copy()
    moved = with_category(noise, 2, CATEGORIES)
    np.testing.assert_array_equal(noise, kept)
    np.testing.assert_array_equal(moved[:, :5], noise[:, :5])
    np.testing.assert_array_equal(moved[:, 5:], np.tile([0.0, 0.0, CODE_SCALE], (4, 1)))
    per_row = with_category(noise, [0, 1, 2, 0], CATEGORIES)
    assert per_row[:, 5:].argmax(axis=1).tolist() == [0, 1, 2, 0]
    with pytest.raises(InputError, match="from 0 to 2"):
        with_category(noise, 3, CATEGORIES)
    with pytest.raises(InputError, match="no code"):
        with_category(noise, 0, 0)


def test_slerp_follows_the_sphere_with_the_gaussian_part_and_moves_the_code_straight():
    z0, z1 = seed_noise(1, 64, categories=4)[0], seed_noise(2, 64, categories=4)[0]
    path = latent.slerp(z0, z1, n=5, categories=4)
    np.testing.assert_allclose(path[:, :60], latent.slerp(z0[:60], z1[:60], n=5), atol=1e-6)
    np.testing.assert_allclose(path[:, 60:], latent.lerp(z0[60:], z1[60:], n=5), atol=1e-6)
    np.testing.assert_array_equal(path[[0, -1]], [z0, z1])


def test_truncate_pulls_only_the_gaussian_part_towards_zero():
    noise = seed_noise(4, LATENT_DIM, n=50, categories=CATEGORIES)
    kept = noise.copy()
    half = latent.truncate(noise, 0.5, CATEGORIES)
    np.testing.assert_array_equal(noise, kept)  # the caller's noise is left alone
    np.testing.assert_allclose(half[:, :5], 0.5 * noise[:, :5])
    np.testing.assert_array_equal(half[:, 5:], noise[:, 5:])
    np.testing.assert_array_equal(latent.truncate(noise, 1.0, CATEGORIES), noise)
    for psi in (0.0, 1.5, -0.5):
        with pytest.raises(InputError, match=r"psi must be in \(0, 1\]"):
            latent.truncate(noise, psi, CATEGORIES)


def test_directions_leave_the_code_alone():
    d = latent.latent_directions(LATENT_DIM, 5, seed=1, categories=CATEGORIES)
    assert d.shape == (5, LATENT_DIM) and not d[:, 5:].any()
    np.testing.assert_allclose(d @ d.T, np.eye(5), atol=1e-6)
    with pytest.raises(InputError, match="At most 5 directions"):
        latent.latent_directions(LATENT_DIM, 6, categories=CATEGORIES)


def test_interpolate_reads_the_code_length_from_the_gan(coded_gan, image_generator):
    z0, z1 = coded_gan.fixed_noise(2, seed=4)
    expected = image_generator(latent.slerp(z0, z1, n=5, categories=CATEGORIES)).numpy()
    np.testing.assert_allclose(latent.interpolate(coded_gan, z0, z1, n=5), expected, atol=1e-6)
    plain = latent.interpolate(image_generator, z0, z1, n=5)  # a bare generator cannot tell: no code
    assert np.abs(plain[2] - expected[2]).max() > 1e-4


def test_explorer_sets_the_current_code_and_keeps_its_gaussian_part(coded_gan, image_generator):
    directions = latent.latent_directions(LATENT_DIM, 2, categories=CATEGORIES)
    z_a = seed_noise(3, LATENT_DIM, categories=CATEGORIES)[0]
    a, current, _ = widgets.explorer_image(coded_gan, 3, 5, 0.0, 0, 0.0, directions, category=1)
    np.testing.assert_allclose(a, image_generator(z_a[None]).numpy()[0], atol=1e-6)  # seed A keeps its own code
    recoded = with_category(z_a, 1, CATEGORIES)
    np.testing.assert_allclose(current, image_generator(recoded[None]).numpy()[0], atol=1e-6)
    box = widgets.latent_explorer(coded_gan, n_directions=2)
    code, image = box.children[3], box.children[4]
    assert code.layout.display == "" and [v for _, v in code.options] == [widgets.AS_THE_MORPH, 0, 1, 2]
    first = image.value
    code.value = (z_a[5:].argmax() + 1) % CATEGORIES  # another category than seed A's
    assert image.value != first
    code.value = widgets.AS_THE_MORPH
    assert image.value == first


# ------------------------------------------------------------------ animate_grids


def changing_grids(n=4):
    """n grids of 4 images (5x5 grey) that get brighter from one epoch to the next."""
    return [np.full((4, 5, 5, 1), -1.0 + 2.0 * i / (n - 1), dtype="float32") for i in range(n)]


def test_animate_grids_writes_a_gif_with_one_frame_per_grid(tmp_path):
    path = tmp_path / "out" / "evolution.gif"
    path.parent.mkdir()
    path.write_bytes(b"an older file")  # replaced, as asked
    shown = viz.animate_grids(changing_grids(5), epochs=[0, 2, 4, 6, 8], path=path, fps=5)
    with Image.open(path) as gif:
        assert gif.n_frames == 5
        assert gif.info["duration"] == 200  # 5 fps
    assert "<script" in shown.data and shown.data.count("data:image/png;base64") == 5
    assert sorted(p.name for p in path.parent.iterdir()) == ["evolution.gif"]  # no partial file left


def test_animate_grids_titles_show_the_epochs(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython.display", None)  # no IPython: the animation itself
    anim = viz.animate_grids(changing_grids(3), epochs=[1, 5, 10], path=tmp_path / "player.html")
    assert isinstance(anim, animation.FuncAnimation)
    assert (tmp_path / "player.html").read_text().count("data:image/png;base64") == 3

    class TitleRecorder(animation.AbstractMovieWriter):
        titles = []

        def setup(self, fig, outfile, dpi=None):
            super().setup(fig, outfile, dpi)

        def grab_frame(self, **savefig_kwargs):
            self.titles.append(self.fig.axes[0].get_title())

        def finish(self):
            pass

    anim.save(tmp_path / "unused", writer=TitleRecorder(fps=1))
    assert TitleRecorder.titles == ["epoch 1", "epoch 5", "epoch 10"]


def test_animate_grids_rejects_bad_input(tmp_path):
    with pytest.raises(InputError, match="SampleGrid"):
        viz.animate_grids([])
    with pytest.raises(InputError, match="one epoch per grid"):
        viz.animate_grids(changing_grids(3), epochs=[0, 1])
    with pytest.raises(InputError, match=".gif or .html"):
        viz.animate_grids(changing_grids(3), path=tmp_path / "a.mp4")
    with pytest.raises(InputError, match="fps"):
        viz.animate_grids(changing_grids(3), fps=0)
    with pytest.raises(InputError, match="same number and size"):
        viz.animate_grids([np.zeros((4, 5, 5, 1), "float32"), np.zeros((9, 5, 5, 1), "float32")])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "live.png"
    path.write_bytes(b"complete old picture")

    def crash_halfway(partial):
        partial.write_bytes(b"half a pic")
        raise OSError("disk full")

    from ganlab._files import write_atomically, write_text_atomically

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, crash_halfway)
    assert path.read_bytes() == b"complete old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["live.png"]
    write_text_atomically(tmp_path / "latest", "ckpt-000003")
    assert (tmp_path / "latest").read_text() == "ckpt-000003"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "live.png"]


# ------------------------------------------------------------------ LivePlot


def toy_fit(callbacks, epochs=3):
    keras.utils.set_random_seed(0)
    gan = GAN(toy_generator(), toy_discriminator(), seed=0)
    gan.compile()
    data = tf.data.Dataset.from_tensor_slices(toy_data(256)).batch(64).repeat()
    return gan.fit(data, epochs=epochs, steps_per_epoch=2, verbose=0, callbacks=callbacks)


def test_live_plot_saves_the_figure_and_keeps_the_history(tmp_path, monkeypatch):
    monkeypatch.setattr(callbacks, "_in_notebook", lambda: False)
    live = callbacks.LivePlot(path=tmp_path / "live.png")
    history = toy_fit([live])
    assert (tmp_path / "live.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert live.updates == 3
    for name in METRIC_NAMES:
        assert len(live.history[name]) == 3
        np.testing.assert_allclose(live.history[name], history.history[name], rtol=1e-6)
    quiet = callbacks.LivePlot()  # no notebook, no path: keeps the numbers, draws nothing
    toy_fit([quiet], epochs=2)
    assert quiet.updates == 0 and len(quiet.history["d_loss"]) == 2


def test_live_plot_updates_one_notebook_output_in_place(monkeypatch):
    import IPython.display

    calls = []

    class Handle:
        def update(self, fig):
            calls.append(("update", [ax.get_title() for ax in fig.axes]))

    def fake_display(fig, display_id=False):
        calls.append(("display", display_id))
        return Handle()

    monkeypatch.setattr(callbacks, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    samples = callbacks.SampleGrid(n=64)
    toy_fit([samples, callbacks.LivePlot(every=2, samples=samples)])
    # epoch 2 shows the output, the end of training (epoch 3) updates it: no second figure
    assert calls == [("display", True),
                     ("update", ["losses", "discriminator outputs", "samples, epoch 3"])]
