"""The service's commands: ``submit``, ``worker``, ``status`` and ``cancel``."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from search.errors import UsageError
from search.states import SearchState

if TYPE_CHECKING:
    from search.service import QueuedSearch


def submit(args: argparse.Namespace) -> int:
    from search.cli.commands import run_options
    from search.service import queue_url, submit_searches
    from search.study import mask_url

    url = queue_url(args.storage)
    if args.study and len(args.spaces) > 1:
        raise UsageError("--study names one search; with several spaces each takes its own")
    names = submit_searches(
        args.spaces, run_options(args), url, budget=args.budget, replace=args.replace
    )
    for name in names:
        print(f"queued {name} in {mask_url(url)}")
    return 0


def worker(args: argparse.Namespace) -> int:
    from search.service import ServiceOptions, queue_url, serve
    from search.study.artifacts import artifact_store

    artifacts = args.artifacts
    if artifacts is not None:
        artifact_store(artifacts)  # a folder that does not exist is refused now
    options = ServiceOptions(
        storage_url=_existing_queue(queue_url(args.storage)),
        workers=args.workers,
        until_empty=not args.forever,
        only=tuple(args.only or ()),
        work_dir=Path(args.work_dir),
        artifacts=artifacts,
        quiet=args.quiet,
        debug=args.debug,
        forkserver=args.forkserver,
        recycle_growth=args.recycle_growth,
    )
    return serve(options)


def status(args: argparse.Namespace) -> int:
    from search.service import list_searches, queue_url
    from search.study import open_storage

    searches = list_searches(open_storage(_existing_queue(queue_url(args.storage))))
    if args.json:
        for search in searches:
            print(json.dumps(asdict(search)))
        return 0
    if not searches:
        print("no search is queued")
        return 0
    rows = [_status_row(s) for s in searches]
    widths = [max(len(row[i]) for row in [_HEADER, *rows]) for i in range(len(_HEADER))]
    for row in [_HEADER, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for search in searches:
        if search.why:
            print(f"{search.name} failed: {search.why}")
    return 0


def cancel(args: argparse.Namespace) -> int:
    from search.service import queue_url
    from search.study import load_study, open_storage, request_cancel

    storage = open_storage(_existing_queue(queue_url(args.storage)))
    studies = [load_study(storage, name) for name in args.names]  # all known, or none
    for study in studies:
        request_cancel(study)
        print(f"cancelled {study.study_name}: no new trial starts; running ones end soon")
    return 0


_HEADER = ("search", "state", "trials", "running", "val_mae", "test_mae", "workers", "left")


def _status_row(search: QueuedSearch) -> tuple[str, ...]:
    def mae(value: float | None) -> str:
        return "-" if value is None else f"{value:.4f}"

    if search.seconds_left is None:
        left = "-" if search.started is None or search.state != SearchState.RUNNING else "no limit"
    else:
        left = _duration(search.seconds_left)
    return (
        search.name,
        search.state,
        f"{search.finished}/{search.trials}",
        str(search.alive) + (f" (+{search.stale} lost)" if search.stale else ""),
        mae(search.best_val_mae),
        mae(search.best_test_mae),
        str(search.workers),
        left,
    )


def _duration(seconds: float) -> str:
    minutes, second = divmod(round(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}h{minute:02d}m" if hours else f"{minute}m{second:02d}s"


def _existing_queue(url: str) -> str:
    from search.environment import STORAGE
    from search.study import mask_url, sqlite_not_created

    if sqlite_not_created(url):
        raise UsageError(
            f"no queue at {mask_url(url)}: submit a search first, or give {STORAGE.origin}"
        )
    return url
