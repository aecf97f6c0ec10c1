"""Groups of options that several commands share: what shapes a search (``run``,
``submit``), which series (``--data`` and the rest), and where a run is read from."""

from __future__ import annotations

import argparse

from search.cli.option_types import (
    columns,
    duration,
    non_negative_int,
    positive_int,
    seasons,
    split_point,
    test_part,
)


def search_options(parser: argparse.ArgumentParser) -> None:
    """The options that shape a search, shared by ``run`` and ``submit``."""
    from search.names import PRUNERS, TUNERS

    parser.add_argument("--trials", type=positive_int, help="trials for the whole study")
    parser.add_argument("--epochs", type=positive_int, help="the most epochs a trial trains")
    parser.add_argument("--tuner", choices=TUNERS, help="the search algorithm")
    parser.add_argument("--pruner", choices=PRUNERS, help="stop poor trials early (Optuna pruners)")
    parser.add_argument("--seed", type=non_negative_int, help="the run's seed")
    parser.add_argument(
        "--folds",
        type=positive_int,
        metavar="K",
        help="rolling-origin validation: cut the validation part into K blocks, each "
        "forecast by a model trained on everything before it (default 1)",
    )
    parser.add_argument(
        "--horizon",
        type=positive_int,
        metavar="H",
        help="forecast H steps at once from every origin, one output per step; the MAE "
        "averages the steps (default 1)",
    )
    data_options(parser, split=True)
    parser.add_argument("--study", metavar="NAME", help="the study's name (default: the space's)")
    parser.add_argument(
        "--budget",
        type=duration,
        metavar="TIME",
        help="wall-clock budget such as 8h, 30m or 90s: no trial starts after it, and the "
        "running one stops at its next epoch; replaces the spaces' own budgets and is shared "
        "by several spaces; 'none' for no limit",
    )
    parser.add_argument(
        "--grace",
        type=positive_int,
        default=60,
        metavar="SECONDS",
        help="a running trial whose worker has been silent this long is failed and retried "
        "(default 60)",
    )


def from_database(parser: argparse.ArgumentParser) -> None:
    """``--storage``, ``--study`` and ``--artifacts``: read a run from its database, on a
    machine that may have run none of it."""
    parser.add_argument(
        "--storage", metavar="URL", help="the study's storage, if not the run's own"
    )
    parser.add_argument(
        "--study",
        metavar="NAME",
        help="read the run from this study in --storage alone (a queued search's, or any "
        "run's): its files go to OUT, by default results/<study>",
    )
    artifacts_option(parser)


def artifacts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--artifacts",
        metavar="DIR",
        help="a folder for Optuna's artifact store, shared by every machine: best models "
        "and learning curves are kept there beside their trials (or set SEARCH_ARTIFACTS)",
    )


def data_options(parser: argparse.ArgumentParser, *, split: bool) -> None:
    """The options that choose a series: ``--data``, ``--column``, ``--time-column``,
    ``--split`` (where the validation part starts), ``--test`` (the test part),
    ``--season``, ``--fill``, ``--features`` and ``--known``."""
    from search.names import FILLS

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
