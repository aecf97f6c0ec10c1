"""A forecaster's forecasts of a series' validation origins and test part, and their compact
form: float64 bytes in base64 with the shape, so that a year of daily forecasts takes under
4 kB in a study (any Optuna storage keeps it as a user attribute) and a forecast of a level
of 123,456,789 keeps its units."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import numpy as np


def encode(values: np.ndarray) -> dict[str, Any]:
    """``values`` as a JSON-ready value: its shape and its float64 bytes in base64."""
    array = np.ascontiguousarray(values, dtype="<f8")
    return {"shape": list(array.shape), "float64": base64.b64encode(array.tobytes()).decode()}


def decode(kept: dict[str, Any] | None) -> np.ndarray | None:
    """The array ``encode`` kept, as float64; None for nothing kept."""
    if not kept:
        return None
    if "float64" in kept:
        raw = np.frombuffer(base64.b64decode(kept["float64"]), dtype="<f8")
    else:  # kept by a run before forecasts were kept whole
        raw = np.frombuffer(base64.b64decode(kept["float32"]), dtype="<f4")
    return raw.reshape(kept["shape"]).astype("float64")


@dataclass(frozen=True)
class Forecasts:
    """One forecaster's forecasts: ``valid`` of every validation origin ``(origins,
    horizon)``, fold after fold, ``test`` of the test part's (or None); ``refit`` when the
    test forecasts come from a fit on everything before the test part. ``fold_sizes``, where
    known, says how many origins each fold has. ``earlier`` (statistical baselines only) are
    the forecasts of the windows before the validation part (``search.data.earlier_windows``),
    each fitted on everything before its window, in time order."""

    valid: np.ndarray
    test: np.ndarray | None = None
    refit: bool = False
    fold_sizes: tuple[int, ...] = ()
    earlier: np.ndarray | None = None

    def get_config(self) -> dict[str, Any]:
        return {
            "valid": encode(self.valid),
            "test": None if self.test is None else encode(self.test),
            "refit": self.refit,
            "fold_sizes": list(self.fold_sizes),
            "earlier": None if self.earlier is None else encode(self.earlier),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Forecasts:
        return cls(
            decode(config["valid"]),
            decode(config.get("test")),
            config.get("refit", False),
            tuple(config.get("fold_sizes") or ()),
            decode(config.get("earlier")),
        )
