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


def split_point(text: str) -> int | float:
    """A row index (``3000``) or a training fraction (``0.8``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a row index nor a fraction such as 0.8"
        ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return int(value) if value.is_integer() and value >= 1 else value


def test_part(text: str) -> int | float:
    """Rows at the end (``365``), a fraction of the series (``0.1``), or 0 for none."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a number of rows nor a fraction such as 0.1"
        ) from None
    if value < 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    if value >= 1 and not value.is_integer():
        raise argparse.ArgumentTypeError(f"{text} is neither a whole number of rows nor a fraction")
    return int(value) if value.is_integer() else value


def seasons(text: str) -> tuple[int, ...]:
    """Seasonal periods in steps, such as ``365`` or ``48,336``; ``none`` for no season."""
    if text.strip().lower() == "none":
        return ()
    try:
        periods = tuple(sorted({int(part) for part in text.split(",")}))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of periods such as 7 or 48,336 (or none)"
        ) from None
    if any(p < 2 for p in periods):
        raise argparse.ArgumentTypeError(f"a season is 2 steps or more, not {text}")
    return periods


def columns(text: str) -> tuple[str, ...]:
    """Column names separated by commas, such as ``temperature,price``."""
    names = tuple(part.strip() for part in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of column names such as a,b")
    return names
