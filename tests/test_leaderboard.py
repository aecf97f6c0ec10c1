"""The leaderboard: schema, order, ranks and a whole file at every moment."""

from __future__ import annotations

import pandas as pd

from search.leaderboard import build_leaderboard, read_leaderboard, write_leaderboard
from search.study import TrialRecord

BASELINES = {"naive": 3.7, "moving_average": 3.85, "linear_ar": 3.18}


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
    assert columns[:5] == ["rank", "trial", "status", "val_mae", "model"]
    assert columns[-5:] == ["epochs", "best_epoch", "params", "train_seconds", "error"]
    parameters = columns[5:-5]
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
