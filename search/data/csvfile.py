"""Reading a series from a CSV file, with an error a person can act on for every bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from search.data.parts import DEFAULT_TEST_FRACTION, resolve_parts
from search.data.seasons import calendar_origin, seasons_of
from search.data.series import Series
from search.errors import DataError
from search.names import FILLS

_TIME_NAMES = ("date", "time", "timestamp", "datetime", "ds")
# Filling gaps may at most add this many missing values per value the file holds.
_MAX_FILLED = 10


def read_csv_series(
    path: str | Path,
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
    """The series in ``column`` of a CSV file whose rows are in time order.

    ``test`` is the test part at the end, as rows or a fraction (by default the last 10 %;
    0 for none). ``split`` is the first validation row as an integer, or the training
    fraction as a float in (0, 1); by default the 20 % of the series before the test part
    validates. ``fill`` (``interpolate`` or ``previous``) fills missing values and gaps in
    the time column; without it they are an error. A time column, given or found by name,
    is kept for plots and forecasts, and gives the seasons unless ``seasons`` are given.
    ``features`` are exogenous columns read beside the values; each must hold a number at
    every time step (nothing fills them). ``known`` names those known in advance.
    """
    path = Path(path)
    table = _read_table(path)
    column = _pick_column(table, column, time_column, path)
    time_column = _pick_time_column(table, time_column, column, path)

    _check_features(table, features, known, column, time_column, path)
    values = _numbers(table[column], column, path)
    columns = {name: _numbers(table[name], name, path) for name in features}
    time = _time_values(table[time_column], time_column, path) if time_column else None
    if time is not None:
        values, time, columns = _regularise(values, time, time_column, path, fill, columns)
    columns = _trimmed(columns, values)
    values, time, filled, causal = _fill_missing(values, time, column, path, fill)
    _check_complete(columns, time, path)
    if len(values) < 2:
        raise DataError(f"{path}: column {column!r} has {len(values)} value; need at least 2")
    first, test_start = resolve_parts(
        len(values), split, test, where=str(path), default_test=DEFAULT_TEST_FRACTION
    )
    return Series(
        name=f"{path.name}:{column}",
        values=values.astype("float32"),
        split=first,
        test_start=test_start,
        time=time,
        filled=filled,
        causal=None if causal is None else causal.astype("float32"),
        seasons=seasons_of(time) if seasons is None else seasons,
        calendar_origin=calendar_origin(time),
        features={name: column.astype("float32") for name, column in columns.items()},
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
            where = f"at {time[first]}" if time is not None else f"on line {_line(first)}"
            raise DataError(
                f"{path}: feature column {name!r} has {int(missing.sum())} missing values, "
                f"the first {where}; a feature needs a value at every time step"
            )


def _read_table(path: Path) -> pd.DataFrame:
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


def _pick_time_column(
    table: pd.DataFrame, time_column: str | None, column: str, path: Path
) -> str | None:
    if time_column is not None:
        if time_column not in table.columns:
            listed = ", ".join(repr(name) for name in table.columns)
            raise DataError(f"{path}: no time column {time_column!r}; the columns are {listed}")
        if time_column == column:
            raise DataError(f"{path}: the time column and the value column are both {column!r}")
        return time_column
    found = [n for n in table.columns if n.lower() in _TIME_NAMES and n != column]
    return found[0] if found else None


def _line(row: int) -> int:
    """The file's line number of a data row (line 1 is the header)."""
    return int(row) + 2


def _numbers(raw: pd.Series, column: str, path: Path) -> np.ndarray:
    text = raw.str.strip()
    values = pd.to_numeric(text.where(text != "", None), errors="coerce")
    missing_text = text.isin(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "-"])
    bad = values.isna() & ~missing_text
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        count = int(bad.sum())
        more = f" ({count} such values)" if count > 1 else ""
        raise DataError(
            f"{path}: column {column!r}, line {_line(row)}: {raw.iloc[row]!r} is not a number{more}"
        )
    result = values.to_numpy(dtype="float64")
    with np.errstate(over="ignore"):
        # The models read 32-bit floats: 1e39 would reach them as infinity.
        infinite = np.isinf(result.astype("float32"))
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0])
        raise DataError(
            f"{path}: column {column!r}, line {_line(row)}: {raw.iloc[row]!r} is infinite or "
            "too large (the models read 32-bit numbers, at most 3.4e38 either way)"
        )
    return result


