"""How the product's cost grows with the series: one fixed configuration trained on series of
3,000 to 300,000 points (and 1,000,000 with ``--million``).

    python benchmarks/scaling.py                      # 3,000, 30,000 and 300,000 points
    python benchmarks/scaling.py --million            # and 1,000,000 (a few more minutes)
    python benchmarks/scaling.py --sizes 3000,30000   # a quick look

The configuration: one LSTM layer of 32 units, window 40, batch 256, Adam 1e-3, Huber loss,
standard scaling, 6 epochs, one trial (``optuna-random``), no budget; Keras' XLA compilation
as the product does by default. The series: the course-exercise recipe (a yearly pattern, a
slow trend, noise; see ``search.data.builtin``) extended to each length, in a CSV with one
column ``value``; the product's CSV defaults cut it into 70 % training, 20 % validation and
10 % test. Each size runs ``python -m search run`` once and reads back from its study the
seconds per epoch (``epoch_seconds``: the first epoch apart, since it compiles; an epoch
includes scoring the validation part), the trial's ``train_seconds`` and the command's
wall time, and the peak resident memory of the largest process the command ran (its worker).

Writes into ``--out``: ``space.py``, ``series-<points>.csv``, ``run-<points>/`` (each run's
out directory and ``run.txt``, its output), ``scaling.csv`` and ``scaling.md`` (the table,
also printed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # its sibling modules, also when it is loaded from its file

from processes import descendants, status_kb  # noqa: E402

SIZES = (3_000, 30_000, 300_000)
MILLION = 1_000_000
WINDOW = 40
COLUMNS = [
    *("points", "windows", "exit", "per_epoch", "first_epoch", "train_seconds"),
    *("trial_seconds", "command_seconds", "peak_mb", "rusage_mb", "sampled_mb"),
]

SPACE = f"""\
from search import Space

