"""A queued search as its study keeps it: when and how it was submitted, its budget, when a
worker first took it up, and how it ended if it did not end well. The space file's text and
the series are kept beside it (``search.study.contents``)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import optuna

from search import study as studies
from search.outdir import QUEUE_FILE

# Study user attributes.
SUBMISSION = "submission"  # written last: a study without it is not (yet) a queued search
STARTED = "started_at"  # when a worker first took the search up (seconds since the epoch)
FAILED_WHY = "failed"  # why no worker can go on with the search
REFIT_BY = "refit_by"  # the worker that refits the answer of the ended search


@dataclass(frozen=True)
class Submission:
    """What ``submit`` was given: the space file's name, the command line's options as
    given (its changes to the space are in the study's identity), the wall-clock
    ``budget`` in seconds (None: no limit) counted from when a worker first takes the
    search up, the ``grace`` period of its heartbeats, and when it was submitted."""

    space_file: str
    budget: float | None
    grace: int
    submitted: float
    options: dict[str, Any]

    def write(self, study: optuna.Study) -> None:
        study.set_user_attr(SUBMISSION, asdict(self))

    @classmethod
    def read(cls, attrs: dict[str, Any]) -> Submission | None:
        """The submission in a study's user attributes; None for a study not submitted."""
        config = attrs.get(SUBMISSION)
        if not isinstance(config, dict):
            return None
        return cls(**{k: config[k] for k in cls.__dataclass_fields__ if k in config})


def mark_started(study: optuna.Study) -> float:
    """When the search was first taken up: now, if no worker has taken it up before."""
    started = study.user_attrs.get(STARTED)
    if started is None:
        started = time.time()
        study.set_user_attr(STARTED, started)
    return float(started)


def mark_failed(study: optuna.Study, why: str) -> None:
    study.set_user_attr(FAILED_WHY, why)


def queue_url(option: str | None) -> str:
    """The queue's database: ``--storage``, else the SQLite file ``results/queue.db`` for
    one machine."""
    return studies.resolve_storage(option, f"sqlite:///{QUEUE_FILE.resolve()}")
