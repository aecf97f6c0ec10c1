"""The report's forecast figures: the best configuration's one-step forecasts of the
validation and test parts, and its errors over time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import optuna

from search.data import Series, backtest_folds
from search.outdir import OutDir
from search.report import figures
from search.report.markdown import escape, figure, table
from search.study import RunIdentity, TrialRecord
from search.study import records as rec


def forecast_section(
    study: optuna.Study,
    best: TrialRecord,
    series: Series | None,
    out: Path,
    folds: int = 1,
) -> str:
    """The best trial's first-step forecasts, each drawn at its own time: the origins of
    every fold it reached (with a horizon, the last ``horizon - 1`` points of a fold are no
    origin; with ``--fill``, filled points are none), then the test part's."""
    title = "## The best configuration's forecast"
    attrs = study.trials[best.number].user_attrs
    stored, stored_test = attrs.get(rec.FORECAST), attrs.get(rec.TEST_FORECAST)
    if series is None:
        return f"{title}\n\nLeft out: the run's data could not be read again."
    horizon = max(1, len(best.step_maes))
    origins = [series.origins(f.start, f.end, horizon) for f in backtest_folds(series, folds)]
    labels = np.concatenate(origins)
    if stored is None or not 0 < len(stored) <= len(labels):
        return f"{title}\n\nLeft out: the study holds no forecast of trial {best.number}."
    labels = labels[: len(stored)]  # a trial scored on fewer folds: the first ones
    predicted = np.asarray(stored, dtype="float64")
    test_labels = series.origins(series.test_start, len(series.values), horizon)
    tested = stored_test is not None and len(stored_test) == len(test_labels)
    if tested:
        labels = np.concatenate([labels, test_labels])
        predicted = np.concatenate([predicted, np.asarray(stored_test, dtype="float64")])
    actual = series.values[labels].astype("float64")
    time = series.time[labels] if series.time is not None else labels
    test_from = time[len(stored)] if tested else None
    parts = "validation and test parts" if tested else "validation part"
    paths = OutDir(out)
    figures.forecast(
        time,
        actual,
        predicted,
        paths.figure("forecast"),
        f"{series.name}: trial {best.number}'s {_first_step(horizon)} of the {parts}",
        test_from=test_from,
    )
    floor = None
    if series.clean is not None:
        floor = np.abs(series.clean[labels] - actual)
    figures.errors(time, actual, predicted, paths.figure("error"), floor, test_from=test_from)
    worst = np.argsort(-np.abs(predicted - actual))[:3]
    at = ", ".join(_when(time[i]) for i in sorted(worst))
    return "\n\n".join(
        [
            title,
            figure(
                paths.link(paths.figure("forecast")),
                f"Trial {best.number} forecasts every point of the {parts} from the "
                f"{best.config.get('window')} real values before it (blue; "
                f"{_first_step(horizon)}), against the series (gray)",
            ),
            figure(
                paths.link(paths.figure("error")),
                "Absolute error over time; the dashed line is the noise-free signal's own "
                "error, which no forecaster beats"
                if floor is not None
                else "Absolute error over time",
            ),
            f"Its three largest errors are at time {at}.",
        ]
    )


def _first_step(horizon: int) -> str:
    if horizon == 1:
        return "one-step forecasts"
    return f"forecasts of the first of {horizon} steps"


def _when(stamp: Any) -> str:
    if isinstance(stamp, np.datetime64):
        return escape(str(stamp)[:19].replace("T00:00:00", ""))
    return escape(stamp)


def steps_section(identity: RunIdentity, best: TrialRecord, out: Path) -> str:
    """With a horizon above 1: the chosen configuration's validation MAE at each step
    ahead, beside the best baseline's."""
    if len(best.step_maes) < 2:
        return ""
    lines = {f"trial {best.number}": best.step_maes}
    baseline = identity.yardstick.best
    if baseline is not None and len(baseline.step_maes) == len(best.step_maes):
        lines[baseline.name] = list(baseline.step_maes)
    paths = OutDir(out)
    figures.steps(lines, paths.figure("steps"))
    rows = [
        [step, *(values[step - 1] for values in lines.values())]
        for step in range(1, len(best.step_maes) + 1)
    ]
    return "\n\n".join(
        [
            "## MAE by step ahead",
            f"Each origin is forecast {len(best.step_maes)} steps at once; `val_mae` is the "
            "mean over the steps. Errors grow with the distance from the last value known.",
            figure(paths.link(paths.figure("steps")), "Validation MAE at each step ahead"),
            table(["step", *(escape(k) for k in lines)], rows),
        ]
    )
