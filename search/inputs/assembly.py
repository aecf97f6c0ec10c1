"""Inputs and targets made from a series for one ``InputSpec``, with the scaling fitted on a
training part, and forecasts made back into the series' units.

Every value a forecast of position ``j`` reads comes from ``search.data.lagged``, so it was
known at ``j`` (see ``search.data.windows``); exogenous columns are complete, and only the
known ones are read at ``j`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.data import Scaler, Series, actual, lagged, window_lags
from search.inputs.spec import InputSpec


@dataclass(frozen=True)
class Assembly:
    """An ``InputSpec`` fitted on a training part: ``scaler`` scales the (differenced)
    values, ``feature_scalers`` each exogenous column."""

    spec: InputSpec
    scaler: Scaler
    feature_scalers: tuple[Scaler, ...] = ()

    @classmethod
    def fit(cls, spec: InputSpec, series: Series, end: int, scaling: str) -> Assembly:
        """Fitted on the real values before ``end`` only (all of them, windows or not)."""
        labels = series.labels(spec.difference, end)
        target = series.values[labels] - _one_back(spec, series, labels)
        features = tuple(
            Scaler.fit("standard", series.features[name][:end]) for name in spec.features
        )
        return cls(spec, Scaler.fit(scaling, target), features)

    def labels(self, series: Series, start: int, end: int) -> np.ndarray:
        """The forecast origins from ``start`` whose inputs all exist and whose
        ``horizon`` targets are real values before ``end`` (with a horizon of 1: the real
        positions that have all their inputs)."""
        return series.origins(max(start, self.spec.history), end, self.spec.horizon)

    def inputs(self, series: Series, labels: np.ndarray) -> np.ndarray | dict[str, np.ndarray]:
        """What the model reads for each label: its ``window`` (``(n, window, channels)``)
        and, when the spec has any, the ``extra`` inputs (``(n, extra)``). A model that
        reads its window alone is given a plain array."""
        spec = self.spec
        values = self._differenced(series, labels, window_lags(spec.window))
        channels = [values[:, :, None]]
        positions = labels[:, None] - window_lags(spec.window)[None, :]
        for name, scaler in zip(spec.features, self.feature_scalers, strict=True):
            channels.append(scaler.transform(series.features[name][positions])[:, :, None])
        window = np.concatenate(channels, axis=2) if len(channels) > 1 else channels[0]
        if spec.extra == 0:
            return window
        extra = []
        if spec.lags:
            extra.append(self._differenced(series, labels, np.array(spec.lags, dtype="int64")))
        if spec.known:
            scalers = [self.feature_scalers[spec.features.index(n)] for n in spec.known]
            known = _known(spec, series, labels)
            extra.append(
                np.concatenate([s.transform(known[:, :, i]) for i, s in enumerate(scalers)], axis=1)
            )
        extra.append(phases(labels + series.calendar_origin, spec.phases))
        return {"window": window, "extra": np.concatenate(extra, axis=1).astype("float32")}

    def target(self, series: Series, labels: np.ndarray) -> np.ndarray:
        """What the model learns to output for each origin, scaled: ``(n, horizon)``."""
        return self.scaler.transform(
            actual(series, labels, self.spec.horizon) - self.base(series, labels)
        )

    def base(self, series: Series, labels: np.ndarray) -> np.ndarray:
        """What each step's forecast of a difference is added back to (0 without one):
        ``(n, horizon)``."""
        spec = self.spec
        if not spec.difference:
            return np.zeros((len(labels), spec.horizon))
        return lagged(series, labels, spec.base_lags).astype("float64")

    def invert(self, output: np.ndarray, base: np.ndarray) -> np.ndarray:
        """A model's outputs in the series' units, given each origin's ``base``."""
        return self.scaler.inverse(np.asarray(output)).reshape(base.shape) + base

    def _differenced(self, series: Series, labels: np.ndarray, lags: np.ndarray) -> np.ndarray:
        values = lagged(series, labels, lags).astype("float64")
        if self.spec.difference:
            values = values - lagged(series, labels, lags + self.spec.difference)
        return self.scaler.transform(values)

    def get_config(self) -> dict:
        return {
            "inputs": self.spec.get_config(),
            "scaling": self.scaler.get_config(),
            "features": [s.get_config() for s in self.feature_scalers],
        }


def phases(labels: np.ndarray, seasons: tuple[int, ...]) -> np.ndarray:
    """For each label, the sine and cosine of its phase within each season (position, from
    the series' ``calendar_origin``, modulo the season), a pair per season:
    ``(n, 2 * len(seasons))``."""
    angles = [2 * np.pi * (np.asarray(labels) % s) / s for s in seasons]
    pairs = [np.stack([np.sin(a), np.cos(a)], axis=1) for a in angles]
    if not pairs:
        return np.zeros((len(labels), 0), dtype="float32")
    return np.concatenate(pairs, axis=1).astype("float32")


def raw_inputs(spec: InputSpec, series: Series, labels: np.ndarray) -> dict[str, np.ndarray]:
    """What a stand-alone model (``search.inputs.standalone``) reads for each label, in the
    series' own units: ``history``, then ``features``, ``known`` and ``calendar`` where the
    spec has them."""
    # The model computes in 32 bits; it is handed them.
    raw = {"history": lagged(series, labels, window_lags(spec.history)).astype("float32")}
    if spec.features:
        positions = labels[:, None] - window_lags(spec.window)[None, :]
        raw["features"] = np.stack(
            [series.features[name][positions] for name in spec.features], axis=2
        ).astype("float32")
    if spec.known:
        known = _known(spec, series, labels)
        raw["known"] = np.concatenate([known[:, :, i] for i in range(len(spec.known))], axis=1)
    if spec.phases:
        raw["calendar"] = phases(labels + series.calendar_origin, spec.phases)
    return raw


def _one_back(spec: InputSpec, series: Series, labels: np.ndarray) -> np.ndarray:
    """The value ``difference`` steps before each label (0 without a difference)."""
    if not spec.difference:
        return np.zeros(len(labels))
    return lagged(series, labels, np.array([spec.difference]))[:, 0].astype("float64")


def _known(spec: InputSpec, series: Series, labels: np.ndarray) -> np.ndarray:
    """The known columns at each step ahead of each origin: ``(n, horizon, known)``."""
    targets = np.asarray(labels)[:, None] + np.arange(spec.horizon)
    return np.stack([series.features[n][targets] for n in spec.known], axis=2).astype("float32")
