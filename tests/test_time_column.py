"""A CSV file's time column found by what it holds, whatever its name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from search.data.csvfile import read_csv_series
from search.errors import DataError


def _write(path, **columns) -> str:
    pd.DataFrame(columns).to_csv(path, index=False)
    return str(path)


def _values(n: int) -> np.ndarray:
    return 10 + np.sin(np.arange(n) / 3) + np.arange(n) * 0.01


def test_a_month_column_of_fpp3_text_is_the_time_column(tmp_path):
    months = pd.date_range("1990-01-01", periods=60, freq="MS").strftime("%Y %b")
    path = _write(tmp_path / "m.csv", Month=months, Volume=_values(60))
    series = read_csv_series(path, "Volume")
    assert series.seasons == (12,)
    assert str(series.time[0])[:10] == "1990-01-01" and str(series.time[-1])[:10] == "1994-12-01"
    # Without --column the one other column is the value column.
    assert read_csv_series(path).name.endswith(":Volume")


def _mondays(n: int) -> list:
    return list(pd.date_range("2014-12-29", periods=n, freq="W-MON"))  # ISO week 2015 W01 on


@pytest.mark.parametrize(
    ("stamps", "seasons", "first"),
    [
        ([f"{1992 + i // 4} Q{i % 4 + 1}" for i in range(40)], (4,), "1992-01-01"),
        (
            [f"{d.isocalendar()[0]} W{d.isocalendar()[1]:02d}" for d in _mondays(104)],
            (52,),
            "2014-12-29",
        ),
    ],
)
def test_quarters_and_iso_weeks_as_text_are_time_stamps(tmp_path, stamps, seasons, first):
    path = _write(tmp_path / "p.csv", Period=stamps, y=_values(len(stamps)))
    series = read_csv_series(path, "y")
    assert series.seasons == seasons
    assert str(series.time[0])[:10] == first


def test_two_columns_of_time_stamps_are_named_and_the_option_suggested(tmp_path):
    days = pd.date_range("2020-01-01", periods=30, freq="D")
    path = _write(
        tmp_path / "two.csv",
        start=days.strftime("%Y-%m-%d"),
        end=(days + pd.Timedelta(days=1)).strftime("%Y-%m-%d"),
        y=_values(30),
    )
    with pytest.raises(DataError, match=r"'start', 'end' all hold time stamps.*--time-column"):
        read_csv_series(path, "y")
    assert read_csv_series(path, "y", time_column="end").seasons == (7, 365)


def test_a_column_of_labels_that_parse_as_dates_out_of_order_is_not_time(tmp_path):
    names = (["Mon", "Tue", "Wed", "Thu", "Fri"] * 8)[:40]
    path = _write(tmp_path / "labels.csv", day=names, y=_values(40))
    series = read_csv_series(path, "y")
    assert series.time is None and series.seasons == ()


def test_a_missing_season_names_both_the_time_column_and_the_season(tmp_path):
    from search.baselines.forecasters import SeasonalNaive, Unfit

    path = _write(tmp_path / "plain.csv", y=_values(50))
    series = read_csv_series(path, "y")
    with pytest.raises(Unfit, match=r"--time-column.*--season"):
        SeasonalNaive(None).fit(series, series.split)
