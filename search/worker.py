"""A worker process: one search loop on a run's study, started by the supervisor.

Started as ``python -m search.worker`` with its job as JSON on standard input. It reports
what it does as JSON lines on the pipe the job names, and exits with ``DONE`` when the
study's budget or the run's time is spent, ``RECYCLE`` when its memory has grown and a
fresh process should carry on, or 128 + signal when stopped by SIGTERM.

Why processes: TensorFlow keeps a little of every model it has trained (tens of MB per
trial, measured), whatever Keras is told; a process that ends gives it all back.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from dataclasses import asdict
from typing import Any

from search._startup import quiet_imports

DONE = 0
RECYCLE = 75

# A worker hands over to a fresh process once its memory has grown this much beyond what
# it held after its first trial.
RECYCLE_GROWTH = 0.25


def job(plan: Any, *, worker: int, events_fd: int, deadline: float | None, debug: bool) -> str:
    """The JSON a supervisor gives a worker for ``plan``."""
    return json.dumps(
        {
            "space": plan.identity["space_file"],
            "options": {**asdict(plan.options), "fresh": False},
            "worker": worker,
            "events_fd": events_fd,
            "deadline": deadline,
            "debug": debug,
            "parent": os.getpid(),
        }
    )


def resident_megabytes() -> float:
    """This process's resident memory, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    spec = json.load(sys.stdin)
    _die_with_parent(spec["parent"])
    # Ctrl-C on a terminal reaches every process of the group; the supervisor alone
    # answers it, and tells the workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    quiet_imports(spec["debug"])

    from search.errors import RunInterrupted, UsageError
    from search.run import RunOptions, plan_run, work
    from search.stopping import Stopper

    events = _PipeEvents(os.fdopen(spec["events_fd"], "w", buffering=1), spec["worker"])
    stopper = Stopper()
    stopper.deadline = spec["deadline"]
    stopper.install()
    events.stopper = stopper
    try:
        plan = plan_run(spec["space"], RunOptions(**spec["options"]))
        work(plan, stopper=stopper, worker=spec["worker"], events=events)
    except RunInterrupted as exc:
        return exc.exit_code
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    if stopper.signum is not None:
        return 128 + stopper.signum
    return RECYCLE if stopper.recycle else DONE


class _PipeEvents:
    """Tells the supervisor what the tuner does, one JSON line per event, and asks for a
    fresh process when memory has grown."""

    def __init__(self, stream, worker: int):
        self.stream = stream
        self.worker = worker
        self.stopper = None
        self._baseline: float | None = None

    def _send(self, event: str, **fields: Any) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(json.dumps({"event": event, "worker": self.worker, **fields}) + "\n")
        except OSError:  # the supervisor is gone; finish the trial properly all the same
            self.stream = None

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        self._send("trial_started", number=number, config=config)

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        self._send("epoch_ended", number=number, epoch=epoch, val_mae=val_mae, fold=fold)

    def new_best(self, number, model, config, outcome) -> None:
        pass

    def trial_ended(self, number: int, worker: int = 0) -> None:
        memory = resident_megabytes()
        if self._baseline is None:
            self._baseline = memory
        elif memory > self._baseline * (1 + RECYCLE_GROWTH) and self.stopper is not None:
            self.stopper.recycle = True
        self._send("trial_ended", number=number, memory_mb=round(memory, 1))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM when the supervisor dies, so no worker outlives it."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        return
    if os.getppid() != parent:  # it died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":
    raise SystemExit(main())
