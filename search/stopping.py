"""When a run must stop: its wall-clock budget is spent, or SIGINT or SIGTERM arrived."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable
from types import FrameType

from search.states import StopReason

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str | float | int) -> float:
    """Seconds in ``8h``, ``30m``, ``90s``, ``1h30m``, or a plain number of seconds.

    Raises ``ValueError`` with a readable message for anything else.
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration such as 8h, 30m or 90s")
    if isinstance(text, (int, float)):
        seconds = float(text)
    else:
        compact = str(text).strip().lower().replace(" ", "")
        parts = re.findall(r"(\d+(?:\.\d+)?)([smhd]?)", compact)
        if not parts or "".join(n + u for n, u in parts) != compact:
            raise ValueError(f"{text!r} is not a duration such as 8h, 30m or 90s")
        seconds = sum(float(n) * _UNITS[u or "s"] for n, u in parts)
    if not seconds > 0:
        raise ValueError(f"the budget must be above zero, not {text!r}")
    return seconds


class Stopper:
    """Answers "must the run stop, and why?" at each epoch boundary and before each trial.

    ``budget`` is in seconds from now; ``deadline`` is the same as a wall-clock time, so
    that processes can share it. Signals only set a flag: the trial in progress ends at
    its next epoch boundary and is recorded as interrupted. ``recycle`` asks a worker to
    end between trials so that a fresh process takes over. ``cancelled``, when set, says
    whether the search has been cancelled (see ``search.study.cancel``).
    """

    def __init__(self, budget: float | None = None):
        self.deadline: float | None = None
        self.signum: int | None = None
        self.recycle = False
        self.cancelled: Callable[[], bool] | None = None
        self._previous: dict[int, object] = {}
        self.set_budget(budget)

    def set_budget(self, seconds: float | None) -> None:
        """Count ``seconds`` from now (``None``: no time limit)."""
        self.deadline = None if seconds is None else time.time() + seconds

    def reason(self) -> StopReason | None:
        if self.signum is not None:
            return StopReason.INTERRUPTED
        if self.deadline is not None and time.time() >= self.deadline:
            return StopReason.BUDGET
        if self.cancelled is not None and self.cancelled():
            return StopReason.CANCELLED
        if self.recycle:
            return StopReason.RECYCLE
        return None

    def seconds_left(self) -> float | None:
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.time())

    def install(self) -> Stopper:
        """Catch SIGINT and SIGTERM until ``restore``; a second signal stops at once."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum
