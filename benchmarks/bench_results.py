"""The benchmark's results over seeds: medians and spreads, the plot and the summary tables
(``benchmarks/bench.py``)."""

from __future__ import annotations

import math
import os

import numpy as np

TARGET = 3.0


def median(values: list[float]) -> float:
    """The median, ``inf`` (no score, or the target not reached) counting above every
    number: ``inf`` when more than half are; when exactly half are (an even count), the
    lower middle value, since the upper one is not known."""
    ordered = sorted(values)
    low, high = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    return low if math.isinf(high) else (low + high) / 2


def spread(values: list[float], form: str, missing: str) -> str:
    """``median [min-max]`` of ``values``, each in ``form``; ``missing`` for ``inf``."""

    def text(value: float) -> str:
        return missing if math.isinf(value) else format(value, form)

    return f"{text(median(values))} [{text(min(values))}-{text(max(values))}]"


def over_seeds(runs: list[dict], key: str) -> list[float]:
    """One total of every seed's run, ``inf`` where it is None."""
    return [math.inf if run[key] is None else float(run[key]) for run in runs]


def median_seed(runs: list[dict]) -> int:
    """The seed whose best at the budget is the (lower) median of the seeds'."""
    ordered = sorted(runs, key=lambda run: math.inf if run["best"] is None else run["best"])
    return ordered[(len(ordered) - 1) // 2]["seed"]


def ratios(chosen, totals) -> list[str]:
    """The product's median seconds to the target as a fraction of stock Keras Tuner's and
    plain Optuna's, on both clocks: the user's (from each contender's start) and the
    search's (from its first trial, leaving out TensorFlow's import and the data's loading,
    which vary with the machine and the day)."""
    names = {c.name: c for c in chosen}
    rivals = [names[n] for n in ("keras-tuner", "optuna") if n in names]
    ours = [c for c in chosen if c.workers]
    if not rivals or not ours:
        return []
    lines = [
        "",
        f"Seconds to MAE {TARGET:g}, the product's median over a rival's "
        "(user's clock / search's clock; below 1: the product is faster):",
        "",
        "| | " + " | ".join(f"vs {r.label}" for r in rivals) + " |",
        "|---|" + "---|" * len(rivals),
    ]
    for contender in ours:
        cells = []
        for rival in rivals:
            pair = []
            for key in ("reached", "reached_searching"):
                mine = median(over_seeds(totals[contender.name], key))
                theirs = median(over_seeds(totals[rival.name], key))
                finite = math.isfinite(mine) and math.isfinite(theirs) and theirs > 0
                pair.append(f"{mine / theirs:.2f}" if finite else "n/a")
            cells.append(" / ".join(pair))
        lines.append(f"| {contender.label} | " + " | ".join(cells) + " |")
    return lines


def plot(table, chosen, totals, references, budget, path, data) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5))
    colors = iter(plt.rcParams["axes.prop_cycle"].by_key()["color"] * 2)
    for contender in chosen:
        color, middle = next(colors), median_seed(totals[contender.name])
        for seed, rows in table[table["contender"] == contender.name].groupby("seed"):
            # The median seed's curve bold and labelled; the other seeds' thin beside it.
            bold = seed == middle
            ax.step(
                [*rows["seconds"], budget],
                [*rows["best"], rows["best"].iloc[-1]],
                where="post",
                color=color,
                linewidth=1.8 if bold else 0.8,
                alpha=1.0 if bold else 0.4,
                label=contender.label if bold else None,
            )
            if bold:
                ax.plot(rows["seconds"], rows["best"], "o", markersize=3, color=color)
    # References in grays and black, apart from the contenders' colours.
    styles = iter([("dimgray", "-."), ("gray", "--"), ("darkgray", ":"), ("black", "--")])
    for label, value in references.items():
        if value is not None:
            color, style = next(styles)
            ax.axhline(
                value, color=color, linestyle=style, linewidth=1.2, label=f"{label} {value:.3f}"
            )
    finite = table["best"][np.isfinite(table["best"])]
    if len(finite):
        top = min(float(finite.max()), 2 * TARGET + 2)
        ax.set_ylim(min(float(finite.min()), references.get("noise floor") or 99) - 0.2, top)
    seeds = len(next(iter(totals.values())))
    ax.set(
        title=f"Best validation MAE so far, {budget:.0f} s per run, {data}, "
        f"{seeds} seed{'s' if seeds > 1 else ''} (bold: the median seed)",
        xlabel="seconds since the contender started",
        ylabel="best validation MAE so far",
        xlim=(0, budget),
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def summary(chosen, totals, budget, seeds, speed, overhead, data) -> str:
    lines = [
        f"Benchmark on {data}, {budget:.0f} s per contender and seed, seeds "
        f"{', '.join(map(str, seeds))}, {os.cpu_count()} CPU cores, no GPU.",
        "",
        f"Each cell: the median over the seeds [min-max]. A seed that did not "
        f"reach MAE {TARGET:g} counts as above the budget; the median is 'not reached' when "
        "more than half did not.",
        "",
        f"| contender | best val_mae at {budget:.0f} s | seconds to MAE {TARGET:g} "
        "| the same from its first trial | seeds that reached it | trials | epochs |",
        "|---|---|---|---|---|---|---|",
    ]
    for contender in chosen:
        runs = totals[contender.name]
        reached = over_seeds(runs, "reached")
        lines.append(
            f"| {contender.label} | {spread(over_seeds(runs, 'best'), '.3f', 'none')} "
            f"| {spread(reached, '.0f', 'not reached')} "
            f"| {spread(over_seeds(runs, 'reached_searching'), '.0f', 'not reached')} "
            f"| {sum(math.isfinite(r) for r in reached)}/{len(runs)} "
            f"| {spread(over_seeds(runs, 'trials'), 'g', '')} "
            f"| {spread(over_seeds(runs, 'epochs'), 'g', '')} |"
        )
    lines += ratios(chosen, totals)
    if speed is not None:
        lines += [
            "",
            "| pipeline (LSTM 64, window 20, batch 32) | seconds per epoch "
            "| relative to the product |",
            "|---|---|---|",
        ]
        for row in speed.itertuples():
            lines.append(
                f"| {row.pipeline} | {row.seconds_per_epoch:.3f} | {row.relative_to_product:.2f} |"
            )
    if overhead is not None:
        lines += [
            "",
            f"Per-trial overhead of the product outside `fit` (median over the seeds' "
            f"trials): {overhead:.2f} s.",
        ]
    return "\n".join(lines) + "\n"
