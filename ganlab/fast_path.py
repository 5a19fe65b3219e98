"""The fast path: how a GAN trains fastest on this machine, chosen by device, overridable.

Introduced in notebooks/05_training_engineering.ipynb. Three switches:

- ``jit_compile``: XLA compiles the whole train step into fused GPU kernels. A GAN
  step is many small ops, so on a GPU this removes most launch overhead. On a CPU
  it is off: on 2 CPU cores it made the dense MNIST GAN slower (docs/benchmarks.md).
- ``mixed_precision``: layers compute in float16 on GPUs with tensor cores (compute
  capability 7.0 or newer) and keep float32 weights; the loss is scaled so small
  gradients do not underflow (``keras.optimizers.LossScaleOptimizer``). Models keep
  their outputs in float32 for display and metrics. CPUs gain nothing: never on a CPU.
- ``steps_per_execution``: how many train steps run per call from Python; more
  means less Python overhead between steps (callbacks then see every Nth step).

Override with arguments or the environment variables ``GANLAB_XLA``,
``GANLAB_MIXED_PRECISION`` (``0``/``1``) and ``GANLAB_STEPS_PER_EXECUTION``.

>>> path = choose_fast_path()                       # doctest: +SKIP
>>> path.apply()          # sets the dtype policy, so before building models   # doctest: +SKIP
>>> gan.compile(d_optimizer=path.optimizer(), g_optimizer=path.optimizer(), **path.compile_kwargs())  # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from . import device
from .errors import InputError
from .optimizers import default_optimizer

MIN_TENSOR_CORE_CAPABILITY = (7, 0)


@dataclass(frozen=True)
class FastPath:
    """The training settings for one device, and why each was chosen."""

    device: str
    jit_compile: bool
    mixed_precision: bool
    steps_per_execution: int
    reasons: tuple[str, ...]

    @property
    def dtype_policy(self) -> str:
        return "mixed_float16" if self.mixed_precision else "float32"

    def apply(self) -> "FastPath":
        """Set Keras' global dtype policy. Call before building the models."""
        import keras

        keras.config.set_dtype_policy(self.dtype_policy)
        return self

    def optimizer(self, learning_rate: float = 2e-4):
        """Adam(learning_rate, beta_1=0.5), wrapped in loss scaling under mixed precision."""
        import keras

        optimizer = default_optimizer(learning_rate)
        return keras.optimizers.LossScaleOptimizer(optimizer) if self.mixed_precision else optimizer

    def for_replicas(self, replicas: int) -> "FastPath":
        """This path for training on ``replicas`` devices at once (``ganlab.distribute``).

        Under MirroredStrategy, XLA and several steps per execution both fail in
        TensorFlow 2.21 (keras-team/keras#19246), so they are turned off there.
        """
        if replicas < 2 or not (self.jit_compile or self.steps_per_execution > 1):
            return self
        why = f"XLA off, 1 step per execution: on {replicas} devices both fail in TensorFlow 2.21"
        return replace(self, jit_compile=False, steps_per_execution=1, reasons=self.reasons + (why,))

    def compile_kwargs(self) -> dict:
        """The arguments for ``GAN.compile``: jit_compile and steps_per_execution."""
        return {"jit_compile": self.jit_compile, "steps_per_execution": self.steps_per_execution}

    def describe(self) -> str:
        """One line per switch, with the reason."""
        settings = (f"XLA {'on' if self.jit_compile else 'off'}, {self.dtype_policy}, "
                    f"{self.steps_per_execution} step(s) per execution on {self.device}")
        return "\n".join([settings] + [f"  - {reason}" for reason in self.reasons])


def choose_fast_path(
    jit_compile: bool | None = None,
    mixed_precision: bool | None = None,
    steps_per_execution: int | None = None,
) -> FastPath:
    """The fast path for this machine; an argument (or environment variable) overrides a choice."""
    gpus = device.gpu_details()
    jit_compile = _choice(jit_compile, "GANLAB_XLA")
    mixed_precision = _choice(mixed_precision, "GANLAB_MIXED_PRECISION")
    if steps_per_execution is None:
        steps_per_execution = _int_env("GANLAB_STEPS_PER_EXECUTION")
    elif int(steps_per_execution) < 1:
        raise InputError(f"steps_per_execution must be at least 1, not {steps_per_execution}.")
    if gpus:
        described = ", ".join(f"{name} (compute capability {cc[0]}.{cc[1]})" for name, cc in gpus)
        return _gpu_path(described, min(cc for _, cc in gpus), jit_compile, mixed_precision, steps_per_execution)
    return _cpu_path(f"CPU ({device.usable_cores()} cores)", jit_compile, mixed_precision, steps_per_execution)


def _gpu_path(device, capability, jit_compile, mixed_precision, steps_per_execution) -> FastPath:
    reasons = []
    if jit_compile is None:
        jit_compile = True
        reasons.append("XLA on: a GPU runs the fused train step with far fewer kernel launches")
    if mixed_precision is None:
        mixed_precision = capability >= MIN_TENSOR_CORE_CAPABILITY
        reasons.append(
            "mixed precision on: this GPU has tensor cores (compute capability >= 7.0)" if mixed_precision
            else "mixed precision off: this GPU has no tensor cores (compute capability < 7.0)")
    if steps_per_execution is None:
        steps_per_execution = 20
        reasons.append("20 steps per execution: the GPU is not left waiting on Python between steps")
    return FastPath(device, bool(jit_compile), bool(mixed_precision), int(steps_per_execution), tuple(reasons))


def _cpu_path(device, jit_compile, mixed_precision, steps_per_execution) -> FastPath:
    if mixed_precision:
        raise InputError(
            "Mixed precision needs a GPU with tensor cores; on a CPU float16 is slower, not faster. "
            "Unset GANLAB_MIXED_PRECISION (or pass mixed_precision=None) to train in float32."
        )
    reasons = ["float32: CPUs have no fast float16 arithmetic"]
    if jit_compile is None:
        jit_compile = False
        reasons.append("XLA off: on 2 CPU cores it made GAN training slower, not faster")
    if steps_per_execution is None:
        steps_per_execution = 1
        reasons.append("1 step per execution: on a CPU the step itself dominates; callbacks see every step")
    return FastPath(device, bool(jit_compile), False, int(steps_per_execution), tuple(reasons))


def _choice(value: bool | None, variable: str) -> bool | None:
    if value is not None:
        return bool(value)
    text = os.environ.get(variable, "").strip().lower()
    if not text:
        return None
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("0", "false", "off", "no"):
        return False
    raise InputError(f"{variable}={text!r} is not understood; use 1 (on) or 0 (off), or unset it.")


def _int_env(variable: str) -> int | None:
    text = os.environ.get(variable, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{variable}={text!r} must be a whole number >= 1, or unset.")
    return int(text)
