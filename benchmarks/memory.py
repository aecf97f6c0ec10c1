"""A run's memory over many trials, and what its hand-overs cost.

    python benchmarks/memory.py                         # 50 trials, one worker
    python benchmarks/memory.py --growth 0.02           # a hand-over after most trials
    python benchmarks/memory.py --trials 12 --epochs 2  # a quick look

Runs ``python -m search run`` once on a space like ``spaces/lstm.py`` (depth, width, window,
seasonal lags, loss and learning rate all vary, so each trial builds and traces a model of
its own) with few epochs per trial, and samples every process of the run twice a second:
the supervisor, the forkserver, the worker and any standby. A run's memory is the sum of
their proportional set sizes (PSS: a page that a forked worker shares with its forkserver
counts once, not once per process); resident memory (RSS) is summed beside it for
comparison. From the study it reads when each trial ended and which process trained it:
a hand-over is two trials in a row by different processes, and its cost the seconds from
the first one's end to the second one's start.

Writes into ``--out``: ``space.py``, ``run/`` (the run's out directory and ``run.txt``),
``samples.csv`` (one row per sample), ``memory.csv`` (the run's memory while each trial
ran), ``memory.png`` and ``memory.md`` (the figures, also printed).
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # its sibling modules, also when it is loaded from its file

from processes import command_line, descendants, pss_kb, status_kb  # noqa: E402

SPACE = """\
from search import Boolean, Choice, Float, Int, Space

space = Space(
    name="memory",
    data="course-exercise",
    cell="lstm",
    depth=Int(1, 2),
    units=Int(16, 64, step=16),
    learning_rate=Float(1e-3, 1e-2, log=True),
    loss=Choice("huber", "mse"),
    batch_size=Choice(32, 64),
    window=Choice(20, 30),
    scaling="standard",
    seasonal_lags=True,
    seasons_back=Int(2, 5),
    linear_skip=Boolean(),
    epochs={epochs},
    patience=None,
    trials={trials},
    tuner="tpe",
    pruner="none",
    budget=None,
    seed=42,
)
"""
# The run's memory is compared over its first ten trials and its last ten.
STRETCH = 10


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.path.insert(0, str(REPO))
    out = Path(args.out).resolve()
    (out / "run").mkdir(parents=True, exist_ok=True)
    space = out / "space.py"
    space.write_text(SPACE.format(epochs=args.epochs, trials=args.trials))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if args.growth is not None:
        env["SEARCH_RECYCLE_GROWTH"] = args.growth
    command = [
        *(sys.executable, "-m", "search", "run", str(space), "--out", str(out / "run")),
        *("--fresh", "--quiet", "--budget", "none"),
    ]
    print(f"memory: {args.trials} trials of {args.epochs} epochs -> {out}", flush=True)
    with open(out / "run" / "run.txt", "w") as log:
        samples, code = _sampled_run(command, env, log)
    samples.to_csv(out / "samples.csv", index=False)
    if code != 0:
        print(f"the run failed (exit {code}): see {out / 'run' / 'run.txt'}", file=sys.stderr)
        return 1
    trials = _trials(out / "run" / "study.db")
    per_trial = _memory_per_trial(samples, trials)
    per_trial.to_csv(out / "memory.csv", index=False)
    _plot(samples, trials, out / "memory.png")
    text = _markdown(samples, per_trial, _hand_overs(trials))
    (out / "memory.md").write_text(text)
    print(text)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/memory.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--trials", type=int, default=50, help="trials in the run (50)")
    parser.add_argument("--epochs", type=int, default=6, help="epochs per trial (6)")
    parser.add_argument(
        "--growth", help="SEARCH_RECYCLE_GROWTH for the run (default: the product's own)"
    )
    parser.add_argument("--out", default="results/bench-memory", help="where to write")
    return parser


# -- sampling --------------------------------------------------------------------------------


def _sampled_run(command: list[str], env: dict, log) -> tuple[pd.DataFrame, int]:
    """Run ``command`` to its end, sampling its processes' memory meanwhile."""
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
    sampler = _Sampler(process.pid)
    sampler.start()
    code = process.wait()
    sampler.stop()
    return pd.DataFrame(sampler.rows), code


