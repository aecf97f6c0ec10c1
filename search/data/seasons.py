"""Seasonal periods of a series, from the spacing of its time stamps.

The periods that forecast, statsforecast and darts use for each sampling frequency: a day and
a week of half-hourly or hourly data, a week and a year of daily data, a year of weekly,
monthly and quarterly data; a week of five days on a business calendar of trading days,
and a business day and week of opening hours (``search.data.business``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.data.business import business_calendar

_MINUTE = np.timedelta64(60, "s")
# (usual step in minutes, smallest, largest) -> periods
_BY_STEP: tuple[tuple[float, float, tuple[int, ...]], ...] = (
    (14.5, 15.5, (96, 672)),  # quarter-hourly: a day, a week
    (29.5, 30.5, (48, 336)),  # half-hourly
    (59.5, 60.5, (24, 168)),  # hourly
    (1439, 1441, (7, 365)),  # daily
    (7 * 1440 - 1, 7 * 1440 + 1, (52,)),  # weekly
    (28 * 1440, 31 * 1440, (12,)),  # monthly
    (89 * 1440, 92 * 1440, (4,)),  # quarterly
)


def seasons_of(time: np.ndarray | None) -> tuple[int, ...]:
    """The seasonal periods that the time stamps' usual step implies; none for numeric
    stamps or an unusual step."""
    if time is None or len(time) < 3 or np.asarray(time).dtype.kind != "M":
        return ()
    business = business_calendar(time)
    if business is not None:
        # Rows are open days or hours, holidays left out: no whole number of rows is a year.
        return business.seasons
    steps = np.diff(np.asarray(time).astype("datetime64[s]"))
    minutes = float(np.median(steps) / _MINUTE)
    for low, high, periods in _BY_STEP:
        if low <= minutes <= high:
            return periods
    return ()


def calendar_origin(time: np.ndarray | None) -> int:
    """How many steps after 1970-01-01 the first time stamp falls (in months for monthly
    stamps, quarters for quarterly ones), so that a calendar's phases follow the date and
    not the row: two files that start on different days give a day the same phase. In
    rows of the business calendar for stamps on one (``search.data.business``), so that
    phases follow its days and week. 0 for numeric stamps or none."""
    if time is None or len(time) < 2 or np.asarray(time).dtype.kind != "M":
        return 0
    first = np.asarray(time)[0]
    business = business_calendar(time)
    if business is not None:
        return business.position(first)
    minutes = float(np.median(np.diff(np.asarray(time).astype("datetime64[s]"))) / _MINUTE)
    months = int(first.astype("datetime64[M]").astype("int64"))
    if 28 * 1440 <= minutes <= 31 * 1440:
        return months
    if 89 * 1440 <= minutes <= 92 * 1440:
        return months // 3
    if 365 * 1440 <= minutes <= 366 * 1440:
        return months // 12
    seconds = int(first.astype("datetime64[s]").astype("int64"))
    return int(np.rint(seconds / (minutes * 60))) if minutes > 0 else 0


def frequency_name(time: np.ndarray | None) -> str | None:
    """The usual step of the time stamps in words, such as ``30 minutes``, for messages."""
    if time is None or len(time) < 2 or np.asarray(time).dtype.kind != "M":
        return None
    steps = np.diff(np.asarray(time).astype("datetime64[s]"))
    minutes = float(np.median(steps) / _MINUTE)
    if minutes < 120:
        return f"{minutes:g} minutes"
    if minutes < 2 * 1440:
        return f"{minutes / 60:g} hours"
    return f"{minutes / 1440:g} days"


def seasonal_lags(
    seasons: Sequence[int], window: int, split: int, back: int | None = None, width: int = 1
) -> tuple[list[int], list[int]]:
    """The lags of a seasonal autoregression and the seasons it leaves out.

    Around one and two seasons back (s-1, s, s+1 and 2s for each season s; with ``back``,
    ks-width to ks+width for k from 1 to ``back``), each lag not already in the window is added
    while it leaves at least two training rows per coefficient before ``split``; a season
    none of whose lags fit is left out.
    """
    lags, left_out = list(range(window, 0, -1)), []
    for season in seasons:
        added = False
        if back is None:
            groups = [(season - 1, season, season + 1), (2 * season,)]
        else:
            groups = [
                tuple(range(k * season - width, k * season + width + 1)) for k in range(1, back + 1)
            ]
        for group in groups:
            wanted = [lag for lag in group if lag not in lags]
            if not wanted:
                added = True
            elif split - max(wanted) >= 2 * (len(lags) + len(wanted) + 1):
                lags += wanted
                added = True
        if not added:
            left_out.append(season)
    return lags, left_out
