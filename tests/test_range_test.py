"""The learning-rate range test: its rule on curves whose answer is known, its stop on
divergence, and a real sweep through the command line."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import optuna
import pandas as pd
import pytest
from conftest import code

from search.cli import main
from search.data import DataSource
from search.errors import UsageError
from search.leaderboard import read_leaderboard
from search.range_test import (
    RangeTest,
    conclude,
    configuration,
    diverged,
    groups,
    resolve,
    smooth,
    sweep,
)
from search.space import Auto, Choice, Int, Space


def _valley(rates: np.ndarray, best: float) -> np.ndarray:
    """A loss that is lowest at ``best`` and climbs steeply past it, as a sweep's does."""
    x = np.log10(rates) - math.log10(best)
    return 1.0 + 0.05 * x**2 + np.where(x > 0, np.expm1(3 * x), 0.0)


def test_the_rule_takes_the_lowest_loss_divided_by_the_backoff():
    test = RangeTest(start=1e-8, stop=10.0, steps=450, smoothing=0.0, backoff=10.0)
    rates = test.rates()
    result = conclude(test, rates.tolist(), _valley(rates, 1e-3).tolist())
    assert result.rates[result.lowest] == pytest.approx(1e-3, rel=0.05)
    assert result.suggestion == pytest.approx(1e-4, rel=0.05)
    assert "divided by 10" in test.rule()


def test_the_rule_sees_through_noise():
    test = RangeTest(start=1e-7, stop=1.0, steps=400, backoff=1.0)
    rates = test.rates()
    noisy = _valley(rates, 1e-4) * (1 + 0.05 * np.random.default_rng(0).standard_normal(400))
    result = conclude(test, rates.tolist(), noisy.tolist())
    # The smoothing lags a little behind the rate, never by a decade.
    assert 1e-4 / 3 < result.suggestion < 1e-4 * 3
    assert result.smoothed[result.lowest] == min(result.smoothed)


def test_the_rule_is_deterministic_and_ends_the_curve_at_the_first_nan():
    test = RangeTest(start=1e-6, stop=1.0, steps=100, smoothing=0.0, backoff=1.0)
    rates = test.rates().tolist()
    losses = _valley(test.rates(), 1e-3).tolist()
    losses[80] = math.nan
    first, second = conclude(test, rates, losses), conclude(test, rates, losses)
    assert first.suggestion == second.suggestion
    assert len(first.rates) == 80 and first.stopped == "diverged"


def test_the_sweep_stops_once_the_smoothed_loss_has_clearly_diverged():
    test = RangeTest(steps=200)
    rates = test.rates()
    curve = _valley(rates, 1e-4)
    stop = next(i for i in range(1, 201) if diverged(curve[:i].tolist(), test))
    smoothed = smooth(curve[:stop].tolist(), test.smoothing)
    assert smoothed[-1] > test.diverge * smoothed.min()
    assert smooth(curve[: stop - 1].tolist(), test.smoothing)[-1] <= test.diverge * smoothed.min()
    assert rates[stop - 1] > 1e-4  # past the valley, not in it
    assert diverged([1.0, 0.9, math.inf], test)
    # A loss that falls fast at first is not a divergence, however high it started.
    assert not diverged([100.0, 50.0, 10.0, 1.0, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], test)


def test_a_range_still_falling_at_its_end_says_so():
    test = RangeTest(start=1e-8, stop=1e-5, steps=50, smoothing=0.0)
    rates = test.rates()
    result = conclude(test, rates.tolist(), _valley(rates, 1e-2).tolist())
    assert any("still falling" in w for w in result.warnings)


@pytest.mark.parametrize(
    "changes", [dict(start=0), dict(start=1e-2, stop=1e-3), dict(steps=3), dict(per="week")]
)
def test_a_bad_range_is_a_usage_error(changes):
    with pytest.raises(UsageError):
        RangeTest(**changes)


def test_the_course_preset_is_the_course_schedule():
    rates = RangeTest.course().rates()
    epochs = np.arange(100)
    np.testing.assert_allclose(rates, 1e-8 * 10 ** (epochs / 20))


def test_a_configuration_is_the_space_defaults_changed_by_the_values_given():
    space = Space(depth=Int(1, 3), units=Int(8, 64, step=8), batch_size=Choice(64, 32))
    config = configuration(space, depth=2, units=16)
    assert (config["depth"], config["units"], config["batch_size"]) == (2, 16, 64)
    points = Space(points={"a": dict(units=4), "b": dict(units=6)})
    assert configuration(points, point="b")["units"] == 6
    with pytest.raises(UsageError, match="no point named 'c'"):
        configuration(points, point="c")


def test_a_real_sweep_diverges_and_stops_early_and_repeats_with_its_seed():
    series = DataSource("course-exercise").load()
    config = configuration(Space(units=4, window=8, batch_size=128, jit_compile=False))
    test = RangeTest(start=1e-5, stop=1e4, steps=300)
    first = sweep(series, config, test, seed=3, jit_compile=False)
    assert first.stopped == "diverged" and len(first.rates) < 300
    assert 1e-5 < first.suggestion < 1e3
    again = sweep(series, config, dataclasses.replace(test), seed=3, jit_compile=False)
    assert again.suggestion == first.suggestion


