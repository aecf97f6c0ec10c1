"""Numbers kept whole: a CSV's values are read, scored and kept in 64 bits, so that a level
of 123,456,789 (where 32-bit floats step by 8) keeps its units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from search.baselines import score_baselines
from search.data import backtest_folds
from search.data.csvfile import read_csv_series
from search.data.scaling import Scaler


@pytest.fixture
def large(tmp_path):
    """700 days around 123,456,789 with a weekly cycle and noise."""
    rng = np.random.default_rng(0)
    days = np.arange(700)
    values = 123_456_789 + 3 * np.sin(2 * np.pi * days / 7) + rng.normal(0, 1, days.size)
    values = np.round(values, 3)
    path = tmp_path / "large.csv"
    dates = pd.date_range("2020-01-01", periods=days.size, freq="D")
    pd.DataFrame({"date": dates, "y": values}).to_csv(path, index=False)
    return path, values


def test_a_large_level_is_read_as_the_file_holds_it(large):
    path, values = large
    series = read_csv_series(path, "y")
    assert series.values.dtype == np.float64
    assert np.array_equal(series.values, values)
    assert len(np.unique(series.values)) == len(np.unique(values)) > 600


def test_baselines_on_a_large_level_score_what_the_file_s_values_give(large):
    path, values = large
    series = read_csv_series(path, "y")
    scores = {s.name: s for s in score_baselines(series, backtest_folds(series, 1))}
    labels = np.arange(series.split, series.test_start)
    by_hand = np.mean(np.abs(values[labels] - values[labels - 1]))
    assert scores["naive"].val_mae == pytest.approx(by_hand, abs=1e-6)
    weekly = np.mean(np.abs(values[labels] - values[labels - 7]))
    assert scores["seasonal_naive_7"].val_mae == pytest.approx(weekly, abs=1e-6)


def test_standardising_a_large_level_keeps_its_small_differences():
    values = 123_456_789 + np.array([0.0, 0.5, 1.0, 1.5])
    scaler = Scaler.fit("standard", values)
    scaled = scaler.transform(values)
    assert (np.diff(scaled) > 0).all()
    assert np.allclose(np.diff(scaled), np.diff(scaled)[0], rtol=0, atol=1e-5)
    assert np.allclose(scaler.inverse(scaled), values, rtol=0, atol=1e-4)
