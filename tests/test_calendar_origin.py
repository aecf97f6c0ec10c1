"""A calendar's phases follow the date, not the row (issue 24, item 8): a model forecasts a
file that starts on another day as it forecast the run's own."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from conftest import write_space

from search.cli import main
from search.data.seasons import calendar_origin


def test_the_origin_counts_steps_since_1970_in_the_data_s_own_unit():
    days = np.datetime64("1970-01-01") + np.arange(10)
    assert calendar_origin(days) == 0
    assert calendar_origin(days[3:]) == 3
    half_hours = np.datetime64("1970-01-02T00:00") + np.arange(10) * np.timedelta64(30, "m")
    assert calendar_origin(half_hours) == 48
    months = np.arange("1971-03", "1972-03", dtype="datetime64[M]").astype("datetime64[D]")
    assert calendar_origin(months) == 14  # January 1970 is month 0
    assert calendar_origin(np.arange(10)) == 0  # no dates: the rows' positions


def test_forecast_of_a_file_that_starts_later_gives_a_day_the_same_phase(tmp_path, capsys):
    rng = np.random.default_rng(3)
    dates = np.datetime64("2024-01-01") + np.arange(300)
    weekday = (dates.astype("int64") + 3) % 7  # 0 on Mondays
    values = 10 + 3 * (weekday >= 5) + rng.normal(0, 0.3, 300)
    frame = pd.DataFrame({"date": dates.astype(str), "sales": values})
    data = tmp_path / "shop.csv"
    frame.to_csv(data, index=False)
    later = tmp_path / "later.csv"
    frame.iloc[3:].to_csv(later, index=False)  # starts on a Thursday, not a Monday
    space = write_space(
        tmp_path, data=str(data), column="sales", season=7, window=5, calendar=True, trials=1
    )
    out = tmp_path / "out"
    assert main(["run", str(space), "--out", str(out), "--quiet"]) == 0
    info = json.loads((out / "best_model.json").read_text())
    assert info["calendar_origin"] == int(dates[0].astype("int64"))
    assert info["inputs"]["phases"] == [7]

    def forecasts(path):
        output = tmp_path / f"{path.stem}-forecast.csv"
        arguments = ["forecast", str(out), "--best-trial", "--data", str(path)]
        assert main([*arguments, "--column", "sales", "--output", str(output)]) == 0
        return pd.read_csv(output).set_index("time")["forecast"]

    own, shifted = forecasts(data), forecasts(later)
    common = own.index.intersection(shifted.index)
    assert len(common) == 300 - 3 - 5
    assert np.allclose(own[common], shifted[common], atol=1e-4)
