"""The report's figures, drawn without a display (matplotlib's Agg backend)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from search.plotting import WIDE, plt, save
from search.states import Status
from search.study import TrialRecord

_COLORS = {Status.COMPLETE: "tab:blue", Status.PRUNED: "tab:orange"}


def _reference_lines(ax: plt.Axes, lines: dict[str, float | None]) -> None:
    styles = iter([("tab:green", "--"), ("tab:red", ":"), ("tab:gray", "-."), ("tab:purple", ":")])
    for label, value in lines.items():
        if value is not None:
            color, style = next(styles)
            ax.axhline(
                value, color=color, linestyle=style, linewidth=1.2, label=f"{label} {value:.3f}"
            )


def _test_line(ax: plt.Axes, test_from: object | None) -> None:
    if test_from is not None:
        ax.axvline(test_from, color="black", linestyle="--", linewidth=1, label="test part from")


def forecast(
    time: np.ndarray,
    actual: np.ndarray,
    predicted: np.ndarray,
    path: Path,
    title: str,
    test_from: object | None = None,
) -> Path:
    """The validation part (and the test part, from ``test_from``) and the best model's
    one-step forecasts of it."""
    fig, ax = plt.subplots(figsize=WIDE)
    ax.plot(time, actual, color="tab:gray", linewidth=1, label="actual")
    ax.plot(time, predicted, color="tab:blue", linewidth=1.2, label="one-step forecast")
    _test_line(ax, test_from)
    ax.set(title=title, xlabel="time", ylabel="value")
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    return save(fig, path)


def errors(
    time: np.ndarray,
    actual: np.ndarray,
    predicted: np.ndarray,
    path: Path,
    floor: np.ndarray | None = None,
    test_from: object | None = None,
) -> Path:
    """Absolute error of each forecast over time, with a rolling mean (and, where known,
    the noise-free signal's own error, which no model beats)."""
    error = np.abs(np.asarray(predicted) - np.asarray(actual))
    fig, ax = plt.subplots(figsize=WIDE)
    ax.plot(time, error, color="tab:blue", linewidth=0.6, alpha=0.6, label="absolute error")
    span = max(5, len(error) // 30)
    ax.plot(
        time,
        pd.Series(error).rolling(span, center=True, min_periods=1).mean(),
        color="tab:blue",
        linewidth=2,
        label=f"rolling mean of {span}",
    )
    if floor is not None:
        ax.plot(
            time,
            pd.Series(floor).rolling(span, center=True, min_periods=1).mean(),
            color="tab:green",
            linestyle="--",
            linewidth=1.5,
            label="noise-free signal (rolling mean)",
        )
    _test_line(ax, test_from)
    ax.set(
        title="Absolute error of the best model's forecasts", xlabel="time", ylabel="absolute error"
    )
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    return save(fig, path)


def history(table: pd.DataFrame, path: Path, references: dict[str, float | None]) -> Path:
    """Each trial's val MAE in the order they ran, the best so far, and reference lines."""
    fig, ax = plt.subplots(figsize=WIDE)
    for status, color in _COLORS.items():
        part = table[(table["status"] == status) & table["val_mae"].notna()]
        if len(part):
            ax.scatter(part["trial"], part["val_mae"], s=18, color=color, label=status, zorder=3)
    ax.step(
        table["trial"],
        table["best"],
        where="post",
        color="black",
        linewidth=1.5,
        label="best so far",
    )
    _reference_lines(ax, references)
    values = pd.concat(
        [table["val_mae"].dropna(), pd.Series([v for v in references.values() if v is not None])]
    )
    if len(values):
        top = min(values.quantile(0.9) * 1.15, values.max() * 1.05)
        top = max(top, *(v for v in references.values() if v is not None), values.min() * 1.1)
        ax.set_ylim(values.min() * 0.97, top)
    ax.set(title="Search history", xlabel="trial", ylabel="validation MAE")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, path)


def mattered(stats: dict[str, pd.DataFrame], path: Path, log_names: Sequence[str]) -> Path:
    """For each hyperparameter, the best and median val MAE of the trials by its value."""
    count = len(stats)
    columns = min(3, count)
    rows = math.ceil(count / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.2 * rows), squeeze=False)
    for ax, (name, frame) in zip(axes.flat, stats.items(), strict=False):
        if name in log_names and pd.api.types.is_numeric_dtype(frame["center"]):
            x = frame["center"].astype(float)
            ax.plot(x, frame["median"], "o-", color="tab:gray", label="median")
            ax.plot(x, frame["best"], "o-", color="tab:blue", label="best")
            ax.set_xscale("log")
        else:
            positions = np.arange(len(frame))
            ax.bar(positions - 0.2, frame["median"], width=0.4, color="tab:gray", label="median")
            ax.bar(positions + 0.2, frame["best"], width=0.4, color="tab:blue", label="best")
            ax.set_xticks(
                positions, [str(v) for v in frame["value"]], rotation=30, ha="right", fontsize=8
            )
            low = min(frame["best"].min(), frame["median"].min())
            high = max(frame["best"].max(), frame["median"].max())
            ax.set_ylim(low - 0.1 * (high - low + 1e-9) - 0.02 * low, high + 0.05 * (high - low))
        ax.set_title(name)
        ax.set_ylabel("validation MAE")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[count:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    return save(fig, path)


def importance(values: dict[str, float], path: Path) -> Path:
    """Optuna's parameter importances, largest on top."""
    names = list(values)[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.2))
    ax.barh(names, [values[n] for n in names], color="tab:blue")
    ax.set(title="Parameter importance (Optuna, fANOVA)", xlabel="share of the variance")
    ax.grid(alpha=0.3, axis="x")
    return save(fig, path)


def curves(records: Sequence[TrialRecord], path: Path) -> Path:
    """Per-epoch validation MAE of the best trials."""
    fig, ax = plt.subplots(figsize=WIDE)
    lows = []
    for record in records:
        if record.curve:
            epochs = np.arange(len(record.curve)) + 1
            ax.plot(
                epochs,
                record.curve,
                linewidth=1.3,
                label=f"trial {record.number} ({record.val_mae:.3f})",
            )
            lows.append(min(record.curve))
    if lows:
        top = np.percentile(np.concatenate([r.curve for r in records if r.curve]), 75)
        ax.set_ylim(min(lows) * 0.97, max(top, min(lows) * 1.2))
    ax.set(title="Learning curves of the best trials", xlabel="epoch", ylabel="validation MAE")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, path)


def steps(lines: dict[str, Sequence[float]], path: Path) -> Path:
    """Validation MAE by step ahead, a line per forecaster."""
    fig, ax = plt.subplots(figsize=WIDE)
    for label, values in lines.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker=".", linewidth=1.3, label=label)
    ax.set(title="Validation MAE by step ahead", xlabel="steps ahead", ylabel="validation MAE")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, path)


def spaces(summary: pd.DataFrame, path: Path) -> Path:
    """The best val MAE of each space of a batch."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(summary) + 1.5))
    ordered = summary.sort_values("best", ascending=False)
    ax.barh(ordered["space"], ordered["best"], color="tab:blue")
    low = ordered["best"].min()
    ax.set_xlim(low * 0.9, ordered["best"].max() * 1.03)
    ax.set(title="Best validation MAE by space", xlabel="validation MAE")
    ax.grid(alpha=0.3, axis="x")
    return save(fig, path)
