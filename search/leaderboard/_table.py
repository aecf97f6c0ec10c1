"""The leaderboard: every trial of a study ranked by validation MAE, beside the baselines."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd

from search.ensemble import Ensemble, candidates_of, choose
from search.ensemble.intervals import test_coverage
from search.files import write_csv
from search.outdir import OutDir
from search.states import SCORED, Status
from search.study import RunIdentity, TrialRecord, read_records
from search.study.forecasts import read_actuals
from search.vocabulary import describe
from search.yardstick import Yardstick

LEADING = ["rank", "trial", "status", "val_mae", "test_mae", "skill", "test_skill", "mase", "model"]
# The answer's one-step prediction intervals on the test part (search.ensemble.intervals).
INTERVALS = ["coverage_80", "coverage_95", "msis_95"]
TRAILING = [
    "refit",
    *INTERVALS,
    "epochs",
    "best_epoch",
    "last_val_mae",
    "params",
    "train_seconds",
    "error",
]
FOLD_COLUMN = re.compile(r"fold_\d+_mae")

# Rows that have a score, in the order they are ranked; the others follow by trial number.
_RANKED = (*SCORED, Status.ENSEMBLE)
_SCORED = (*_RANKED, Status.BASELINE)
_ORDER_OF_THE_REST = {
    Status.RUNNING: 0,
    Status.WAITING: 1,
    Status.INTERRUPTED: 2,
    Status.FAILED: 3,
    Status.BASELINE: 4,
}


def build_leaderboard(
    records: Sequence[TrialRecord],
    yardstick: Yardstick | None = None,
    ensemble: Ensemble | None = None,
    intervals: dict[str, float] | None = None,
) -> pd.DataFrame:
    """One row per trial, best first, with a ``baseline`` row per baseline forecaster and
    an ``ensemble`` row for the run's answer (its members and weights in ``model``; the test
    coverage of its intervals in ``intervals``' columns).

    ``rank`` numbers the completed and pruned trials and the ensemble by ``val_mae`` (the
    test part never ranks; the ensemble's is over the points its weights were chosen on);
    failed trials come last with their error, then baselines that could not be fitted, with
    why. ``skill`` and ``test_skill`` compare with the baseline that is best on validation,
    ``mase`` with the training part's seasonal naive forecast. ``refit`` marks the rows whose
    ``test_mae`` comes from a fit on everything before the test part (the baselines, and the
    answer once its networks are refit); a trial's own is its last fold's model's. Each
    hyperparameter has a column, empty where it does not apply (``units_3`` of a two-layer
    model); with several folds, each fold's validation MAE has one too.
    """
    yardstick = yardstick or Yardstick()
    parameters = parameter_names(r.config for r in records)
    folds = [f"fold_{k}_mae" for k in range(1, yardstick.folds + 1)] if yardstick.folds > 1 else []
    rows = [_trial_row(r, parameters, folds) for r in records]
    for baseline in yardstick.baselines:
        row = {
            "status": Status.BASELINE,
            "model": baseline.name,
            "val_mae": baseline.val_mae,
            "test_mae": baseline.test_mae,
            "refit": True if baseline.test_mae is not None else None,
            "error": baseline.error,
        }
        rows.append({**row, **dict(zip(folds, baseline.fold_maes, strict=False))})
    if ensemble is not None:
        row = {
            "status": Status.ENSEMBLE,
            "model": ensemble.describe(),
            "val_mae": ensemble.val_mae,
            "test_mae": ensemble.test_mae,
            "refit": ensemble.refit if ensemble.test_mae is not None else None,
            **(intervals or {}),
        }
        rows.append({**row, **dict(zip(folds, ensemble.fold_maes, strict=False))})
    table = pd.DataFrame(rows, columns=[*LEADING, *parameters, *folds, *TRAILING])
    table["skill"] = _mapped(table["val_mae"], yardstick.skill)
    table["test_skill"] = _mapped(table["test_mae"], yardstick.test_skill)
    table["mase"] = _mapped(table["val_mae"], yardstick.mase)
    table = sorted_rows(table)
    table["rank"] = ranks(table)
    whole = [p for p in parameters if _whole_numbers(r.config.get(p) for r in records)]
    for column in ("rank", "trial", "epochs", "best_epoch", "params", *whole):
        table[column] = table[column].astype("Int64")
    return table.reset_index(drop=True)


def ranks(table: pd.DataFrame) -> pd.Series:
    ranked = table["status"].isin(_RANKED) & table["val_mae"].notna()
    ranks = pd.Series(pd.NA, index=table.index, dtype="Int64")
    # A plain array on both sides: pandas 2.3 refuses a range put under a mask that is
    # true everywhere.
    ranks[ranked.to_numpy()] = np.arange(1, int(ranked.sum()) + 1)
    return ranks


def rebuild_leaderboard(study: optuna.Study, out: str | Path) -> pd.DataFrame:
    """Write ``<out>/leaderboard.csv`` from what ``study`` holds, and return it."""
    identity = RunIdentity.read(study)
    yardstick = identity.yardstick if identity is not None else None
    actuals = read_actuals(study)
    answer = intervals = None
    if identity is not None and actuals is not None:
        # Read once, for the answer and for how its intervals did (as ``answer_of`` reads).
        candidates = candidates_of(study, identity.folds)
        answer = choose(candidates, actuals)
        if answer is not None:
            weights = {m.name: m.weight for m in answer.members}
            scale = identity.yardstick.mase_scale or 1.0
            intervals = test_coverage(candidates, actuals, weights, scale)
    table = build_leaderboard(read_records(study), yardstick, answer, intervals)
    write_leaderboard(table, OutDir(out).leaderboard)
    return table


def write_leaderboard(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as CSV, whole (a reader at any moment sees a complete file)."""
    return write_csv(table, path)


def read_leaderboard(path: str | Path) -> pd.DataFrame:
    """A leaderboard CSV as pandas reads it, with its integer columns kept integer."""
    table = pd.read_csv(path)
    for column in ("rank", "trial", "epochs", "best_epoch", "params"):
        if column in table:
            table[column] = table[column].astype("Int64")
    return table


def top_rows(table: pd.DataFrame, count: int = 10) -> str:
    """The first rows as aligned text for a terminal, with the columns that vary."""
    shown = table.head(count)
    keep = [c for c in shown.columns if c != "error" and shown[c].notna().any()]
    fixed = (*LEADING, *TRAILING, "run", "space", "data")
    trials = shown[shown["status"] != Status.BASELINE]
    varying = [c for c in keep if c in fixed or trials[c].nunique(dropna=False) > 1]
    cells = (
        shown[varying]
        .astype(object)
        .map(
            lambda v: (
                ""
                if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
                else f"{v:.4g}"
                if isinstance(v, float)
                else v
            )
        )
    )
    return cells.to_string(index=False)


def parameter_order(names: Iterable[str]) -> list[str]:
    """``names`` in the order given, per-layer ones side by side (``units_2`` right after
    ``units_1`` even if the first trial had one layer)."""
    kept = list(dict.fromkeys(names))
    families: dict[str, int] = {}
    for name in kept:
        families.setdefault(_family(name), len(families))
    return sorted(kept, key=lambda n: families[_family(n)])


def parameter_names(configs: Iterable[dict[str, Any]]) -> list[str]:
    """The hyperparameter names of configurations, in the order they declare them."""
    names: dict[str, None] = {}
    for config in configs:
        for key in config:
            names.setdefault(key, None)
    return parameter_order(
        n
        for n in names
        if n not in LEADING and n not in TRAILING and not FOLD_COLUMN.fullmatch(str(n))
    )


def _family(name: str) -> str:
    return re.sub(r"_\d+$", "", name)


def _whole_numbers(values: Iterable[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int) and not isinstance(v, bool) for v in present)


def _mapped(column: pd.Series, score: Any) -> pd.Series:
    values = [score(v) if pd.notna(v) else None for v in column]
    return pd.Series([None if v is None else round(v, 4) for v in values], index=column.index)


def _trial_row(record: TrialRecord, parameters: list[str], folds: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "trial": record.number,
        "status": record.status,
        "val_mae": _six(record.val_mae),
        "test_mae": _six(record.test_mae),
        "model": describe(record.config),
        "epochs": record.epochs,
        "best_epoch": record.best_epoch,
        "last_val_mae": _six(record.last_val_mae),
        "params": record.params,
        "train_seconds": None if record.train_seconds is None else round(record.train_seconds, 2),
        "error": record.error if record.status not in SCORED else None,
    }
    for name in parameters:
        row[name] = _readable(record.config.get(name))
    row.update(zip(folds, (_six(v) for v in record.fold_maes), strict=False))
    return row


def _six(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _readable(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value != 0:
        return float(f"{value:.6g}")
    return value


def sorted_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Scored rows by ``val_mae``, those scored on fewer folds than the others after them
    (as ``rank_key`` ranks trials); then the rest by status and trial."""
    scored = table["status"].isin(_SCORED) & table["val_mae"].notna()
    folds = [c for c in table.columns if FOLD_COLUMN.fullmatch(str(c)) and table[c].notna().any()]
    partial = table[folds].isna().any(axis=1) if folds else pd.Series(False, index=table.index)
    first = (
        table[scored]
        .assign(_partial=partial[scored])
        .sort_values(["_partial", "val_mae"], kind="stable")
        .drop(columns="_partial")
    )
    rest = table[~scored].copy()
    rest["_order"] = rest["status"].map(_ORDER_OF_THE_REST).fillna(9)
    rest = rest.sort_values(["_order", "trial"], kind="stable").drop(columns="_order")
    return pd.concat([first, rest]) if len(rest) else first
