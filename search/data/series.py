"""A series cut in time order into a training, a validation and a test part."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Series:
    """Values in time order: ``values[:split]`` trains, ``values[split:test_start]``
    validates, and ``values[test_start:]`` is the test part (empty when there is none).

    ``time`` (optional) holds a time stamp per value, for plots, forecasts and seasons.
    ``clean`` (built-in series only) is the noise-free signal, which gives the noise floor.
    ``filled`` marks the values the data did not hold (filled by ``--fill``): they may be
    inputs, never labels. Where they were interpolated, ``causal`` holds the same series
    with each gap carried forward from the value before it instead, which is all that a
    forecast made at the gap's end may know (see ``search.data.windows``).
    ``seasons`` are the series' seasonal periods, in steps, shortest first;
    ``calendar_origin`` is where position 0 falls in them (steps since 1970-01-01 by the
    time stamps, ``search.data.seasons.calendar_origin``; 0 without dates).
    ``features`` holds exogenous columns by name, complete and aligned with ``values``;
    those named in ``known`` are known in advance (a calendar, a plan), so a forecast of
    the value at t may read their value at t.
    """

    name: str
    values: np.ndarray
    split: int
    test_start: int = -1  # -1: no test part
    time: np.ndarray | None = None
    clean: np.ndarray | None = field(default=None, repr=False)
    filled: np.ndarray | None = field(default=None, repr=False)
    causal: np.ndarray | None = field(default=None, repr=False)
    seasons: tuple[int, ...] = ()
    calendar_origin: int = 0
    reference_window: int = 20
    features: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    known: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.test_start < 0:
            object.__setattr__(self, "test_start", len(self.values))

    # -- parts ----------------------------------------------------------------------------

    @property
    def train(self) -> np.ndarray:
        return self.values[: self.split]

    @property
    def valid(self) -> np.ndarray:
        return self.values[self.split : self.test_start]

    @property
    def test(self) -> np.ndarray:
        return self.values[self.test_start :]

    @property
    def has_test(self) -> bool:
        return self.test_start < len(self.values)

    def labels(self, start: int, end: int) -> np.ndarray:
        """The positions from ``start`` to ``end`` (excluded) that hold real values: the
        points a forecast is trained on or scored on."""
        positions = np.arange(start, end)
        if self.filled is None:
            return positions
        return positions[~self.filled[start:end]]

    def origins(self, start: int, end: int, horizon: int = 1) -> np.ndarray:
        """The positions from ``start`` on from which ``horizon`` steps, all real values
        before ``end``, are forecast: the points a forecast of ``horizon`` steps is trained
        or scored on. With a horizon of 1, the part's real values."""
        if horizon == 1:
            return self.labels(start, end)
        positions = np.arange(start, max(end - horizon + 1, start))
        if self.filled is None or not len(positions):
            return positions
        gaps = np.concatenate([[0], np.cumsum(self.filled[start:end])])
        # No filled value among the horizon's targets.
        offsets = positions - start
        return positions[gaps[offsets + horizon] - gaps[offsets] == 0]

    def real(self, start: int, end: int) -> np.ndarray:
        """The real values from ``start`` to ``end`` (excluded), filled ones left out."""
        return self.values[self.labels(start, end)]

    @cached_property
    def last_real(self) -> np.ndarray:
        """For each position, the position of the last real value at or before it."""
        positions = np.arange(len(self.values))
        if self.filled is not None:
            positions = np.where(self.filled, -1, positions)
        return np.maximum.accumulate(positions)

    # -- figures of the data itself -------------------------------------------------------

    def noise_floor(self, start: int | None = None, end: int | None = None) -> float | None:
        """MAE of the noise-free signal over the real values of a part (the validation part
        by default): no forecaster beats it. None where the signal is not known."""
        if self.clean is None:
            return None
        labels = self.labels(self.split if start is None else start, end or self.test_start)
        if not len(labels):
            return None
        return float(np.mean(np.abs(self.clean[labels] - self.values[labels])))

    def fingerprint(self) -> str:
        """A short hash of the values and the parts: two runs on the same data agree."""
        digest = hashlib.sha256(np.ascontiguousarray(self.values, dtype=np.float32).tobytes())
        digest.update(str(self.split).encode())
        # Kept out when absent, so that runs made before test parts and fills were known
        # still match their data.
        if self.has_test:
            digest.update(f"test:{self.test_start}".encode())
        if self.filled is not None and self.filled.any():
            digest.update(np.packbits(self.filled).tobytes())
        for name, column in self.features.items():
            digest.update(f"feature:{name}:{name in self.known}".encode())
            digest.update(np.ascontiguousarray(column, dtype=np.float32).tobytes())
        return digest.hexdigest()[:16]
