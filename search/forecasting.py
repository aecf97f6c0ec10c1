"""Forecasting a series with what a run hands over: one step ahead over it, then steps
beyond it. A saved network (``Network``) and the answer (``search.ensemble.saved``) answer
the same ``Forecaster`` protocol, and ``forecast_frame`` writes the table of either."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

import keras
import numpy as np
import pandas as pd

from search.data import Series, lagged, window_lags
from search.data.business import business_calendar
from search.errors import UsageError
from search.inputs import InputSpec
from search.inputs.assembly import raw_inputs


def model_inputs(info: dict[str, Any]) -> InputSpec:
    """What the saved model reads, from its ``best_model.json``."""
    if "inputs" in info:
        return InputSpec.from_config(info["inputs"])
    return InputSpec(int(info["window"]))  # saved before models read more than a window


def one_step_labels(spec: InputSpec, length: int) -> np.ndarray:
    """The points a model forecasts one step ahead over a series of ``length`` values: from
    the first it has all its past inputs for to the last whose known columns reach its
    whole horizon (a model of several steps reads them ``horizon`` steps ahead)."""
    return np.arange(spec.history, max(one_step_end(spec, length), spec.history))


def one_step_end(spec: InputSpec, length: int) -> int:
    """Where ``one_step_labels`` end: the known columns must reach the whole horizon."""
    return length - (spec.horizon - 1 if spec.known else 0)


class Forecaster(Protocol):
    """What forecasts a series: how far back it reads, the points it forecasts one step
    ahead, its forecasts of them from the real values before each, and ``steps`` values
    beyond the end, each fed back as an input."""

    def reach(self, series: Series) -> int: ...

    def labels(self, series: Series) -> np.ndarray: ...

    def one_step(self, series: Series, labels: np.ndarray, horizon: int = 1) -> np.ndarray: ...

    def ahead(
        self, series: Series, steps: int, future: dict[str, np.ndarray] | None = None
    ) -> np.ndarray: ...


@dataclass(frozen=True)
class Network:
    """A saved network (raw values in, forecast out) and what it reads, as a forecaster."""

    model: keras.Model
    spec: InputSpec

    def reach(self, series: Series) -> int:
        return self.spec.history

    def labels(self, series: Series) -> np.ndarray:
        return one_step_labels(self.spec, len(series.values))

    def one_step(self, series: Series, labels: np.ndarray, horizon: int = 1) -> np.ndarray:
        """``(n, horizon)``: from each label, from the real values before it (a network of
        several steps: its first ``horizon``)."""
        missing = [name for name in self.spec.features if name not in series.features]
        if missing:
            raise UsageError(
                f"{series.name}: the model reads feature column {missing[0]!r}; give it with "
                "--features"
            )
        raw = raw_inputs(self.spec, series, labels)
        inputs = raw["history"] if self.spec.plain else raw
        forecast = np.asarray(self.model.predict(inputs, batch_size=4096, verbose=0), "float64")
        return forecast.reshape(len(labels), -1)[:, :horizon]

    def ahead(
        self, series: Series, steps: int, future: dict[str, np.ndarray] | None = None
    ) -> np.ndarray:
        """``steps`` values beyond the end: the network's own ``horizon`` at a time, fed back
        as inputs only beyond it; known columns read from ``future`` (``future_rows`` of
        each, by name)."""
        self._check_known_ahead()
        rows = future_rows(self.spec, steps)
        missing = [name for name in self.spec.known if future is None or name not in future]
        if missing:
            raise UsageError(
                f"the model reads {', '.join(missing)} ahead: give their next {rows} values "
                "with --future FILE.csv"
            )
        # The series run on past its end, its known columns from the future: ``paths``
        # reads its real values before the end and its own forecasts after.
        extended = dataclasses.replace(
            series,
            values=np.r_[series.values.astype("float64"), np.full(rows or steps, np.nan)],
            time=None,
            filled=None,
            causal=None,
            features={
                name: np.r_[series.features[name], np.asarray(future[name], "float64")[:rows]]
                for name in self.spec.known
            },
        )
        return self.paths(extended, np.array([len(series.values)]), steps)[0]

    def paths(self, series: Series, origins: np.ndarray, steps: int) -> np.ndarray:
        """``(n, steps)``: from each origin, ``steps`` on, the network's own ``horizon`` at a
        time fed back as inputs (known columns and calendar read from the series)."""
        self._check_known_ahead()
        spec = self.spec
        origins = np.asarray(origins, dtype="int64")
        blocks = -(-steps // spec.horizon)
        width = spec.history
        buffer = np.c_[
            lagged(series, origins, window_lags(width)).astype("float64"),
            np.zeros((len(origins), blocks * spec.horizon)),
        ]
        for block in range(blocks):
            at = block * spec.horizon
            raw = raw_inputs(spec, series, origins + at)
            raw["history"] = buffer[:, at : at + width].astype("float32")
            inputs = raw["history"] if spec.plain else raw
            output = np.asarray(self.model.predict_on_batch(inputs), "float64")
            buffer[:, width + at : width + at + spec.horizon] = output.reshape(len(origins), -1)
        return buffer[:, width : width + steps]

    def _check_known_ahead(self) -> None:
        """Refuse to run on past a point when a column the network reads is not known
        there."""
        unknown = [name for name in self.spec.features if name not in self.spec.known]
        if unknown:
            raise UsageError(
                f"the model reads {', '.join(unknown)}, whose values beyond the series are "
                "not known; forecast with --steps 0, or give --data with rows that hold them"
            )


def future_rows(spec: InputSpec, steps: int) -> int:
    """How many rows past the end a forecast of ``steps`` reads known columns from: whole
    blocks of the model's horizon (none for a model that reads no known column)."""
    return -(-steps // spec.horizon) * spec.horizon if spec.known else 0


def future_stamps(specs: list[InputSpec], series: Series, steps: int) -> np.ndarray | None:
    """The time stamps past the end of ``series`` at which networks reading ``specs`` read
    their known columns over a forecast of ``steps``; None when none reads any."""
    rows = max([future_rows(spec, steps) for spec in specs], default=0)
    if not rows:
        return None
    return continue_time(_times(series), rows)


def _times(series: Series) -> np.ndarray:
    """The series' time stamps, or its positions where it has none."""
    return series.time if series.time is not None else np.arange(len(series.values))


def forecast_frame(
    forecaster: Forecaster,
    series: Series,
    steps: int,
    what: str,
    future: dict[str, np.ndarray] | None = None,
    widths: dict[str, tuple[float, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """``time``, ``actual``, ``forecast`` and ``kind`` (``one-step`` or ``ahead``) for every
    value ``forecaster`` forecasts one step ahead, then ``steps`` past the end (reading the
    ``future`` of known columns, by name). Time stamps continue the series' own where it has
    them. ``what`` names it in messages. ``widths`` (by level: the half-width of a one-step
    forecast and of each step ahead) add ``lo_<level>`` and ``hi_<level>`` columns."""
    values = series.values
    first = forecaster.reach(series)
    if len(values) <= first:
        raise UsageError(
            f"{series.name} has {len(values)} values; {what} reads the last {first}, so it "
            f"needs more than {first}"
        )
    time = _times(series)
    labels = forecaster.labels(series)
    past = pd.DataFrame(
        {
            "time": time[labels],
            "actual": values[labels].astype("float64"),
            "forecast": forecaster.one_step(series, labels)[:, 0],
            "kind": "one-step",
        }
    )
    for level, (one_step_width, _) in (widths or {}).items():
        past[f"lo_{level}"] = past["forecast"] - one_step_width
        past[f"hi_{level}"] = past["forecast"] + one_step_width
    if steps <= 0:
        return past
    beyond = pd.DataFrame(
        {
            "time": continue_time(time, steps),
            "actual": np.nan,
            "forecast": forecaster.ahead(series, steps, future),
            "kind": "ahead",
        }
    )
    for level, (_, ahead_widths) in (widths or {}).items():
        beyond[f"lo_{level}"] = beyond["forecast"] - ahead_widths[:steps]
        beyond[f"hi_{level}"] = beyond["forecast"] + ahead_widths[:steps]
    return pd.concat([past, beyond], ignore_index=True)


def stamp_text(stamp: Any) -> str:
    """A time stamp as a person writes it: ``2008-06-01`` at midnight, else with its time."""
    if isinstance(stamp, np.datetime64):
        moment = pd.Timestamp(stamp)
        return moment.strftime("%Y-%m-%d") if moment == moment.normalize() else str(moment)
    return str(stamp)


def dated_as_run(series: Series, info: dict[str, Any]) -> Series:
    """``series`` with its calendar starting where the saved run's did (``info``'s
    ``calendar_origin``) when its own time stamps hold no dates to place it by."""
    time = series.time
    if time is not None and np.asarray(time).dtype.kind == "M":
        return series
    return dataclasses.replace(series, calendar_origin=int(info.get("calendar_origin", 0)))


def continue_time(time: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` more time stamps, spaced as the last ones are (the next open ones on a
    business calendar)."""
    if len(time) < 2:
        return np.arange(1, steps + 1) + (time[-1] if len(time) else 0)
    business = business_calendar(time)
    if business is not None:
        return business.offset(np.repeat(time[-1:], steps), np.arange(1, steps + 1))
    if np.asarray(time).dtype.kind == "M" and len(time) >= 3:
        # Calendar months and quarters are not a fixed number of days: pandas names the
        # offset (MS, QS-OCT, W-SUN, ...) and steps by it.
        freq = pd.infer_freq(pd.DatetimeIndex(time[-60:]))
        if freq is not None:
            stamps = pd.date_range(time[-1], periods=steps + 1, freq=freq)[1:]
            return stamps.to_numpy().astype(np.asarray(time).dtype)
    step = pd.Series(np.diff(time)).mode().iloc[0]
    return time[-1] + step * np.arange(1, steps + 1)
