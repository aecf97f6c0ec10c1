"""The built-in series, windows, scaling, baselines and the CSV reader."""

from __future__ import annotations

import numpy as np
import pytest

from search.data import (
    Scaler,
    baseline_scores,
    builtin_series,
    forecast_windows,
    load_series,
    read_csv_series,
    training_windows,
)
from search.errors import DataError

# The reference figures of ../shared/course-series.md, to 3 decimals.
REFERENCE = {
    "course-lecture": dict(
        length=1461, split=1000, floor=4.007, naive=5.938, moving_average=6.031, linear_ar=4.955
    ),
    "course-exercise": dict(
        length=3651, split=3000, floor=2.435, naive=3.701, moving_average=3.853, linear_ar=3.180
    ),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_builtin_series_match_the_course_reference_figures(name):
    figures = REFERENCE[name]
    series = builtin_series(name)
    assert len(series.values) == figures["length"]
    assert series.split == figures["split"]
    assert series.values.dtype == np.float32
    assert round(series.noise_floor, 3) == figures["floor"]
    scores = baseline_scores(series)
    for baseline in ("naive", "moving_average", "linear_ar"):
        assert round(scores[baseline], 3) == figures[baseline], baseline


def test_builtin_series_are_the_same_on_every_call():
    a, b = builtin_series("course-exercise"), builtin_series("course-exercise")
    assert np.array_equal(a.values, b.values)
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != builtin_series("course-lecture").fingerprint()


def test_exercise_series_first_values_follow_the_formula():
    series = builtin_series("course-exercise")
    noise = np.random.RandomState(51).randn(3) * 3
    expected = 10 + 40 * np.cos(np.arange(3) / 365 * 6 * np.pi) + 0.005 * np.arange(3) + noise
    assert np.allclose(series.values[:3], expected, atol=1e-4)


def test_training_windows_are_consecutive_values_and_the_next_one():
    values = np.arange(10, dtype="float32")
    x, y = training_windows(values, 3)
    assert x.shape == (7, 3, 1) and y.shape == (7,)
    assert x[0, :, 0].tolist() == [0, 1, 2] and y[0] == 3
    assert x[-1, :, 0].tolist() == [6, 7, 8] and y[-1] == 9


def test_forecast_windows_hold_the_real_values_before_each_point():
    values = np.arange(10, dtype="float32")
    x = forecast_windows(values, 3, start=6)
    assert x.shape == (4, 3, 1)
    for row, t in zip(x[:, :, 0], range(6, 10), strict=True):
        assert row.tolist() == values[t - 3 : t].tolist()


def test_forecast_windows_need_a_full_window_before_the_start():
    with pytest.raises(ValueError):
        forecast_windows(np.arange(10.0), 5, start=3)


def test_nothing_of_the_validation_part_reaches_training():
    series = builtin_series("course-exercise")
    changed = series.values.copy()
    changed[series.split :] += 1000.0  # a wildly different validation part
    for kind in ("standard", "course"):
        a, b = Scaler.fit(kind, series.train), Scaler.fit(kind, changed[: series.split])
        assert a == b
    scaler = Scaler.fit("standard", series.train)
    x, y = training_windows(scaler.transform(series.values)[: series.split], 20)
    x2, y2 = training_windows(scaler.transform(changed)[: series.split], 20)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    # The last training label is the last training value, never a validation one.
    assert y[-1] == pytest.approx(scaler.transform(series.values)[series.split - 1])


def test_standard_scaling_is_fitted_on_the_training_part_and_inverts():
    series = builtin_series("course-lecture")
    scaler = Scaler.fit("standard", series.train)
    assert scaler.mean == pytest.approx(float(np.mean(series.train)))
    assert scaler.std == pytest.approx(float(np.std(series.train)))
    scaled = scaler.transform(series.values)
    assert np.allclose(scaler.inverse(scaled), series.values, atol=1e-3)


def test_course_scaling_leaves_values_raw():
    scaler = Scaler.fit("course", np.arange(5.0))
    assert np.array_equal(scaler.transform(np.arange(5.0)), np.arange(5.0, dtype="float32"))


def test_csv_series_with_a_date_column_and_default_split(sine_csv):
    series = read_csv_series(sine_csv, "value")
    assert len(series.values) == 240
    assert series.split == 192  # the last 20 % validates
    assert series.time is not None and series.time.dtype.kind == "M"
    assert series.name == "sine.csv:value"


@pytest.mark.parametrize("split, expected", [(200, 200), (0.5, 120), (0.75, 180)])
def test_csv_split_as_index_or_fraction(sine_csv, split, expected):
    assert read_csv_series(sine_csv, "value", split=split).split == expected


@pytest.mark.parametrize("split", [0, 240, 500, 1.5])
def test_csv_split_outside_the_series_is_refused(sine_csv, split):
    with pytest.raises(DataError, match="split"):
        read_csv_series(sine_csv, "value", split=split)


def test_csv_unknown_column_lists_the_columns(sine_csv):
    with pytest.raises(DataError, match=r"no column 'price'.*'date', 'value', 'other'"):
        read_csv_series(sine_csv, "price")


def test_csv_without_column_needs_one_when_several_could_be_meant(sine_csv):
    with pytest.raises(DataError, match="--column"):
        read_csv_series(sine_csv)


def test_csv_values_that_are_not_numbers_name_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("y\n1\n2\nabc\n4\n")
    with pytest.raises(DataError, match=r"line 4: 'abc' is not a number"):
        read_csv_series(path, "y")


def test_csv_missing_values_are_counted_and_fill_is_offered(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("y\n1\n\n3\nNA\n5\n6\n")
    with pytest.raises(DataError, match=r"2 missing values, the first on line 3.*--fill"):
        read_csv_series(path, "y")
    filled = read_csv_series(path, "y", fill="interpolate")
    assert filled.values.tolist() == [1, 2, 3, 4, 5, 6]
    assert read_csv_series(path, "y", fill="previous").values.tolist() == [1, 1, 3, 3, 5, 6]


def test_csv_time_gaps_are_found_and_can_be_filled(tmp_path):
    path = tmp_path / "daily.csv"
    path.write_text("date,y\n2024-01-01,1\n2024-01-02,2\n2024-01-05,5\n2024-01-06,6\n")
    with pytest.raises(DataError, match=r"2 missing time steps, the first after line 3"):
        read_csv_series(path, "y")
    series = read_csv_series(path, "y", fill="interpolate")
    assert series.values.tolist() == [1, 2, 3, 4, 5, 6]
    assert len(series.time) == 6


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such data file"),
        ("", "empty"),
        ("y\n", "header but no rows"),
        ("date,y\n2024-01-02,1\n2024-01-01,2\n", "earlier than the row before"),
    ],
)
def test_csv_files_that_cannot_be_used(tmp_path, content, message):
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    with pytest.raises(DataError, match=message):
        read_csv_series(path, "y")


def test_load_series_knows_the_builtins_and_refuses_unknown_names():
    assert load_series("course-lecture").split == 1000
    assert load_series("course-lecture", split=900).split == 900
    with pytest.raises(DataError, match="unknown data set 'course'"):
        load_series("course")
