"""A space made from the series: `run --data FILE --column y` with no space file."""

from __future__ import annotations

import numpy as np
import pandas as pd

from search.cli import main
from search.data.csvfile import read_csv_series
from search.data.source import DataSource
from search.space import space_from_text
from search.space.auto import auto_space


def _monthly(path, periods: int = 204) -> None:
    months = pd.date_range("2000-01-01", periods=periods, freq="MS")
    values = 50 + np.arange(periods) * 0.2 + 8 * np.sin(2 * np.pi * months.month / 12)
    pd.DataFrame({"Month": months.strftime("%Y %b"), "y": values}).to_csv(path, index=False)


def _made(path, column: str = "y"):
    series = read_csv_series(path, column)
    made = auto_space(series, DataSource(str(path), column), "auto-test")
    return series, made, space_from_text(made.text, path.with_suffix(".py"))


def test_a_monthly_series_gets_a_window_and_lags_in_years(tmp_path):
    path = tmp_path / "sales.csv"
    _monthly(path)
    series, made, space = _made(path)
    assert series.seasons == (12,) and series.split == 143
    assert made.windows == (12, 24) and made.seasons_back == (1, 3) and made.calendar
    assert (
        made.describe() == "window 12 or 24; lags 1 to 3 seasons of 12 back; calendar inputs for 12"
    )
    # The text is a space file declaring those choices, for the file's own series.
    assert list(space.fields["window"].values) == [12, 24]
    assert (space.fields["seasons_back"].min, space.fields["seasons_back"].max) == (1, 3)
    assert space.setting("data") == str(path) and space.setting("column") == "y"
    assert space.name == "auto-test"


def test_a_short_series_has_a_window_it_can_train_on_and_lags_one_season_back(tmp_path):
    path = tmp_path / "short.csv"
    _monthly(path, periods=60)
    series, made, _ = _made(path)
    assert max(made.windows) <= series.split // 5
    assert made.seasons_back == (1, 1)


def test_a_series_without_time_stamps_gets_no_season_and_no_calendar(tmp_path):
    path = tmp_path / "plain.csv"
    pd.DataFrame({"y": np.sin(np.arange(500) / 3.0)}).to_csv(path, index=False)
    _, made, space = _made(path)
    assert made.windows == (10, 20) and not made.seasons and not made.calendar
    assert made.describe() == "window 10 or 20; no season"
    assert space.fields["seasonal_lags"] is False


def test_five_minute_opening_hours_get_the_longest_window_and_both_seasons(tmp_path):
    days = pd.bdate_range("2024-01-01", periods=20)
    clock = pd.timedelta_range("07:00:00", "21:00:00", freq="5min")
    stamps = pd.DatetimeIndex([day + offset for day in days for offset in clock])
    path = tmp_path / "calls.csv"
    pd.DataFrame({"time": stamps, "calls": np.arange(len(stamps)) % 169}).to_csv(path, index=False)
    _, made, _ = _made(path, "calls")
    assert made.seasons == (169, 845) and made.windows == (48,)


def test_run_with_no_space_file_says_the_space_it_made_and_keeps_it(tmp_path, capsys):
    path = tmp_path / "sales.csv"
    _monthly(path)
    out = tmp_path / "out"
    command = ["run", "--data", str(path), "--column", "y", "--trials", "1", "--epochs", "1"]
    assert main([*command, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.splitlines()[0] == (
        "space made from the series: window 12 or 24; lags 1 to 3 seasons of 12 back; "
        f"calendar inputs for 12 -> {out / 'space.py'}"
    )
    assert "auto-sales: 1 trials" in said
    assert (out / "space.py").exists() and (out / "leaderboard.csv").exists()


def test_run_with_neither_a_space_file_nor_data_is_refused_in_one_line(capsys):
    assert main(["run"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "give a space file such as spaces/lstm.py, or --data FILE.csv" in error
