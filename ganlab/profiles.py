"""Run profiles: every notebook's sizes, in one table.

- ``quick``: CI and ``make test``; each notebook in at most 3 minutes on 2 CPU cores,
  still training for real (samples visibly move away from noise).
- ``cpu``: laptops and Binder (1 CPU, 2 GB RAM); training cells take minutes.
- ``gpu``: Colab and GPU machines; full-quality runs.

The profile is ``$GANLAB_PROFILE`` when set, else ``gpu`` when TensorFlow sees a
GPU, else ``cpu``. A notebook's parameters cell reads its sizes with
:func:`params`.

>>> params("dense_mnist", profile="quick").steps  # doctest: +SKIP
1500
"""

from __future__ import annotations

import math
import os
from types import SimpleNamespace

from . import device
from .errors import InputError

PROFILE_NAMES = ("quick", "cpu", "gpu")

# Sizes per notebook (or benchmark), per profile. Measured times are in README.md.
PROFILES: dict[str, dict[str, dict]] = {
    "toy": {
        # snapshot_every is small because G reaches the data within ~200 steps; n_samples is
        # how many generated points each snapshot keeps; the minimax-vs-non-saturating race
        # (after D trains alone for head_start_steps) runs compare_steps, a row every compare_every.
        "quick": dict(steps=1500, batch_size=128, snapshot_every=50, n_data=20_000, n_samples=5_000,
                      head_start_steps=300, compare_steps=600, compare_every=100),
        "cpu": dict(steps=4000, batch_size=128, snapshot_every=50, n_data=50_000, n_samples=10_000,
                    head_start_steps=300, compare_steps=1000, compare_every=100),
        "gpu": dict(steps=8000, batch_size=256, snapshot_every=100, n_data=100_000, n_samples=20_000,
                    head_start_steps=300, compare_steps=1000, compare_every=100),
    },
    "dense_mnist": {
        # Each choice was measured (docs/benchmarks.md, "Dense MNIST GAN"):
        # steps, not epochs, so a run takes the same time with 10,000 digits (CI) or 70,000.
        # learning_rate: Adam(lr, beta_1=0.5) for both networks; 8e-4 beat 4e-4 after 3 minutes
        # on 2 CPU cores and per image seen up to 819,200 images, so the gpu profile's longer run
        # uses it too ("The gpu profile, checked on a CPU"). latent_categories: a 10-category one-hot code after
        # the 100 Gaussian numbers (ganlab.noise). ema_decay 0.999 beat 0.995 in the cpu profile.
        # reuse_fakes stays off: for this GAN one generator pass per step learned less.
        "quick": dict(n_images=8_000, steps=1_500, batch_size=64, learning_rate=8e-4, tape_steps=150,
                      ema_decay=0.99, classifier_epochs=3, latent_categories=10,
                      reuse_fakes=False),
        "cpu": dict(n_images=None, steps=8_000, batch_size=64, learning_rate=8e-4, tape_steps=400,
                    ema_decay=0.999, classifier_epochs=5, latent_categories=10,
                    reuse_fakes=False),
        "gpu": dict(n_images=None, steps=30_000, batch_size=64, learning_rate=8e-4, tape_steps=1000,
                    ema_decay=0.999, classifier_epochs=5, latent_categories=10,
                    reuse_fakes=False),
    },
    "dcgan": {
        # Each choice was measured (docs/benchmarks.md, "DCGAN"): width: channels of the
        # generator's last hidden block (dcgan_generator). Steps, not epochs, as for the dense
        # GAN; fashion_steps is the Fashion-MNIST run of notebook 04. n_images: 30,000 keeps
        # notebook 04 under 1.5 GB on Binder with the full datasets. learning_rate: 5e-4 learned
        # faster per step than the paper's 2e-4 on 2 CPU cores and plateaued at the same level.
        # latent_categories: a one-hot code of 10 categories after the 100 Gaussian numbers, and
        # reuse_fakes (one generator pass per step) each raised the recognised share after
        # 3 minutes; so did the discriminator's hidden Dense(256) (dcgan_discriminator's default),
        # which costs some steps per second: the cpu profile trains 4,500 steps (3 minutes).
        # gpu: the same per-step recipe at width 64, which learned more per image seen than the
        # cpu profile; batch 256 with the paper's Adam 2e-4 learned far less ("The gpu profile,
        # checked on a CPU"). 24,000 steps of 64 images: about 25 epochs of the 60,000.
        "quick": dict(n_images=8_000, steps=1_000, fashion_steps=300, batch_size=64, width=32,
                      learning_rate=5e-4, ema_decay=0.99, classifier_epochs=3, latent_categories=10,
                      reuse_fakes=True),
        "cpu": dict(n_images=30_000, steps=4_500, fashion_steps=1_500, batch_size=64, width=32,
                    learning_rate=5e-4, ema_decay=0.995, classifier_epochs=5, latent_categories=10,
                    reuse_fakes=True),
        "gpu": dict(n_images=None, steps=24_000, fashion_steps=24_000, batch_size=64, width=64,
                    learning_rate=5e-4, ema_decay=0.995, classifier_epochs=5, latent_categories=10,
                    reuse_fakes=True),
    },
    "cgan": {
        # notebooks/08 and `python -m ganlab train cgan`: the DCGAN recipe above with the label as a
        # second input (ganlab.models.conditional). mechanism: how D reads the label, "projection" or
        # "concat". No one-hot code in the noise (latent_categories 0): the label does that job.
        # Measured in docs/benchmarks.md, "Conditional GANs".
        "quick": dict(kind="dcgan", mechanism="projection", n_images=8_000, steps=600, batch_size=64, width=32,
                      learning_rate=5e-4, ema_decay=0.99, latent_categories=0, reuse_fakes=True, classes=10),
        "cpu": dict(kind="dcgan", mechanism="projection", n_images=30_000, steps=4_500, batch_size=64, width=32,
                    learning_rate=5e-4, ema_decay=0.995, latent_categories=0, reuse_fakes=True, classes=10),
        "gpu": dict(kind="dcgan", mechanism="projection", n_images=None, steps=24_000, batch_size=64, width=64,
                    learning_rate=5e-4, ema_decay=0.995, latent_categories=0, reuse_fakes=True, classes=10),
    },
    "conditional": {
        # notebooks/08, sections 1-4: three GANs (a DCGAN with a one-hot code, the "cgan" recipe above
        # with each discriminator) train `steps` steps each on its n_images. n: samples per score;
        # per_class: samples per class in the per-class scores (FD needs more than its 128 features);
        # feature_epochs: the Fashion-MNIST feature network's training (None: its recipe's 5 epochs,
        # about 2 minutes; 1 epoch in quick keeps CI inside its time).
        "quick": dict(steps=300, n=500, per_class=150, feature_epochs=1),
        "cpu": dict(steps=3_000, n=1000, per_class=200, feature_epochs=None),
        "gpu": dict(steps=24_000, n=2000, per_class=500, feature_epochs=None),
    },
    "augmentation": {
        # notebooks/08 and benchmarks/augmentation_table.py (ganlab.augmentation). budgets: labelled images per
        # class; seeds: each budget's mean ± std; ratios: generated images per real one in "real + GAN"
        # (the largest also sizes "GAN only" and "more real"); gan_steps, gan_width: the cGAN ("cgan" table
        # above, narrower) trained on the labelled subset only; classifier_steps of batch_size images
        # (the same for every setting); max_shift: pixels of the classic shifts. Timings: docs/benchmarks.md.
        # quick: one ratio and few steps, for notebook 08's under-a-minute run; cpu: the issue's full table within
        # 20 minutes on 2 CPU cores. Both timed on one pinned core in docs/benchmarks.md, "GAN data augmentation".
        "quick": dict(budgets=(10, 50), seeds=(0,), ratios=(2,), gan_steps=200, gan_width=16,
                      classifier_steps=120, batch_size=64, max_shift=2),
        "cpu": dict(budgets=(10, 50, 200), seeds=(0, 1, 2), ratios=(1, 4), gan_steps=1_200, gan_width=16,
                    classifier_steps=500, batch_size=64, max_shift=2),
        "gpu": dict(budgets=(10, 50, 200, 500), seeds=(0, 1, 2, 3, 4), ratios=(1, 4, 10), gan_steps=5_000,
                    gan_width=32, classifier_steps=2_000, batch_size=64, max_shift=2),
    },
    "diffaugment": {
        # notebooks/08 and benchmarks/diffaugment_table.py (ganlab.experiments.diffaugment_runs): the profile's
        # DCGAN trained on the first n_images training images for `steps` steps, three times (no augmentation,
        # real images only, DiffAugment); policy: the augmentations (ganlab.augment); n: samples (and real
        # images) for FD and the cutout share. quick (about 40 s for all three on one core) only checks that it
        # runs: after 100 steps the samples are still grey blobs, which the cutout share counts as squares.
        # cpu: a few minutes in all. Measured in docs/benchmarks.md, "DiffAugment on 500 images".
        "quick": dict(n_images=500, steps=100, policy="translation,cutout", n=300),
        "cpu": dict(n_images=500, steps=1_000, policy="translation,cutout", n=1000),
        "gpu": dict(n_images=500, steps=10_000, policy="translation,cutout", n=2000),
    },
    "pix2pix_edges2fashion": {
        # notebooks/09 and `python -m ganlab train pix2pix --dataset edges2fashion`: Canny edges -> Fashion-MNIST
        # shoes and bags at 32 px (ganlab.paired). base_filters: the U-Net's first level (ganlab.models.
        # unet_generator; 16 keeps it at 1.0 M weights); n_layers=2: a 34 x 34 px PatchGAN, whose corner logits
        # see about half of the 32 px image (n_layers=3: every logit sees all of it); l1_weight: pix2pix's lambda;
        # compare_steps: each run of the notebook's lambda experiment (lambda = 0, 100, L1 only); n_test: held-out
        # pairs scored. xla: None lets build_translation turn XLA on for the CLI's and the benchmarks' single runs,
        # even on a CPU; False in quick, whose runs are too short to win back the compile (37 s). The notebooks leave XLA to the device (off on a
        # CPU: each compiled model keeps its memory, docs/benchmarks.md "XLA and memory").
        "quick": dict(dataset="edges2fashion", image_size=32, channels=1, steps=250, compare_steps=100,
                      batch_size=32, base_filters=16, n_layers=2, learning_rate=2e-4, l1_weight=100.0, n_test=500,
                      xla=False),
        "cpu": dict(dataset="edges2fashion", image_size=32, channels=1, steps=2_000, compare_steps=1_000,
                    batch_size=32, base_filters=16, n_layers=2, learning_rate=2e-4, l1_weight=100.0, n_test=4000,
                    xla=None),
        "gpu": dict(dataset="edges2fashion", image_size=32, channels=1, steps=20_000, compare_steps=4_000,
                    batch_size=32, base_filters=32, n_layers=2, learning_rate=2e-4, l1_weight=100.0, n_test=4000,
                    xla=None),
    },
    "pix2pix_emoji": {
        # `train pix2pix --dataset emoji` (notebook 10 takes its steps and batch from cyclegan_emoji): Twemoji ->
        # Noto at 64 px colour. cpu: 1,500 steps, within the 15 minutes of training on 2 CPU cores that the course
        # allows (timings and scores: docs/benchmarks.md, "Translation quality").
        "quick": dict(dataset="emoji", image_size=64, channels=3, steps=150, compare_steps=0, batch_size=16,
                      base_filters=16, n_layers=2, learning_rate=2e-4, l1_weight=100.0, n_test=356, xla=None),
        "cpu": dict(dataset="emoji", image_size=64, channels=3, steps=1_500, compare_steps=0, batch_size=16,
                    base_filters=32, n_layers=2, learning_rate=2e-4, l1_weight=100.0, n_test=356, xla=None),
        "gpu": dict(dataset="emoji", image_size=64, channels=3, steps=20_000, compare_steps=0, batch_size=16,
                    base_filters=64, n_layers=2, learning_rate=2e-4, l1_weight=100.0, n_test=356, xla=None),
    },
    "pix2pix_facades": {
        # `train pix2pix --dataset facades` (ganlab.facades): label maps -> photos of building fronts, 400 training
        # pairs. gpu: the paper's recipe, 256 px, batch 1, base_filters 64, the 70 x 70 PatchGAN (n_layers 3) and
        # 200 epochs (80,000 steps); ganlab's U-Net has no norm at its 1 x 1 bottleneck, so batch 1 leaves it alive
        # (ganlab.models.unet_generator). cpu and quick: smaller images (fewer U-Net levels) and a narrower U-Net,
        # sized for minutes on 2 CPU cores; n_layers 2 (34 x 34 px patches) at 64 px. n_test: the 106 test pairs.
        # Not yet measured in docs/benchmarks.md.
        "quick": dict(dataset="facades", image_size=64, channels=3, steps=100, compare_steps=0, batch_size=4,
                      base_filters=16, n_layers=2, learning_rate=2e-4, l1_weight=100.0, n_test=32, xla=False),
        "cpu": dict(dataset="facades", image_size=128, channels=3, steps=1_500, compare_steps=0, batch_size=4,
                    base_filters=16, n_layers=3, learning_rate=2e-4, l1_weight=100.0, n_test=106, xla=None),
        "gpu": dict(dataset="facades", image_size=256, channels=3, steps=80_000, compare_steps=0, batch_size=1,
                    base_filters=64, n_layers=3, learning_rate=2e-4, l1_weight=100.0, n_test=106, xla=None),
    },
    "cyclegan_emoji": {
        # notebooks/10 and `python -m ganlab train cyclegan`: the emoji pairs with the pairing hidden during
        # training (ganlab.paired.unpaired_dataset), scored on the hidden test pairs. Two U-Nets with instance
        # norm and no dropout, two single-image PatchGANs; cycle_weight: lambda (CycleGAN: 10).
        # no_cycle_steps: notebook 10's run without the cycle loss; xla: False where a run is too short to win
        # back XLA's compile (most of a minute per model on 2 CPU cores; None: build_translation's choice), for the CLI;
        # notebook 10 leaves XLA to the device (docs/benchmarks.md, "XLA and memory").
        "quick": dict(dataset="emoji", image_size=64, channels=3, steps=100, batch_size=4, base_filters=16,
                      n_layers=2, learning_rate=2e-4, cycle_weight=10.0, n_test=356, no_cycle_steps=50, xla=False),
        "cpu": dict(dataset="emoji", image_size=64, channels=3, steps=2_000, batch_size=8, base_filters=16,
                    n_layers=2, learning_rate=2e-4, cycle_weight=10.0, n_test=356, no_cycle_steps=500, xla=None),
        "gpu": dict(dataset="emoji", image_size=64, channels=3, steps=20_000, batch_size=8, base_filters=64,
                    n_layers=2, learning_rate=2e-4, cycle_weight=10.0, n_test=356, no_cycle_steps=2_000, xla=None),
    },
    "evaluation": {
        # seconds: training time of each short run (dense and DCGAN, per dataset and seed) that
        # notebook 06 judges; n: samples per score; fd_sizes: the sample sizes of the FD-bias curve
        # (cut to the reference images there are); psis: the truncation sweep.
        "quick": dict(seconds=25, seeds=(0,), datasets=("mnist",), n=1000, fd_sizes=(200, 500, 1000, 2000),
                      psis=(1.0, 0.7, 0.4, 0.1)),
        "cpu": dict(seconds=60, seeds=(0, 1), datasets=("mnist", "fashion_mnist"), n=1000,
                    fd_sizes=(200, 500, 1000, 2000, 5000), psis=(1.0, 0.85, 0.7, 0.55, 0.4, 0.25, 0.1)),
        "gpu": dict(seconds=180, seeds=(0, 1, 2), datasets=("mnist", "fashion_mnist"), n=2000,
                    fd_sizes=(200, 500, 1000, 2000, 5000, 10_000), psis=(1.0, 0.85, 0.7, 0.55, 0.4, 0.25, 0.1)),
    },
    "stability": {
        # notebooks/07: every ring run trains `steps` generator steps (advice rows: advice_steps) and is
        # scored every `every` steps; seeds: the advice table's mean ± spread; wgan_d_steps: critic
        # updates per generator update; watch_*: the live run; mnist_*: the dense GAN with and without R1.
        "quick": dict(steps=600, every=200, seeds=(0,), advice_steps=300, wgan_d_steps=5, watch_steps=1_000,
                      mnist_images=2_000, mnist_steps=100),
        "cpu": dict(steps=4_000, every=500, seeds=(0, 1), advice_steps=1_500, wgan_d_steps=5, watch_steps=3_000,
                    mnist_images=20_000, mnist_steps=1_500),
        "gpu": dict(steps=10_000, every=1_000, seeds=(0, 1, 2, 3, 4), advice_steps=10_000, wgan_d_steps=5,
                    watch_steps=5_000, mnist_images=None, mnist_steps=5_000),
    },
}


