"""Groups of options that several commands share: what shapes a search (``run``,
``submit``), which series (``--data`` and the rest), and where a run is read from."""

from __future__ import annotations

import argparse

from search.cli.option_types import duration, growth, positive_int
from search.environment import ARTIFACTS, FORKSERVER, RECYCLE_GROWTH, STORAGE, Variable
from search.events import DEFAULT_RECYCLE_GROWTH


def setting_option(parser: argparse.ArgumentParser, name: str) -> None:
    """The option that changes the setting ``name`` of a space, as its row in
    ``search.settings.SETTINGS`` declares it: its word, its one check, its help."""
    from search.settings import SETTINGS

    parser.add_argument(
        f"--{name.replace('_', '-')}",
        type=_setting_word(name),
        metavar=SETTINGS[name].metavar,
        help=SETTINGS[name].help.replace("%", "%%"),
    )


def _setting_word(name: str):
    from search.settings import parse_option

    def word(text: str) -> object:
        try:
            return parse_option(name, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    word.__name__ = name  # argparse names the type in some of its messages
    return word


def search_options(parser: argparse.ArgumentParser) -> None:
    """The options that shape a search, shared by ``run`` and ``submit``."""
    from search.settings import OPTIONS, SETTINGS

    for name in OPTIONS:
        if SETTINGS[name].data is None:
            setting_option(parser, name)
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
    storage_option(parser, "the run's own, as its run.json names it")
    parser.add_argument(
        "--study",
        metavar="NAME",
        help="read the run from this study in --storage alone (a queued search's, or any "
        "run's): its files go to OUT, by default results/<study>",
    )
    artifacts_option(parser)


def storage_option(parser: argparse.ArgumentParser, default: str) -> None:
    """``--storage``; ``default`` says what the command takes without it."""
    parser.add_argument(
        "--storage",
        metavar="URL",
        default=STORAGE.value(),
        help="an Optuna storage URL, such as postgresql://user@host:5432/dbname or "
        f"sqlite:///results/study.db (default: {_environment(STORAGE)}{default})",
    )


def artifacts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--artifacts",
        metavar="DIR",
        default=ARTIFACTS.value(),
        help="a folder for Optuna's artifact store, shared by every machine: best models "
        f"and learning curves are kept there beside their trials (default: "
        f"{_environment(ARTIFACTS)}none)",
    )


def worker_process_options(parser: argparse.ArgumentParser) -> None:
    """How worker processes are started and handed over: ``--forkserver`` and
    ``--recycle-growth``."""
    parser.add_argument(
        "--forkserver",
        metavar="SOCKET",
        default=FORKSERVER.value(),
        help="fork worker processes from the forkserver listening on this socket, already "
        f"TensorFlow-ready (default: {_environment(FORKSERVER)}start one)",
    )
    parser.add_argument(
        "--recycle-growth",
        type=growth,
        metavar="FRACTION",
        default=RECYCLE_GROWTH.value() or str(DEFAULT_RECYCLE_GROWTH),
        help="a worker whose memory grows by this fraction beyond what it held after its "
        "first trial hands over to a fresh process; 'off' for never (default: "
        f"{_environment(RECYCLE_GROWTH)}{DEFAULT_RECYCLE_GROWTH})",
    )


def _environment(variable: Variable) -> str:
    """How a help text names the variable that gives an option its default, and its value
    if it is set now."""
    value = variable.value()
    now = f", now {value!r}" if value is not None and variable is not STORAGE else ""
    return f"${variable.name} if set{now}, else "


def data_options(parser: argparse.ArgumentParser, *, split: bool) -> None:
    """The options that choose a series: ``--data``, ``--column``, ``--time-column`` and
    ``--fill``; with ``split``, also how it is cut into parts (``--split``, ``--test``),
    its seasons and its exogenous columns."""
    from search.settings import DATA_SETTINGS, SETTINGS

    for name in DATA_SETTINGS:
        if split or SETTINGS[name].data == "file":
            setting_option(parser, name)
