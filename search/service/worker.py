"""``worker``: on any machine, work on the queued searches of a database, one after another,
each with this machine's worker processes under a supervisor, exactly as ``run`` does.

The worker needs nothing but the package and the database URL: each search's space text
and series come from its study. Its out directories (a leaderboard and the best model this
machine found, per search) are scratch under ``work_dir``; what matters is in the study and
the artifact store.
"""

from __future__ import annotations

import os
import signal
import socket
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import optuna

from search import study as studies
from search.errors import RunInterrupted, UsageError
from search.events import DEFAULT_RECYCLE_GROWTH
from search.outdir import WORK_DIR
from search.plan import Plan, RunOptions
from search.run.pool import WorkerPool
from search.service.queue import EndedKey, QueuedSearch, list_searches, next_search
from search.service.submission import REFIT_BY, Submission, mark_failed, mark_started
from search.states import SearchState
from search.study.contents import kept_series, kept_space
from search.study.identity import RunIdentity
from search.worker.spawn import Forkserver

# Seconds between looks at an empty queue (with --forever).
POLL_SECONDS = 30.0
# A search this machine's processes left unfinished this many times is left to others.
MAX_RETURNS = 3


@dataclass
class ServiceOptions:
    """How a worker command works the queue in ``storage_url``."""

    storage_url: str
    workers: int = 1
    until_empty: bool = True
    only: tuple[str, ...] = ()
    work_dir: Path = WORK_DIR
    artifacts: str | None = None
    poll: float = POLL_SECONDS
    quiet: bool = False
    debug: bool = False
    forkserver: str | None = None  # a running forkserver's socket; None: start one
    recycle_growth: float | None = DEFAULT_RECYCLE_GROWTH


def serve(options: ServiceOptions) -> int:
    """Work on the queue until it is empty (or, ``until_empty`` False, until a signal);
    the exit status. A signal ends the running trials at their next epoch, as in ``run``."""
    with _StopBetweenSearches() as stop:
        worker = _QueueWorker(options, stop)
        try:
            return worker.run()
        finally:
            worker.close()


class _QueueWorker:
    """One worker command's life: search after search, as the queue hands them out."""

    def __init__(self, options: ServiceOptions, stop: _StopBetweenSearches):
        self.options = options
        self.stop = stop
        self.storage = studies.open_storage(options.storage_url)
        # Apart from every other worker process on any machine: its sampler draws apart.
        here = f"{socket.gethostname()}:{os.getpid()}"
        self.first_worker = zlib.crc32(here.encode()) % 10**6 * 100
        self.returns: Counter[str] = Counter()  # how often it left a search unfinished
        self.given_up: set[str] = set()
        self.ended: dict[EndedKey, QueuedSearch] = {}  # searches it need not read again
        # Started with the first search (listing the queue needs no TensorFlow) and kept
        # for the next ones: their worker processes are those of the search before, or
        # forked, never started afresh.
        self.forkserver: Forkserver | None = None
        self.pool: WorkerPool | None = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        if self.forkserver is not None:
            self.forkserver.close()

    def run(self) -> int:
        options = self.options
        left: str | None = None  # the search this worker's processes last came back from
        while not self.stop.signum:
            searches = list_searches(self.storage, self.ended)
            self._count_return(left, searches)
            chosen = next_search(searches, only=options.only, skip=self.given_up)
            if chosen is None:
                if options.until_empty and not self._others_open(searches):
                    _say(options, "the queue is empty")
                    return 0
                self.stop.sleep(options.poll)
                continue
            left = None
            if self.pool is None:
                self.forkserver = Forkserver.shared_or_started(
                    options.forkserver, debug=options.debug
                )
                self.pool = WorkerPool(self.forkserver)
            try:
                signum = _work_on(chosen, options, self.first_worker, self.pool, self.ended)
            except UsageError as exc:
                # The search cannot run (its space no longer loads here, its data is bad):
                # it is marked failed, with why, for every worker and for status.
                _say(options, f"{chosen.name}: failed: {exc}")
                mark_failed(studies.load_study(self.storage, chosen.name), str(exc))
                continue
            if signum is not None:
                raise RunInterrupted(signum)
            left = chosen.name
        return 128 + self.stop.signum

    def _count_return(self, name: str | None, searches: list[QueuedSearch]) -> None:
        """A search its processes left with room still in it: a retry queued as they
        finished, or they crashed again and again here. After a few times, this machine
        leaves it to others."""
        if any(s.name == name and s.has_room for s in searches):
            self.returns[name] += 1
            if self.returns[name] >= MAX_RETURNS:
                self.given_up.add(name)

    def _others_open(self, searches: list[QueuedSearch]) -> bool:
        """Whether a search this worker may take is still open (its trials may yet need
        running again)."""
        only = self.options.only
        return any(
            s.open and s.name not in self.given_up and (not only or s.name in only)
            for s in searches
        )


