"""The morning report: ``report.md`` and its figures, read from the study.

What won and by how much (beside the baselines and, for the built-in series, the noise
floor), its forecast, the search's history, what mattered, and the best learning curves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd

from search.data import Series
from search.files import replace_file
from search.range_test import RANGE_TEST_DIR, RangeTest, group_key
from search.report import analysis, figures
from search.report.headline import best_section, headline, reference_lines
from search.report.markdown import escape, figure, table
from search.space import Auto
from search.study import TrialRecord, read_records, run_identity
from search.study import records as rec

REPORT_FILE = "report.md"
FIGURES_DIR = "figures"
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
    (out / FIGURES_DIR).mkdir(exist_ok=True)
    identity = run_identity(study)
    records = read_records(study)
    ranked = analysis.scored(records)
    searched = analysis.searched_names(identity, records)
    parts = [_heading(identity, records, storage)]
    if not ranked:
        parts.append("No trial has a validation MAE yet.")
    else:
        parts += [
            headline(identity, ranked),
            best_section(identity, records, ranked, out),
            _top(ranked, searched),
            _forecast(study, identity, ranked[0], series, out),
            _history(identity, records, out),
            _mattered(study, identity, records, searched, out),
            _range_tests(study, identity, ranked, out),
            _curves(ranked, out),
        ]
    parts.append(_failures(records))
    text = "\n\n".join(p for p in parts if p) + "\n"
    return replace_file(out / REPORT_FILE, lambda path: Path(path).write_text(text))


def write_batch_report(
    root: str | Path, runs: Sequence[tuple[Path, optuna.Study]], combined: pd.DataFrame
) -> Path:
    """``<root>/report.md``: the runs of a batch side by side, with links to each report."""
    root = Path(root)
    (root / FIGURES_DIR).mkdir(exist_ok=True)
    rows = []
    for out, study in runs:
        identity = run_identity(study)
        ranked = analysis.scored(read_records(study))
        best = ranked[0] if ranked else None
        rows.append(
            {
                "space": identity.get("space", out.name),
                "data": identity.get("data"),
                "tuner": identity.get("tuner"),
                "trials": len(ranked),
                "best": best.val_mae if best else None,
                "model": analysis.model_name(best.config) if best else "",
                "report": f"{out.relative_to(root)}/{REPORT_FILE}",
            }
        )
    summary = pd.DataFrame(rows)
    parts = [
        "# Search report: a batch of spaces",
        f"{len(runs)} runs in `{escape(root)}`; the combined leaderboard is "
        f"`leaderboard.csv` here ({int(combined['rank'].notna().sum())} trials ranked "
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
        figures.spaces(scored, root / FIGURES_DIR / "spaces.png")
        parts.append(
            figure(f"{FIGURES_DIR}/spaces.png", "The best validation MAE each space reached")
        )
    text = "\n\n".join(parts) + "\n"
    return replace_file(root / REPORT_FILE, lambda path: Path(path).write_text(text))


# -- sections ---------------------------------------------------------------------------------


def _heading(identity: dict[str, Any], records: Sequence[TrialRecord], storage: str) -> str:
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
        f"# Search report: {escape(identity.get('space', '?'))} on "
        f"{escape(identity.get('data', '?'))}",
        f"{len(records)} trials ({escape(status)}){span}, {epochs} epochs in all, "
        f"{workers} worker process{'es' if workers != 1 else ''}; tuner "
        f"`{escape(identity.get('tuner'))}`, pruner `{escape(identity.get('pruner'))}`, "
        f"budget {identity.get('trials')} trials.",
        f"Written {datetime.now().astimezone().isoformat(timespec='minutes')}"
        + (f" from the study in `{escape(storage)}`." if storage else "."),
    ]
    return "\n\n".join(lines)


def _range_tests(
    study: optuna.Study, identity: dict[str, Any], ranked: Sequence[TrialRecord], out: Path
) -> str:
    """The range tests of an automatic rate, and where the trials' rates fell around them."""
    rates = study.user_attrs.get(rec.LEARNING_RATES)
    if not rates:
        return ""
    auto = (identity.get("space_config") or {}).get("fields", {}).get("learning_rate", {})
    decades = float(auto.get("decades", 1.0))
    rule = RangeTest.preset(auto.get("preset", "fast")).rule()
    automatic = [r for r in ranked if Auto.SCALE in r.config]
    rows, links = [], []
    for key, rate in sorted(rates.items()):
        members = [r for r in automatic if group_key(r.config) == key]
        best = members[0] if members else None
        rows.append(
            [
                key,
                rate,
                f"{rate / 10**decades:.3g} to {rate * 10**decades:.3g}",
                len(members),
                best.val_mae if best else None,
                best.config["learning_rate"] if best else None,
                f"{best.config[Auto.SCALE]:.2f}" if best else "",
            ]
        )
        if (out / RANGE_TEST_DIR / f"{key}.png").exists():
            links.append(figure(f"{RANGE_TEST_DIR}/{key}.png", f"Range test for {key}"))
    parts = [
        "## Learning-rate range tests",
        "Before the search, one range test per group of configurations suggested a rate "
        f"({escape(rule)}); each trial "
        f"searched a factor from 10^-{decades:g} to 10^{decades:g} around its group's rate.",
        table(
            [
                "group",
                "suggested rate",
                "searched",
                "scored trials",
                "best val_mae",
                "its rate",
                "rate / suggestion",
            ],
            rows,
        ),
    ]
    if automatic:
        winner = automatic[0]
        figures.rate_scales(
            [r.config[Auto.SCALE] for r in automatic],
            [r.val_mae for r in automatic],
            [group_key(r.config) for r in automatic],
            0,
            decades,
            out / FIGURES_DIR / "rates.png",
        )
        parts.append(
            f"The winner, trial {winner.number}, trained at "
            f"{winner.config['learning_rate']:.3g}: {winner.config[Auto.SCALE]:.2f} times "
            f"the rate suggested for {escape(group_key(winner.config))}."
        )
        parts.append(
            figure(
                f"{FIGURES_DIR}/rates.png",
                "Validation MAE against each trial's rate relative to its group's suggestion",
            )
        )
    return "\n\n".join([*parts, *links])


