"""TensorFlow's start-up messages, kept out of a learner's way (TF_CPP_MIN_LOG_LEVEL shows them).

TensorFlow's C++ side logs through absl. Its threshold is ``TF_CPP_MIN_LOG_LEVEL``
(0 all, 1 hides INFO, 2 also WARNING, 3 also ERROR), which ganlab defaults to 3: what a
learner would otherwise see in red under the first cell and during training is harmless
("failed call to cuInit ... (303)": no GPU driver; "remapper failed: INVALID_ARGUMENT": a
graph optimisation skipped). Real failures still raise Python exceptions.

absl prints the messages logged while the libraries load (oneDNN on, "Could not find cuda
drivers", CPU instructions) before anyone can set its threshold, so ``import_tensorflow``
catches what the import writes to stderr and passes on only the lines at or above the
threshold, and any line that is not a log line. oneDNN stays on (turning it off with
``TF_ENABLE_ONEDNN_OPTS=0`` would change the numbers, not just the message).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile

LEVELS = "IWEF"  # absl's severities: INFO, WARNING, ERROR, FATAL
DEFAULT_LEVEL = "3"
_ABSL_LINE = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+\]")  # I0000 00:00:17.5  42 port.cc:153]
_TSL_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: ([IWEF]) \S+\]")  # 2025-09-17 14:44:05.1: I x.cc:32]
_ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


def log_level() -> int:
    """TF_CPP_MIN_LOG_LEVEL as a number (ganlab's default 3 when unset or not a number)."""
    value = os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", DEFAULT_LEVEL)
    return int(value) if value.strip() in ("0", "1", "2", "3") else int(DEFAULT_LEVEL)


def shown(text: str, level: int) -> str:
    """The lines of ``text`` that TF_CPP_MIN_LOG_LEVEL=``level`` lets through.

    A line that continues a log message (no severity of its own) follows that message.
    """
    kept, keep = [], True
    for line in text.splitlines(keepends=True):
        if line.startswith(_ABSL_PREAMBLE):
            keep = level < 2  # absl's own WARNING
        else:
            match = _ABSL_LINE.match(line) or _TSL_LINE.match(line)
            if match:
                keep = LEVELS.index(match.group(1)) >= level
        if keep:
            kept.append(line)
    return "".join(kept)


def import_tensorflow() -> None:
    """Import TensorFlow with its start-up messages filtered by TF_CPP_MIN_LOG_LEVEL."""
    level = log_level()
    if "tensorflow" in sys.modules or level == 0:
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (e.g. pythonw): nothing to hide
        import tensorflow  # noqa: F401
        return
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            rest = shown(caught.read().decode(errors="replace"), level)
            if rest:
                sys.stderr.write(rest)
                sys.stderr.flush()
