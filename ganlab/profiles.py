"""Run profiles: every notebook's sizes, in one table.

- ``quick``: CI and ``make test``; each notebook in at most 3 minutes on 2 CPU cores,
  still training for real (samples visibly move away from noise).
- ``cpu``: laptops and Binder (1 CPU, 2 GB RAM); training cells take minutes.
- ``gpu``: Colab and GPU machines; full-quality runs.

The profile is ``$GANLAB_PROFILE`` when set, else ``gpu`` when TensorFlow sees a
GPU, else ``cpu``. A notebook's parameters cell reads its sizes with
:func:`params`.

>>> params("dense_mnist", profile="quick").epochs  # doctest: +SKIP
3
"""

from __future__ import annotations

import os
from types import SimpleNamespace

from .errors import InputError

PROFILE_NAMES = ("quick", "cpu", "gpu")

# Sizes per notebook (or benchmark), per profile. Measured times are in README.md.
PROFILES: dict[str, dict[str, dict]] = {
    "toy": {
        "quick": dict(steps=1500, batch_size=128, snapshot_every=150, n_data=20_000),
        "cpu": dict(steps=4000, batch_size=128, snapshot_every=250, n_data=50_000),
        "gpu": dict(steps=8000, batch_size=256, snapshot_every=500, n_data=100_000),
    },
    "dense_mnist": {
        "quick": dict(n_images=6_000, epochs=4, batch_size=64, tape_steps=150, ema_decay=0.99,
                      classifier_epochs=3),
        "cpu": dict(n_images=None, epochs=12, batch_size=64, tape_steps=400, ema_decay=0.999,
                    classifier_epochs=8),
        "gpu": dict(n_images=None, epochs=50, batch_size=128, tape_steps=1000, ema_decay=0.999,
                    classifier_epochs=8),
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
    from .device import gpu_names

    return "gpu" if gpu_names() else "cpu"


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
