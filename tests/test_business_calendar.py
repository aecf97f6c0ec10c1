"""A series on a business calendar (weekdays only, holidays left out) reads as consecutive
steps: weekends and a holiday or two are no gap, and forecasts continue on weekdays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from search.data.csvfile import read_csv_series
from search.data.seasons import calendar_origin
from search.errors import DataError
from search.forecasting import continue_time

# 2024-01-01 is a Monday.
TRADING_DAYS = pd.bdate_range("2024-01-01", periods=300)
# A lone holiday (a Wednesday), two in a row (Thursday and Friday), and two on either side
# of a weekend (a Friday and the Monday after): none is a gap.
HOLIDAYS = pd.DatetimeIndex(
    ["2024-01-17", "2024-03-28", "2024-03-29", "2024-05-24", "2024-05-27", "2024-12-25"]
)


def _write(path, days: pd.DatetimeIndex, values=None, time_of_day: str = "") -> None:
    values = np.arange(len(days)) if values is None else values
    stamps = days.strftime("%Y-%m-%d") + time_of_day
    pd.DataFrame({"date": stamps, "y": values}).to_csv(path, index=False)


@pytest.fixture
def trading(tmp_path):
    days = TRADING_DAYS.difference(HOLIDAYS)
    path = tmp_path / "stock.csv"
    _write(path, days)
    return path, days


def test_weekends_and_holidays_are_no_gap_and_each_row_is_a_step(trading):
    path, days = trading
    series = read_csv_series(path, "y")
    assert len(series.values) == len(days) == 294
    assert series.values.tolist() == list(range(294))
    assert series.filled is None
    assert (series.time == days.to_numpy()).all()
    assert series.seasons == (5,)


def test_the_calendar_origin_counts_business_days(trading):
    path, days = trading
    series = read_csv_series(path, "y")
    assert series.calendar_origin == np.busday_count("1970-01-01", "2024-01-01")
    # A file that starts on the Monday after a Friday gives that Monday the phase the first
    # file gives it: one step after the Friday, not three.
    friday = int(np.flatnonzero(days.dayofweek == 4)[0])
    assert calendar_origin(days[friday + 1 :].to_numpy()) == series.calendar_origin + friday + 1


def test_three_missing_weekdays_in_a_row_are_a_gap_that_fill_inserts_as_business_days(tmp_path):
    # Thursday 2024-02-08, Friday 2024-02-09 and Monday 2024-02-12: three weekdays, a
    # weekend between them.
    gap = pd.DatetimeIndex(["2024-02-08", "2024-02-09", "2024-02-12"])
    days = TRADING_DAYS.difference(HOLIDAYS).difference(gap)
    path = tmp_path / "closed.csv"
    _write(path, days)
    with pytest.raises(DataError, match=r"has 3 missing business days.*--fill"):
        read_csv_series(path, "y")

    series = read_csv_series(path, "y", fill="previous")
    assert len(series.values) == len(days) + 3
    assert int(series.filled.sum()) == 3
    inserted = pd.DatetimeIndex(series.time[series.filled])
    assert inserted.equals(gap)
    assert series.seasons == (5,)
    before = int(np.flatnonzero(series.filled)[0]) - 1
    assert series.values[before : before + 4].tolist() == [series.values[before]] * 4


def test_an_empty_value_on_a_business_day_is_still_a_missing_value(tmp_path):
    days = TRADING_DAYS.difference(HOLIDAYS)
    values = np.arange(len(days)).astype(object)
    values[40] = ""
    path = tmp_path / "empty.csv"
    _write(path, days, values)
    with pytest.raises(DataError, match=r"1 missing values, the first on line 42"):
        read_csv_series(path, "y")
    assert int(read_csv_series(path, "y", fill="interpolate").filled.sum()) == 1


def test_a_daily_series_with_weekends_keeps_its_seasons_and_its_gaps(tmp_path):
    days = pd.date_range("2024-01-01", periods=300)
    path = tmp_path / "daily.csv"
    _write(path, days)
    assert read_csv_series(path, "y").seasons == (7, 365)

    # A lone missing weekday is a gap in a series that has weekend rows.
    _write(path, days.difference(pd.DatetimeIndex(["2024-01-17"])))
    with pytest.raises(
        DataError,
        match=r"has 1 missing time steps, the first after line 17 .*\(it is no business "
        r"calendar either: not trading days, nor opening hours",
    ):
        read_csv_series(path, "y")
    filled = read_csv_series(path, "y", fill="previous")
    assert len(filled.values) == 300 and filled.seasons == (7, 365)


def test_forecasts_continue_on_weekdays(trading, tmp_path):
    path, days = trading
    # The series ends on a Friday: the next stamp is the Monday after.
    friday = days[days.dayofweek == 4][-1]
    _write(path, days[days <= friday])
    time = read_csv_series(path, "y").time
    ahead = pd.DatetimeIndex(continue_time(time, 7))
    assert ahead[0] == friday + pd.Timedelta(days=3)
    assert ahead.equals(pd.bdate_range(friday + pd.Timedelta(days=1), periods=7))

    # A time of day, the same on every row, is kept.
    closing = tmp_path / "closing.csv"
    _write(closing, days[days <= friday], time_of_day=" 16:00")
    ahead = pd.DatetimeIndex(continue_time(read_csv_series(closing, "y").time, 3))
    assert ahead[0] == friday + pd.Timedelta(days=3, hours=16)
    assert (ahead.dayofweek < 5).all()


def test_a_daily_series_with_weekends_continues_every_day(tmp_path):
    days = pd.date_range("2024-01-01", periods=300)
    path = tmp_path / "daily.csv"
    _write(path, days)
    ahead = pd.DatetimeIndex(continue_time(read_csv_series(path, "y").time, 3))
    assert ahead.equals(pd.date_range(days[-1] + pd.Timedelta(days=1), periods=3))


def _opening_hours(weeks: int = 3, holiday: str | None = "2024-01-10") -> pd.DatetimeIndex:
    """Five-minute stamps from 07:00 to 21:00 on weekdays from Monday 2024-01-01, one
    weekday closed."""
    days = pd.bdate_range("2024-01-01", periods=5 * weeks)
    if holiday:
        days = days.difference(pd.DatetimeIndex([holiday]))
    clock = pd.timedelta_range("07:00:00", "21:00:00", freq="5min")
    return pd.DatetimeIndex([day + offset for day in days for offset in clock])


def _write_stamps(path, stamps: pd.DatetimeIndex, values=None) -> None:
    values = np.arange(len(stamps)) if values is None else values
    pd.DataFrame({"time": stamps.strftime("%Y-%m-%d %H:%M"), "calls": values}).to_csv(
        path, index=False
    )


def test_opening_hours_read_as_consecutive_steps_with_a_business_day_and_week(tmp_path):
    stamps = _opening_hours()
    path = tmp_path / "calls.csv"
    _write_stamps(path, stamps)
    series = read_csv_series(path, "calls")
    assert len(series.values) == len(stamps) == 14 * 169
    assert series.filled is None and series.seasons == (169, 845)
    # Phases follow the calendar's rows: a file starting at 08:00 on the Tuesday gives that
    # time the phase the first file gives it, 169 + 12 rows on.
    assert series.calendar_origin == np.busday_count("1970-01-01", "2024-01-01") * 169
    later = stamps[stamps >= pd.Timestamp("2024-01-02 08:00")].to_numpy()
    assert calendar_origin(later) == series.calendar_origin + 169 + 12


def test_a_missing_row_within_opening_hours_is_a_gap_that_fill_inserts(tmp_path):
    stamps = _opening_hours()
    lost = stamps[500]  # a Wednesday, mid-morning
    path = tmp_path / "calls.csv"
    _write_stamps(path, stamps.delete(500))
    with pytest.raises(DataError, match=r"1 missing time steps of its opening hours, 169 steps"):
        read_csv_series(path, "calls")
    series = read_csv_series(path, "calls", fill="previous")
    assert len(series.values) == len(stamps)
    assert pd.DatetimeIndex(series.time[series.filled]).equals(pd.DatetimeIndex([lost]))


def test_opening_hours_continue_at_the_next_opening(tmp_path):
    stamps = _opening_hours(holiday=None)
    path = tmp_path / "calls.csv"
    _write_stamps(path, stamps)
    # The series ends on a Friday at 21:00: next come Monday 07:00, 07:05, 07:10.
    ahead = pd.DatetimeIndex(continue_time(read_csv_series(path, "calls").time, 3))
    assert stamps[-1] == pd.Timestamp("2024-01-19 21:00")
    assert ahead.equals(
        pd.DatetimeIndex(["2024-01-22 07:00", "2024-01-22 07:05", "2024-01-22 07:10"])
    )


def test_opening_hours_every_day_of_the_week_are_a_calendar_too(tmp_path):
    days = pd.date_range("2024-01-01", periods=10)
    clock = pd.timedelta_range("09:00:00", "17:00:00", freq="1h")
    stamps = pd.DatetimeIndex([day + offset for day in days for offset in clock])
    path = tmp_path / "shop.csv"
    _write_stamps(path, stamps)
    series = read_csv_series(path, "calls")
    assert series.filled is None and series.seasons == (9, 63)
    ahead = pd.DatetimeIndex(continue_time(series.time, 2))
    assert ahead.equals(pd.DatetimeIndex(["2024-01-11 09:00", "2024-01-11 10:00"]))


def test_a_series_of_every_hour_of_every_day_is_no_business_calendar(tmp_path):
    stamps = pd.date_range("2024-01-01", periods=24 * 30, freq="h")
    path = tmp_path / "hourly.csv"
    _write_stamps(path, stamps)
    assert read_csv_series(path, "calls").seasons == (24, 168)
    with pytest.raises(DataError, match=r"has 1 missing time steps"):
        _write_stamps(path, stamps.delete(100))
        read_csv_series(path, "calls")
