"""A univariate series split into a training part and a validation part."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Series:
    """Values in time order; ``values[:split]`` trains, ``values[split:]`` validates.

    ``time`` (optional) holds a time stamp per value, for plots and forecasts.
    ``clean`` (built-in series only) is the noise-free signal, which gives the noise floor.
    """

    name: str
    values: np.ndarray
    split: int
    time: np.ndarray | None = None
    clean: np.ndarray | None = field(default=None, repr=False)
    reference_window: int = 20

    @property
    def train(self) -> np.ndarray:
        return self.values[: self.split]

    @property
    def valid(self) -> np.ndarray:
        return self.values[self.split :]

    @property
    def noise_floor(self) -> float | None:
        """MAE of the noise-free signal over the validation part: no forecaster beats it."""
        if self.clean is None:
            return None
        return float(np.mean(np.abs(self.clean[self.split :] - self.valid)))

    def fingerprint(self) -> str:
        """A short hash of the values and the split: two runs on the same data agree."""
        digest = hashlib.sha256(np.ascontiguousarray(self.values, dtype=np.float32).tobytes())
        digest.update(str(self.split).encode())
        return digest.hexdigest()[:16]