class _Sampler(threading.Thread):
    """Every ``interval`` seconds, one row: the time, and the PSS and RSS in MB of the run
    (the root and its descendants), of its supervisor (the root) and of its forkserver."""

    def __init__(self, root: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.rows: list[dict] = []
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            pids = [self.root, *descendants(self.root)]
            pss = {pid: pss_kb(pid) / 1024 for pid in pids}
            rss = {pid: status_kb(pid, "VmRSS") / 1024 for pid in pids}
            server = [pid for pid in pids if "search.worker.forkserver" in command_line(pid)]
            self.rows.append(
                {
                    "time": time.time(),
                    "processes": sum(1 for pid in pids if rss[pid]),
                    "run_pss_mb": sum(pss.values()),
                    "run_rss_mb": sum(rss.values()),
                    "supervisor_rss_mb": rss[self.root],
                    "forkserver_pss_mb": sum(pss[pid] for pid in server),
                }
            )

    def stop(self) -> None:
        self._done.set()
        self.join()


# -- what the study says ---------------------------------------------------------------------


def _trials(path: Path) -> pd.DataFrame:
    """The run's trials that ended, in the order they ended: start, end (seconds since the
    epoch) and the process that trained each."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name="memory", storage=f"sqlite:///{path}")
    rows = [
        {
            "trial": t.number,
            "start": t.datetime_start.timestamp(),
            "end": t.datetime_complete.timestamp(),
            "worker": t.user_attrs.get("worker"),
        }
        for t in study.get_trials(deepcopy=False)
        if t.datetime_complete is not None and not t.user_attrs.get("surplus")
    ]
    return pd.DataFrame(rows).sort_values("end", ignore_index=True)


def _memory_per_trial(samples: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """The run's largest memory while each trial ran (from the end of the one before it to
    its own end): the run's peak for that stretch, standby and hand-over included."""
    rows = []
    before = samples["time"].min()
    for ended, trial in enumerate(trials.itertuples(), start=1):
        stretch = samples[(samples["time"] > before) & (samples["time"] <= trial.end)]
        before = trial.end
        if stretch.empty:
            continue
        rows.append(
            {
                "trials_ended": ended,
                "trial": trial.trial,
                "run_pss_mb": stretch["run_pss_mb"].max(),
                "run_rss_mb": stretch["run_rss_mb"].max(),
                "supervisor_rss_mb": stretch["supervisor_rss_mb"].max(),
            }
        )
    return pd.DataFrame(rows)


def _hand_overs(trials: pd.DataFrame) -> list[float]:
    """Seconds from a trial's end to the next one's start, where another process took over."""
    ordered = list(trials.sort_values("start", ignore_index=True).itertuples())
    return [
        after.start - before.end
        for before, after in itertools.pairwise(ordered)
        if after.worker != before.worker
    ]


# -- the figures -----------------------------------------------------------------------------


def _plot(samples: pd.DataFrame, trials: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    start = samples["time"].min()
    figure, axes = plt.subplots(figsize=(9, 4))
    axes.plot(samples["time"] - start, samples["run_pss_mb"], label="the run (PSS)")
    axes.plot(samples["time"] - start, samples["run_rss_mb"], lw=0.8, label="the run (RSS, summed)")
    axes.plot(samples["time"] - start, samples["supervisor_rss_mb"], label="supervisor (RSS)")
    for end in trials["end"]:
        axes.axvline(end - start, color="grey", lw=0.3)
    axes.set_xlabel("seconds (grey: a trial ended)")
    axes.set_ylabel("MB")
    axes.set_ylim(bottom=0)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _markdown(samples: pd.DataFrame, per_trial: pd.DataFrame, hand_overs: list[float]) -> str:
    """The run's largest memory over its first ``STRETCH`` trials and over its last: a
    worker's memory rises trial by trial and falls at each hand-over, so one trial's figure
    says more about where it fell in that cycle than about the run."""
    ended = len(per_trial)
    stretches = [(1, min(STRETCH, ended)), (max(ended - STRETCH + 1, 1), ended)]
    peaks = [
        per_trial[per_trial["trials_ended"].between(first, last)].max() for first, last in stretches
    ]
    growth = peaks[1]["run_pss_mb"] / peaks[0]["run_pss_mb"] - 1
    seconds = ", ".join(f"{s:.2f}" for s in hand_overs) or "none"
    return "\n".join(
        [
            f"{ended} trials, {os.cpu_count()} CPU cores; the largest memory in MB while "
            "those trials ran.",
            "",
            "| trials | run (PSS) | run (RSS, summed) | supervisor (RSS) |",
            "|---|---|---|---|",
            *(
                f"| {first} to {last} | {peak['run_pss_mb']:.0f} | {peak['run_rss_mb']:.0f} "
                f"| {peak['supervisor_rss_mb']:.0f} |"
                for (first, last), peak in zip(stretches, peaks, strict=True)
            ),
            f"| all | {samples['run_pss_mb'].max():.0f} | {samples['run_rss_mb'].max():.0f} "
            f"| {samples['supervisor_rss_mb'].max():.0f} |",
            "",
            f"Growth of the run's memory (PSS), last {STRETCH} trials against the first "
            f"{STRETCH}: {growth:+.1%}.",
            f"Hand-overs: {len(hand_overs)}, seconds each from one trial's end to the next "
            f"one's start: {seconds}.",
            "",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
