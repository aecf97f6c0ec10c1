"""The queue: every submitted search in a database, with its state read from its study
alone (trials, heartbeats, the marks of workers and of ``cancel``), and which search a free
worker takes next."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

import optuna
from optuna.study._frozen import FrozenStudy
from optuna.trial import TrialState

from search.service.submission import FAILED_WHY, STARTED, Submission
from search.states import SearchState
from search.study import records as rec
from search.study.budget import budget_slots
from search.study.cancel import CANCELLED_AT
from search.study.identity import RunIdentity


@dataclass(frozen=True)
class QueuedSearch:
    """One submitted search as its study stands now.

    ``finished`` counts the trials that ended and count against the budget of ``trials``
    (completed, pruned, failed without a retry); ``running`` those training now, of which
    ``stale`` have lost their worker (no heartbeat within the grace period) and will be
    run again; ``waiting`` retries queued for the next free worker. ``workers`` is how
    many worker processes are alive on it; ``seconds_left`` its budget's time left (None:
    no limit, or not started). ``best_val_mae`` and ``best_test_mae`` are those of the
    trial its leaderboard ranks first.
    """

    name: str
    state: SearchState
    submitted: float
    trials: int
    finished: int
    running: int
    stale: int
    waiting: int
    workers: int
    best_val_mae: float | None
    best_test_mae: float | None
    seconds_left: float | None
    started: float | None
    why: str | None = None

    @property
    def alive(self) -> int:
        """Trials running on a worker that still answers (running, less the stale ones)."""
        return self.running - self.stale

    @property
    def has_room(self) -> bool:
        """Whether a worker joining now would start a trial at once."""
        if not self.open:
            return False
        return self.waiting > 0 or self.finished + self.alive < self.trials

    @property
    def open(self) -> bool:
        """Whether the search may still need a worker (queued or running)."""
        return self.state in (SearchState.QUEUED, SearchState.RUNNING)


# The states a search never leaves: once seen in one, its trials need not be read again.
ENDED = (SearchState.DONE, SearchState.FAILED, SearchState.CANCELLED)

# A search as ``list_searches`` remembers it: its study's id and when it was submitted (a
# replaced search is a new study, which may get a deleted one's id on SQLite).
EndedKey = tuple[int, float]


def list_searches(
    storage: optuna.storages.RDBStorage, ended: dict[EndedKey, QueuedSearch] | None = None
) -> list[QueuedSearch]:
    """Every submitted search in ``storage``, oldest first.

    ``ended``, kept by a caller that lists again and again (a service worker between
    searches), remembers the searches seen in a state they never leave and gives them
    without reading their trials again: a database of many finished searches would
    otherwise cost every listing a read of all their trials (1.4 s for 68 searches of 6
    trials on PostgreSQL, measured)."""
    found = []
    for frozen in storage.get_all_studies():
        submission = Submission.read(frozen.user_attrs)
        if submission is None:
            continue
        key = (frozen._study_id, submission.submitted)  # FrozenStudy keeps its id private
        if ended is not None and key in ended:
            found.append(ended[key])
            continue
        search = _read(storage, frozen, submission)
        if ended is not None and search.state in ENDED:
            ended[key] = search
        found.append(search)
    return sorted(found, key=lambda s: (s.submitted, s.name))


def next_search(
    searches: Iterable[QueuedSearch], *, only: tuple[str, ...] = (), skip: Iterable[str] = ()
) -> QueuedSearch | None:
    """The search a free worker takes: the oldest with room for a trial; else the oldest
    still running, whose trials may need running again if their worker dies."""
    skipped = set(skip)
    candidates = [
        s for s in searches if s.open and s.name not in skipped and (not only or s.name in only)
    ]
    with_room = [s for s in candidates if s.has_room]
    if with_room:
        return with_room[0]
    return next((s for s in candidates if s.state == SearchState.RUNNING), None)


def _read(
    storage: optuna.storages.RDBStorage, frozen: FrozenStudy, submission: Submission
) -> QueuedSearch:
    attrs = frozen.user_attrs
    study_id = frozen._study_id  # FrozenStudy keeps its id private
    identity = RunIdentity.from_config(attrs[rec.RUN])
    trials = storage.get_all_trials(study_id, deepcopy=False)
    used, running = budget_slots(trials)
    waiting = sum(t.state == TrialState.WAITING for t in trials)
    stale_ids = set(_stale(storage, study_id, submission.grace))
    alive = [t for t in trials if t.state == TrialState.RUNNING and t._trial_id not in stale_ids]
    workers = len({t.user_attrs.get(rec.WORKER) for t in alive})
    best = rec.best_trial(trials, identity.folds)  # as the leaderboard ranks them
    started = attrs.get(STARTED)
    left = None
    if started is not None and submission.budget is not None:
        left = max(0.0, float(started) + submission.budget - time.time())
    finished = used - running
    if CANCELLED_AT in attrs:
        state, why = SearchState.CANCELLED, None
    elif FAILED_WHY in attrs:
        state, why = SearchState.FAILED, str(attrs[FAILED_WHY])
    elif (left == 0.0 and not alive) or (
        running == 0 and waiting == 0 and finished >= identity.trials
    ):  # out of time (what did not finish never will), or every trial has ended
        state, why = SearchState.DONE, None
    else:
        state, why = (SearchState.RUNNING if alive else SearchState.QUEUED), None
    test = None if best is None else best[0].user_attrs.get(rec.TEST_MAE)
    return QueuedSearch(
        name=frozen.study_name,
        state=state,
        submitted=submission.submitted,
        trials=identity.trials,
        finished=finished,
        running=running,
        stale=len(stale_ids),
        waiting=waiting,
        workers=workers,
        best_val_mae=None if best is None else best[1],
        best_test_mae=None if test is None or not math.isfinite(test) else float(test),
        seconds_left=left,
        started=None if started is None else float(started),
        why=why,
    )


def _stale(storage: optuna.storages.RDBStorage, study_id: int, grace: int) -> list[int]:
    """Running trials whose worker has been silent for longer than ``grace`` seconds."""
    # Optuna answers this for the grace period its storage was opened with; a search keeps
    # its own, so the status asks with each search's.
    if storage.heartbeat_interval is None:
        storage.heartbeat_interval = max(1, grace // 4)
    storage.grace_period = grace
    return storage._get_stale_trial_ids(study_id)  # the query Optuna's own workers use
