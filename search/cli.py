"""The command line: ``python -m search run|report ...``.

Exit status 0 on success, 2 on bad usage or input (one line on standard error), 130 or
143 when stopped by SIGINT or SIGTERM; a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from search._startup import quiet_imports
from search.errors import RunInterrupted, UsageError

PROG = "python -m search"


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text) if re.fullmatch(r"\d+", text.strip()) else -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number, 0 or more")
    return value


def duration(text: str) -> float | str:
    """Seconds in ``8h``, ``30m``, ``90s``, ``1h30m`` or a plain number of seconds; ``none``
    for no time limit at all."""
    from search.stopping import parse_duration

    if text.strip().lower() == "none":
        return "none"
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def split_point(text: str) -> int | float:
    """A row index (``3000``) or a training fraction (``0.8``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a row index nor a fraction such as 0.8"
        ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return int(value) if value.is_integer() and value >= 1 else value


def build_parser() -> argparse.ArgumentParser:
    from search.data import FILLS
    from search.names import PRUNERS, TUNERS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks of errors")

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Hyperparameter search for recurrent time-series forecasters.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run",
        parents=[common],
        help="search one or more spaces",
        description="Search a space (or several, one after another) and write a leaderboard. "
        "A second run on the same out directory resumes the search.",
    )
    run.add_argument(
        "spaces", nargs="+", metavar="SPACE", help="a space file, such as spaces/lstm.py"
    )
    run.add_argument("--trials", type=positive_int, help="trials for the whole study")
    run.add_argument("--epochs", type=positive_int, help="the most epochs a trial trains")
    run.add_argument("--tuner", choices=TUNERS, help="the search algorithm")
    run.add_argument("--pruner", choices=PRUNERS, help="stop poor trials early (Optuna pruners)")
    run.add_argument("--seed", type=non_negative_int, help="the run's seed")
    run.add_argument("--data", metavar="FILE.csv", help="a CSV file, or a built-in series name")
    run.add_argument("--column", metavar="NAME", help="the CSV column to forecast")
    run.add_argument("--time-column", metavar="NAME", help="the CSV column of time stamps")
    run.add_argument(
        "--split",
        type=split_point,
        metavar="N",
        help="first validation row, or training fraction such as 0.8 (CSV default 0.8)",
    )
    run.add_argument("--fill", choices=FILLS, help="fill missing values and time gaps")
    run.add_argument("--out", metavar="DIR", help="the out directory (default results/<space>)")
    run.add_argument(
        "--storage",
        metavar="URL",
        help="an Optuna storage URL (default: study.db in the out directory; "
        "or set SEARCH_STORAGE)",
    )
    run.add_argument("--study", metavar="NAME", help="the study's name (default: the space's)")
    run.add_argument(
        "--budget",
        type=duration,
        metavar="TIME",
        help="wall-clock budget such as 8h, 30m or 90s: no trial starts after it, and the "
        "running one stops at its next epoch; replaces the spaces' own budgets and is shared "
        "by several spaces; 'none' for no limit",
    )
    run.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="worker processes on this machine sharing the study (Optuna samplers only)",
    )
    run.add_argument(
        "--grace",
        type=positive_int,
        default=60,
        metavar="SECONDS",
        help="a running trial whose worker has been silent this long is failed and retried "
        "(default 60)",
    )
    run.add_argument("--fresh", action="store_true", help="start over instead of resuming")
    run.add_argument("--quiet", action="store_true", help="print errors only")

    report = commands.add_parser(
        "report",
        parents=[common],
        help="write a run's report and leaderboard (or a batch's)",
        description="Rebuild leaderboard.csv from the study, write report.md with its "
        "figures, and print the top rows. Given a folder of runs (such as results/), do so "
        "for each and rank all their trials in one combined leaderboard.",
    )
    report.add_argument(
        "out",
        metavar="OUT",
        help="a run's out directory (results/lstm) or a folder of runs (results)",
    )
    report.add_argument(
        "--storage", metavar="URL", help="the study's storage, if not the run's own"
    )
    report.add_argument("--top", type=positive_int, default=10, help="rows to print (default 10)")

    forecast = commands.add_parser(
        "forecast",
        parents=[common],
        help="forecast with a run's best model",
        description="Load a run's best model and write forecast.csv: one-step forecasts over "
        "the series (the run's own, or --data), then --steps values beyond its end, each "
        "forecast fed back as an input.",
    )
    forecast.add_argument("out", metavar="OUT", help="a run's out directory")
    forecast.add_argument(
        "--steps",
        type=non_negative_int,
        default=0,
        help="values to forecast past the end of the series (default 0)",
    )
    forecast.add_argument("--data", metavar="FILE.csv", help="a CSV file, or a built-in series")
    forecast.add_argument("--column", metavar="NAME", help="the CSV column to forecast")
    forecast.add_argument("--time-column", metavar="NAME", help="the CSV column of time stamps")
    forecast.add_argument("--fill", choices=FILLS, help="fill missing values and time gaps")
    forecast.add_argument(
        "--output", metavar="FILE.csv", help="where to write (default OUT/forecast.csv)"
    )
    forecast.add_argument("--storage", metavar="URL", help="the study's storage, if not the run's")

    reproduce = commands.add_parser(
        "reproduce",
        parents=[common],
        help="train one trial again and compare",
        description="Train a recorded trial again with its configuration and seed, and print "
        "its validation MAE beside the recorded one.",
    )
    reproduce.add_argument("out", metavar="OUT", help="a run's out directory")
    reproduce.add_argument(
        "--trial",
        type=non_negative_int,
        required=True,
        metavar="ID",
        help="the trial's number, as in the leaderboard",
    )
    reproduce.add_argument("--storage", metavar="URL", help="the study's storage, if not the run's")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    quiet_imports(args.debug)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "report":
            return _report(args)
        if args.command == "forecast":
            return _forecast(args)
        if args.command == "reproduce":
            return _reproduce(args)
        parser.error(f"unknown command {args.command}")
    except UsageError as exc:
        return _fail(args, f"error: {exc}", exc.exit_code)
    except RunInterrupted as exc:
        print(
            f"stopped by signal {exc.signum}; run the same command again to resume", file=sys.stderr
        )
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return _fail(
            args, f"error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", 1
        )
    return 0


def _fail(args: argparse.Namespace, message: str, status: int) -> int:
    if getattr(args, "debug", False):
        traceback.print_exc()
    print(message.splitlines()[0] if message else "error", file=sys.stderr)
    return status


def _run(args: argparse.Namespace) -> int:
    from search.run import RunOptions, execute, plan_run

    if args.out and len(args.spaces) > 1:
        raise UsageError(
            "--out names one directory; with several spaces each goes to results/<space>"
        )
    options = RunOptions(
        trials=args.trials,
        epochs=args.epochs,
        tuner=args.tuner,
        pruner=args.pruner,
        seed=args.seed,
        data=args.data,
        column=args.column,
        time_column=args.time_column,
        split=args.split,
        fill=args.fill,
        out=args.out,
        storage=args.storage,
        study=args.study,
        fresh=args.fresh,
        quiet=args.quiet,
        grace=args.grace,
        workers=args.workers,
    )
    # Every space is checked before the first one starts: a typo in the third space of a
    # batch is found in the evening, not in the morning.
    plans = [plan_run(path, options) for path in args.spaces]
    execute(plans, budget=args.budget, debug=args.debug)
    return 0


def _report(args: argparse.Namespace) -> int:
    from search.leaderboard import top_rows
    from search.run import report_batch, report_run, run_directories

    root = Path(args.out)
    runs = run_directories(root)
    if runs == [root]:
        table, path = report_run(root, storage=args.storage)
    else:
        table, path = report_batch(root, runs, storage=args.storage)
    print(top_rows(table, args.top))
    print(f"report: {path}")
    return 0


def _forecast(args: argparse.Namespace) -> int:
    from search.best_model import load_best
    from search.data import load_series
    from search.files import write_csv
    from search.forecasting import FORECAST_FILE, forecast_table
    from search.run import load_run, run_series
    from search.study import run_identity

    model, info = load_best(args.out)
    if args.data:
        series = load_series(
            args.data, column=args.column, time_column=args.time_column, fill=args.fill
        )
    else:
        series = run_series(run_identity(load_run(args.out, storage=args.storage)))
    table = forecast_table(model, info, series, args.steps)
    path = Path(args.output) if args.output else Path(args.out) / FORECAST_FILE
    write_csv(table, path)
    past = table[table["kind"] == "one-step"]
    mae = (past["forecast"] - past["actual"]).abs().mean()
    print(
        f"trial {info['trial']}'s model: {len(past)} one-step forecasts of {series.name} "
        f"(MAE {mae:.4f} over them), {args.steps} ahead -> {path}"
    )
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from search.reproduce import reproduce
    from search.run import load_run, run_series
    from search.study import run_identity

    study = load_run(args.out, storage=args.storage)
    identity = run_identity(study)
    result = reproduce(study, identity, args.trial, run_series(identity))
    note = f" ({result.note})" if result.note else ""
    print(
        f"trial {args.trial}: recorded val_mae {result.record.val_mae:.4f}, reproduced "
        f"{result.outcome.val_mae:.4f} ({result.difference:+.2%}){note}"
    )
    return 0
