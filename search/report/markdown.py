"""Markdown that stays markdown: values from data and spaces are escaped where they enter it."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

_SPECIAL = "\\`*_[]|#<>"


def escape(value: Any) -> str:
    """``value`` as text that a markdown renderer shows as it is: no markup, no HTML."""
    text = " ".join(str(value).split())
    text = html.escape(text, quote=False)
    return "".join(f"\\{c}" if c in _SPECIAL else c for c in text)


def number(value: Any, digits: int = 4) -> str:
    """A float to ``digits`` decimals (``-`` when missing), shorter where that reads better:
    ``0``, ``2.9e-05``, ``101.1``. Other values escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value == 0 or (value.is_integer() and abs(value) < 1e6 and digits == 0):
            return f"{value:.0f}"
        if abs(value) < 1e-3 or abs(value) >= 1e6:
            return f"{value:.3g}"
        if abs(value) >= 100:
            return f"{value:.1f}"
        return f"{value:.{digits}f}"
    return escape(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], digits: int = 4) -> str:
    """A markdown table; every cell goes through ``number`` (and so ``escape``)."""
    lines = [
        "| " + " | ".join(escape(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(number(cell, digits) for cell in row) + " |")
    return "\n".join(lines)


def figure(path: str, caption: str) -> str:
    """An image with its caption below it."""
    return f"![{escape(caption)}]({path})\n\n*{escape(caption)}*"
