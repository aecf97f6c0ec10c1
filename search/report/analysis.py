"""What the trials of a study say, as tables: best so far, and what mattered."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import optuna
import pandas as pd

from search.leaderboard import parameter_order
from search.states import SCORED
from search.study import RunIdentity, TrialRecord
from search.study.records import rank_key

# Optuna's parameter importances need this many completed trials to say something.
IMPORTANCE_TRIALS = 10


def scored(records: Sequence[TrialRecord], folds: int = 1) -> list[TrialRecord]:
    """Trials with a validation MAE, best first (see ``rank_key``)."""
    found = [r for r in records if r.status in SCORED and r.val_mae is not None]
    return sorted(found, key=lambda r: rank_key(r, folds))


def best_so_far(records: Sequence[TrialRecord]) -> pd.DataFrame:
    """Per trial in the order they started: its val MAE and the best up to it."""
    rows, best = [], math.inf
    for record in sorted(records, key=lambda r: r.number):
        value = record.val_mae if record.status in SCORED else None
        if value is not None:
            best = min(best, value)
        rows.append(
            {
                "trial": record.number,
                "status": record.status,
                "val_mae": value,
                "best": best if math.isfinite(best) else None,
            }
        )
    return pd.DataFrame(rows, columns=["trial", "status", "val_mae", "best"])


def by_value(records: Sequence[TrialRecord], name: str) -> pd.DataFrame:
    """Best and median val MAE of the trials grouped by their value of ``name``.

    Values that are many and numeric (a learning rate) are grouped in ranges: decades when
    they span more than one, else quartiles. Columns: ``value`` (or the range), ``center``
    (where to plot it on a numeric axis), ``trials``, ``best``, ``median``.
    """
    frame = pd.DataFrame(
        [
            {"value": r.config.get(name), "val_mae": r.val_mae}
            for r in scored(records)
            if r.config.get(name) is not None
        ]
    )
    if frame.empty:
        return pd.DataFrame(columns=["value", "center", "trials", "best", "median"])
    values = frame["value"]
    numeric = values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all()
    if numeric and values.nunique() > 8:
        numbers = values.astype(float)
        if (numbers > 0).all() and numbers.max() / numbers.min() > 10:
            low = 10 ** np.floor(np.log10(numbers))
            frame["center"] = low * np.sqrt(10)  # the middle of the decade on a log axis
            frame["value"] = [f"{a:.0e} to {a * 10:.0e}" for a in low]
        else:
            bins = pd.qcut(numbers, 4, duplicates="drop")
            frame["center"] = [b.mid for b in bins]
            frame["value"] = [f"{b.left:.3g} to {b.right:.3g}" for b in bins]
    else:
        frame["center"] = frame["value"]
    grouped = frame.groupby("value", sort=False).agg(
        center=("center", "first"),
        trials=("val_mae", "size"),
        best=("val_mae", "min"),
        median=("val_mae", "median"),
    )
    grouped = grouped.reset_index()
    try:
        return grouped.sort_values("center", kind="stable").reset_index(drop=True)
    except TypeError:  # values of mixed types
        return grouped


def importances(study: optuna.Study) -> dict[str, float] | None:
    """Optuna's parameter importances (fANOVA), or None with too few completed trials."""
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if len(complete) < IMPORTANCE_TRIALS:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = optuna.importance.get_param_importances(
                study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)
            )
    except (RuntimeError, ValueError):  # parameters that differ too much between trials
        return None
    return dict(found) or None


def searched_names(identity: RunIdentity, records: Sequence[TrialRecord]) -> list[str]:
    """The hyperparameters that varied, in the space's order; per-layer units included."""
    names: list[str] = []
    for record in records:
        for key in record.config:
            if key not in names:
                names.append(key)
    varied = [
        n for n in names if len({repr(r.config.get(n)) for r in records if n in r.config}) > 1
    ]
    declared = identity.searched
    return parameter_order(
        n for n in varied if n in declared or n.rstrip("0123456789").rstrip("_") in declared
    )
