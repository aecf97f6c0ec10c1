"""Cancelling a search from anywhere: a mark in its study that every worker heeds, so that no
new trial starts and running ones end at their next epoch."""

from __future__ import annotations

import contextlib
import time
from datetime import datetime

import optuna

CANCELLED_AT = "cancelled"  # study user attribute: when the search was cancelled

# How often a worker looks: one small query per worker at most this often.
CHECK_SECONDS = 5.0


def request_cancel(study: optuna.Study) -> None:
    """Mark ``study`` cancelled (once: a second request keeps the first time)."""
    if CANCELLED_AT not in study.user_attrs:
        study.set_user_attr(CANCELLED_AT, datetime.now().astimezone().isoformat(timespec="seconds"))


def cancelled(study: optuna.Study) -> bool:
    """Whether ``study`` has been cancelled."""
    return CANCELLED_AT in study.user_attrs


class CancelWatch:
    """Answers "has the study been cancelled?" from a fresh look at most every ``every``
    seconds; once it has, always yes."""

    def __init__(self, study: optuna.Study, every: float = CHECK_SECONDS):
        self.study = study
        self.every = every
        self._checked = -float("inf")
        self._cancelled = False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self._cancelled and now - self._checked >= self.every:
            self._checked = now
            # A database hiccup must not end a trial: the next look will tell.
            with contextlib.suppress(Exception):
                self._cancelled = cancelled(self.study)
        return self._cancelled
