"""The command line's arguments: the parser of every command, and the types of its options.

Nothing heavy is imported here: ``python -m search --help`` answers at once.
"""

from __future__ import annotations

import argparse
import math
import re
from typing import NoReturn

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


def test_part(text: str) -> int | float:
    """Rows at the end (``365``), a fraction of the series (``0.1``), or 0 for none."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a number of rows nor a fraction such as 0.1"
        ) from None
    if value < 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    if value >= 1 and not value.is_integer():
        raise argparse.ArgumentTypeError(f"{text} is neither a whole number of rows nor a fraction")
    return int(value) if value.is_integer() else value


def seasons(text: str) -> tuple[int, ...]:
    """Seasonal periods in steps, such as ``365`` or ``48,336``; ``none`` for no season."""
    if text.strip().lower() == "none":
        return ()
    try:
        periods = tuple(sorted({int(part) for part in text.split(",")}))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of periods such as 7 or 48,336 (or none)"
        ) from None
    if any(p < 2 for p in periods):
        raise argparse.ArgumentTypeError(f"a season is 2 steps or more, not {text}")
    return periods


def columns(text: str) -> tuple[str, ...]:
    """Column names separated by commas, such as ``temperature,price``."""
    names = tuple(part.strip() for part in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of column names such as a,b")
    return names


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, as every other error of this command line:
    argparse's default puts the whole usage (eleven lines for ``run``) before the one
    line that matters."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    from search.names import PRUNERS, TUNERS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks of errors")

    parser = _Parser(
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
    run.add_argument(
        "--folds",
        type=positive_int,
        metavar="K",
        help="rolling-origin validation: cut the validation part into K blocks, each "
        "forecast by a model trained on everything before it (default 1)",
    )
    run.add_argument(
        "--horizon",
        type=positive_int,
        metavar="H",
        help="forecast H steps at once from every origin, one output per step; the MAE "
        "averages the steps (default 1)",
    )
    _data_options(run, split=True)
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
    _data_options(forecast, split=False)
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

    example = commands.add_parser(
        "example",
        help="write an example series to a CSV file, to try the product on",
        description="Write an example series to a CSV file. demand: a year of half-hourly "
        "electricity demand with daily and weekly seasons, driven by a temperature column.",
    )
    example.add_argument("name", choices=("demand",), help="which example")
    example.add_argument("path", metavar="FILE.csv", help="where to write it")

    lr_find = commands.add_parser(
        "lr-find",
        parents=[common],
        help="run the learning-rate range test on one configuration",
        description="Train one configuration of a space while its learning rate grows, write "
        "lr_find.png, lr_find.csv and lr_find.json, and print the suggested rate and the rule "
        "that chose it. The configuration is the space's defaults (a dimension's first or "
        "lowest value), changed by the options given.",
    )
    lr_find.add_argument("space", metavar="SPACE", help="a space file, such as spaces/lstm.py")
    lr_find.add_argument(
        "fields",
        nargs="*",
        metavar="--FIELD VALUE",
        help="a field of the model fixed for the test, such as --cell gru --depth 2 --units 32 "
        "--bidirectional true --optimizer sgd --momentum 0.9 --loss mse --batch-size 64 "
        "--window 30 --scaling course",
    )
    lr_find.add_argument("--point", metavar="NAME", help="one of the space's points")
    lr_find.add_argument(
        "--preset",
        choices=("fast", "course"),
        default="fast",
        help="fast: 1e-8 to 10, one step per batch (default); course: 1e-8 to 1e-3 over "
        "100 epochs, as the course does it",
    )
    lr_find.add_argument("--start", type=float, help="the first rate of the sweep")
    lr_find.add_argument("--stop", type=float, help="the rate the sweep grows towards")
    lr_find.add_argument("--steps", type=positive_int, help="steps of the sweep")
    lr_find.add_argument("--seed", type=non_negative_int, help="the seed (default the space's)")
    _data_options(lr_find, split=True)
    lr_find.add_argument(
        "--out", metavar="DIR", help="where to write the files (default results/<space>)"
    )
    return parser


def _data_options(parser: argparse.ArgumentParser, *, split: bool) -> None:
    """The options that choose a series: ``--data``, ``--column``, ``--time-column``,
    ``--split`` (where the validation part starts), ``--test`` (the test part),
    ``--season``, ``--fill``, ``--features`` and ``--known``."""
    from search.data import FILLS

    parser.add_argument("--data", metavar="FILE.csv", help="a CSV file, or a built-in series name")
    parser.add_argument("--column", metavar="NAME", help="the CSV column to forecast")
    parser.add_argument("--time-column", metavar="NAME", help="the CSV column of time stamps")
    if split:
        parser.add_argument(
            "--split",
            type=split_point,
            metavar="N",
            help="first validation row, or training fraction such as 0.7 (CSV default: the "
            "20 %% of the series before the test part validates)",
        )
        parser.add_argument(
            "--test",
            type=test_part,
            metavar="N",
            help="the test part at the end, which nothing trains or selects on: rows, or a "
            "fraction such as 0.1 (CSV default 0.1; none for the built-in series); 0 for none",
        )
        parser.add_argument(
            "--season",
            type=seasons,
            metavar="PERIODS",
            help="seasonal periods in steps, such as 7 or 48,336, or none (default: from the "
            "time stamps' frequency; 365 for the built-in series)",
        )
    parser.add_argument("--fill", choices=FILLS, help="fill missing values and time gaps")
    if split:
        parser.add_argument(
            "--features",
            type=columns,
            metavar="COLUMNS",
            help="exogenous CSV columns the models read beside the values, such as "
            "temperature,price; each needs a value at every time step",
        )
        parser.add_argument(
            "--known",
            type=columns,
            metavar="COLUMNS",
            help="those of the features known in advance (a calendar, a plan): a forecast "
            "also reads their value at its own time",
        )
