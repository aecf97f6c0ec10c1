"""The product against what users would do instead, one after another on the same machine.

    python benchmarks/bench.py                    # quick: 100 s per contender, about 10 min
    python benchmarks/bench.py --mode overnight   # one hour per contender

Each contender gets the same wall-clock budget on the same series and is scored the same way
(one-step forecasts of the validation part, MAE in the series' units). Writes into ``--out``:
``bench.csv`` (one row per contender per improvement), ``bench.png`` (best so far against
seconds), ``speed.csv`` (seconds per epoch of one architecture through three pipelines) and
``bench.md`` (the summary tables, also printed).
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
MODES = {"quick": 100.0, "overnight": 3600.0}
TARGET = 3.0
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
    print(
        f"benchmark on {series.name}: {len(chosen)} contenders, {budget:.0f} s each, "
        f"{os.cpu_count()} cores -> {out}",
        flush=True,
    )
    rows, totals, overhead = [], {}, None
    for contender in chosen:
        print(f"  {contender.name}: {contender.label} ...", flush=True)
        if contender.workers:
            lines, overhead_of = _run_product(contender, args, budget, out)
            overhead = overhead if overhead is not None else overhead_of
        else:
            lines = _run_written(contender, data, args.seed, budget, out)
        improvements, total = _improvements(contender.name, lines, budget)
        rows += improvements
        totals[contender.name] = total
        print(f"    {_describe(total)}", flush=True)
    table = pd.DataFrame(rows, columns=["contender", "seconds", "trials", "epochs", "best"])
    table.to_csv(out / "bench.csv", index=False)
    _plot(table, chosen, references, budget, out / "bench.png", series.name)
    speed = _speed(series, args.speed_epochs) if args.speed_epochs else None
    if speed is not None:
        speed.to_csv(out / "speed.csv", index=False)
    text = _summary(chosen, totals, budget, speed, overhead, series.name)
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
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", help="comma-separated contenders to run")
    parser.add_argument(
        "--speed-epochs", type=int, default=5, help="epochs per pipeline timed (0: skip)"
    )
    parser.add_argument("--out", default="results/bench", help="where to write")
    return parser


# -- running contenders ------------------------------------------------------------------------


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
    progress = out / f"{contender.name}.jsonl"
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
            stderr=open(out / f"{contender.name}.log", "w"),  # noqa: SIM115 - the child owns it
        )
        _stop(process, t0 + budget, _GRACE)
    if not progress.exists():
        return []
    return [json.loads(line) for line in progress.read_text().splitlines() if line.strip()]


def _run_product(contender: Contender, args, budget: float, out: Path) -> tuple[list, float]:
    import optuna

    run_out = out / contender.name
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
        str(args.seed),
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
    with open(out / f"{contender.name}.log", "w") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=log)
        _stop(process, t0 + budget + _PRODUCT_GRACE, _GRACE)
    storage = f"sqlite:///{run_out / 'study.db'}"
    name = optuna.get_all_study_summaries(storage)[0].study_name
    trials = optuna.load_study(study_name=name, storage=storage).get_trials(deepcopy=False)
    finished = sorted(
        (t for t in trials if t.datetime_complete is not None),
        key=lambda t: t.datetime_complete,
    )
    lines, best, epochs, overheads = [], math.inf, 0, []
    for count, trial in enumerate(finished, start=1):
        score = trial.user_attrs.get("val_mae")
        epochs += int(trial.user_attrs.get("epochs") or 0)
        if score is not None and trial.state.name in ("COMPLETE", "PRUNED"):
            best = min(best, float(score))
        seconds = trial.datetime_complete.timestamp() - t0
        lines.append({"seconds": seconds, "trials": count, "epochs": epochs, "best": _finite(best)})
        train = trial.user_attrs.get("train_seconds")
        if train is not None:
            duration = (trial.datetime_complete - trial.datetime_start).total_seconds()
            overheads.append(duration - float(train))
    return lines, float(np.median(overheads)) if overheads else math.nan


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


def _improvements(name: str, lines: list[dict], budget: float) -> tuple[list, dict]:
    """The rows where the best so far improved, within the budget; and the totals at it."""
    rows, best = [], math.inf
    total = {"best": None, "trials": 0, "epochs": 0, "reached": None}
    for line in lines:
        if line["seconds"] > budget:
            break
        total.update(trials=line["trials"], epochs=line["epochs"])
        if line["best"] is not None and line["best"] < best:
            best = line["best"]
            rows.append([name, line["seconds"], line["trials"], line["epochs"], best])
            total["best"] = best
            if best < TARGET and total["reached"] is None:
                total["reached"] = line["seconds"]
    return rows, total


def _describe(total: dict) -> str:
    best = "none" if total["best"] is None else f"{total['best']:.3f}"
    reached = "not reached" if total["reached"] is None else f"{total['reached']:.0f} s"
    return (
        f"best {best}, MAE {TARGET:g} {reached}, {total['trials']} trials, {total['epochs']} epochs"
    )


# -- speed -----------------------------------------------------------------------------------


def _speed(series, epochs: int) -> pd.DataFrame:
    """Seconds per epoch of one LSTM(64) (window 20, batch 32) through the product's
    pipeline, a plain ``fit`` on a numpy window array, and the course's ``tf.data``
    pipeline; the median epoch, the first (which compiles) left out."""
    import warnings

    import keras

    # Keras warns that a tf.data pipeline without .repeat() ends each epoch: it is meant to.
    warnings.filterwarnings("ignore", message=".*ran out of data", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*shuffle=True.*", category=UserWarning)
    sys.path.insert(0, str(HERE))
    from contenders import windowed_dataset
    from numpy.lib.stride_tricks import sliding_window_view

    from search.model import build_model
    from search.trainer import Trainer

    config = dict(
        cell="lstm", depth=1, units=64, bidirectional=False, dropout=0.0, optimizer="adam",
        learning_rate=1e-3, loss="mse", batch_size=32, window=20, scaling="standard",
    )  # fmt: skip

    class EpochTimer(keras.callbacks.Callback):
        """Times each epoch; ``per_epoch`` is the median, the first (which compiles) left out."""

        def __init__(self):
            super().__init__()
            self.seconds: list[float] = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

        def per_epoch(self) -> float:
            return float(np.median(self.seconds[1:] or self.seconds))

    runs = epochs + 1
    keras.utils.set_random_seed(0)
    timer = EpochTimer()
    Trainer(series, epochs=runs, patience=None).fit(build_model(config), config, callbacks=[timer])
    product = timer.per_epoch()

    def plain_model() -> keras.Model:
        model = keras.Sequential(
            [keras.Input((20, 1)), keras.layers.LSTM(64), keras.layers.Dense(1)]
        )
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        return model

    train = series.train.astype("float32")
    runs_of_21 = sliding_window_view(train, 21)
    x, y = runs_of_21[:, :20].copy(), runs_of_21[:, 20].copy()
    timer = EpochTimer()
    plain_model().fit(x[..., None], y, batch_size=32, epochs=runs, verbose=0, callbacks=[timer])
    numpy_fit = timer.per_epoch()
    dataset = windowed_dataset(train, 20, 32).map(lambda w, label: (w[..., None], label))
    timer = EpochTimer()
    plain_model().fit(dataset, epochs=runs, verbose=0, callbacks=[timer])
    course = timer.per_epoch()
    return pd.DataFrame(
        [
            ["this product (validation after every epoch included)", product, 1.0],
            ["plain model.fit on a numpy window array", numpy_fit, numpy_fit / product],
            ["the course's tf.data pipeline", course, course / product],
        ],
        columns=["pipeline", "seconds_per_epoch", "relative_to_product"],
    )


# -- results ---------------------------------------------------------------------------------


def _plot(table, chosen, references, budget, path, data) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5))
    for contender in chosen:
        rows = table[table["contender"] == contender.name]
        if rows.empty:
            continue
        seconds = [*rows["seconds"], budget]
        best = [*rows["best"], rows["best"].iloc[-1]]
        ax.step(seconds, best, where="post", linewidth=1.8, label=contender.label)
        ax.plot(rows["seconds"], rows["best"], "o", markersize=3, color=ax.lines[-1].get_color())
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
    ax.set(
        title=f"Best validation MAE so far, {budget:.0f} s per contender, {data}",
        xlabel="seconds since the contender started",
        ylabel="best validation MAE so far",
        xlim=(0, budget),
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _summary(chosen, totals, budget, speed, overhead, data) -> str:
    lines = [
        f"Benchmark on {data}, {budget:.0f} s per contender, {os.cpu_count()} CPU cores, no GPU.",
        "",
        f"| contender | best val_mae at {budget:.0f} s | seconds to MAE {TARGET:g} "
        "| trials | epochs |",
        "|---|---|---|---|---|",
    ]
    for contender in chosen:
        total = totals[contender.name]
        best = "none" if total["best"] is None else f"{total['best']:.3f}"
        reached = "not reached" if total["reached"] is None else f"{total['reached']:.0f}"
        lines.append(
            f"| {contender.label} | {best} | {reached} | {total['trials']} | {total['epochs']} |"
        )
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
    if overhead is not None and not math.isnan(overhead):
        lines += [
            "",
            f"Per-trial overhead of the product outside `fit` (median): {overhead:.2f} s.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
