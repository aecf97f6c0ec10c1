"""How values are scaled before they reach a network, fitted on the training part only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SCALINGS = ("standard", "course")


@dataclass(frozen=True)
class Scaler:
    """``standard``: subtract the training mean, divide by the training deviation.

    ``course``: the course's way: raw values in; the model multiplies its output by 100.
    """

    kind: str
    mean: float = 0.0
    std: float = 1.0

    @classmethod
    def fit(cls, kind: str, train: np.ndarray) -> Scaler:
        if kind == "course":
            return cls("course")
        if kind == "standard":
            std = float(np.std(train))
            return cls("standard", float(np.mean(train)), std if std > 0 else 1.0)
        raise ValueError(f"unknown scaling {kind!r}; expected one of {', '.join(SCALINGS)}")

    def transform(self, values: np.ndarray) -> np.ndarray:
        # Subtracted in 64 bits: a level of 123,456,789 has a step of 8 in 32.
        return ((np.asarray(values, dtype="float64") - self.mean) / self.std).astype("float32")

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype="float64") * self.std + self.mean

    def get_config(self) -> dict:
        return {"kind": self.kind, "mean": self.mean, "std": self.std}
