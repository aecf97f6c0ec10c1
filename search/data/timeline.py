"""A CSV file's time column: read and checked, its gaps found and, when asked, filled, as
``search.data.csvfile`` reads a series."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from search.data.business import CLOSED_DAYS, business_calendar
from search.errors import DataError
from search.vocabulary import FILLS

# Filling gaps may at most add this many missing values per value the file holds.
_MAX_FILLED = 10


def line_of(row: int) -> int:
    """The file's line number of a data row (line 1 is the header)."""
    return int(row) + 2


def time_values(raw: pd.Series, column: str, path: Path) -> np.ndarray:
    text = raw.str.strip()
    if (text == "").any():
        row = int(np.flatnonzero((text == "").to_numpy())[0])
        raise DataError(f"{path}: time column {column!r}, line {line_of(row)}: the time is missing")
    numbers = pd.to_numeric(text, errors="coerce")
    if not numbers.isna().any():
        time = numbers.to_numpy()
        unusable = ~np.isfinite(time.astype("float64"))
    else:
        try:
            stamps = parse_stamps(text)
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
            f"{path}: time column {column!r}, line {line_of(row)}: {raw.iloc[row]!r} is not a "
            "usable time"
        )
    steps = np.diff(time)
    zero = steps == steps.dtype.type(0)
    if (steps < steps.dtype.type(0)).any() or zero.any():
        row = int(np.flatnonzero(~(steps > steps.dtype.type(0)))[0]) + 1
        what = "repeats the time before it" if zero[row - 1] else "is earlier than the row before"
        raise DataError(
            f"{path}: time column {column!r}, line {line_of(row)}: {raw.iloc[row]!r} {what}; "
            "rows must be in time order, one per time step"
        )
    return time


# Periods written as text by fpp3's tsibble and others: "1992 Q1", "2015 W01".
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_WEEK = re.compile(r"^(\d{4})\s*-?\s*W(\d{1,2})$", re.IGNORECASE)


def parse_stamps(text: pd.Series) -> pd.Series:
    """Time stamps from text: anything pandas reads as dates ("2014-01-01", "1939 Jan"),
    or quarters and ISO weeks ("1992 Q1", "2015 W01") as the date they start on.
    ``ValueError`` where a value is none of these."""
    for pattern, start in ((_QUARTER, _quarter_start), (_WEEK, _week_start)):
        found = text.str.extract(pattern)
        if found.notna().all().all():
            return pd.to_datetime(
                [start(int(a), int(b)) for a, b in found.itertuples(index=False)]
            ).to_series(index=text.index)
    return pd.to_datetime(text, format="mixed")


def _quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def _week_start(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


def stamp_columns(table: pd.DataFrame, exclude: set[str]) -> list[str]:
    """The columns of ``table`` (text) whose every value is a time stamp and not a plain
    number, in their order: where a time column is found by what it holds."""
    found = []
    for name in table.columns:
        text = table[name].str.strip()
        if (
            name in exclude
            or (text == "").any()
            or pd.to_numeric(text, errors="coerce").notna().all()
        ):
            continue
        try:
            stamps = parse_stamps(text)
        except (ValueError, TypeError, OverflowError):
            continue
        # Strictly in time order, as a time column must be: a column of weekday names or
        # labels that happen to parse as dates is not one.
        if not stamps.isna().any() and stamps.is_monotonic_increasing and stamps.is_unique:
            found.append(name)
    return found


def regularise(
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
    (28 to 31 days) are one step each, and a step never counts as less than one. On a
    business calendar (``search.data.business``) each row is one step: nights, weekends and
    runs of at most two missing weekdays (holidays) are no gap; a missing row within the
    opening hours or a longer run of missing days is.
    """
    if len(time) < 3:
        return values, time, columns
    business = business_calendar(time)
    if business is not None:
        step = None
        counts = business.counts(time)
    else:
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
    where = f"the first after line {line_of(row)} ({time[row]})"
    how_many = f"{missing:.0f}" if np.isfinite(missing) else "countless"
    what = "missing time steps"
    if business is not None:
        # Say why a weekday or two missing elsewhere in the file was not counted.
        what = (
            f"missing business days (in runs of {CLOSED_DAYS + 1} or more weekdays; "
            "fewer are taken as holidays)"
            if business.per_day == 1
            else f"missing time steps of its {business.describe()} (whole days missing "
            f"in runs of {CLOSED_DAYS + 1} or more; fewer are taken as holidays)"
        )
    if fill is None:
        # Say which calendars were tried, so that a file of opening hours with a stray row
        # is not taken for one with gaps to fill.
        tried = (
            ""
            if business is not None or time.dtype.kind != "M"
            else (
                " (it is no business calendar either: not trading days, nor opening hours on "
                "weekdays or every day)"
            )
        )
        raise DataError(
            f"{path}: time column {column!r} has {how_many} {what}, {where}{tried}; "
            "use --fill interpolate or --fill previous to fill them"
        )
    # A stray time stamp (a year typed wrong) would otherwise make a grid of millions of
    # invented values, or one too large for memory.
    if not missing <= _MAX_FILLED * len(values):
        raise DataError(
            f"{path}: time column {column!r} has {how_many} {what}, {where}: "
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
    if business is not None:
        grid = business.offset(time[known], slots - positions[known])
    else:
        grid = time[known] + (slots - positions[known]) * step
    return spread(values), grid, {name: spread(c) for name, c in columns.items()}


def fill_missing(
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
            f"line {line_of(row)}; use --fill interpolate or --fill previous to fill them"
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
