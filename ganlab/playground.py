"""A playground in the spirit of GAN Lab (Kahng et al., 2018): a GAN on the ring, drawn while it trains.

Introduced in notebooks/07_losses_and_stability.ipynb. Each frame shows the real points (grey),
the generated ones (orange), the discriminator's decision surface (its output on a grid: for the
cross-entropy losses the probability of "real") and the generator's gradient field: at each
generated point, −∇ₓ of the generator's loss, the direction in which the discriminator pushes it.

- :func:`draw_ring_state` draws one frame;
- :func:`watch` trains one configuration and redraws every few steps (no interaction needed);
- :func:`playground` adds widgets to choose the loss, the two learning rates, discriminator steps
  per generator step and the network sizes, and a button that starts :func:`watch`.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from .errors import InputError
from .ring import RingConfig, RingGAN, build_ring_gan, train_ring

LIMIT = 3.0  # the frames show [-LIMIT, LIMIT]²; the ring has radius 2
# The playground's loss menu: a name -> the RingConfig changes it makes.
LOSS_CHOICES = {
    "non-saturating": dict(loss="non_saturating"),
    "minimax": dict(loss="minimax"),
    "hinge": dict(loss="hinge"),
    "least squares": dict(loss="least_squares"),
    "WGAN-GP": dict(loss="wasserstein", penalty="wgan_gp"),
    "non-saturating + R1": dict(loss="non_saturating", penalty="r1", penalty_weight=1.0),
    "hinge + spectral norm": dict(loss="hinge", spectral_norm=True),
}


def decision_surface(gan: RingGAN, grid) -> np.ndarray:
    """D's output at each point of ``grid`` (N, 2): a probability for logit losses, else the raw score."""
    out = gan.discriminator(ops.convert_to_tensor(grid, "float32"), training=False)
    out = ops.sigmoid(out) if gan.gan_loss.outputs_are_logits else out
    return np.asarray(ops.convert_to_numpy(out)).reshape(-1)


def generator_field(gan: RingGAN, points) -> np.ndarray:
    """−∇ₓ of the generator's loss at each point (N, 2): where D pushes a generated sample there."""
    x = tf.convert_to_tensor(np.asarray(points, "float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = gan.gan_loss.generator(gan.discriminator(x, training=False)) * len(points)  # a sum, not a mean
    return -tape.gradient(loss, x).numpy()


def draw_ring_state(gan: RingGAN, real: np.ndarray, ax=None, n: int = 1000, arrows: int = 150,
                    title: str | None = None):
    """One frame: D's surface, real and generated points, and G's gradient field. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.2))
    axis = np.linspace(-LIMIT, LIMIT, 61)
    xx, yy = np.meshgrid(axis, axis)
    surface = decision_surface(gan, np.stack([xx.ravel(), yy.ravel()], 1)).reshape(xx.shape)
    levels = np.linspace(0, 1, 11) if gan.gan_loss.outputs_are_logits else 12
    ax.contourf(xx, yy, surface, levels=levels, cmap="RdBu_r", alpha=0.45)
    fake = gan.generate(n)
    ax.scatter(real[:n, 0], real[:n, 1], s=3, c="0.35", label="real")
    ax.scatter(fake[:, 0], fake[:, 1], s=3, c="tab:orange", label="generated")
    shown = fake[:arrows]
    field = generator_field(gan, shown)
    length = np.linalg.norm(field, axis=1, keepdims=True)
    field = field / (length.max() + 1e-12)  # the longest arrow is 0.5 wide: directions and relative sizes
    ax.quiver(shown[:, 0], shown[:, 1], field[:, 0], field[:, 1], angles="xy", scale_units="xy", scale=2,
              color="tab:purple", width=0.004)
    ax.set(xlim=(-LIMIT, LIMIT), ylim=(-LIMIT, LIMIT), aspect="equal", xticks=[], yticks=[])
    ax.set_title(title or "", fontsize=9)
    return ax


class LiveRing(keras.callbacks.Callback):
    """Redraws :func:`draw_ring_state` after every epoch (``every`` steps) into one display or Output."""

    def __init__(self, real: np.ndarray, every: int, output=None, label: str = ""):
        super().__init__()
        self.real, self.every, self.output, self.label = real, every, output, label
        self.handle = None
        self.frames = 0

    def on_epoch_end(self, epoch, logs=None):
        import matplotlib.pyplot as plt
        from IPython.display import display

        from .metrics.toy import ring_scores

        step = (epoch + 1) * self.every
        scores = ring_scores(self.model.generate(2000))
        fig, ax = plt.subplots(figsize=(4.6, 4.2))
        draw_ring_state(self.model, self.real, ax=ax, title=f"{self.label}step {step}: {scores}")
        if self.output is not None:
            with self.output:
                self.output.clear_output(wait=True)
                display(fig)
        elif self.handle is None:
            self.handle = display(fig, display_id=True)
        else:
            self.handle.update(fig)
        plt.close(fig)
        self.frames += 1


def watch(config: RingConfig, real: np.ndarray, steps: int = 2000, every: int = 250, seed: int = 0,
          output=None, label: str = ""):
    """Train ``config`` on the ring and redraw the frame every ``every`` steps; returns the RingRun."""
    if steps < every or every < 1:
        raise InputError(f"steps ({steps}) must be at least every ({every}) and every >= 1.")
    gan = build_ring_gan(config, seed, steps_per_execution=min(every, 50))
    return train_ring(config, steps, seed, every, gan=gan, callbacks=[LiveRing(real, every, output, label)])


def playground(real: np.ndarray, steps: int = 3000, every: int = 250, base: RingConfig | None = None):
    """Widgets for the loss, the two learning rates, D steps per G step and the network sizes;
    "Train" runs :func:`watch` with them, drawing into the widget. Returns the widget."""
    import ipywidgets as w

    base = base or RingConfig()
    loss = w.Dropdown(options=list(LOSS_CHOICES), value="non-saturating", description="loss")
    d_lr = w.FloatLogSlider(value=base.d_lr, base=10, min=-5, max=-1.5, step=0.25, description="D lr")
    g_lr = w.FloatLogSlider(value=base.g_lr, base=10, min=-5, max=-1.5, step=0.25, description="G lr")
    d_steps = w.IntSlider(value=base.d_steps, min=1, max=5, description="D steps")
    g_width = w.IntSlider(value=base.g_units[0], min=8, max=256, step=8, description="G width")
    d_width = w.IntSlider(value=base.d_units[0], min=8, max=256, step=8, description="D width")
    depth = w.IntSlider(value=len(base.d_units), min=1, max=4, description="layers")
    button, output = w.Button(description="Train", button_style="primary"), w.Output()

    def train(_button=None):
        config = base.but(d_lr=d_lr.value, g_lr=g_lr.value, d_steps=d_steps.value,
                          g_units=(g_width.value,) * depth.value, d_units=(d_width.value,) * depth.value,
                          **LOSS_CHOICES[loss.value])
        button.disabled = True
        try:
            watch(config, real, steps, every, output=output, label=f"{loss.value}, ")
        finally:
            button.disabled = False

    button.on_click(train)
    knobs = w.VBox([loss, d_lr, g_lr, d_steps, g_width, d_width, depth, button])
    return w.HBox([knobs, output])
