"""Scores a user can trust, end to end: a sealed test part, folds with pruning on several
workers, and filled gaps that never show a forecast its own label."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest
from conftest import code

from search.cli import main
from search.data import DataSource, builtin_series
from search.leaderboard import read_leaderboard
from search.model.trainer import Trainer


def _csv(path, values, start="2000-01-01"):
    dates = pd.date_range(start, periods=len(values), freq="D")
    pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "y": values}).to_csv(path, index=False)
    return path


def _trials(out):
    table = read_leaderboard(out / "leaderboard.csv")
    return table[~table["status"].isin(("baseline", "ensemble"))].set_index("trial").sort_index()


def test_changing_the_test_part_changes_no_validation_score_pruning_or_rank(space_file, tmp_path):
    values = builtin_series("course-exercise").values[-1500:].astype("float64")
    sealed = values.copy()
    sealed[-300:] = sealed[-300:] * 3 + np.random.RandomState(1).randn(300) * 20
    space = space_file(
        units=code("Int(2, 8)"),
        learning_rate=code("Choice(1e-2, 1e-5)"),
        batch_size=1024,
        epochs=8,
        trials=8,
        pruner="median",
        tuner="tpe",
        folds=2,
    )
    tables, answers = [], []
    for name, series in (("a", values), ("b", sealed)):
        data = _csv(tmp_path / f"{name}.csv", np.round(series, 4))
        out = tmp_path / f"out-{name}"
        command = ["run", str(space), "--data", str(data), "--column", "y", "--out", str(out)]
        assert main([*command, "--split", "900", "--test", "300", "--quiet"]) == 0
        tables.append(_trials(out))
        table = read_leaderboard(out / "leaderboard.csv")
        answers.append(table[table["status"] == "ensemble"].iloc[0])
    # The answer: the same members, weights and validation score; only its test MAE moves.
    assert answers[0]["model"] == answers[1]["model"]
    assert answers[0]["val_mae"] == answers[1]["val_mae"]
    assert answers[0]["test_mae"] != answers[1]["test_mae"]
    a, b = tables
    assert a["status"].tolist() == b["status"].tolist()  # the same pruning decisions
    assert "pruned" in a["status"].tolist()
    assert a["val_mae"].tolist() == b["val_mae"].tolist()
    assert a["fold_1_mae"].tolist() == b["fold_1_mae"].tolist()
    assert a["rank"].tolist() == b["rank"].tolist()
    assert a["epochs"].tolist() == b["epochs"].tolist()
    assert a["test_mae"].notna().all() and (a["test_mae"] != b["test_mae"]).all()


@pytest.mark.parametrize("storage", ["sqlite", "postgresql"])
def test_folds_run_with_tpe_and_pruning_on_two_workers(
    space_file, tmp_path, storage, request, study_name
):
    url = (
        f"sqlite:///{tmp_path / 'shared.db'}"
        if storage == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    space = space_file(
        units=code("Int(2, 6)"), epochs=3, trials=6, tuner="tpe", pruner="median", folds=3
    )
    out = tmp_path / "out"
    command = ["run", str(space), "--out", str(out), "--workers", "2", "--storage", url]
    assert main([*command, "--study", study_name, "--quiet"]) == 0
    study = optuna.load_study(study_name=study_name, storage=url)
    finished = [t for t in study.trials if t.state.is_finished()]
    assert len(finished) == 6
    assert len({t.user_attrs["worker"] for t in finished}) == 2
    for trial in finished:
        folds = trial.user_attrs["fold_maes"]
        assert 1 <= len(folds) <= 3
        assert trial.user_attrs["val_mae"] == pytest.approx(np.mean(folds))
        # Each fold's epochs are steps of their own: fold k's start at k * epochs.
        steps = sorted(trial.intermediate_values)
        assert {step // 3 for step in steps} == set(range(len(folds)))
    table = _trials(out)
    complete = table[table["status"] == "complete"]
    assert complete[["fold_1_mae", "fold_2_mae", "fold_3_mae"]].notna().all().all()
    means = complete[["fold_1_mae", "fold_2_mae", "fold_3_mae"]].mean(axis=1)
    assert np.allclose(means, complete["val_mae"], atol=1e-5)


@pytest.fixture
def gappy_csv(tmp_path):
    """A daily series whose gaps sit just before spikes: a forecast that could see its own
    label through an interpolated value would forecast the spike."""
    rng = np.random.RandomState(3)
    values = 10 + np.sin(np.arange(400) / 7) + rng.randn(400) * 0.1
    gaps = np.arange(240, 400, 16)
    values[gaps + 1] += 50.0  # the spike right after each gap
    text = pd.Series(np.round(values, 4)).astype(str)
    text[gaps] = ""
    text[gaps - 1] = ""
    return _csv(tmp_path / "gappy.csv", text.tolist()), gaps


def test_no_scored_forecast_sees_its_own_label_through_a_filled_gap(gappy_csv, tmp_path):
    path, gaps = gappy_csv
    source = DataSource(str(path), column="y", fill="interpolate", split=240, test=80)
    series = source.load()
    assert series.filled[gaps].all() and not series.filled[gaps + 1].any()
    base = Trainer(series, epochs=1, patience=None).prepared(
        {"window": 8, "scaling": "standard"}, 0
    )
    # Filled points are never labels: only the real values of the validation part are scored.
    assert len(base.y_valid) == len(series.labels(series.split, series.test_start))
    assert len(base.y_valid) == np.sum(~series.filled[series.split : series.test_start]) < 80
    # For each spike label: change the file from that row on, and the inputs of its
    # forecast do not move. Through an interpolated gap they would.
    labels = list(series.labels(series.split, series.test_start))
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    for spike in gaps[(gaps + 1 >= series.split) & (gaps + 1 < series.test_start)] + 1:
        changed = raw.copy()
        changed.loc[spike:, "y"] = changed.loc[spike:, "y"].map(
            lambda v: "" if v == "" else str(float(v) + 1000.0)
        )
        other = tmp_path / "changed.csv"
        changed.to_csv(other, index=False)
        moved = DataSource(str(other), column="y", fill="interpolate", split=240, test=80)
        prepared = Trainer(moved.load(), epochs=1, patience=None).prepared(
            {"window": 8, "scaling": "standard"}, 0
        )
        row = labels.index(spike)
        assert np.array_equal(prepared.x_valid[row], base.x_valid[row])
        # The value before the spike is the last real one carried forward.
        assert base.x_valid[row, -1, 0] == pytest.approx(
            base.scaler.transform(series.values[spike - 3 : spike - 2])[0]
        )