def plan_from_study(
    storage_url: str,
    name: str,
    out: Path,
    *,
    workers: int,
    artifacts: str | None,
    quiet: bool,
    stand_by: bool = True,
    recycle_growth: float | None = DEFAULT_RECYCLE_GROWTH,
) -> Plan:
    """The plan of the queued search ``name``, built from its study alone; ``stand_by``:
    whether its workers wait for other workers' last trials once its budget is spent."""
    study = studies.load_study(studies.open_storage(storage_url), name)
    attrs = study.user_attrs
    submission = Submission.read(attrs)
    identity = RunIdentity.read(study)
    text = kept_space(study)
    series = kept_series(study)
    if submission is None or identity is None or text is None or series is None:
        raise UsageError(f"study {name!r} is not a queued search (submit it with search submit)")
    options = RunOptions(
        out=str(out),
        storage=storage_url,
        study=name,
        artifacts=artifacts,
        workers=workers,
        grace=submission.grace,
        quiet=quiet,
        stand_by=stand_by,
        recycle_growth=recycle_growth,
    )
    plan = Plan(text, series, out, storage_url, name, options, identity)
    if plan.space.fingerprint() != identity.space_fingerprint:
        raise UsageError(
            f"its space {submission.space_file} reads differently on this machine (another "
            "version of the product?); it was submitted with another"
        )
    return plan


def _work_on(
    chosen: QueuedSearch,
    options: ServiceOptions,
    first_worker: int,
    pool: WorkerPool,
    ended: dict[EndedKey, QueuedSearch],
) -> int | None:
    """Work on one search with this machine's worker processes until it needs them no
    more; the signal that stopped them, if any. ``ended``: the worker's memory of the
    searches it has seen end (see ``list_searches``)."""
    # Imported when a search starts: listing the queue needs none of what a run holds.
    from search.run.execute import start_run, supervise

    out = options.work_dir / chosen.name
    plan = plan_from_study(
        options.storage_url,
        chosen.name,
        out,
        workers=options.workers,
        artifacts=options.artifacts,
        quiet=options.quiet,
        # Taken for room, it is left as soon as its budget is spent, for the next search;
        # taken with none (all its trials are running), it waits to run their retries.
        stand_by=not chosen.has_room,
        recycle_growth=options.recycle_growth,
    )
    study = start_run(plan, debug=options.debug)
    started = mark_started(study)
    submission = Submission.read(study.user_attrs)
    deadline = None if submission.budget is None else started + submission.budget
    # The supervisor answers signals while it runs, and then gives them back to `stop`.
    signum, failures = supervise(
        plan,
        study,
        deadline,
        pool=pool,
        debug=options.debug,
        first_worker=first_worker,
    )
    if failures and signum is None:
        mark_failed(study, failures[0])
    elif signum is None:
        _refit_when_ended(plan, study, options, ended)
    return signum


def _refit_when_ended(
    plan: Plan, study: optuna.Study, options: ServiceOptions, ended: dict[EndedKey, QueuedSearch]
) -> None:
    """The first worker to see a search end saves its answer (refitting its networks where
    the space asks for it), as ``run`` does at its end; it marks the study first, so others
    leave it."""
    if study.user_attrs.get(REFIT_BY):
        return
    searches = list_searches(studies.open_storage(options.storage_url), ended)
    this = [s for s in searches if s.name == study.study_name]
    if not this or this[0].state != SearchState.DONE:
        return  # trials still running elsewhere: whoever ends the last one refits
    study.set_user_attr(REFIT_BY, f"{socket.gethostname()}:{os.getpid()}")
    from search.leaderboard import rebuild_leaderboard
    from search.run.execute import hand_over_answer

    hand_over_answer(plan, study, lambda line: _say(options, line), options.debug)
    rebuild_leaderboard(study, plan.out)


def _say(options: ServiceOptions, line: str) -> None:
    if not options.quiet:
        print(line, flush=True)


class _StopBetweenSearches:
    """SIGINT or SIGTERM while the worker waits between searches: stop at once. Used as a
    context, it gives the signals back to their handlers of before when it ends."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _StopBetweenSearches:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signum = signum

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self.signum is None and time.monotonic() < end:
            time.sleep(min(0.5, end - time.monotonic()))
