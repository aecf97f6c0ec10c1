"""The types of the command line's options: each turns a word into a value, or says in one
line what is wrong with it."""

from __future__ import annotations

import argparse
import math
import re


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text) if re.fullmatch(r"\d+", text.strip()) else -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, 0 or more")
    return value


def duration(text: str) -> float | str:
    """Seconds in ``8h``, ``30m``, ``90s``, ``1h30m`` or a plain number of seconds; ``none``
    for no time limit at all."""
    from search.stopping import parse_duration

    if text.strip().lower() == "none":
        return "none"
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def growth(text: str) -> float | None:
    """A fraction of memory such as ``0.25``; ``off`` (or ``none``) for no limit."""
    if text.strip().lower() in ("off", "none"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction such as 0.25, or off")
    return value
