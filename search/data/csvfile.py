"""Reading a series from a CSV file, with an error a person can act on for every bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from search.data.parts import DEFAULT_TEST_FRACTION, resolve_parts
from search.data.seasons import calendar_origin, seasons_of
from search.data.series import Series
from search.data.timeline import (
    fill_missing,
    line_of,
    regularise,
    stamp_columns,
    time_values,
)
from search.errors import DataError

_TIME_NAMES = ("date", "time", "timestamp", "datetime", "ds")


def read_csv_series(path: str | Path, column: str | None = None, **options: Any) -> Series:
    """The series in ``column`` of a CSV file whose rows are in time order; ``options`` are
    ``table_series``'s (time column, parts, fill, seasons, features)."""
    path = Path(path)
    return table_series(read_table(path), path, column, **options)


def table_series(
    table: pd.DataFrame,
    path: Path,
    column: str | None = None,
    *,
    time_column: str | None = None,
    split: int | float | None = None,
    test: int | float | None = None,
    fill: str | None = None,
    seasons: tuple[int, ...] | None = None,
    features: tuple[str, ...] = (),
    known: tuple[str, ...] = (),
) -> Series:
    """The series in ``column`` of ``table``, a CSV file's text as read (``path`` names it
    in messages and in the series' name).

    ``test`` is the test part at the end, as rows or a fraction (by default the last 10 %;
    0 for none). ``split`` is the first validation row as an integer, or the training
    fraction as a float in (0, 1); by default the 20 % of the series before the test part
    validates. ``fill`` (``interpolate`` or ``previous``) fills missing values and gaps in
    the time column; without it they are an error. A time column, given or found by name
    or by what it holds, is kept for plots and forecasts, and gives the seasons unless
    ``seasons`` are given. Stamps of a business calendar (``search.data.business``) are a
    step each: weekends, nights and a holiday or two are no gap. ``features`` are exogenous
    columns read beside the values; each must hold a number at every time step (nothing
    fills them). ``known`` names those known in advance.
    """
    time_column = pick_time_column(table, time_column, column, path)
    column = _pick_column(table, column, time_column, path)

    _check_features(table, features, known, column, time_column, path)
    values = numbers_of(table[column], column, path)
    columns = {name: numbers_of(table[name], name, path) for name in features}
    time = time_values(table[time_column], time_column, path) if time_column else None
    if time is not None:
        values, time, columns = regularise(values, time, time_column, path, fill, columns)
    columns = _trimmed(columns, values)
    values, time, filled, causal = fill_missing(values, time, column, path, fill)
    _check_complete(columns, time, path)
    if len(values) < 2:
        raise DataError(f"{path}: column {column!r} has {len(values)} value; need at least 2")
    seasons = seasons_of(time) if seasons is None else seasons
    first, test_start = resolve_parts(
        len(values),
        split,
        test,
        where=str(path),
        default_test=DEFAULT_TEST_FRACTION,
        seasons=seasons,
    )
    return Series(
        name=f"{path.name}:{column}",
        values=values.astype("float64"),
        split=first,
        test_start=test_start,
        time=time,
        filled=filled,
        causal=None if causal is None else causal.astype("float64"),
        seasons=seasons,
        calendar_origin=calendar_origin(time),
        features={name: column.astype("float64") for name, column in columns.items()},
        known=tuple(known),
    )


def _check_features(
    table: pd.DataFrame,
    features: tuple[str, ...],
    known: tuple[str, ...],
    column: str,
    time_column: str | None,
    path: Path,
) -> None:
    listed = ", ".join(repr(name) for name in table.columns)
    for name in features:
        if name not in table.columns:
            raise DataError(f"{path}: no feature column {name!r}; the columns are {listed}")
        if name in (column, time_column):
            what = "forecast" if name == column else "time"
            raise DataError(f"{path}: {name!r} is the {what} column; it cannot also be a feature")
    for name in known:
        if name not in features:
            raise DataError(f"{path}: known column {name!r} is not among the features; add it")


