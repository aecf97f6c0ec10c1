"""What a trained trial reports: the shape the study records and the events carry, written
as a protocol so that neither reaches up to the trainer that makes it
(``search.model.trainer.Outcome`` is the one kind there is)."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class TrialOutcome(Protocol):
    """A trial's result: its scores, how it trained, and its forecasts."""

    stopped: str
    train_seconds: float
    params: int
    test_mae: float | None
    test_forecasts: np.ndarray | None

    @property
    def val_mae(self) -> float: ...

    @property
    def fold_maes(self) -> list[float]: ...

    @property
    def best_epoch(self) -> int: ...

    @property
    def epochs(self) -> int: ...

    @property
    def curve(self) -> list[float]: ...

    @property
    def forecast(self) -> np.ndarray: ...

    @property
    def valid_forecasts(self) -> np.ndarray: ...

    @property
    def fold_best_epochs(self) -> list[int]: ...

    @property
    def step_maes(self) -> list[float]: ...
