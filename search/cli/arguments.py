"""The command line's arguments: the parser of every command.

Nothing heavy is imported here: ``python -m search --help`` answers at once.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from search.cli.option_types import non_negative_int, positive_int
from search.cli.options import (
    artifacts_option,
    data_options,
    from_database,
    search_options,
    setting_option,
    storage_option,
    worker_process_options,
)
from search.cli.service_arguments import add_service_commands

PROG = "python -m search"


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, as every other error of this command line:
    argparse's default puts the whole usage (eleven lines for ``run``) before the one
    line that matters."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m search`` and every command under it."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks of errors")

    parser = _Parser(
        prog=PROG,
        description="Hyperparameter search for recurrent time-series forecasters.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_run, _report, _forecast, _reproduce):
        add(commands, common)
    add_service_commands(commands, common)
    _example(commands)
    _lr_find(commands, common)
    return parser


def _run(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """``run``: search one or more spaces."""
    run = commands.add_parser(
        "run",
        parents=[common],
        help="search one or more spaces",
        description="Search a space (or several, one after another) and write a leaderboard. "
        "A second run on the same out directory resumes the search.",
    )
    run.add_argument(
        "spaces",
        nargs="*",
        metavar="SPACE",
        help="a space file, such as spaces/lstm.py; none with --data: a space made from the "
        "series (its seasons, length and calendar), written to OUT/space.py",
    )
    search_options(run)
    run.add_argument("--out", metavar="DIR", help="the out directory (default results/<space>)")
    storage_option(run, "study.db in the out directory")
    run.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="worker processes on this machine sharing the study (Optuna samplers only)",
    )
    artifacts_option(run)
    worker_process_options(run)
    run.add_argument("--fresh", action="store_true", help="start over instead of resuming")
    run.add_argument("--quiet", action="store_true", help="print errors only")


def _report(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """``report``: write a run's report and leaderboard."""
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
        nargs="?",
        metavar="OUT",
        help="a run's out directory (results/lstm) or a folder of runs (results); with "
        "--study, where to write (default results/<study>)",
    )
    from_database(report)
    report.add_argument("--top", type=positive_int, default=10, help="rows to print (default 10)")


def _forecast(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """``forecast``: forecast with a run's answer."""
    forecast = commands.add_parser(
        "forecast",
        parents=[common],
        help="forecast with a run's answer (or its best trial's model)",
        description="Load a run's answer (its ensemble, in OUT/answer, written when a run "
        "ends; its statistical members fitted on all the history) or else its best trial's "
        "model, and write forecast.csv: one-step "
        "forecasts over the series (the run's own, or --data), then --steps values beyond its "
        "end, each forecast fed back as an input.",
    )
    forecast.add_argument(
        "out", nargs="?", metavar="OUT", help="a run's out directory (with --study: optional)"
    )
    forecast.add_argument(
        "--steps",
        type=non_negative_int,
        default=0,
        help="values to forecast past the end of the series (default 0)",
    )
    data_options(forecast, split=False)
    forecast.add_argument(
        "--levels",
        default="80,95",
        metavar="PERCENTS",
        help="the answer's prediction intervals, such as 80,95 (default): lo_<level> and "
        "hi_<level> columns, split-conformal from its errors out of sample",
    )
    forecast.add_argument(
        "--future",
        metavar="FILE.csv",
        help="the known columns' values past the end (rows matched by time stamp), for "
        "networks that read them ahead",
    )
    forecast.add_argument(
        "--output", metavar="FILE.csv", help="where to write (default OUT/forecast.csv)"
    )
    forecast.add_argument(
        "--best-trial",
        action="store_true",
        help="forecast with the best trial's model (best_model.keras), not the answer",
    )
    from_database(forecast)


def _reproduce(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """``reproduce``: train one trial again and compare."""
    reproduce = commands.add_parser(
        "reproduce",
        parents=[common],
        help="train one trial again and compare",
        description="Train a recorded trial again with its configuration and seed, and print "
        "its validation MAE beside the recorded one.",
    )
    reproduce.add_argument(
        "out", nargs="?", metavar="OUT", help="a run's out directory (with --study: optional)"
    )
    reproduce.add_argument(
        "--trial",
        type=non_negative_int,
        required=True,
        metavar="ID",
        help="the trial's number, as in the leaderboard",
    )
    from_database(reproduce)


def _example(commands: argparse._SubParsersAction) -> None:
    """``example``: write an example series."""
    example = commands.add_parser(
        "example",
        help="write an example series to a CSV file, to try the product on",
        description="Write an example series to a CSV file. demand: a year of half-hourly "
        "electricity demand with daily and weekly seasons, driven by a temperature column.",
    )
    example.add_argument("name", choices=("demand",), help="which example")
    example.add_argument("path", metavar="FILE.csv", help="where to write it")


def _lr_find(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """``lr-find``: the learning-rate range test."""
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
    setting_option(lr_find, "seed")
    data_options(lr_find, split=True)
    lr_find.add_argument(
        "--out", metavar="DIR", help="where to write the files (default results/<space>)"
    )