def test_lr_find_writes_its_files_and_prints_the_rate_and_rule(space_file, tmp_path, capsys):
    space = space_file(units=code("Int(1, 8)"), batch_size=128)
    out = tmp_path / "found"
    status = main(
        ["lr-find", str(space), "--units", "4", "--steps", "60", "--stop", "1e3", "--out", str(out)]
    )
    assert status == 0
    printed = capsys.readouterr().out
    summary = json.loads((out / "lr_find.json").read_text())
    assert f"{summary['suggestion']:.3g}" in printed and "lowest smoothed loss" in printed
    assert summary["configuration"]["units"] == 4
    table = pd.read_csv(out / "lr_find.csv")
    assert list(table.columns) == ["step", "rate", "loss", "smoothed"]
    assert table["rate"].is_monotonic_increasing and 0 < len(table) <= 60
    assert (out / "lr_find.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    "fields, message",
    [
        (["--unitz", "4"], "unknown option --unitz"),
        (["--units", "four"], "expected a whole number"),
        (["--cell", "transformer"], "unknown value 'transformer'"),
        (["--units"], "needs a value"),
    ],
)
def test_lr_find_refuses_bad_fields_in_one_line(fields, message, space_file, tmp_path, capsys):
    status = main(["lr-find", str(space_file()), *fields, "--out", str(tmp_path / "no")])
    error = capsys.readouterr().err
    assert status == 2 and message in error and error.count("\n") == 1
    assert not (tmp_path / "no").exists()


def test_an_automatic_rate_searches_a_scale_around_each_groups_suggestion():
    space = Space(
        learning_rate="auto", loss=Choice("huber", "mse"), optimizer=Choice("adam", "sgd")
    )
    assert isinstance(space.auto_rate, Auto) and space.auto_rate.decades == 1
    hp = space.hyperparameters()
    scale = next(p for p in hp.space if p.name == Auto.SCALE)
    assert (scale.min_value, scale.max_value, scale.sampling) == (0.1, 10.0, "log")
    assert set(groups(space)) == {
        "lstm-adam-huber-standard",
        "lstm-adam-mse-standard",
        "lstm-sgd-huber-standard",
        "lstm-sgd-mse-standard",
    }
    config = configuration(space, loss="mse", optimizer="sgd")
    assert config["learning_rate"] is None  # known only once the range test has run
    rates = {"lstm-sgd-mse-standard": 2e-4}
    resolved = resolve({**config, Auto.SCALE: 3.0}, rates)
    assert resolved["learning_rate"] == pytest.approx(6e-4)
    with pytest.raises(UsageError, match="no range test"):
        resolve({**config, "loss": "huber"}, rates)


@pytest.mark.parametrize(
    "value, message",
    [
        ("Auto(decades=0)", "must be above 0"),
        ("Auto(preset='slow')", "expected 'fast' or 'course'"),
        ("'automatic'", "is not a number"),
    ],
)
def test_a_bad_automatic_rate_names_the_field(value, message, space_file, capsys):
    status = main(["run", str(space_file(learning_rate=code(value)))])
    error = capsys.readouterr().err
    assert status == 2 and "learning_rate" in error and message in error


def test_range_tests_run_once_per_group_and_are_reused_on_resume(space_file, tmp_path, capsys):
    space = space_file(learning_rate="auto", loss=code("Choice('huber', 'mae')"), trials=2)
    out = tmp_path / "out"
    assert main(["run", str(space), "--out", str(out)]) == 0
    first = capsys.readouterr().out
    assert first.count("range test lstm-adam-") == 2 and "found before" not in first
    files = {p.name: p.stat().st_mtime_ns for p in (out / "lr_find").iterdir()}
    assert len(files) == 6  # csv, json and png for each of the two groups
    study = optuna.load_study(study_name="tiny", storage=f"sqlite:///{out / 'study.db'}")
    rates = study.user_attrs["learning_rates"]

    assert main(["run", str(space), "--out", str(out), "--trials", "3"]) == 0
    second = capsys.readouterr().out
    assert second.count("found before") == 2
    assert {p.name: p.stat().st_mtime_ns for p in (out / "lr_find").iterdir()} == files
    assert study.user_attrs["learning_rates"] == rates
    table = read_leaderboard(out / "leaderboard.csv")
    trials = table[table["status"] == "complete"]
    assert len(trials) == 3
    for _, row in trials.iterrows():
        suggested = rates[f"lstm-adam-{row['loss']}-standard"]
        assert row["learning_rate"] == pytest.approx(
            suggested * row["learning_rate_scale"], rel=1e-4
        )

    # The morning report shows the range tests and where the rates fell around them.
    assert main(["report", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert "## Learning-rate range tests" in report
    for key in rates:
        assert f"(lr_find/{key}.png)" in report
    assert (out / "figures" / "rates.png").stat().st_size > 10_000
