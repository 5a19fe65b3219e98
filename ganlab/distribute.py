"""Training on several devices: one ``tf.distribute`` strategy, chosen in one place.

Introduced in notebook 05 (training engineering). Data parallelism: every device
(a replica) holds a copy of the generator and the discriminator; each step splits the
global batch between the replicas, each computes the gradients of its share, and the
optimizer adds them up (an all-reduce) before the same update is applied to every copy.
So each replica divides its mean loss by the number of replicas (``ganlab.GAN`` does),
batch norm computes its statistics over the whole batch (``ganlab.models`` builds it
synchronized under a strategy with several replicas), and each replica draws different
noise (``replica_share``): then one step on N devices gives the weights of one step on
one device with the same batch.

The same code runs on several machines: start the script on each with the cluster in
the ``TF_CONFIG`` environment variable and use ``tf.distribute.MultiWorkerMirroredStrategy()``
instead of ``choose_strategy()``.

>>> describe_strategy(choose_strategy("one"))                           # doctest: +ELLIPSIS
'one device (...)'
>>> strategy = choose_strategy("mirrored")                              # doctest: +SKIP
>>> gan = ganlab.build_gan("dcgan", strategy=strategy)  # a copy on every device  # doctest: +SKIP
>>> gan.fit(dataset, epochs=5)  # batches are split between the devices  # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Callable

import tensorflow as tf

from .device import gpu_names
from .errors import InputError

STRATEGY_NAMES = ("auto", "mirrored", "one")

# One MirroredStrategy per set of devices for the whole process: a second one over the same
# devices reuses the first one's all-reduce keys, and the next fit stops with "Shape mismatch
# in the collective instance" (TensorFlow 2.21), e.g. when a notebook cell is run twice.
_MIRRORED: dict[tuple[str, ...], tf.distribute.MirroredStrategy] = {}


def choose_strategy(name: str | None = None) -> tf.distribute.Strategy:
    """The strategy to build and train a GAN in: several devices or one.

    Parameters
    ----------
    name : "auto" (MirroredStrategy when more than one GPU is visible, else one device),
        "mirrored" (MirroredStrategy over all GPUs, or over all logical CPUs on a machine
        without GPU; fails with fewer than two devices) or "one" (the default strategy).
        Default: ``$GANLAB_STRATEGY``, or "auto" when it is unset.

    Returns
    -------
    tf.distribute.Strategy
        Build and compile the GAN inside ``strategy.scope()``; ``fit`` then splits each batch.
    """
    if name is None:
        name = os.environ.get("GANLAB_STRATEGY") or "auto"
        if name not in STRATEGY_NAMES:
            raise InputError(f"GANLAB_STRATEGY={name} is not a strategy: set it to auto, mirrored or one, "
                             "or unset it (auto).")
        source = f"GANLAB_STRATEGY={name}"
    elif name not in STRATEGY_NAMES:
        raise InputError(f"strategy must be 'auto', 'mirrored' or 'one', not {name!r}.")
    else:
        source = f"strategy {name!r}"
    if name == "one" or (name == "auto" and len(gpu_names()) < 2):
        return tf.distribute.get_strategy()
    devices = [d.name for d in tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")]
    if len(devices) < 2:
        raise InputError(
            f"{source} needs at least two devices; this machine shows one ({_short(devices[0])}). Unset it, or use "
            "'auto' or 'one'; to try it on a CPU, split it before TensorFlow starts: "
            "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)."
        )
    key = tuple(devices)
    if key not in _MIRRORED:
        _MIRRORED[key] = tf.distribute.MirroredStrategy(devices)
    return _MIRRORED[key]


def describe_strategy(strategy: tf.distribute.Strategy) -> str:
    """One line on how ``strategy`` trains, e.g. "MirroredStrategy over 2 devices (GPU:0, GPU:1): ..."."""
    replicas = strategy.num_replicas_in_sync
    if replicas == 1:
        return f"one device ({_short(gpu_names()[0]) if gpu_names() else 'CPU:0'})"
    devices = ", ".join(_short(device) for device in strategy.extended.worker_devices)
    return (f"{type(strategy).__name__} over {replicas} devices ({devices}): "
            "each step splits the batch between them")


def replica_share(draw: Callable[[int], tf.Tensor], n) -> tf.Tensor:
    """This replica's ``n`` rows of ``draw(n * replicas)``, the draw for the whole batch.

    Random ops with a seed draw the same numbers on every replica; drawing the global
    batch and keeping one slice gives each replica its own rows, the ones one device would
    draw for the same batch. Outside a strategy (or on one device) it is ``draw(n)``.

    >>> import numpy as np
    >>> replica_share(lambda m: np.arange(m), 3)
    array([0, 1, 2])
    """
    context = tf.distribute.get_replica_context()
    replicas = context.num_replicas_in_sync if context is not None else 1
    if replicas == 1:
        return draw(n)
    start = context.replica_id_in_sync_group * n
    return draw(n * replicas)[start:start + n]


def _short(device: str) -> str:
    """'/job:localhost/replica:0/task:0/device:GPU:1' or '/physical_device:GPU:1' -> 'GPU:1'."""
    return device.rsplit("device:", 1)[-1]
