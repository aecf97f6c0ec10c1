"""A worker process: one search loop on a planned run's study, started by the supervisor.

Forked by a forkserver (``search.worker.forkserver``), which calls ``main`` with
``--parent PID --events-fd N [--debug]`` (PID: the supervisor's) and its job on standard
input: a line with the length of a pickled ``WorkerJob``, then the job. It loads
everything it needs, says ``Ready`` on the events pipe, and starts once a ``go`` line
follows the job (a standby waits there until the worker it replaces hands over). It reports
its trials on the pipe, and exits with ``Exit.DONE`` when the study's budget or the run's time
is spent, ``Exit.RECYCLE`` when its memory has grown and a fresh process should carry on, or
128 + signal when stopped by SIGTERM.

Why processes: TensorFlow keeps a little of every model it has trained (tens of MB per
trial, measured), whatever Keras is told; a process that ends gives it all back.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import pickle
import select
import signal
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from search._startup import quiet_imports
from search.events import (
    Exit,
    HandingOver,
    Idle,
    PipeEvents,
    Ready,
    TrialEnded,
    standby_growth,
)

if TYPE_CHECKING:
    from search.plan import Plan
    from search.stopping import Stopper


@dataclass(frozen=True)
class WorkerJob:
    """What a supervisor hands a worker process: its plan's state (``Plan.state``), which
    of the run's workers it is, when the run's time ends (a wall-clock time, or None) and
    whether to show tracebacks."""

    plan_state: dict[str, Any]
    worker: int
    deadline: float | None
    debug: bool = False

    @classmethod
    def of(cls, plan: Plan, worker: int, deadline: float | None, debug: bool) -> WorkerJob:
        return cls(plan.state(), worker, deadline, debug)

    def encode(self) -> bytes:
        """The job as a worker reads it from standard input."""
        data = pickle.dumps(self)
        return b"%d\n" % len(data) + data

    def plan(self) -> Plan:
        """The plan again, its space made from the space file's text."""
        from search.plan import Plan

        return Plan(**self.plan_state)


def resident_megabytes() -> float:
    """This process's resident memory, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="search worker process")
    parser.add_argument("--events-fd", type=int, required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    _die_with(args.parent)
    # Ctrl-C on a terminal reaches every process of the group; the supervisor alone
    # answers it, and tells the workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    data = _read_job()
    if not data:
        print("error: no job on standard input", file=sys.stderr)
        return 2
    quiet_imports(args.debug)  # before the job is unpickled: its plan imports Keras
    events = _WorkerEvents(os.fdopen(args.events_fd, "w"))
    while True:
        code = _search(pickle.loads(data), events)
        if code is None:
            return Exit.DONE  # stood down: the worker it was readied for finished instead
        if code != Exit.DONE or not events.may_take_another():
            return code
        # TensorFlow is warm and the memory small: the next search may have this process.
        events.send(Idle())
        data = _read_job()
        if not data:
            return Exit.DONE


def _search(job: WorkerJob, events: _WorkerEvents) -> int | None:
    """Search the job's plan once told to go; the exit status it leaves the process with,
    or None when it was stood down before it began."""
    from search.errors import RunInterrupted, UsageError
    from search.stopping import Stopper
    from search.study import close_storages
    from search.worker.loop import SearchLoop

    plan = job.plan()
    stopper = Stopper()
    stopper.deadline = job.deadline
    stopper.install()
    events.begin(stopper, plan.options.recycle_growth)
    try:
        loop = SearchLoop(plan, worker=job.worker, stopper=stopper, events=events)
        events.send(Ready())
        if sys.stdin.buffer.readline().strip() != b"go":
            return None
        loop.run()
    except RunInterrupted as exc:
        return exc.exit_code
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code
    finally:
        stopper.restore()
        close_storages()  # the next search may keep its study elsewhere
    if stopper.signum is not None:
        return 128 + stopper.signum
    return Exit.RECYCLE if stopper.recycle else Exit.DONE


def _read_job() -> bytes:
    """The next job on standard input (see ``WorkerJob.encode``); empty once it closes."""
    stdin = sys.stdin.buffer
    try:
        return stdin.read(int(stdin.readline()))
    except ValueError:
        return b""


class _WorkerEvents(PipeEvents):
    """Tells the supervisor what the tuner does, and decides when memory has grown enough
    for a fresh process to take over: within a search, or before the next one. The growth
    counts from the process's first trial, whichever search it was of."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self.stopper: Stopper | None = None
        self._baseline: float | None = None
        self._growth = 0.0
        self._limit: float | None = None

    def begin(self, stopper: Stopper, limit: float | None) -> None:
        """A search starts: its stopper, and the growth its plan allows."""
        self.stopper = stopper
        self._limit = limit

    def may_take_another(self) -> bool:
        """Whether this process is small enough to search again: below the growth at which
        a standby would be readied."""
        threshold = standby_growth(self._limit)
        return threshold is None or self._growth < threshold

    def trial_ended(self, number: int, worker: int = 0) -> None:
        memory = resident_megabytes()
        if self._baseline is None:
            self._baseline = memory
        self._growth = growth = memory / self._baseline - 1
        self.send(TrialEnded(number, round(memory, 1), round(growth, 4)))
        if self._limit is not None and growth > self._limit and self.stopper is not None:
            self.stopper.recycle = True
            self.send(HandingOver())


def parent_death_signal() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _die_with(supervisor: int) -> None:
    """SIGTERM this process when the supervisor dies, so no worker outlives it: Linux sends
    it when the parent (a forkserver, which itself dies with whoever started it) dies, and a
    watcher sends it when the supervisor does (a shared forkserver outlives supervisors)."""
    parent_death_signal()
    try:
        handle = os.pidfd_open(supervisor)
    except ProcessLookupError:  # it died before the watch began
        os.kill(os.getpid(), signal.SIGTERM)
        return
    except OSError:  # no pidfd on this system: the parent's death signal alone
        return

    def watch() -> None:
        select.select([handle], [], [])
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()
