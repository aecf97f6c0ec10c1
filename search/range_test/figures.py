"""The range test's figures: the loss against the rate, and where a search's rates fell."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from search.plotting import WIDE, plt, save


def range_test(
    rates: Sequence[float],
    losses: Sequence[float],
    smoothed: Sequence[float],
    suggestion: float,
    lowest: int,
    path: Path,
    title: str,
) -> Path:
    """Training loss against the learning rate on a log axis, raw and smoothed, with the
    lowest smoothed loss and the suggested rate marked."""
    fig, ax = plt.subplots(figsize=WIDE)
    ax.plot(rates, losses, color="tab:gray", linewidth=0.8, alpha=0.6, label="loss")
    ax.plot(rates, smoothed, color="tab:blue", linewidth=1.6, label="smoothed")
    ax.plot(
        [rates[lowest]], [smoothed[lowest]], "o", color="tab:orange", label="lowest smoothed loss"
    )
    ax.axvline(
        suggestion, color="tab:red", linestyle="--", label=f"suggested rate {suggestion:.2g}"
    )
    ax.set_xscale("log")
    # The first losses of a fresh model and the last of a diverging one dwarf the valley
    # the eye is looking for.
    low, high = float(np.min(smoothed)), float(np.median(smoothed))
    ax.set_ylim(low - 0.1 * (high - low), high + 1.5 * (high - low) if high > low else None)
    ax.set(title=title, xlabel="learning rate (log scale)", ylabel="training loss")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3, which="both")
    return save(fig, path)


def rate_scales(
    scales: Sequence[float],
    scores: Sequence[float],
    groups: Sequence[str],
    best: int,
    decades: float,
    path: Path,
) -> Path:
    """Validation MAE against each trial's rate relative to its range test's suggestion."""
    fig, ax = plt.subplots(figsize=WIDE)
    for group in sorted(set(groups)):
        chosen = [i for i, g in enumerate(groups) if g == group]
        ax.scatter([scales[i] for i in chosen], [scores[i] for i in chosen], s=22, label=group)
    ax.scatter(
        [scales[best]], [scores[best]], s=140, facecolors="none", edgecolors="tab:red", lw=1.5
    )
    ax.axvline(1.0, color="tab:gray", linestyle="--", linewidth=1, label="suggested rate")
    ax.set_xscale("log")
    ax.set_xlim(10.0**-decades / 1.3, 10.0**decades * 1.3)
    ax.set(
        title="Where the rates fell: each trial's rate as a multiple of its suggestion "
        "(winner circled)",
        xlabel="learning rate / suggested rate (log scale)",
        ylabel="validation MAE",
    )
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3, which="both")
    return save(fig, path)
