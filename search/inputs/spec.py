"""Which inputs a configuration gives its model, decided once from the configuration and the
series: a plain, hashable value that the trainer, the model builder and the saved model share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from search.data import Series, seasonal_lags
from search.errors import UsageError
from search.space.fields import field_value
from search.vocabulary import TRANSFORMS


@dataclass(frozen=True)
class InputSpec:
    """A model's inputs, for one series.

    ``window`` values before the forecast's time, oldest first; ``lags``: the values further
    back around one to ``seasons_back`` seasons, ``lag_width`` either side (empty without
    ``seasonal_lags``); ``difference``: the model forecasts ``y[t] - y[t - difference]``
    (0: the value itself); ``features``: the series' exogenous columns, read over the window
    beside the values; ``known``: those of them whose values at the forecast's times (each
    step ahead) are read too; ``phases``: the seasons whose phase at the forecast's time is
    given as a sine and cosine pair (the calendar); ``horizon``: how many steps are forecast
    at once, from the values before the first.
    """

    window: int
    lags: tuple[int, ...] = ()
    difference: int = 0
    features: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    phases: tuple[int, ...] = ()
    horizon: int = 1

    # The fields of a configuration that ``of`` reads.
    FIELDS: ClassVar[tuple[str, ...]] = (
        "window",
        "seasonal_lags",
        "seasons_back",
        "lag_width",
        "calendar",
        "transform",
        "exogenous",
    )

    @classmethod
    def of(cls, config: Mapping[str, Any], series: Series, horizon: int = 1) -> InputSpec:
        """The inputs ``config`` asks for on ``series``, forecasting ``horizon`` steps; a
        ``UsageError`` saying why when the series cannot give them."""
        window = int(config["window"])
        seasons = series.seasons
        wants_season = [
            name
            for name, on in (
                ("seasonal_lags", config.get("seasonal_lags")),
                ("calendar", config.get("calendar")),
                ("transform", config.get("transform") == "seasonal_difference"),
            )
            if on
        ]
        if wants_season and not seasons:
            raise UsageError(
                f"{series.name}: {wants_season[0]} needs a season, and none is known (seasons "
                "come from the time stamps); name the time column with --time-column, or give "
                "season= in the space or --season, such as 7 for daily data"
            )
        lags: tuple[int, ...] = ()
        if config.get("seasonal_lags"):
            back = int(field_value(config, "seasons_back"))
            width = int(field_value(config, "lag_width"))
            found, left_out = seasonal_lags(seasons, window, series.split, back, width)
            if len(left_out) == len(seasons):
                raise UsageError(
                    f"{series.name}: the training part ({series.split} values) is too short "
                    f"for lags one season back (season {', '.join(map(str, seasons))})"
                )
            lags = tuple(sorted((lag for lag in found if lag > window), reverse=True))
        transform = config.get("transform") or "none"
        if transform not in TRANSFORMS:
            raise UsageError(f"unknown transform {transform!r}; expected one of {TRANSFORMS}")
        difference = {"none": 0, "difference": 1}.get(transform, min(seasons or (0,)))
        use_features = config.get("exogenous", False)  # absent beside a custom model
        features = tuple(series.features) if use_features else ()
        spec = cls(
            window=window,
            lags=lags,
            difference=difference,
            features=features,
            known=tuple(name for name in series.known if name in features),
            phases=tuple(seasons) if config.get("calendar") else (),
            horizon=horizon,
        )
        if series.split - spec.history < 2:
            raise UsageError(
                f"{series.name}: the training part ({series.split} values) is too short for "
                f"inputs reaching {spec.history} steps back ({spec.describe()})"
            )
        return spec

    @property
    def history(self) -> int:
        """How many values before the forecast's time the inputs read."""
        return max(self.window, *self.lags, 0) + self.difference

    @property
    def base_lags(self) -> np.ndarray:
        """For each step ahead, how far before the origin lies the value its difference is
        taken from: the latest one known there, a whole number of ``difference`` steps back
        (the last value for first differences, the same phase of the last season known for
        seasonal ones)."""
        steps = np.arange(self.horizon)
        if not self.difference:
            return np.zeros(self.horizon, dtype="int64")
        k = self.difference
        return (k * ((steps + k) // k) - steps).astype("int64")

    @property
    def channels(self) -> int:
        """Values per step of the window: the series' and each feature's."""
        return 1 + len(self.features)

    @property
    def extra(self) -> int:
        """Width of the inputs beside the window: lags, known values, calendar pairs."""
        return len(self.lags) + len(self.known) * self.horizon + 2 * len(self.phases)

    @property
    def plain(self) -> bool:
        """Whether the model reads its window alone, as the first version's models do."""
        return self.channels == 1 and self.extra == 0 and self.difference == 0

    def describe(self) -> str:
        parts = [f"the last {self.window} values"]
        if self.lags:
            parts.append(f"lags {', '.join(map(str, sorted(self.lags)))}")
        if self.features:
            parts.append(f"the past of {', '.join(self.features)}")
        if self.known:
            parts.append(f"the forecast time's {', '.join(self.known)}")
        if self.phases:
            parts.append(f"the phase within season {', '.join(map(str, self.phases))}")
        text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        if self.difference:
            text += f", as differences {self.difference} step{'s' * (self.difference > 1)} apart"
        if self.horizon > 1:
            text += f"; {self.horizon} steps ahead"
        return text

    def get_config(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> InputSpec:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in config.items()})
