"""The parsers of the service's commands: ``submit``, ``worker``, ``status`` and ``cancel``."""

from __future__ import annotations

import argparse

from search.cli.option_types import positive_int
from search.cli.options import (
    artifacts_option,
    search_options,
    storage_option,
    worker_process_options,
)
from search.outdir import QUEUE_FILE, WORK_DIR


def _storage_option(parser: argparse.ArgumentParser) -> None:
    storage_option(parser, f"sqlite:///{QUEUE_FILE} for one machine")


def add_service_commands(
    commands: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    """Add the service's commands to the command line's ``commands``."""
    submit = commands.add_parser(
        "submit",
        parents=[common],
        help="queue searches in a database, for workers on any machine",
        description="Check each space and its data exactly as run does, then queue one "
        "search per space: a study holding the space file's text, the options and the series "
        "itself, so that a worker on any machine needs nothing but the database.",
    )
    submit.add_argument("spaces", nargs="+", metavar="SPACE", help="a space file")
    search_options(submit)
    _storage_option(submit)
    submit.add_argument(
        "--replace",
        action="store_true",
        help="start over a search of the same name already queued (its trials are deleted)",
    )

    worker = commands.add_parser(
        "worker",
        parents=[common],
        help="work on the queued searches",
        description="Work on the queue's searches, oldest first, each with this machine's "
        "worker processes; every trial is recorded in its search's study. Stop with Ctrl-C "
        "or SIGTERM: running trials end at their next epoch and are run again later.",
    )
    _storage_option(worker)
    worker.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        metavar="N",
        help="worker processes on this machine (default 1; one per two cores is a fair start)",
    )
    until = worker.add_mutually_exclusive_group()
    until.add_argument(
        "--until-empty",
        action="store_true",
        help="stop once no search needs a worker (the default)",
    )
    until.add_argument(
        "--forever",
        action="store_true",
        help="keep waiting for new searches (as a system service)",
    )
    worker.add_argument("--only", nargs="+", metavar="NAME", help="work on these searches only")
    worker.add_argument(
        "--work-dir",
        metavar="DIR",
        default=str(WORK_DIR),
        help=f"scratch for this machine's out directories (default {WORK_DIR})",
    )
    artifacts_option(worker)
    worker_process_options(worker)
    worker.add_argument("--quiet", action="store_true", help="print errors only")

    status = commands.add_parser(
        "status",
        parents=[common],
        help="every queued search and its state",
        description="Print every search of the queue: its state (queued, running, done, "
        "failed, cancelled), trials done of its budget, the best validation (and test) MAE, "
        "worker processes alive and the time left of its budget.",
    )
    _storage_option(status)
    status.add_argument("--json", action="store_true", help="one JSON object per search")

    cancel = commands.add_parser(
        "cancel",
        parents=[common],
        help="cancel a search",
        description="Cancel a queued or running search: no new trial starts, and running "
        "ones end at their next epoch with what they reached.",
    )
    cancel.add_argument("names", nargs="+", metavar="NAME", help="the searches to cancel")
    _storage_option(cancel)
