"""The report of a batch of runs: each run's best side by side, with links to their reports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import optuna
import pandas as pd

from search.files import replace_file
from search.outdir import OutDir
from search.report import analysis, figures
from search.report.markdown import escape, figure, table
from search.run.reading import run_identity
from search.study import read_records
from search.vocabulary import describe


def write_batch_report(
    root: str | Path, runs: Sequence[tuple[Path, optuna.Study]], combined: pd.DataFrame
) -> Path:
    """``<root>/report.md``: the runs of a batch side by side, with links to each report."""
    root = Path(root)
    paths = OutDir(root)
    paths.figures.mkdir(exist_ok=True)
    rows = []
    for out, study in runs:
        identity = run_identity(study)
        ranked = analysis.scored(read_records(study), identity.folds)
        best = ranked[0] if ranked else None
        rows.append(
            {
                "space": identity.space,
                "data": identity.data,
                "tuner": identity.tuner,
                "trials": len(ranked),
                "best": best.val_mae if best else None,
                "model": describe(best.config) if best else "",
                "report": paths.link(OutDir(out).report),
            }
        )
    summary = pd.DataFrame(rows)
    parts = [
        "# Search report: a batch of spaces",
        f"{len(runs)} runs in `{escape(root)}`; the combined leaderboard is "
        f"`{paths.leaderboard.name}` here ({int(combined['rank'].notna().sum())} trials ranked "
        "together).",
    ]
    shown = summary.sort_values("best", na_position="last")
    parts.append(
        table(
            ["space", "data", "tuner", "scored trials", "best val_mae", "best model", "report"],
            [
                [r.space, r.data, r.tuner, r.trials, r.best, r.model, r.report]
                for r in shown.itertuples()
            ],
        )
    )
    scored = summary.dropna(subset=["best"])
    if len(scored):
        figures.spaces(scored, paths.figure("spaces"))
        parts.append(
            figure(paths.link(paths.figure("spaces")), "The best validation MAE each space reached")
        )
    text = "\n\n".join(parts) + "\n"
    return replace_file(paths.report, lambda path: Path(path).write_text(text))
