"""Forecasts of several steps after the search (issue 24, items 4 and 5): ``forecast`` with a
column known in advance, and the report's forecast figure, each step at its own time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import write_space

from search.cli import main
from search.ensemble.saved import SavedAnswer, answer_table, load_answer
from search.forecasting import Network, model_inputs
from search.leaderboard import read_leaderboard
from search.model.best import load_best
from search.run.reading import load_run, run_series

LENGTH = 400
SPIKE = 340  # in the second validation fold: rows 320 to 359 of the 280 to 359 validated
HORIZON = 3


@pytest.fixture(scope="module")
def known_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("known")
    rng = np.random.default_rng(11)
    t = np.arange(LENGTH)
    promo = (rng.random(LENGTH) < 0.3).astype(float)
    values = 20 + 4 * np.sin(2 * np.pi * t / 7) + 3 * promo + rng.normal(0, 0.3, LENGTH)
    values[SPIKE] += 40
    dates = np.datetime64("2024-01-01") + t
    data = folder / "shop.csv"
    frame = {"date": dates.astype(str), "sales": values, "promo": promo}
    pd.DataFrame(frame).to_csv(data, index=False)
    space = write_space(
        folder,
        data=str(data),
        column="sales",
        features=["promo"],
        known=["promo"],
        season=7,
        window=7,
        horizon=HORIZON,
        folds=2,
        epochs=3,
        trials=2,
        batch_size=64,
    )
    out = folder / "out"
    assert main(["run", str(space), "--out", str(out), "--quiet"]) == 0
    return out, dates


def _one_step(out):
    table = pd.read_csv(out / "forecast.csv")
    return table[table["kind"] == "one-step"]


def test_forecast_with_a_known_column_stops_where_its_values_do(known_run, capsys):
    out, dates = known_run
    # The best trial: each forecast reads the known column over its 3 steps, so the last
    # point it forecasts is the one whose 3 steps the file still holds.
    assert main(["forecast", str(out), "--best-trial"]) == 0
    past = _one_step(out)
    assert len(past) == LENGTH - 7 - (HORIZON - 1)
    assert past["time"].iloc[-1] == str(dates[LENGTH - HORIZON])
    assert np.isfinite(past["forecast"]).all()
    # The answer: where a network of 3 steps is among its members, it stops there too.
    assert main(["forecast", str(out)]) == 0
    answer = load_answer(out)
    last = LENGTH - HORIZON if answer.networks else LENGTH - 1
    assert _one_step(out)["time"].iloc[-1] == str(dates[last])
    assert "the answer" in capsys.readouterr().out
    # An answer with that network in it, half and half with exponential smoothing: its
    # forecasts are the network's first step and the smoothing's, weighted.
    model, info = load_best(out)
    mixed = SavedAnswer({"members": [{}, {}]}, fit_end=info["test_start"])
    mixed.networks.append((0.5, Network(model, model_inputs(info))))
    mixed.statistical.append((0.5, "ets"))
    series = run_series(load_run(out))
    table = answer_table(mixed, series, 0)
    assert table["time"].iloc[-1] == dates[LENGTH - HORIZON]
    ets = SavedAnswer({"members": [{}]}, statistical=[(1.0, "ets")], fit_end=info["test_start"])
    alone = answer_table(ets, series, 0).set_index("time")["forecast"]
    network = past.set_index(pd.to_datetime(past["time"]))["forecast"]
    at = pd.to_datetime(table["time"])
    expected = 0.5 * network[at].to_numpy() + 0.5 * alone[at].to_numpy()
    assert np.allclose(table["forecast"], expected, atol=1e-4)


def test_the_report_draws_each_forecast_at_its_own_time(known_run):
    out, dates = known_run
    assert main(["report", str(out)]) == 0
    text = (out / "report.md").read_text()
    section = text.split("## The best configuration's forecast")[1]
    assert "every point of the validation and test parts" in section  # the test part too
    assert "forecasts of the first of 3 steps" in section
    # The spike no forecaster saw coming is the largest error, named at its own date (read
    # against the origins of the first fold, it would be named two days early).
    line = next(x for x in section.splitlines() if x.startswith("Its three largest errors"))
    assert str(dates[SPIKE]) in line
    table = read_leaderboard(out / "leaderboard.csv")
    assert np.isfinite(table[table["trial"].notna()]["test_mae"]).all()


def _future(path, dates, promo, drop: int | None = None, column: str = "promo") -> None:
    after = dates[-1] + 1 + np.arange(len(promo))
    frame = pd.DataFrame({"date": after.astype(str), column: promo})
    if drop is not None:
        frame = frame.drop(index=drop)
    frame.to_csv(path, index=False)


def test_forecast_past_the_end_reads_the_known_column_s_future(known_run, capsys, tmp_path):
    out, dates = known_run
    command = ["forecast", str(out), "--best-trial", "--steps", "10"]
    # Without the file: one line saying what to give.
    assert main([*command, "--output", str(tmp_path / "none.csv")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "promo" in error and "next 12 values" in error and "--future" in error
    # Ten steps of a 3-step model read 12 rows of it: four whole blocks.
    forecasts = {}
    for level in (0.0, 1.0):
        future = tmp_path / f"future-{level}.csv"
        _future(future, dates, np.full(12, level))
        output = tmp_path / f"ahead-{level}.csv"
        assert main([*command, "--future", str(future), "--output", str(output)]) == 0
        table = pd.read_csv(output)
        ahead = table[table["kind"] == "ahead"]
        assert len(ahead) == 10 and np.isfinite(ahead["forecast"]).all()
        assert ahead["time"].iloc[0] == str(dates[-1] + 1)
        forecasts[level] = ahead["forecast"].to_numpy()
    assert not np.allclose(forecasts[0.0], forecasts[1.0])  # the network reads it


def test_a_future_file_without_a_row_or_the_column_is_refused_in_one_line(
    known_run, capsys, tmp_path
):
    out, dates = known_run
    command = ["forecast", str(out), "--best-trial", "--steps", "10", "--future"]
    gap = tmp_path / "gap.csv"
    _future(gap, dates, np.ones(12), drop=5)
    assert main([*command, str(gap)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and f"no row for {dates[-1] + 6}" in error
    other = tmp_path / "other.csv"
    _future(other, dates, np.ones(12), column="price")
    assert main([*command, str(other)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "no column 'promo'" in error


def test_the_python_api_reads_the_future_from_a_frame_indexed_by_time(known_run, tmp_path):
    from search.api import Answer

    out, dates = known_run
    promo = (np.arange(12) % 2).astype(float)
    future = tmp_path / "future.csv"
    _future(future, dates, promo)
    command = ["forecast", str(out), "--best-trial", "--steps", "10", "--future", str(future)]
    assert main([*command, "--output", str(tmp_path / "cli.csv")]) == 0
    cli = pd.read_csv(tmp_path / "cli.csv")
    model, info = load_best(out)
    network = SavedAnswer({"members": [{"name": "trial", "weight": 1.0}]})
    network.networks.append((1.0, Network(model, model_inputs(info))))
    frame = pd.read_csv(future, index_col="date", parse_dates=True)
    api = Answer(out, network).forecast(10, future=frame)
    assert np.allclose(api["forecast"], cli[cli["kind"] == "ahead"]["forecast"], atol=1e-6)
