"""The leaderboard: schema, order, ranks and a whole file at every moment."""

from __future__ import annotations

import pandas as pd
import pytest

from search.baselines import BaselineScore
from search.leaderboard import build_leaderboard, read_leaderboard, write_leaderboard
from search.study import TrialRecord
from search.yardstick import Yardstick

BASELINES = Yardstick(
    baselines=(
        BaselineScore("naive", "the last value", val_mae=3.7),
        BaselineScore("moving_average", "the mean", val_mae=3.85),
        BaselineScore("linear_ar", "least squares", val_mae=3.18),
    ),
    mase_scale=3.6,
)


def _config(depth=1, **extra):
    config = {
        "cell": "lstm",
        "depth": depth,
        "units_1": 32,
        "bidirectional": False,
        "learning_rate": 1e-3,
        "loss": "huber",
        "batch_size": 32,
        "window": 20,
    }
    if depth > 1:
        config["units_2"] = 16
    config.update(extra)
    return config


def _records():
    return [
        TrialRecord(
            0, "complete", 3.4, _config(), epochs=40, best_epoch=30, params=4385, train_seconds=12.5
        ),
        TrialRecord(1, "failed", None, _config(learning_rate=1.0), error="Diverged: nan"),
        TrialRecord(
            2,
            "complete",
            2.9,
            _config(depth=2),
            epochs=55,
            best_epoch=45,
            params=7000,
            train_seconds=20.0,
        ),
        TrialRecord(
            3, "pruned", 3.9, _config(), epochs=6, best_epoch=6, params=4385, train_seconds=2.0
        ),
        TrialRecord(4, "running", None, _config()),
    ]


def test_columns_are_rank_trial_status_score_parameters_then_training_facts():
    table = build_leaderboard(_records(), BASELINES)
    columns = list(table.columns)
    assert columns[:9] == [
        "rank",
        "trial",
        "status",
        "val_mae",
        "test_mae",
        "skill",
        "test_skill",
        "mase",
        "model",
    ]
    assert columns[-10:] == [
        "refit",
        "coverage_80",
        "coverage_95",
        "msis_95",
        "epochs",
        "best_epoch",
        "last_val_mae",
        "params",
        "train_seconds",
        "error",
    ]
    parameters = columns[9:-10]
    assert parameters == [
        "cell",
        "depth",
        "units_1",
        "units_2",
        "bidirectional",
        "learning_rate",
        "loss",
        "batch_size",
        "window",
    ]


def test_rows_are_best_first_with_baselines_in_place_and_failures_last():
    table = build_leaderboard(_records(), BASELINES)
    assert table["status"].tolist() == [
        "complete",
        "baseline",
        "complete",
        "baseline",
        "baseline",
        "pruned",
        "running",
        "failed",
    ]
    assert table["val_mae"].iloc[:6].is_monotonic_increasing
    assert table["rank"].tolist()[:6] == [1, pd.NA, 2, pd.NA, pd.NA, 3]
    assert table.loc[table["status"] == "failed", "error"].item() == "Diverged: nan"
    assert table.loc[table["status"] == "baseline", "model"].tolist() == [
        "linear_ar",
        "naive",
        "moving_average",
    ]


def test_parameters_that_do_not_apply_are_empty_and_whole_numbers_stay_whole():
    table = build_leaderboard(_records(), BASELINES)
    one_layer = table[table["trial"] == 0].iloc[0]
    assert pd.isna(one_layer["units_2"])
    assert str(table["depth"].dtype) == "Int64"
    assert str(table["trial"].dtype) == "Int64"


def test_the_csv_round_trips_through_pandas(tmp_path):
    table = build_leaderboard(_records(), BASELINES)
    path = write_leaderboard(table, tmp_path / "leaderboard.csv")
    again = read_leaderboard(path)
    assert again["trial"].tolist()[:3] == [2, pd.NA, 0]
    assert again["val_mae"].tolist()[:3] == [2.9, 3.18, 3.4]
    assert list(again.columns) == list(table.columns)


def test_writing_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "leaderboard.csv"
    path.write_text("old contents\n")
    write_leaderboard(build_leaderboard(_records(), BASELINES), path)
    assert path.read_text().startswith("rank,trial,status")
    assert [p.name for p in tmp_path.iterdir()] == ["leaderboard.csv"]


def test_an_empty_study_gives_the_baselines_alone():
    table = build_leaderboard([], BASELINES)
    assert table["status"].tolist() == ["baseline"] * 3


