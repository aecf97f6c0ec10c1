"""The product on a realistic series of its own kind: a year of half-hourly demand driven by
temperature (``python -m search example demand``), searched with ``spaces/demand.py``; the
answer's (the ensemble's) and the best trial's validation and test MAE against the
baselines'.

    python benchmarks/demand.py                    # the space's own budget (20 minutes)
    python benchmarks/demand.py --budget 10m

Writes the series to ``--out``/demand.csv, runs the search into ``--out``/run, and prints a
markdown table (also written to ``--out``/demand.md).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", help="the search's wall-clock budget, such as 10m")
    parser.add_argument("--trials", type=int)
    parser.add_argument("--out", default="results/bench-demand")
    args = parser.parse_args()

    from search.leaderboard import read_leaderboard

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = out / "demand.csv"
    python = [sys.executable, "-m", "search"]
    subprocess.run([*python, "example", "demand", str(data)], check=True, cwd=REPO)
    command = [
        *python,
        "run",
        str(REPO / "spaces" / "demand.py"),
        "--data",
        str(data.resolve()),
        "--column",
        "demand",
        "--features",
        "temperature",
        "--out",
        str((out / "run").resolve()),
        "--fresh",
        "--quiet",
    ]
    if args.budget:
        command += ["--budget", args.budget]
    if args.trials:
        command += ["--trials", str(args.trials)]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO)
    seconds = time.perf_counter() - started
    table = read_leaderboard(out / "run" / "leaderboard.csv")
    trials = table[table["trial"].notna()]
    best = trials[trials["rank"].notna()].iloc[0]
    baselines = table[table["status"] == "baseline"].sort_values("val_mae")
    lines = [
        f"{len(trials)} trials in {seconds / 60:.1f} min",
        "",
        "| forecaster | validation MAE | test MAE |",
        "|---|---|---|",
    ]
    for _, answer in table[table["status"] == "ensemble"].iterrows():
        lines.append(
            f"| the answer ({answer['model']}) | {answer['val_mae']:.3f} "
            f"| {answer['test_mae']:.3f} |"
        )
    refit = " (refit)" if best.get("refit") is True else ""
    lines.append(
        f"| best trial ({best['model']}, trial {int(best['trial'])}) | {best['val_mae']:.3f} "
        f"| {best['test_mae']:.3f}{refit} |"
    )
    for _, row in baselines.iterrows():
        if row["val_mae"] == row["val_mae"]:  # not NaN
            lines.append(f"| `{row['model']}` | {row['val_mae']:.3f} | {row['test_mae']:.3f} |")
    text = "\n".join(lines)
    (out / "demand.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
