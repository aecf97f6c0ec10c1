"""The future of known columns: their values past a series' end, read from a CSV file and
matched to the time stamps a forecast reads them at (``forecast --steps N --future FILE``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search.data.csvfile import numbers_of, pick_time_column, read_table
from search.data.timeline import time_values
from search.errors import DataError


def read_future(
    path: str | Path, columns: tuple[str, ...], stamps: np.ndarray
) -> dict[str, np.ndarray]:
    """The values of ``columns`` at each of ``stamps`` (the time stamps past a series' end
    that a forecast reads them at), from a CSV file of rows matched by time stamp; for a
    series of plain positions, its first rows in order. A missing column, row or value is a
    ``DataError`` naming the first."""
    path = Path(path)
    table = read_table(path)
    for name in columns:
        if name not in table.columns:
            listed = ", ".join(repr(c) for c in table.columns)
            raise DataError(
                f"{path}: no column {name!r}, which the forecast reads ahead; the columns "
                f"are {listed}"
            )
    count = len(stamps)
    if np.asarray(stamps).dtype.kind == "M":
        time_column = pick_time_column(table, None, columns[0] if columns else None, path)
        if time_column is None:
            raise DataError(f"{path}: no time column to match the rows past the series' end by")
        held = time_values(table[time_column], time_column, path).astype(np.asarray(stamps).dtype)
        rows = np.searchsorted(held, stamps)
        found = (rows < len(held)) & (held[np.minimum(rows, len(held) - 1)] == stamps)
        if not found.all():
            first = stamps[int(np.flatnonzero(~found)[0])]
            raise DataError(
                f"{path}: no row for {first}, a time the forecast reads {', '.join(columns)} at"
            )
        table = table.iloc[rows]
    elif len(table) < count:
        raise DataError(
            f"{path}: {len(table)} rows; the forecast reads {count} past the series' end"
        )
    else:
        table = table.iloc[:count]
    future = {name: numbers_of(table[name], name, path) for name in columns}
    for name, values in future.items():
        if np.isnan(values).any():
            raise DataError(
                f"{path}: column {name!r} has no value for a time the forecast reads it at"
            )
    return future