def test_skill_mase_test_and_fold_columns_measure_against_the_best_baseline():
    yardstick = Yardstick(
        baselines=(
            BaselineScore("seasonal_ar", "s", val_mae=2.5, test_mae=2.6, fold_maes=(2.4, 2.6)),
            BaselineScore("ets", "e", val_mae=2.6, test_mae=2.4, fold_maes=(2.5, 2.7)),
            BaselineScore("seasonal_naive", "n", error="cannot be fitted: no season is known"),
        ),
        mase_scale=5.0,
        folds=2,
        has_test=True,
    )
    records = [
        TrialRecord(0, "complete", 2.25, _config(), test_mae=2.86, fold_maes=[2.2, 2.3]),
        TrialRecord(1, "complete", 3.0, _config(), test_mae=2.34, fold_maes=[3.1, 2.9]),
    ]
    table = build_leaderboard(records, yardstick)
    first = table.iloc[0]
    assert first["trial"] == 0 and first["rank"] == 1
    assert first["skill"] == pytest.approx(0.1)  # 10 % below seasonal_ar on validation
    # On the test part it is measured against seasonal_ar too, the baseline chosen on
    # validation, not against ets, which happens to be better on the test part.
    assert first["test_skill"] == pytest.approx(1 - 2.86 / 2.6, abs=1e-4)
    assert first["mase"] == pytest.approx(0.45)
    assert (first["fold_1_mae"], first["fold_2_mae"]) == (2.2, 2.3)
    baseline = table[table["model"] == "ets"].iloc[0]
    assert pd.isna(baseline["rank"]) and baseline["fold_2_mae"] == 2.7
    last = table.iloc[-1]
    assert last["model"] == "seasonal_naive" and pd.isna(last["val_mae"])
    assert last["error"] == "cannot be fitted: no season is known"
    # The test part never ranks: trial 1 is better on test and still second.
    assert table.loc[table["trial"] == 1, "rank"].item() == 2


def test_a_trial_scored_on_fewer_folds_ranks_after_those_scored_on_all():
    """Pruned in its last fold, a trial's mean is over the easier blocks only: it may not
    outrank a trial that was scored on every block."""
    yardstick = Yardstick(baselines=(), folds=3)
    records = [
        TrialRecord(0, "complete", 2.6, _config(), fold_maes=[2.6, 2.2, 3.0]),
        TrialRecord(1, "pruned", 2.4, _config(), fold_maes=[2.6, 2.2]),
        TrialRecord(2, "pruned", 3.5, _config(), fold_maes=[3.5]),
    ]
    table = build_leaderboard(records, yardstick)
    assert table["trial"].tolist() == [0, 1, 2]
    assert table["rank"].tolist() == [1, 2, 3]


def _identity(space, data="course-exercise", split=3000, fingerprint="f1", baseline=3.0):
    from search.data import DataSource
    from search.study import RunIdentity

    return RunIdentity(
        space=space,
        space_file=f"spaces/{space}.py",
        space_path=f"/x/spaces/{space}.py",
        source=DataSource(data),
        space_fingerprint="s",
        data=data,
        data_fingerprint=fingerprint,
        length=3651,
        split=split,
        yardstick=Yardstick(baselines=(BaselineScore("ets", "e", val_mae=baseline),)),
        tuner="tpe",
        pruner="median",
        trials=2,
    )


def test_a_batch_keeps_runs_of_one_space_apart_and_ranks_each_cut_on_its_own():
    from search.leaderboard import RankedRun, combine_leaderboards

    def run(name, space, value, **identity):
        identity = _identity(space, **identity)
        records = [TrialRecord(0, "complete", value, _config())]
        return RankedRun(name, identity, build_leaderboard(records, identity.yardstick))

    combined = combine_leaderboards(
        [
            run("lstm", "lstm", 2.9),
            run("lstm-course-exercise", "lstm", 2.8),  # the same space's name, another run
            run("lstm-early", "lstm", 2.5, split=2500, fingerprint="f2", baseline=2.7),
        ]
    )
    trials = combined[~combined["status"].isin(("baseline", "ensemble"))]
    assert sorted(trials["run"]) == ["lstm", "lstm-course-exercise", "lstm-early"]
    same = trials[trials["data"] == "course-exercise (split 3000, test from 3651, 1 fold)"]
    assert same.sort_values("rank")["run"].tolist() == ["lstm-course-exercise", "lstm"]
    assert sorted(same["rank"]) == [1, 2]
    early = trials[trials["run"] == "lstm-early"].iloc[0]
    assert early["rank"] == 1 and "split 2500" in early["data"]
    baselines = combined[combined["status"] == "baseline"]
    assert sorted(baselines["val_mae"]) == [2.7, 3.0]  # each cut beside its own baselines


def test_a_batch_ranks_runs_of_other_horizons_or_seasons_apart_each_beside_its_baselines():
    from dataclasses import replace

    from search.leaderboard import RankedRun, combine_leaderboards

    def run(name, value, baseline, **changes):
        identity = replace(_identity("lstm", baseline=baseline), **changes)
        records = [TrialRecord(0, "complete", value, _config())]
        return RankedRun(name, identity, build_leaderboard(records, identity.yardstick))

    combined = combine_leaderboards(
        [
            run("one-step", 2.9, 3.0),
            run("week-ahead", 4.1, 4.5, space_config={"horizon": 7}),
            run("weekly", 2.7, 2.8, seasons=(7,)),
        ]
    )
    trials = combined[~combined["status"].isin(("baseline", "ensemble"))]
    assert trials["rank"].tolist() == [1, 1, 1]  # three ways of forecasting: none compared
    labels = dict(zip(trials["run"], trials["data"], strict=True))
    assert len(set(labels.values())) == 3
    assert "horizon 7" in labels["week-ahead"] and "season 7" in labels["weekly"]
    baselines = combined[combined["status"] == "baseline"]
    assert sorted(baselines["val_mae"]) == [2.8, 3.0, 4.5]  # each beside its own