def _time_values(raw: pd.Series, column: str, path: Path) -> np.ndarray:
    text = raw.str.strip()
    if (text == "").any():
        row = int(np.flatnonzero((text == "").to_numpy())[0])
        raise DataError(f"{path}: time column {column!r}, line {_line(row)}: the time is missing")
    numbers = pd.to_numeric(text, errors="coerce")
    if not numbers.isna().any():
        time = numbers.to_numpy()
        unusable = ~np.isfinite(time.astype("float64"))
    else:
        try:
            stamps = pd.to_datetime(text, format="mixed")
        except (ValueError, TypeError, OverflowError) as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataError(
                f"{path}: time column {column!r} holds values that are neither numbers nor "
                f"dates ({detail}); name the right column with --time-column"
            ) from None
        if getattr(stamps.dt, "tz", None) is not None:
            # One time zone throughout (pandas refuses mixed ones): keep the local times, as
            # a plain datetime64 array that the rest of the product can subtract and compare.
            stamps = stamps.dt.tz_localize(None)
        time = stamps.to_numpy()
        if time.dtype.kind != "M":
            raise DataError(
                f"{path}: time column {column!r} holds values that are neither numbers nor "
                "dates of one time zone; name the right column with --time-column"
            )
        unusable = np.isnat(time)
    if unusable.any():  # "inf" in a numeric column, "NaT" in a date column
        row = int(np.flatnonzero(unusable)[0])
        raise DataError(
            f"{path}: time column {column!r}, line {_line(row)}: {raw.iloc[row]!r} is not a "
            "usable time"
        )
    steps = np.diff(time)
    zero = steps == steps.dtype.type(0)
    if (steps < steps.dtype.type(0)).any() or zero.any():
        row = int(np.flatnonzero(~(steps > steps.dtype.type(0)))[0]) + 1
        what = "repeats the time before it" if zero[row - 1] else "is earlier than the row before"
        raise DataError(
            f"{path}: time column {column!r}, line {_line(row)}: {raw.iloc[row]!r} {what}; "
            "rows must be in time order, one per time step"
        )
    return time


def _regularise(
    values: np.ndarray,
    time: np.ndarray,
    column: str,
    path: Path,
    fill: str | None,
    columns: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Find missing time steps (gaps); with ``fill``, insert them as missing values (in
    ``columns`` too).

    The usual step is the most common one. Each step counts as that many usual steps,
    rounded, so that float time stamps (0.1, 0.2, 0.30000000000000004) and calendar months
    (28 to 31 days) are one step each, and a step never counts as less than one.
    """
    if len(time) < 3:
        return values, time, columns
    steps = np.diff(time)
    with np.errstate(all="ignore"):  # steps of absurd stamps may overflow: no gap then
        if steps.dtype.kind == "f":
            # Float stamps differ in their last digits (0.1, then 0.09999999999999998):
            # the usual step is the most common one to 9 significant digits.
            unit = np.median(steps)
            usual = pd.Series(np.round(steps / unit, 9)).mode().to_numpy() * unit
        else:
            usual = pd.Series(steps).mode().to_numpy()
        if len(usual) == 0 or not usual[0] > usual.dtype.type(0):
            return values, time, columns
        step = usual[0]
        counts = np.maximum(np.rint(steps / step), 1.0)
    gaps = counts > 1
    if not gaps.any():
        return values, time, columns
    missing = float(np.sum(counts - 1))
    row = int(np.flatnonzero(gaps)[0])
    where = f"the first after line {_line(row)} ({time[row]})"
    how_many = f"{missing:.0f}" if np.isfinite(missing) else "countless"
    if fill is None:
        raise DataError(
            f"{path}: time column {column!r} has {how_many} missing time steps, {where}; "
            "use --fill interpolate or --fill previous to fill them"
        )
    # A stray time stamp (a year typed wrong) would otherwise make a grid of millions of
    # invented values, or one too large for memory.
    if not missing <= _MAX_FILLED * len(values):
        raise DataError(
            f"{path}: time column {column!r} has {how_many} missing time steps, {where}: "
            f"too many to fill for {len(values)} rows; check the time stamps there, or name "
            "the right column with --time-column"
        )
    positions = np.concatenate([[0], np.cumsum(counts.astype("int64"))])
    slots = np.arange(positions[-1] + 1)

    def spread(column: np.ndarray) -> np.ndarray:
        spaced = np.full(len(slots), np.nan)
        spaced[positions] = column
        return spaced

    # A missing slot's time is the last known time plus whole usual steps; the file's own
    # time stamps are kept where it has them.
    known = np.searchsorted(positions, slots, side="right") - 1
    grid = time[known] + (slots - positions[known]) * step
    return spread(values), grid, {name: spread(c) for name, c in columns.items()}


def _fill_missing(
    values: np.ndarray, time: np.ndarray | None, column: str, path: Path, fill: str | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Fill missing values; return the values, the time, which values were filled, and
    (for ``interpolate``) the values with each gap carried forward instead.

    Missing values before the first value and after the last are dropped: nothing before
    them could fill them without reading the future.
    """
    missing = np.isnan(values)
    if not missing.any():
        return values, time, None, None
    if fill is None:
        row = int(np.flatnonzero(missing)[0])
        raise DataError(
            f"{path}: column {column!r} has {int(missing.sum())} missing values, the first on "
            f"line {_line(row)}; use --fill interpolate or --fill previous to fill them"
        )
    if missing.all():
        raise DataError(f"{path}: column {column!r} has no values at all")
    if fill not in FILLS:
        raise DataError(f"unknown --fill {fill!r}; choose {' or '.join(FILLS)}")
    present = np.flatnonzero(~missing)
    kept = slice(int(present[0]), int(present[-1]) + 1)
    values, missing = values[kept], missing[kept]
    time = None if time is None else time[kept]
    series = pd.Series(values)
    carried = series.ffill().to_numpy(dtype="float64")
    if not missing.any():  # the only missing values were at the ends, dropped
        return values, time, None, None
    if fill == "previous":
        return carried, time, missing, None
    interpolated = series.interpolate(limit_area="inside").to_numpy(dtype="float64")
    return interpolated, time, missing, carried
