"""The words for where things stand: a trial's status, why a trial stopped training, a queued
search's state, and how a range test's sweep ended. Each member is its word (a ``str``), so
the study, the CSV files and the lines printed hold the same words as before. Nothing is
imported here: the command line and the progress lines read it."""

from __future__ import annotations

from enum import Enum


class _StrEnum(str, Enum):
    """A ``str`` that is one of a few words, printed as the word (``enum.StrEnum`` arrived
    in Python 3.11; the package runs on 3.10)."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)


class Status(_StrEnum):
    """A row's status in the leaderboard: a trial's as the study holds it (Optuna's state,
    or the product's own word kept beside a failed trial), or a baseline's or the answer's."""

    COMPLETE = "complete"
    PRUNED = "pruned"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # a failed trial stopped by a signal, or by its run's end
    RUNNING = "running"
    WAITING = "waiting"  # a retry queued for the next free worker
    BASELINE = "baseline"
    ENSEMBLE = "ensemble"


# Trials with a score, ranked by it; trials that ended without one, with why.
SCORED = (Status.COMPLETE, Status.PRUNED)
UNFINISHED = (Status.FAILED, Status.INTERRUPTED)


class StopReason(_StrEnum):
    """Why a trial stopped training (the study's ``stopped``), or why it is asked to."""

    MAX_EPOCHS = "max_epochs"  # it trained every epoch
    EARLY_STOPPING = "early_stopping"  # no better epoch within the patience
    DIVERGED = "diverged"  # the loss or the forecasts stopped being finite
    PRUNED = "pruned"
    BUDGET = "budget"  # the run's wall-clock budget is spent
    INTERRUPTED = "interrupted"  # SIGINT or SIGTERM
    CANCELLED = "cancelled"  # the queued search was cancelled
    RECYCLE = "recycle"  # the worker's memory has grown: a fresh process carries on
    TAKEN_OVER = "taken_over"  # its heartbeat lapsed and another worker failed it


class SearchState(_StrEnum):
    """A queued search's state, read from its study (``search.service.queue``)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SweepEnd(_StrEnum):
    """How a range test's sweep ended: at the end of its range, or once its loss diverged."""

    END = "end"
    DIVERGED = "diverged"
