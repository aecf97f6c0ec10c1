"""The morning report of one run: ``report.md`` and its figures, read from the study.

What won and by how much (beside the baselines and, for the built-in series, the noise
floor), its forecast, the search's history, what mattered, and the best learning curves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import optuna
import pandas as pd

from search.data import Series
from search.ensemble import answer_of
from search.files import replace_file
from search.outdir import OutDir
from search.report import analysis, figures
from search.report.answer import answer_section
from search.report.answer_forecast import answer_forecast_section
from search.report.forecast_figures import forecast_section, steps_section
from search.report.headline import best_section, headline, reference_lines
from search.report.markdown import escape, figure, table
from search.report.range_tests import range_tests_section
from search.run.reading import run_identity
from search.states import UNFINISHED
from search.study import RunIdentity, TrialRecord, read_records
from search.vocabulary import describe

TOP = 10
CURVES = 5


def write_report(
    out: str | Path, study: optuna.Study, series: Series | None, *, storage: str = ""
) -> Path:
    """Write ``<out>/report.md`` and ``<out>/figures/*.png`` for the run of ``study``.

    ``series`` (the run's data) draws the forecast figures; without it they are left out
    with a word why. ``storage`` names where the study is kept (a masked URL).
    """
    out = Path(out)
    OutDir(out).figures.mkdir(exist_ok=True)
    identity = run_identity(study)
    records = read_records(study)
    ranked = analysis.scored(records, identity.folds)
    searched = analysis.searched_names(identity, records)
    parts = [_heading(identity, records, storage)]
    if not ranked:
        parts.append("No trial has a validation MAE yet.")
    else:
        parts += [
            answer_section(answer_of(study), identity.yardstick),
            answer_forecast_section(out, series),
            headline(identity, ranked),
            best_section(identity, records, ranked, out),
            _top(ranked, searched),
            forecast_section(study, ranked[0], series, out, identity.folds),
            steps_section(identity, ranked[0], out),
            _history(identity, records, out),
            _mattered(study, identity, records, searched, out),
            range_tests_section(study, identity, ranked, out),
            _curves(ranked, out),
        ]
    parts.append(_failures(records))
    text = "\n\n".join(p for p in parts if p) + "\n"
    return replace_file(OutDir(out).report, lambda path: Path(path).write_text(text))


# -- sections ---------------------------------------------------------------------------------


def _heading(identity: RunIdentity, records: Sequence[TrialRecord], storage: str) -> str:
    counts = pd.Series([r.status for r in records]).value_counts().to_dict() if records else {}
    status = ", ".join(f"{n} {s}" for s, n in counts.items()) or "none yet"
    starts = [r.started for r in records if r.started]
    ends = [r.finished for r in records if r.finished]
    span = ""
    if starts and ends:
        seconds = (max(ends) - min(starts)).total_seconds()
        span = f" over {seconds / 60:.1f} minutes"
    workers = len({r.worker for r in records if r.worker})
    epochs = sum(r.epochs or 0 for r in records)
    lines = [
        f"# Search report: {escape(identity.space)} on {escape(identity.data)}",
        f"{len(records)} trials ({escape(status)}){span}, {epochs} epochs in all, "
        f"{workers} worker process{'es' if workers != 1 else ''}; tuner "
        f"`{escape(identity.tuner)}`, pruner `{escape(identity.pruner)}`, "
        f"budget {identity.trials} trials.",
        f"Written {datetime.now().astimezone().isoformat(timespec='minutes')}"
        + (f" from the study in `{escape(storage)}`." if storage else "."),
    ]
    return "\n\n".join(lines)


def _top(ranked: Sequence[TrialRecord], searched: Sequence[str]) -> str:
    headers = ["rank", "trial", "status", "val_mae", "model", *searched, "epochs", "seconds"]
    rows = [
        [
            i + 1,
            r.number,
            r.status,
            r.val_mae,
            describe(r.config),
            *[r.config.get(n) for n in searched],
            r.epochs,
            r.train_seconds,
        ]
        for i, r in enumerate(ranked[:TOP])
    ]
    return f"## Top {min(TOP, len(ranked))} configurations\n\n" + table(headers, rows)


def _history(identity: RunIdentity, records: Sequence[TrialRecord], out: Path) -> str:
    frame = analysis.best_so_far(records)
    paths = OutDir(out)
    figures.history(frame, paths.figure("history"), reference_lines(identity))
    return "## Search history\n\n" + figure(
        paths.link(paths.figure("history")),
        "Validation MAE of each trial in the order they ran (pruned trials at the epoch they "
        "stopped), the best so far, the target and the reference forecasters",
    )


def _log_names(identity: RunIdentity, searched: Sequence[str]) -> list[str]:
    fields = identity.space_config.get("fields") or {}
    names = []
    for name in searched:
        declared = fields.get(name) or fields.get(name.rstrip("0123456789").rstrip("_")) or {}
        if isinstance(declared, dict) and declared.get("log"):
            names.append(name)
    return names


def _mattered(
    study: optuna.Study,
    identity: RunIdentity,
    records: Sequence[TrialRecord],
    searched: Sequence[str],
    out: Path,
) -> str:
    if not searched:
        return ""
    stats = {name: analysis.by_value(records, name) for name in searched}
    stats = {name: frame for name, frame in stats.items() if len(frame)}
    if not stats:
        return ""
    paths = OutDir(out)
    figures.mattered(stats, paths.figure("mattered"), _log_names(identity, searched))
    parts = [
        "## What mattered",
        figure(
            paths.link(paths.figure("mattered")),
            "For each hyperparameter, the best (blue) and median (gray) validation MAE of the "
            "trials by its value; many-valued numbers are grouped in ranges",
        ),
    ]
    for name, frame in stats.items():
        parts.append(
            f"**{escape(name)}**\n\n"
            + table(
                ["value", "trials", "best", "median"],
                [[row.value, row.trials, row.best, row.median] for row in frame.itertuples()],
            )
        )
    found = analysis.importances(study)
    if found:
        figures.importance(found, paths.figure("importance"))
        parts.append(
            figure(
                paths.link(paths.figure("importance")),
                "How much of the variation of the validation MAE each parameter "
                "explains (Optuna's fANOVA importance, completed trials)",
            )
        )
    else:
        parts.append(
            f"Optuna's parameter importances need {analysis.IMPORTANCE_TRIALS} "
            "completed trials; this study has fewer."
        )
    return "\n\n".join(parts)


def _curves(ranked: Sequence[TrialRecord], out: Path) -> str:
    best = [r for r in ranked[:CURVES] if r.curve]
    if not best:
        return ""
    paths = OutDir(out)
    figures.curves(best, paths.figure("curves"))
    return "## Learning curves\n\n" + figure(
        paths.link(paths.figure("curves")),
        f"Validation MAE after each epoch of the {len(best)} best trials",
    )


def _failures(records: Sequence[TrialRecord]) -> str:
    failed = [r for r in records if r.status in UNFINISHED]
    if not failed:
        return ""
    return "## Trials that did not finish\n\n" + table(
        ["trial", "status", "error"], [[r.number, r.status, r.error] for r in failed]
    )
