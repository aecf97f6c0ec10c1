"""The report's picture of what a user takes away: the answer's forecast past the end of the
data, with its prediction intervals, beside the last stretch of actual values."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search.data import Series
from search.ensemble.intervals import LEVELS
from search.errors import UsageError
from search.outdir import OutDir
from search.plotting import WIDE, plt, save
from search.report.markdown import figure

# How far past the end the picture looks, without a season to measure it by; with one, the
# longest season up to this many steps.
STEPS = 30
LONGEST = 400


def answer_forecast_section(out: Path, series: Series | None) -> str:
    """The section, or "" when the run has no saved answer or no series to forecast."""
    paths = OutDir(out)
    if series is None or not paths.answer_file.exists():
        return ""
    from search.ensemble.saved import answer_table, load_answer

    steps = max([s for s in series.seasons if s <= LONGEST], default=STEPS)
    try:
        answer = load_answer(out)
        widths = answer.widths(series, steps, LEVELS)
        table = answer_table(answer, series, steps, None, widths)
    except UsageError as exc:
        return f"## The answer's forecast\n\nNot drawn: {exc}"
    ahead = table[table["kind"] == "ahead"]
    shown = min(len(series.values), 3 * steps)
    time = series.time if series.time is not None else np.arange(len(series.values))
    _draw(time[-shown:], series.values[-shown:], ahead, paths.figure("answer"))
    bands = " with its 80 % and 95 % prediction intervals" if widths else ""
    return "## The answer's forecast\n\n" + figure(
        paths.link(paths.figure("answer")),
        f"The answer's forecast of the {steps} steps past the end of the data{bands}, each "
        f"step's forecast fed back as an input, beside the last {shown} values",
    )


def _draw(time: np.ndarray, actual: np.ndarray, ahead, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=WIDE)
    ax.plot(time, actual, color="tab:gray", linewidth=1, label="actual")
    for level, alpha in (("95", 0.15), ("80", 0.3)):
        if f"lo_{level}" in ahead:
            ax.fill_between(
                ahead["time"],
                ahead[f"lo_{level}"],
                ahead[f"hi_{level}"],
                color="tab:blue",
                alpha=alpha,
                linewidth=0,
                label=f"{level} % interval",
            )
    ax.plot(ahead["time"], ahead["forecast"], color="tab:blue", linewidth=1.4, label="forecast")
    ax.set(title="The answer's forecast past the end", xlabel="time", ylabel="value")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return save(fig, path)
