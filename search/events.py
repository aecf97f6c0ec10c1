"""What a worker tells whoever watches its trials, and the one way it travels between
processes: a JSON object per line on a pipe. No Keras here: the supervisor and the
progress lines read these without it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar, TextIO


class Exit(IntEnum):
    """A worker process's exit status: its search is done (the budget or the time is spent),
    or its memory has grown and a fresh process carries on. Stopped by a signal: 128 + the
    signal."""

    DONE = 0
    RECYCLE = 75


# How much a worker's memory may grow beyond what it held after its first trial before it
# hands over to a fresh process (a quarter); the option --recycle-growth changes it.
DEFAULT_RECYCLE_GROWTH = 0.25


def standby_growth(limit: float | None) -> float | None:
    """The growth at which a worker's standby process is readied: half-way to ``limit``, so
    that it has loaded the plan before the hand-over, and a run whose workers stay small
    never holds one (none without a limit)."""
    return None if limit is None else limit / 2


if TYPE_CHECKING:  # only a worker's own process holds models
    import keras

    from search.study.outcome import TrialOutcome


class TrialEvents:
    """A receiver of a search's events; every method may be left as it is.

    ``worker`` says which of a run's workers a trial runs on (the supervisor knows; a
    tuner does not).
    """

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        """A trial is about to train."""

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        """A trial finished an epoch of a fold (both count from 1)."""

    def new_best(
        self, number: int, model: keras.Model, config: dict[str, Any], outcome: TrialOutcome
    ) -> None:
        """A trial beat every finished trial of the study; ``model`` holds its best weights.
        Heard in the worker's own process only, once the trial's result is in the study:
        an exception here is a warning kept beside the trial, not a failed trial."""

    def trial_trained(self, number: int, outcome: TrialOutcome) -> None:
        """A trial has trained (to its end, pruned or stopped) and its result is in the
        study, which ends the trial a moment later. Heard in the worker's own process only;
        an exception here is a warning, as for ``new_best``."""

    def trial_ended(self, number: int, worker: int = 0) -> None:
        """The study holds the trial's result."""


class FanOut(TrialEvents):
    """Tells several receivers the same events, in order."""

    def __init__(self, *receivers: TrialEvents):
        self.receivers = receivers

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        for receiver in self.receivers:
            receiver.trial_started(number, config, worker)

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        for receiver in self.receivers:
            receiver.epoch_ended(number, epoch, val_mae, worker, fold)

    def new_best(
        self, number: int, model: keras.Model, config: dict[str, Any], outcome: TrialOutcome
    ) -> None:
        for receiver in self.receivers:
            receiver.new_best(number, model, config, outcome)

    def trial_trained(self, number: int, outcome: TrialOutcome) -> None:
        for receiver in self.receivers:
            receiver.trial_trained(number, outcome)

    def trial_ended(self, number: int, worker: int = 0) -> None:
        for receiver in self.receivers:
            receiver.trial_ended(number, worker)


# -- on the wire ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One event as it crosses from a worker process to its supervisor."""

    kind: ClassVar[str] = ""

    def line(self) -> str:
        return json.dumps({"event": self.kind, **asdict(self)}) + "\n"

    def deliver(self, receiver: TrialEvents, worker: int) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class TrialStarted(Message):
    kind: ClassVar[str] = "trial_started"
    number: int
    config: dict[str, Any] = field(default_factory=dict)

    def deliver(self, receiver: TrialEvents, worker: int) -> None:
        receiver.trial_started(self.number, self.config, worker=worker)


@dataclass(frozen=True)
class EpochEnded(Message):
    kind: ClassVar[str] = "epoch_ended"
    number: int
    epoch: int
    val_mae: float
    fold: int = 1

    def deliver(self, receiver: TrialEvents, worker: int) -> None:
        receiver.epoch_ended(self.number, self.epoch, self.val_mae, worker=worker, fold=self.fold)


@dataclass(frozen=True)
class TrialEnded(Message):
    """A trial ended; ``memory_mb`` is what the worker's process holds now, ``growth`` how
    much that has grown since its first trial ended (0.1 for a tenth)."""

    kind: ClassVar[str] = "trial_ended"
    number: int
    memory_mb: float = 0.0
    growth: float = 0.0

    def deliver(self, receiver: TrialEvents, worker: int) -> None:
        receiver.trial_ended(self.number, worker=worker)


@dataclass(frozen=True)
class Ready(Message):
    """A worker process has loaded what it needs and waits for the word to start."""

    kind: ClassVar[str] = "ready"

    def deliver(self, receiver: TrialEvents, worker: int) -> None:
        pass


@dataclass(frozen=True)
class HandingOver(Message):
    """A worker's memory has grown: it starts no more trials, and its standby may start."""

    kind: ClassVar[str] = "handing_over"

    def deliver(self, receiver: TrialEvents, worker: int) -> None:
        pass


@dataclass(frozen=True)
class Idle(Message):
    """A worker process's search is done and it may take another: it waits for the next
    job on its standard input, and exits when that closes."""

    kind: ClassVar[str] = "idle"

    def deliver(self, receiver: TrialEvents, worker: int) -> None:
        pass


_KINDS = {
    kind.kind: kind for kind in (TrialStarted, EpochEnded, TrialEnded, Ready, HandingOver, Idle)
}


def read_message(line: str) -> Message | None:
    """The message a line holds; None for a line that holds none (stray output)."""
    try:
        data = json.loads(line)
        kind = _KINDS[data.pop("event")]
        return kind(**data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class PipeEvents(TrialEvents):
    """Sends a tuner's events down a pipe, one line each. Once the reader is gone the
    events are dropped: the trial still finishes and is recorded in the study."""

    def __init__(self, stream: TextIO | None):
        self.stream = stream

    def send(self, message: Message) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(message.line())
            self.stream.flush()
        except OSError:
            self.stream = None

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        self.send(TrialStarted(number, config))

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        self.send(EpochEnded(number, epoch, val_mae, fold))