def active_profile() -> str:
    """The profile in force: $GANLAB_PROFILE, else 'gpu' if a GPU is visible, else 'cpu'."""
    chosen = os.environ.get("GANLAB_PROFILE", "").strip().lower()
    if chosen:
        if chosen not in PROFILE_NAMES:
            raise InputError(
                f"GANLAB_PROFILE={chosen!r} is not a profile; use one of {', '.join(PROFILE_NAMES)}."
            )
        return chosen
    return "gpu" if device.gpu_names() else "cpu"


def params(notebook: str, profile: str | None = None, **overrides) -> SimpleNamespace:
    """The sizes for ``notebook`` under ``profile`` (default: the active one).

    Keyword arguments override single values, e.g. ``params("toy", steps=100)``.
    The result also carries ``profile``.
    """
    if notebook not in PROFILES:
        raise InputError(f"No parameters for {notebook!r}; known: {', '.join(PROFILES)}.")
    profile = profile or active_profile()
    if profile not in PROFILE_NAMES:
        raise InputError(f"Unknown profile {profile!r}; use one of {', '.join(PROFILE_NAMES)}.")
    values = dict(PROFILES[notebook][profile])
    unknown = set(overrides) - set(values)
    if unknown:
        raise InputError(f"{notebook} has no parameter(s) {sorted(unknown)}; it has {sorted(values)}.")
    values.update(overrides)
    return SimpleNamespace(profile=profile, **values)


def epochs_for(steps: int, n_images: int, batch_size: int) -> int:
    """How many epochs over ``n_images`` make about ``steps`` training steps (at least 1)."""
    steps_per_epoch = math.ceil(n_images / batch_size)
    return max(1, round(steps / steps_per_epoch))