def _trimmed(columns: dict[str, np.ndarray], values: np.ndarray) -> dict[str, np.ndarray]:
    """The feature columns cut as ``_fill_missing`` cuts the values: from the first value
    to the last."""
    present = np.flatnonzero(~np.isnan(values))
    if not len(present):
        return columns
    kept = slice(int(present[0]), int(present[-1]) + 1)
    return {name: column[kept] for name, column in columns.items()}


def _check_complete(columns: dict[str, np.ndarray], time: np.ndarray | None, path: Path) -> None:
    for name, column in columns.items():
        missing = np.isnan(column)
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            where = f"at {time[first]}" if time is not None else f"on line {line_of(first)}"
            raise DataError(
                f"{path}: feature column {name!r} has {int(missing.sum())} missing values, "
                f"the first {where}; a feature needs a value at every time step"
            )


def read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path}: no such data file")
    if path.is_dir():
        raise DataError(f"{path}: is a directory, not a CSV file")
    try:
        if path.stat().st_size == 0:
            raise DataError(f"{path}: the file is empty; expected a header line and rows")
        # Blank lines are kept: in a one-column file a blank line is a missing value.
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, skip_blank_lines=False
        )
    except DataError:
        raise
    except PermissionError:
        raise DataError(f"{path}: cannot read the file (permission denied)") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: is not a text CSV file (it is not UTF-8)") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header line and rows") from None
    except (pd.errors.ParserError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
        raise DataError(f"{path}: is not a readable CSV file ({detail})") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    filled = (table != "").any(axis=1).to_numpy()
    table = table.iloc[: int(np.flatnonzero(filled)[-1]) + 1] if filled.any() else table.iloc[:0]
    if table.empty:
        raise DataError(f"{path}: has a header but no rows")
    table.columns = [str(name).strip() for name in table.columns]
    return table


def _pick_column(
    table: pd.DataFrame, column: str | None, time_column: str | None, path: Path
) -> str:
    names = list(table.columns)
    listed = ", ".join(repr(name) for name in names)
    if column is not None:
        if column not in names:
            raise DataError(f"{path}: no column {column!r}; the columns are {listed}")
        return column
    time_like = {time_column} | {n for n in names if n.lower() in _TIME_NAMES}
    candidates = [n for n in names if n not in time_like]
    if len(candidates) == 1:
        return candidates[0]
    raise DataError(f"{path}: say which column to forecast with --column; the columns are {listed}")


def pick_time_column(
    table: pd.DataFrame, time_column: str | None, column: str | None, path: Path
) -> str | None:
    """The time column: the one given, else the one named as time columns are (``date``,
    ``time``...), else the one column whose every value is a time stamp, whatever its name
    (``Month`` holding ``1990 Jan``); None when there is none."""
    if time_column is not None:
        if time_column not in table.columns:
            listed = ", ".join(repr(name) for name in table.columns)
            raise DataError(f"{path}: no time column {time_column!r}; the columns are {listed}")
        if time_column == column:
            raise DataError(f"{path}: the time column and the value column are both {column!r}")
        return time_column
    found = [n for n in table.columns if n.lower() in _TIME_NAMES and n != column]
    if found:
        return found[0]
    held = stamp_columns(table, exclude={column} if column else set())
    if len(held) > 1:
        raise DataError(
            f"{path}: columns {', '.join(map(repr, held))} all hold time stamps; name the time "
            "column with --time-column"
        )
    return held[0] if held else None


def numbers_of(raw: pd.Series, column: str, path: Path) -> np.ndarray:
    text = raw.str.strip()
    values = pd.to_numeric(text.where(text != "", None), errors="coerce")
    missing_text = text.isin(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "-"])
    bad = values.isna() & ~missing_text
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        count = int(bad.sum())
        more = f" ({count} such values)" if count > 1 else ""
        raise DataError(
            f"{path}: column {column!r}, line {line_of(row)}: {raw.iloc[row]!r} is not a "
            f"number{more}"
        )
    result = values.to_numpy(dtype="float64")
    with np.errstate(over="ignore"):
        # The models read 32-bit floats: 1e39 would reach them as infinity.
        infinite = np.isinf(result.astype("float32"))
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise DataError(
            f"{path}: column {column!r}, line {line_of(row)}: {raw.iloc[row]!r} is infinite or "
            "too large (the models read 32-bit numbers, at most 3.4e38 either way)"
        )
    return result