def _top(ranked: Sequence[TrialRecord], searched: Sequence[str]) -> str:
    headers = ["rank", "trial", "status", "val_mae", "model", *searched, "epochs", "seconds"]
    rows = [
        [
            i + 1,
            r.number,
            r.status,
            r.val_mae,
            analysis.model_name(r.config),
            *[r.config.get(n) for n in searched],
            r.epochs,
            r.train_seconds,
        ]
        for i, r in enumerate(ranked[:TOP])
    ]
    return f"## Top {min(TOP, len(ranked))} configurations\n\n" + table(headers, rows)


def _forecast(
    study: optuna.Study,
    identity: dict[str, Any],
    best: TrialRecord,
    series: Series | None,
    out: Path,
) -> str:
    title = "## The best configuration's forecast"
    attrs = study.trials[best.number].user_attrs
    stored, stored_test = attrs.get(rec.FORECAST), attrs.get(rec.TEST_FORECAST)
    if series is None:
        return f"{title}\n\nLeft out: the run's data could not be read again."
    labels = series.labels(series.split, series.test_start)
    if stored is None or not 0 < len(stored) <= len(labels):
        return f"{title}\n\nLeft out: the study holds no forecast of trial {best.number}."
    labels = labels[: len(stored)]
    predicted = np.asarray(stored, dtype="float64")
    test_labels = series.labels(series.test_start, len(series.values))
    tested = stored_test is not None and len(stored_test) == len(test_labels)
    if tested:
        labels = np.concatenate([labels, test_labels])
        predicted = np.concatenate([predicted, np.asarray(stored_test, dtype="float64")])
    actual = series.values[labels].astype("float64")
    time = series.time[labels] if series.time is not None else labels
    test_from = time[len(stored)] if tested else None
    parts = "validation and test parts" if tested else "validation part"
    figures.forecast(
        time,
        actual,
        predicted,
        out / FIGURES_DIR / "forecast.png",
        f"{series.name}: trial {best.number}'s one-step forecasts of the {parts}",
        test_from=test_from,
    )
    floor = None
    if series.clean is not None:
        floor = np.abs(series.clean[labels] - actual)
    figures.errors(
        time, actual, predicted, out / FIGURES_DIR / "error.png", floor, test_from=test_from
    )
    worst = np.argsort(-np.abs(predicted - actual))[:3]
    at = ", ".join(_when(time[i]) for i in sorted(worst))
    return "\n\n".join(
        [
            title,
            figure(
                f"{FIGURES_DIR}/forecast.png",
                f"Trial {best.number} forecasts every point of the {parts} from the "
                f"{best.config.get('window')} real values before it (blue), against the "
                "series (gray)",
            ),
            figure(
                f"{FIGURES_DIR}/error.png",
                "Absolute error over time; the dashed line is the noise-free signal's own "
                "error, which no forecaster beats"
                if floor is not None
                else "Absolute error over time",
            ),
            f"Its three largest errors are at time {at}.",
        ]
    )


def _history(identity: dict[str, Any], records: Sequence[TrialRecord], out: Path) -> str:
    frame = analysis.best_so_far(records)
    figures.history(frame, out / FIGURES_DIR / "history.png", reference_lines(identity))
    return "## Search history\n\n" + figure(
        f"{FIGURES_DIR}/history.png",
        "Validation MAE of each trial in the order they ran (pruned trials at the epoch they "
        "stopped), the best so far, the target and the reference forecasters",
    )


def _log_names(identity: dict[str, Any], searched: Sequence[str]) -> list[str]:
    fields = (identity.get("space_config") or {}).get("fields") or {}
    names = []
    for name in searched:
        declared = fields.get(name) or fields.get(name.rstrip("0123456789").rstrip("_")) or {}
        if isinstance(declared, dict) and declared.get("log"):
            names.append(name)
    return names


def _mattered(
    study: optuna.Study,
    identity: dict[str, Any],
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
    figures.mattered(stats, out / FIGURES_DIR / "mattered.png", _log_names(identity, searched))
    parts = [
        "## What mattered",
        figure(
            f"{FIGURES_DIR}/mattered.png",
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
        figures.importance(found, out / FIGURES_DIR / "importance.png")
        parts.append(
            figure(
                f"{FIGURES_DIR}/importance.png",
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
    figures.curves(best, out / FIGURES_DIR / "curves.png")
    return "## Learning curves\n\n" + figure(
        f"{FIGURES_DIR}/curves.png",
        f"Validation MAE after each epoch of the {len(best)} best trials",
    )


def _failures(records: Sequence[TrialRecord]) -> str:
    failed = [r for r in records if r.status in ("failed", "interrupted")]
    if not failed:
        return ""
    return "## Trials that did not finish\n\n" + table(
        ["trial", "status", "error"], [[r.number, r.status, r.error] for r in failed]
    )


def _when(stamp: Any) -> str:
    if isinstance(stamp, np.datetime64):
        return escape(str(stamp)[:19].replace("T00:00:00", ""))
    return escape(stamp)
