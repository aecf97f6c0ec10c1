"""The search service on this machine: trials per hour of one worker process against two on a
queue of small searches, and the database's load per trial.

    python benchmarks/service.py                      # PostgreSQL at 127.0.0.1, 10 searches
    python benchmarks/service.py --storage sqlite:///results/bench-service/queue.db

For each number of worker processes it queues the same searches afresh (``submit``), works
them with one ``worker --workers N`` command until the queue is empty, and reads back from
the database how many trials ended and when, how many worker processes ran them (each trial
names its process) and how long the machine spent between one search's last trial and the
next one's first. On PostgreSQL it also reads the server's own
counters for the benchmark's database (``pg_stat_database``: transactions and rows) before
and after, so nothing else may use that database meanwhile. The searches it queued are
deleted at the end, so that one draw does not leave the next a larger database. Prints a
markdown table (also written to ``--out``/service.md).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_STORAGE = "postgresql://postgres@127.0.0.1:5432/search_bench"

SPACE = """\
from search import Choice, Float, Int, Space

space = Space(
    data="course-exercise",
    units=Int(8, 32, step=8),
    learning_rate=Float(1e-3, 1e-2, log=True),
    window=20,
    batch_size=64,
    epochs={epochs},
    patience=None,
    trials={trials},
    tuner="tpe",
    pruner="none",
    seed={seed},
)
"""

_COUNTERS = (
    "xact_commit + xact_rollback",
    "tup_returned + tup_fetched",
    "tup_inserted + tup_updated + tup_deleted",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default=DEFAULT_STORAGE)
    parser.add_argument("--searches", type=int, default=10)
    parser.add_argument("--trials", type=int, default=6, help="trials per search")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--workers", default="1,2", help="worker processes to compare")
    parser.add_argument("--out", default="results/bench-service")
    args = parser.parse_args()

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    postgres = args.storage.startswith("postgresql")
    if postgres:
        _create_database(args.storage)
    rows = []
    for workers in [int(w) for w in args.workers.split(",")]:
        names = _submit(args, out, workers)
        before = _counters(args.storage) if postgres else None
        started = time.time()
        command = [sys.executable, "-m", "search", "worker", "--storage", args.storage]
        command += ["--workers", str(workers), "--only", *names, "--quiet"]
        subprocess.run(
            [*command, "--work-dir", str(out / f"workers-{workers}")], check=True, cwd=out
        )
        seconds = time.time() - started
        after = _counters(args.storage) if postgres else None
        trials, first, last, processes, gap = _finished(args.storage, names)
        _delete(args.storage, names)
        row = {
            "workers": workers,
            "trials": trials,
            "wall seconds": round(seconds, 1),
            "trials per hour": round(trials / seconds * 3600),
            "trials per hour, first to last trial": round((trials - 1) / (last - first) * 3600),
            "worker processes": processes,
            "seconds between searches": round(gap, 2),
        }
        if postgres:
            delta = [b - a for a, b in zip(before, after, strict=True)]
            row["transactions per trial"] = round(delta[0] / trials)
            row["rows read per trial"] = round(delta[1] / trials)
            row["rows written per trial"] = round(delta[2] / trials)
        rows.append(row)
        print(row, flush=True)
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(r[k]) for k in header) + " |" for r in rows]
    note = (
        f"\n{args.searches} searches of {args.trials} trials (LSTM 8-32, {args.epochs} epochs, "
        f"course-exercise), storage {args.storage.split('@')[-1]}\n"
    )
    text = "\n".join(lines) + note
    (out / "service.md").write_text(text)
    print(text)


def _submit(args: argparse.Namespace, out: Path, workers: int) -> list[str]:
    tag = uuid.uuid4().hex[:6]
    folder = out / "spaces"
    folder.mkdir(exist_ok=True)
    paths = []
    for index in range(args.searches):
        path = folder / f"bench_{tag}_{workers}w_{index}.py"
        path.write_text(SPACE.format(epochs=args.epochs, trials=args.trials, seed=index))
        paths.append(str(path))
    command = [sys.executable, "-m", "search", "submit", *paths, "--storage", args.storage]
    subprocess.run([*command, "--budget", "none"], check=True, cwd=out, stdout=subprocess.DEVNULL)
    return [Path(p).stem for p in paths]


def _finished(url: str, names: list[str]) -> tuple[int, float, float, int, float]:
    """The trials that ended, the first's start and the last's end, how many processes ran
    them, and the median seconds from a search's last trial's end to the next's first start
    (the searches ran in the order submitted)."""
    import optuna

    ends, processes, spans = [], set(), []
    for name in names:
        study = optuna.load_study(study_name=name, storage=url)
        done = [t for t in study.trials if t.datetime_complete]
        ends += [t.datetime_complete.timestamp() for t in done]
        processes |= {t.user_attrs.get("worker") for t in study.trials}
        starts = [t.datetime_start.timestamp() for t in study.trials if t.datetime_start]
        spans.append((min(starts), max(t.datetime_complete.timestamp() for t in done)))
    spans.sort()
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)] or [0.0]
    first = min(t for t, _ in spans)
    return len(ends), first, max(ends), len(processes - {None}), float(statistics.median(gaps))


def _delete(url: str, names: list[str]) -> None:
    import optuna

    for name in names:
        optuna.delete_study(study_name=name, storage=url)


def _create_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    server = parsed.set(database="postgres").render_as_string(hide_password=False)
    server = server.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "select 1 from pg_database where datname = %s", (parsed.database,)
        ).fetchone()
        if not exists:
            connection.execute(f'create database "{parsed.database}"')


def _counters(url: str) -> list[int]:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    plain = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("select pg_stat_clear_snapshot()")
        row = connection.execute(
            f"select {', '.join(_COUNTERS)} from pg_stat_database where datname = %s",
            (parsed.database,),
        ).fetchone()
    return [int(v) for v in row]


if __name__ == "__main__":
    main()
