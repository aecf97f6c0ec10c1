"""The product against what users would do instead, one after another on the same machine.

    python benchmarks/bench.py                    # quick: 100 s per run, 3 seeds, about 30 min
    python benchmarks/bench.py --seeds 5          # five seeds
    python benchmarks/bench.py --mode overnight   # one hour per run: 15 hours with 3 seeds

Each contender gets the same wall-clock budget on the same series, once per seed (seeds
``--seed``, ``--seed`` + 1, ...; all contenders for one seed, then the next, so a slow spell
of the machine falls on every contender), and is scored the same way: one-step forecasts of
the validation part, MAE in the series' units, read after every epoch. Writes into
``--out``: ``bench.csv`` (one row per contender, seed and improvement), ``bench.png`` (best
so far against seconds, each seed thin, the median seed bold), ``speed.csv`` (seconds per
epoch of one architecture through three pipelines) and ``bench.md`` (the summary tables,
median [min-max] over the seeds, also printed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # its sibling modules, also when it is loaded from its file

from bench_results import TARGET, plot, summary  # noqa: E402
from speed import pipeline_speed  # noqa: E402

MODES = {"quick": 100.0, "overnight": 3600.0}
COLUMNS = ["contender", "seed", "seconds", "trials", "epochs", "best"]
# A contender ended at its budget gets this long to write its last line before SIGKILL.
_GRACE = 15.0
# The product stops at an epoch boundary after its budget; a large model's epoch can be long.
_PRODUCT_GRACE = 90.0


@dataclass
class Contender:
    """One way of searching: its name, what it is, and how to start it."""

    name: str
    label: str
    workers: int = 0  # the product's workers; 0 for the written-out contenders


CONTENDERS = [
    Contender("course", "the course's answer: BiLSTM 2x32, SGD 1e-5, tf.data"),
    Contender("keras-tuner", "stock kt.RandomSearch, course-style build_model"),
    Contender("optuna", "plain Optuna: TPE + KerasPruningCallback"),
    Contender("search", "this product, 1 worker", workers=1),
    Contender("search-2w", "this product, 2 workers", workers=2),
]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from search.data import DataSource, backtest_folds
    from search.yardstick import Yardstick

    budget = args.budget or MODES[args.mode]
    chosen = [c for c in CONTENDERS if not args.only or c.name in args.only.split(",")]
    if not chosen:
        names = ", ".join(c.name for c in CONTENDERS)
        print(f"error: --only names none of the contenders ({names})", file=sys.stderr)
        return 2
    if args.seeds < 1:
        print("error: --seeds must be 1 or more", file=sys.stderr)
        return 2
    series = DataSource(args.data, column=args.column, split=args.split).load()
    yardstick = Yardstick.measure(series, backtest_folds(series, 1))
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    data = out / "series.npz"
    np.savez(data, values=series.values, split=series.split, window=series.reference_window)
    best = yardstick.best
    references = {
        "noise floor": yardstick.noise_floor,
        f"best baseline ({best.name})": best.val_mae,
        "linear AR": yardstick.baseline("linear_ar").val_mae,
        "target": TARGET,
    }
    seeds = [args.seed + i for i in range(args.seeds)]
    print(
        f"benchmark on {series.name}: {len(chosen)} contenders, {budget:.0f} s each, "
        f"seeds {', '.join(map(str, seeds))}, {os.cpu_count()} cores -> {out}",
        flush=True,
    )
    table, totals, overhead = _run_all(chosen, seeds, args, data, budget, out)
    table.to_csv(out / "bench.csv", index=False)
    plot(table, chosen, totals, references, budget, out / "bench.png", series.name)
    speed = pipeline_speed(series, args.speed_epochs) if args.speed_epochs else None
    if speed is not None:
        speed.to_csv(out / "speed.csv", index=False)
    text = summary(chosen, totals, budget, seeds, speed, overhead, series.name)
    (out / "bench.md").write_text(text)
    print(text)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/bench.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument("--budget", type=float, help="seconds per contender (overrides --mode)")
    parser.add_argument("--data", default="course-exercise", help="a built-in series or a CSV")
    parser.add_argument("--column", help="the CSV column to forecast")
    parser.add_argument("--split", type=float, help="first validation row or training fraction")
    parser.add_argument("--space", default="spaces/lstm.py", help="the product's space")
    parser.add_argument("--seed", type=int, default=42, help="the first seed")
    parser.add_argument(
        "--seeds", type=int, default=3, help="runs per contender, seeds --seed, --seed + 1, ..."
    )
    parser.add_argument("--only", help="comma-separated contenders to run")
    parser.add_argument(
        "--speed-epochs", type=int, default=5, help="epochs per pipeline timed (0: skip)"
    )
    parser.add_argument("--out", default="results/bench", help="where to write")
    return parser


# -- running contenders ------------------------------------------------------------------------


def _run_all(chosen, seeds, args, data, budget, out) -> tuple[pd.DataFrame, dict, float | None]:
    """Every contender once per seed, all of them for one seed before the next: the
    improvements (``COLUMNS``), each contender's totals per seed, and the product's median
    seconds per trial outside ``fit``."""
    rows, totals, overheads = [], {c.name: [] for c in chosen}, []
    first_product = next((c.name for c in chosen if c.workers), None)
    for seed in seeds:
        for contender in chosen:
            print(f"  seed {seed}, {contender.name}: {contender.label} ...", flush=True)
            if contender.workers:
                lines, overheads_of = _run_product(contender, args, seed, budget, out)
                # The overhead of one worker alone, not of two sharing the cores.
                if contender.name == first_product:
                    overheads += overheads_of
            else:
                lines = _run_written(contender, data, seed, budget, out)
            improvements, total = _improvements(lines, budget)
            rows += [[contender.name, seed, *row] for row in improvements]
            totals[contender.name].append({**total, "seed": seed})
            print(f"    {_describe(total)}", flush=True)
    overhead = float(np.median(overheads)) if overheads else None
    return pd.DataFrame(rows, columns=COLUMNS), totals, overhead


def _stop(process: subprocess.Popen, deadline: float, grace: float) -> None:
    """Let ``process`` run until ``deadline``, then end it: SIGTERM, and SIGKILL after
    ``grace`` seconds."""
    try:
        process.wait(timeout=max(0.0, deadline - time.time()))
        return
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _run_written(contender: Contender, data: Path, seed: int, budget: float, out: Path) -> list:
    stem = out / f"{contender.name}-{seed}"
    progress, log = stem.with_suffix(".jsonl"), stem.with_suffix(".log")
    progress.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as work:
        t0 = time.time()
        process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "contenders.py"),
                contender.name,
                str(data),
                "--progress",
                str(progress),
                "--t0",
                str(t0),
                "--seed",
                str(seed),
            ],
            env={**os.environ, "BENCH_WORKDIR": work},
            stdout=subprocess.DEVNULL,
            stderr=open(log, "w"),  # noqa: SIM115 - the child owns it
        )
        _stop(process, t0 + budget, _GRACE)
    if not progress.exists():
        return []
    return [json.loads(line) for line in progress.read_text().splitlines() if line.strip()]


def _run_product(
    contender: Contender, args, seed: int, budget: float, out: Path
) -> tuple[list, list]:
    """The product's progress lines (see ``_product_lines``) and each trial's seconds
    outside ``fit``."""
    run_out = out / f"{contender.name}-{seed}"
    command = [
        sys.executable,
        "-m",
        "search",
        "run",
        str(Path(args.space).resolve()),
        "--budget",
        f"{budget:g}",
        "--workers",
        str(contender.workers),
        "--seed",
        str(seed),
        "--data",
        args.data,
        "--out",
        str(run_out),
        "--fresh",
        "--quiet",
    ]
    if args.column:
        command += ["--column", args.column]
    if args.split:
        command += ["--split", f"{args.split:g}"]
    t0 = time.time()
    with open(out / f"{contender.name}-{seed}.log", "w") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=log)
        _stop(process, t0 + budget + _PRODUCT_GRACE, _GRACE)
    records = _read_study(run_out / "study.db")
    overheads = [
        (r.finished - r.started).total_seconds() - r.train_seconds
        for r in records
        if r.finished is not None and r.started is not None and r.train_seconds is not None
    ]
    return _product_lines(records, t0), overheads


def _read_study(path: Path) -> list:
    """The trials of the one study in the SQLite file ``path`` (none if the run made none)."""
    import optuna

    from search.study import read_records

    if not path.exists():
        return []
    storage = f"sqlite:///{path}"
    summaries = optuna.get_all_study_summaries(storage)
    if not summaries:
        return []
    return read_records(optuna.load_study(study_name=summaries[0].study_name, storage=storage))


def _product_lines(records: list, t0: float) -> list[dict]:
    """The product's progress as the written contenders write theirs: a line at the end of
    every epoch of every trial (its start plus its ``epoch_seconds``) and at the end of
    every trial, in time order, seconds from ``t0``; so the best so far moves at epoch
    ends, whichever worker ran the epoch and however the trial ended. Each line also says
    when the first trial started (``searching``)."""
    starts = [r.started.timestamp() - t0 for r in records if r.started is not None]
    searching = min(starts) if starts else None
    events = []  # (seconds, 0 for an epoch or 1 for a trial's end, the epoch's MAE)
    for record in records:
        if record.started is None:
            continue
        start = record.started.timestamp() - t0
        end = None if record.finished is None else record.finished.timestamp() - t0
        for index, value in enumerate(record.curve):
            if index < len(record.epoch_seconds):
                events.append((start + record.epoch_seconds[index], 0, value))
            elif end is not None:
                # A trial that ended without writing its times (a failed or interrupted
                # one): its epochs ended by its end, and are put there, never earlier.
                events.append((end, 0, value))
        if end is not None:
            events.append((end, 1, None))
    lines, best, trials, epochs = [], math.inf, 0, 0
    for seconds, kind, value in sorted(events, key=lambda event: event[:2]):
        if kind == 0:
            epochs += 1
            if math.isfinite(value):
                best = min(best, value)
        else:
            trials += 1
        lines.append(
            {
                "seconds": seconds,
                "trials": trials,
                "epochs": epochs,
                "best": _finite(best),
                "searching": searching,
            }
        )
    return lines


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


def _improvements(lines: list[dict], budget: float) -> tuple[list, dict]:
    """The rows (seconds, trials, epochs, best) where the best so far improved, within the
    budget; and the totals at the budget, with when the best first went below the target
    (``reached``, None if it did not) on the user's clock (from the contender's start), and
    on the search's (``reached_searching``: from its first trial's start, so that neither
    TensorFlow's import nor loading the data counts)."""
    rows, best = [], math.inf
    total = {"best": None, "trials": 0, "epochs": 0, "reached": None, "reached_searching": None}
    searching = None
    for line in lines:
        if line["seconds"] > budget:
            break
        searching = line.get("searching")
        total.update(trials=line["trials"], epochs=line["epochs"])
        if line["best"] is not None and line["best"] < best:
            best = line["best"]
            rows.append([line["seconds"], line["trials"], line["epochs"], best])
            total["best"] = best
            if best < TARGET and total["reached"] is None:
                total["reached"] = line["seconds"]
    if total["reached"] is not None and searching is not None:
        total["reached_searching"] = round(total["reached"] - searching, 2)
    return rows, total


def _describe(total: dict) -> str:
    best = "none" if total["best"] is None else f"{total['best']:.3f}"
    reached = "not reached" if total["reached"] is None else f"{total['reached']:.0f} s"
    return (
        f"best {best}, MAE {TARGET:g} {reached}, {total['trials']} trials, {total['epochs']} epochs"
    )


if __name__ == "__main__":
    raise SystemExit(main())
