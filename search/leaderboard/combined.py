"""Several runs' leaderboards ranked as one, where their trials forecast the same points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from search.leaderboard._table import (
    FOLD_COLUMN,
    LEADING,
    TRAILING,
    parameter_names,
    ranks,
    sorted_rows,
)
from search.states import Status
from search.study import RunIdentity


@dataclass(frozen=True)
class RankedRun:
    """One run of a batch: its out directory's ``name``, its identity, its leaderboard."""

    name: str
    identity: RunIdentity
    table: pd.DataFrame


def combine_leaderboards(runs: Sequence[RankedRun]) -> pd.DataFrame:
    """Several runs' leaderboards as one, with ``run``, ``space`` and ``data`` columns.

    Trials are ranked together where they forecast the same points: the same data, cut into
    the same parts and folds, as many steps ahead, with the same seasons. Runs on other
    data, or on the same series cut or forecast otherwise, are ranked on their own (an MAE
    is in its series' units, and is read off its own part), each beside its own baselines,
    which appear once.
    """
    names = [label for _, label in {_points(run.identity) for run in runs}]
    parts = []
    for run in runs:
        key, label = _points(run.identity)
        if names.count(label) > 1:  # one series cut several ways: say which cut
            label = f"{label} ({_cut(run.identity)})"
        parts.append(run.table.assign(run=run.name, space=run.identity.space, data=label, _key=key))
    if not parts:
        return pd.DataFrame(columns=["rank", "run", "space", "data", *LEADING[1:], *TRAILING])
    combined = pd.concat(parts, ignore_index=True)
    baseline = combined["status"] == Status.BASELINE
    # A baseline belongs to the data, not to a run or a space.
    combined.loc[baseline, ["run", "space"]] = pd.NA
    combined = combined[~(baseline & combined.duplicated(["status", "model", "_key"]))]
    combined = pd.concat(
        [
            sorted_rows(group).assign(rank=ranks(sorted_rows(group)))
            for _, group in combined.groupby("data", sort=True)
        ]
    )
    parameters = parameter_names([{c: None for c in combined.columns}])
    parameters = [c for c in parameters if c not in ("run", "space", "data", "_key")]
    folds = [c for c in combined.columns if FOLD_COLUMN.fullmatch(c)]
    columns = ["rank", "run", "space", "data", *LEADING[1:], *parameters, *folds, *TRAILING]
    return combined[columns].reset_index(drop=True)


def _points(identity: RunIdentity) -> tuple[str, str]:
    """What makes two runs' scores comparable (the same data, cut the same way, forecast as
    far ahead with the same seasons), and the data's name."""
    key = (
        identity.data_fingerprint,
        identity.split,
        identity.end_of_validation,
        identity.folds,
        _horizon(identity),
        identity.seasons,
    )
    return "|".join(map(str, key)), identity.data


def _horizon(identity: RunIdentity) -> int:
    """How many steps each forecast of the run covers (1 for runs made before horizons)."""
    return int(identity.overrides.get("horizon") or identity.space_config.get("horizon") or 1)


def _cut(identity: RunIdentity) -> str:
    """How a run cut its series, as a batch's ``data`` column says it: the parts and folds,
    and the horizon and seasons where they are not the plainest."""
    folds = identity.folds
    parts = [
        f"split {identity.split}",
        f"test from {identity.end_of_validation}",
        f"{folds} fold{'s' if folds > 1 else ''}",
    ]
    if _horizon(identity) > 1:
        parts.append(f"horizon {_horizon(identity)}")
    if identity.seasons:
        seasons = ", ".join(map(str, identity.seasons))
        parts.append(f"season{'s' if len(identity.seasons) > 1 else ''} {seasons}")
    return ", ".join(parts)
