"""Reporting finished runs: each run's leaderboard rebuilt and its report written from its
study, and a batch of runs ranked together in one leaderboard."""

from __future__ import annotations

from pathlib import Path

import optuna
import pandas as pd

from search.errors import UsageError
from search.leaderboard import (
    RankedRun,
    combine_leaderboards,
    rebuild_leaderboard,
    write_leaderboard,
)
from search.outdir import OutDir
from search.report.batch import write_batch_report
from search.report.run_page import write_report
from search.run.reading import load_run, run_identity, run_series, storage_label


def report_run(out: str | Path, storage: str | None = None) -> tuple[pd.DataFrame, Path]:
    """Rebuild a run's leaderboard and write its report; both, from its study."""
    _, table, path = _report(Path(out), storage)
    return table, path


def report_batch(
    root: str | Path, runs: list[Path], storage: str | None = None
) -> tuple[pd.DataFrame, Path]:
    """Report each run of a batch, and rank all their trials in ``<root>/leaderboard.csv``:
    together where they forecast the same points of the same data, each with its own
    baselines."""
    root = Path(root)
    ranked, reported = [], []
    for out in runs:
        study, table, _ = _report(out, storage)
        ranked.append(RankedRun(str(out.relative_to(root)), run_identity(study), table))
        reported.append((out, study))
    combined = combine_leaderboards(ranked)
    write_leaderboard(combined, OutDir(root).leaderboard)
    return combined, write_batch_report(root, reported, combined)


def _report(out: Path, storage: str | None) -> tuple[optuna.Study, pd.DataFrame, Path]:
    study = load_run(out, storage=storage)
    try:
        series = run_series(study)
    except UsageError:
        series = None  # moved or changed: the report leaves the forecast out and says so
    table = rebuild_leaderboard(study, out)
    path = write_report(out, study, series, storage=storage_label(out, storage))
    return study, table, path
