"""Argument helpers shared by the scripts in benchmarks/ (each script runs with this folder on sys.path)."""

from __future__ import annotations

import argparse


def comma_separated(parser: argparse.ArgumentParser, value: str, known: tuple, flag: str) -> tuple:
    """``value`` ("a,b") as a tuple of names, each one of ``known``; else ``parser.error`` naming them."""
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = sorted(set(names) - set(known))
    if unknown or not names:
        parser.error(f"{flag} takes {', '.join(known)}, not {', '.join(unknown) or 'nothing'}.")
    return names
