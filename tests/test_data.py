"""The built-in series, parts and folds, causal windows, scaling, seasons and the CSV reader."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from search.baselines import score_baselines
from search.data import (
    DataSource,
    Scaler,
    backtest_folds,
    builtin_series,
    lagged,
    read_csv_series,
    seasons_of,
    short_of_a_season,
    window_lags,
)
from search.errors import DataError
from search.model.trainer import Trainer

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
    assert not series.has_test and series.test_start == figures["length"]
    assert series.seasons == (365,)
    assert round(series.noise_floor(), 3) == figures["floor"]
    scores = {s.name: s.val_mae for s in score_baselines(series, backtest_folds(series, 1))}
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


def test_lagged_values_are_the_values_at_each_lag_before_each_label():
    series = DataSource("course-lecture").load()
    labels = np.array([730, 731, 1200])
    inputs = lagged(series, labels, np.array([730, 365, 2, 1]))
    for row, label in zip(inputs, labels, strict=True):
        assert (
            row.tolist() == series.values[[label - 730, label - 365, label - 2, label - 1]].tolist()
        )
    assert window_lags(3).tolist() == [3, 2, 1]  # oldest first


def test_a_label_without_enough_history_is_refused():
    series = builtin_series("course-lecture")
    with pytest.raises(ValueError, match="no value 20 steps before"):
        lagged(series, np.array([10]), window_lags(20))


def test_nothing_of_the_validation_or_test_part_reaches_training(tmp_path):
    """Through the trainer's own preparation: a wildly different validation and test part
    changes no training window, label or scaling; a different test part changes no
    validation window either."""
    series = builtin_series("course-exercise", test=365)
    changed = series.values.copy()
    changed[series.split :] += 1000.0
    other = replace(series, values=changed)
    test_only = series.values.copy()
    test_only[series.test_start :] *= -3.0
    sealed = replace(series, values=test_only)
    for kind in ("standard", "course"):
        a = Trainer(series, epochs=1, patience=None, folds=2).prepared(
            {"window": 20, "scaling": kind}, 0
        )
        b = Trainer(other, epochs=1, patience=None, folds=2).prepared(
            {"window": 20, "scaling": kind}, 0
        )
        assert a.scaler == b.scaler
        assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
        # The last training label is the value just before the first fold, never later.
        assert a.y[-1] == pytest.approx(
            a.scaler.transform(series.values[series.split - 1 :][:1])[0]
        )
        for fold in (0, 1):
            c = Trainer(sealed, epochs=1, patience=None, folds=2).prepared(
                {"window": 20, "scaling": kind}, fold
            )
            d = Trainer(series, epochs=1, patience=None, folds=2).prepared(
                {"window": 20, "scaling": kind}, fold
            )
            assert np.array_equal(c.x, d.x) and np.array_equal(c.x_valid, d.x_valid)
            assert np.array_equal(c.y_valid, d.y_valid) and c.scaler == d.scaler


def test_each_fold_trains_on_everything_before_its_block_with_its_own_scaling():
    series = builtin_series("course-exercise")
    trainer = Trainer(series, epochs=1, patience=None, folds=3)
    blocks = [(f.start, f.end) for f in trainer.folds]
    assert blocks == [(3000, 3217), (3217, 3434), (3434, 3651)]
    for index, (start, end) in enumerate(blocks):
        data = trainer.prepared({"window": 20, "scaling": "standard"}, index)
        assert len(data.y) == start - 20 and len(data.y_valid) == end - start
        assert data.scaler.mean == pytest.approx(float(np.mean(series.values[:start])), rel=1e-6)
    assert trainer.step(2, 4) == 2 * trainer.epochs + 4


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


def test_csv_series_with_a_date_column_and_default_parts(sine_csv):
    series = read_csv_series(sine_csv, "value")
    assert len(series.values) == 240
    assert series.test_start == 216  # the last 10 % tests
    assert series.split == 168  # the 20 % before it validates
    assert series.seasons == (7, 365)  # daily time stamps
    assert series.time is not None and series.time.dtype.kind == "M"
    assert series.name == "sine.csv:value"


@pytest.mark.parametrize("split, expected", [(200, 200), (0.5, 120), (0.75, 180)])
def test_csv_split_as_index_or_fraction(sine_csv, split, expected):
    assert read_csv_series(sine_csv, "value", split=split).split == expected


@pytest.mark.parametrize("split", [0, 240, 500, 1.5, 220, 0.95])
def test_csv_split_outside_the_series_or_in_the_test_part_is_refused(sine_csv, split):
    with pytest.raises(DataError, match="split"):
        read_csv_series(sine_csv, "value", split=split)


@pytest.mark.parametrize(
    "test, split, expected",
    [(0, None, (192, 240)), (40, None, (152, 200)), (0.25, 100, (100, 180)), (None, 0.9, None)],
)
def test_the_test_part_is_rows_or_a_fraction_and_validation_sits_before_it(
    sine_csv, test, split, expected
):
    if expected is None:  # 0.9 of the series leaves nothing before the default test part
        with pytest.raises(DataError, match=r"no validation part before the test part.*--test"):
            read_csv_series(sine_csv, "value", test=test, split=split)
        return
    series = read_csv_series(sine_csv, "value", test=test, split=split)
    assert (series.split, series.test_start) == expected
    assert len(series.valid) + len(series.test) + len(series.train) == 240


@pytest.mark.parametrize("test", [240, 239, 1.5])
def test_a_test_part_that_leaves_too_little_is_refused(sine_csv, test):
    with pytest.raises(DataError, match="test"):
        read_csv_series(sine_csv, "value", test=test)


def test_a_default_validation_part_moves_back_to_hold_the_longest_season(tmp_path):
    # The course's split leaves 286 days before a test year: validation moves to a whole year.
    assert builtin_series("course-exercise", test=365).split == 3651 - 365 - 365
    assert builtin_series("course-exercise").split == 3000  # no test part: the course's
    assert builtin_series("course-exercise", test=365, split=3000).split == 3000  # as given
    assert builtin_series("course-exercise", test=365, seasons=()).split == 3000
    # Weekly stamps (a season of 52): 20 % of 200 weeks is 40, so validation takes 52.
    weeks = pd.date_range("2020-01-05", periods=200, freq="W")
    path = tmp_path / "weekly.csv"
    pd.DataFrame({"week": weeks, "sales": np.arange(200.0)}).to_csv(path, index=False)
    series = read_csv_series(path, "sales", time_column="week")
    assert series.seasons == (52,)
    assert (series.split, series.test_start) == (128, 180)
    # Too short to keep two seasons of training: the 20 % stays.
    short = builtin_series("course-lecture", test=365, seasons=(400,))
    assert (short.split, short.test_start) == (1000, 1096)
    assert short_of_a_season(short) is None  # no earlier split would do better


def test_a_given_split_short_of_a_season_is_named_with_the_split_that_holds_one():
    given = builtin_series("course-exercise", test=365, split=3000)
    assert short_of_a_season(given) == (
        "the validation part holds 286 values, less than the longest season (365): a "
        "selection sees only that part of the cycle; --split 2921 gives it a whole one"
    )
    assert short_of_a_season(builtin_series("course-exercise", test=365)) is None


def test_folds_cut_the_validation_part_in_time_order_and_refuse_tiny_blocks():
    series = builtin_series("course-lecture", test=61)
    blocks = backtest_folds(series, 4)
    assert [f.number for f in blocks] == [1, 2, 3, 4]
    assert blocks[0].start == 1000 and blocks[-1].end == 1400
    assert all(a.end == b.start for a, b in itertools.pairwise(blocks))
    with pytest.raises(DataError, match="300 folds leave blocks of 1 validation values"):
        backtest_folds(series, 300)


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
    filled = read_csv_series(path, "y", fill="interpolate", test=0)
    assert filled.values.tolist() == [1, 2, 3, 4, 5, 6]
    assert filled.filled.tolist() == [False, True, False, True, False, False]
    assert filled.causal.tolist() == [1, 1, 3, 3, 5, 6]  # what was known at each gap's end
    assert filled.labels(0, 6).tolist() == [0, 2, 4, 5]  # filled values are never labels
    previous = read_csv_series(path, "y", fill="previous", test=0)
    assert previous.values.tolist() == [1, 1, 3, 3, 5, 6] and previous.causal is None


def test_missing_values_before_the_first_value_and_after_the_last_are_dropped(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text(
        "date,y\n2024-01-01,\n2024-01-02,2\n2024-01-03,\n2024-01-04,4\n2024-01-05,5\n2024-01-06,\n"
    )
    series = read_csv_series(path, "y", fill="interpolate", test=0, split=2)
    assert series.values.tolist() == [2, 3, 4, 5]
    assert str(series.time[0]).startswith("2024-01-02")


def test_csv_time_gaps_are_found_and_can_be_filled(tmp_path):
    path = tmp_path / "daily.csv"
    path.write_text("date,y\n2024-01-01,1\n2024-01-02,2\n2024-01-05,5\n2024-01-06,6\n")
    with pytest.raises(DataError, match=r"2 missing time steps, the first after line 3"):
        read_csv_series(path, "y")
    series = read_csv_series(path, "y", fill="interpolate", test=0)
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


def test_a_data_source_knows_the_builtins_and_refuses_unknown_names():
    assert DataSource("course-lecture").load().split == 1000
    assert DataSource("course-lecture", split=900).load().split == 900
    lecture = DataSource("course-lecture", test=0.25).load()
    assert (lecture.split, lecture.test_start) == (731, 1096)  # a year of validation
    assert DataSource("course-lecture", season=(7,)).load().seasons == (7,)
    with pytest.raises(DataError, match="unknown data set 'course'"):
        DataSource("course").load()
    with pytest.raises(DataError, match="built-in series: --column"):
        DataSource("course-lecture", fill="previous").load()


def test_a_data_source_round_trips_through_its_config(sine_csv):
    source = DataSource(str(sine_csv), column="value", test=0.2, season=(7,))
    again = DataSource.from_config(source.get_config())
    assert again == source
    assert again.load().fingerprint() == source.load().fingerprint()


@pytest.mark.parametrize(
    "step, seasons",
    [
        ("30min", (48, 336)),
        ("h", (24, 168)),
        ("D", (7, 365)),
        ("W", (52,)),
        ("MS", (12,)),
        ("QS", (4,)),
        ("YS", ()),
        ("7min", ()),
    ],
)
def test_seasons_follow_the_time_stamps_frequency(step, seasons):
    import pandas as pd

    stamps = pd.date_range("2020-01-01", periods=30, freq=step).to_numpy()
    assert seasons_of(stamps) == seasons
    assert seasons_of(np.arange(30)) == ()  # numeric stamps say nothing of a calendar
