"""The data as users have it, searched with the quick start's space and no option about
time: a monthly file whose time column is `Month` in fpp3's text, a trading-day series and
five-minute opening hours. Each runs with its calendar's seasons, and its forecasts
continue on the calendar."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest

from search.cli import main
from search.study import RunIdentity

REPO = Path(__file__).resolve().parent.parent


def _monthly(path: Path) -> None:
    months = pd.date_range("2000-01-01", periods=120, freq="MS")
    season = 10 * np.sin(2 * np.pi * months.month / 12)
    values = 100 + np.arange(120) * 0.3 + season + np.random.default_rng(1).normal(0, 1, 120)
    pd.DataFrame({"Month": months.strftime("%Y %b"), "sales": values}).to_csv(path, index=False)


def _trading(path: Path) -> None:
    days = pd.bdate_range("2023-01-02", periods=300).difference(pd.DatetimeIndex(["2023-07-04"]))
    walk = 50 + np.cumsum(np.random.default_rng(2).normal(0, 1, len(days)))
    pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "close": walk}).to_csv(path, index=False)


def _calls(path: Path) -> None:
    days = pd.bdate_range("2024-01-01", periods=10)
    clock = pd.timedelta_range("07:00:00", "21:00:00", freq="5min")
    stamps = pd.DatetimeIndex([day + offset for day in days for offset in clock])
    hour = stamps.hour + stamps.minute / 60
    busy = 20 + 15 * np.exp(-(((hour - 11) / 2) ** 2)) + 10 * np.exp(-(((hour - 16) / 2) ** 2))
    values = busy + np.random.default_rng(3).normal(0, 2, len(stamps))
    pd.DataFrame({"when": stamps.strftime("%Y-%m-%d %H:%M"), "calls": values}).to_csv(
        path, index=False
    )


@pytest.mark.parametrize(
    ("make", "column", "seasons", "after"),
    [
        (_monthly, "sales", (12,), ["2010-01-01", "2010-02-01"]),
        (_trading, "close", (5,), ["2024-02-26", "2024-02-27"]),
        (_calls, "calls", (169, 845), ["2024-01-15 07:00", "2024-01-15 07:05"]),
    ],
    ids=["monthly", "trading-days", "opening-hours"],
)
def test_the_quick_start_space_runs_on_the_calendar_s_seasons(
    tmp_path, capsys, make, column, seasons, after
):
    data = tmp_path / "series.csv"
    make(data)
    out = tmp_path / "out"
    command = ["run", str(REPO / "spaces" / "lstm.py"), "--data", str(data), "--column", column]
    assert main([*command, "--trials", "1", "--epochs", "1", "--out", str(out), "--quiet"]) == 0
    study = optuna.load_study(study_name="lstm", storage=f"sqlite:///{out / 'study.db'}")
    assert RunIdentity.read(study).seasons == seasons
    capsys.readouterr()
    forecast = tmp_path / "forecast.csv"
    assert main(["forecast", str(out), "--steps", "2", "--output", str(forecast)]) == 0
    table = pd.read_csv(forecast)
    ahead = table[table["kind"] == "ahead"]
    assert pd.DatetimeIndex(ahead["time"]).equals(pd.DatetimeIndex(after))
