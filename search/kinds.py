"""What kind of number a value is, as the checks of fields and settings ask: a bool is
never a number here, however Python counts it."""

from __future__ import annotations

import math
from typing import Any


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # A Python int is finite however large; math.isfinite would overflow converting it.
    return isinstance(value, int) or math.isfinite(value)


def is_whole(value: Any) -> bool:
    """An int, or a finite float without a fraction (365.0)."""
    return is_int(value) or (is_number(value) and float(value).is_integer())