space = Space(
    name="scaling",
    cell="lstm",
    depth=1,
    units=32,
    window={WINDOW},
    batch_size=256,
    optimizer="adam",
    learning_rate=1e-3,
    loss="huber",
    scaling="standard",
    epochs=6,
    patience=None,
    trials=1,
    tuner="optuna-random",
    budget=None,
    seed=42,
)
"""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.path.insert(0, str(REPO))
    sizes = sorted(
        {int(size) for size in args.sizes.split(",")} | ({MILLION} if args.million else set())
    )
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    space = out / "space.py"
    space.write_text(SPACE)
    print(f"scaling: {', '.join(f'{n:,}' for n in sizes)} points, {os.cpu_count()} cores -> {out}")
    rows = []
    for points in sizes:
        print(f"  {points:,} points ...", flush=True)
        row = _measure(points, space, out)
        print(f"    {row['command_seconds']:.1f} s, {row['peak_mb']:.0f} MB", flush=True)
        rows.append(row)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["relative"] = _relative(table)
    table.to_csv(out / "scaling.csv", index=False)
    text = _markdown(table)
    (out / "scaling.md").write_text(text)
    print(text)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/scaling.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="series lengths, comma-separated"
    )
    parser.add_argument("--million", action="store_true", help="and 1,000,000 points")
    parser.add_argument("--out", default="results/bench-scaling", help="where to write")
    return parser


# -- the series ------------------------------------------------------------------------------


def _series(points: int) -> np.ndarray:
    """The course-exercise recipe (its formula, slope, noise and seed) over ``points`` days."""
    from search.data.builtin import RECIPES

    recipe = RECIPES["course-exercise"]
    t = np.arange(points, dtype="float64")
    clean = 10 + recipe.slope * t + 40 * recipe.pattern((t % 365) / 365)
    noise = np.random.RandomState(recipe.seed).randn(points) * recipe.noise_level
    return (clean + noise).astype("float32")


def _write_series(points: int, out: Path) -> Path:
    path = out / f"series-{points}.csv"
    pd.DataFrame({"value": _series(points)}).to_csv(path, index=False, float_format="%.4f")
    return path


def _training_windows(path: Path) -> int:
    """How many windows the model trains on: every training position with a full window
    before it (the product's CSV defaults decide where training ends)."""
    from search.data import DataSource

    return DataSource(str(path), column="value").load().split - WINDOW


# -- one run ---------------------------------------------------------------------------------


def _measure(points: int, space: Path, out: Path) -> dict:
    """One run of the fixed configuration on ``points`` points, and what it cost; a run
    that failed (its memory, say) keeps its row, with its exit status and peak memory."""
    data = _write_series(points, out)
    run = out / f"run-{points}"
    command = [
        *(sys.executable, "-m", "search", "run", str(space), "--data", str(data)),
        *("--column", "value", "--out", str(run), "--fresh", "--quiet", "--budget", "none"),
    ]
    # One trial never hands over to a fresh worker; a standby readied for it would only
    # import TensorFlow beside the run's end and add to its wall time.
    env = {**os.environ, "SEARCH_RECYCLE_GROWTH": "off", "TF_CPP_MIN_LOG_LEVEL": "3"}
    run.mkdir(parents=True, exist_ok=True)
    with open(run / "run.txt", "w") as log:
        seconds, peak_kb, sampled_kb, code = _run(command, env, log)
    if sampled_kb > peak_kb * 1.05:
        # A descendant the command did not wait for is missing from its resource usage.
        print(f"    note: a process peaked at {sampled_kb / 1024:.0f} MB, above rusage's")
    row = {
        "points": points,
        "windows": _training_windows(data),
        "exit": code,
        "command_seconds": seconds,
        "peak_mb": max(peak_kb, sampled_kb) / 1024,
        "rusage_mb": peak_kb / 1024,
        "sampled_mb": sampled_kb / 1024,
    }
    if code != 0:
        print(f"    the run failed (exit {code}): see {run / 'run.txt'}", flush=True)
        return row
    return {**row, **_trial_costs(run / "study.db")}


def _trial_costs(path: Path) -> dict:
    """What the run's one trial kept of its time: seconds per epoch after the first, the
    first's, its ``train_seconds`` and its time from start to end in the study."""
    import optuna

    from search.study import read_records

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = f"sqlite:///{path}"
    name = optuna.get_all_study_summaries(storage)[0].study_name
    (trial,) = read_records(optuna.load_study(study_name=name, storage=storage))
    first, after = _epoch_times(trial.epoch_seconds)
    return {
        "per_epoch": after,
        "first_epoch": first,
        "train_seconds": trial.train_seconds,
        "trial_seconds": (trial.finished - trial.started).total_seconds(),
    }


def _run(command: list[str], env: dict, log) -> tuple[float, float, float, int]:
    """Run ``command`` to its end: its wall seconds, the peak resident memory in kB of the
    largest process among it and the descendants it waited for (from ``wait4``'s resource
    usage, this command's alone), the largest ``VmHWM`` sampled from its descendants while it
    ran (a check on the first), and its exit status."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
    sampler = _PeakSampler(process.pid)
    sampler.start()
    # wait4's usage is this command's alone (ru_maxrss in kB on Linux); getrusage's
    # RUSAGE_CHILDREN would be the largest of every run so far.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.stop()
    return seconds, float(usage.ru_maxrss), float(sampler.peak_kb), process.returncode


class _PeakSampler(threading.Thread):
    """Reads the ``VmHWM`` (peak resident memory) of every descendant of ``root`` once a
    second; ``peak_kb`` is the largest seen."""

    def __init__(self, root: int, interval: float = 1.0):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            for pid in descendants(self.root):
                self.peak_kb = max(self.peak_kb, status_kb(pid, "VmHWM"))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _epoch_times(epoch_seconds: list[float]) -> tuple[float, float]:
    """The first epoch's seconds (it compiles the model) and the median of the others'
    (each the difference between two epoch ends); the first's alone with one epoch."""
    ends = np.asarray(epoch_seconds, dtype="float64")
    if not len(ends):
        raise ValueError("the trial kept no epoch times")
    later = np.diff(ends)
    return float(ends[0]), float(np.median(later)) if len(later) else float(ends[0])


# -- the table -------------------------------------------------------------------------------


def _relative(table: pd.DataFrame) -> pd.Series:
    """Seconds per epoch per point, relative to the smallest series' (of the runs that
    completed): 1 throughout is linear growth, below 1 a fixed cost spread over more points."""
    per_point = table["per_epoch"] / table["points"]
    done = per_point.dropna()
    return per_point / done.iloc[0] if len(done) else per_point


def _markdown(table: pd.DataFrame) -> str:
    lines = [
        "One LSTM(32), window 40, batch 256, 6 epochs, one trial; "
        f"{os.cpu_count()} CPU cores, no GPU.",
        "",
        "| points | training windows | seconds per epoch (after the first) | first epoch "
        "| trial's training seconds | command seconds | peak memory MB "
        "| per epoch / points, relative |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        if row.exit != 0:
            trained, relative = f"failed (exit {row.exit}) | | |", ""
        else:
            trained = f"{row.per_epoch:.2f} | {row.first_epoch:.2f} | {row.train_seconds:.1f} |"
            relative = f"{row.relative:.2f}"
        lines.append(
            f"| {row.points:,} | {row.windows:,} | {trained} {row.command_seconds:.1f} "
            f"| {row.peak_mb:.0f} | {relative} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
