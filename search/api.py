"""The product from Python: a run's answer to forecast with, and a space made into a Keras
Tuner ``HyperModel`` for a stock tuner.

    import search
    answer = search.load("results/lstm")
    answer.forecast(30)                       # past the end of the run's own series
    answer.forecast(30, history=frame)        # past the end of another history

``search/__init__.py`` lists what may be imported; these names do not move when modules do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from search.errors import DataError, UsageError

if TYPE_CHECKING:
    from search.data import Series
    from search.ensemble.saved import SavedAnswer
    from search.model.hypermodel import ForecastHyperModel
    from search.space import Space


@dataclass
class Answer:
    """A run's answer, as ``python -m search forecast`` uses it: its statistical members
    fitted on all of the history it forecasts, its networks as saved."""

    out: Path
    saved: SavedAnswer

    @property
    def members(self) -> dict[str, float]:
        """Each member's weight, heaviest first: ``{"arima": 0.6, "trial 12": 0.25, ...}``."""
        return {m["name"]: m["weight"] for m in self.saved.info["members"]}

    def forecast(
        self,
        steps: int,
        history: pd.DataFrame | pd.Series | None = None,
        future: pd.DataFrame | None = None,
        levels: tuple[float, ...] = (),
    ) -> pd.DataFrame:
        """The next ``steps`` values after the end of ``history`` (default: the run's own
        series), indexed by their time stamps (continuing the history's, on its business
        calendar where it has one): a ``forecast`` column.

        ``history`` is a DataFrame with the run's column (and the feature columns its
        networks read), its time stamps in the index or in a column, or a Series of values.
        ``future`` holds the known columns past its end, indexed by time stamp, for networks
        that read them ahead (``forecast --future``). ``levels`` (such as ``(80, 95)``) add
        the prediction intervals ``lo_80``, ``hi_80``, ... (``forecast --levels``)."""
        from search.ensemble.saved import answer_table
        from search.run.reading import load_run, run_series

        if steps < 1:
            raise UsageError(f"steps {steps}: forecast at least one step")
        series = self.history(history)
        widths = None
        if levels:
            widths = self.saved.widths(run_series(load_run(self.out)), steps, tuple(levels))
            if widths is None:
                raise UsageError(f"{self.out}: this answer was saved before intervals were")
        future_values = self._future(future, series, steps)
        table = answer_table(self.saved, series, steps, future_values, widths)
        ahead = table[table["kind"] == "ahead"]
        columns = [c for c in ahead.columns if c == "forecast" or c.startswith(("lo_", "hi_"))]
        return ahead[columns].set_index(pd.Index(ahead["time"], name="time"))

    def _future(
        self, future: pd.DataFrame | None, series: Series, steps: int
    ) -> dict[str, np.ndarray] | None:
        """The known columns of ``future`` at the time stamps the forecast reads them at."""
        from search.forecasting import future_stamps

        stamps = future_stamps(self.saved.specs, series, steps)
        if future is None or stamps is None:
            return None
        stamps = pd.Index(stamps)
        found = {}
        for name in self.saved.known:
            if name not in future.columns:
                raise DataError(f"future has no column {name!r}, which the forecast reads ahead")
            values = future[name].reindex(stamps)
            if values.isna().any():
                first = stamps[int(np.flatnonzero(values.isna().to_numpy())[0])]
                raise DataError(f"future has no {name!r} for {first}, a time the forecast reads")
            found[name] = values.to_numpy(dtype="float64")
        return found

    def history(self, history: pd.DataFrame | pd.Series | None = None) -> Series:
        """The series a forecast continues: the run's own, or ``history`` read as a CSV file
        of the same columns would be."""
        from search.data.csvfile import table_series
        from search.forecasting import dated_as_run
        from search.run.reading import load_run, run_series

        if history is None:
            return run_series(load_run(self.out))
        column = _column(self.saved.info["data"])
        table = _as_text(history, column)
        series = table_series(
            table,
            Path("history"),
            column,
            test=0,
            features=self.saved.features,
            known=self.saved.known,
        )
        return dated_as_run(series, self.saved.info)


def load(out: str | Path) -> Answer:
    """The answer a run saved in its out directory ``out``."""
    from search._startup import quiet_imports

    quiet_imports(debug=False)  # TensorFlow's start-up lines kept off a notebook's output
    from search.ensemble.saved import load_answer

    return Answer(Path(out), load_answer(out))


def hypermodel(space: Space | str | Path, **data: Any) -> ForecastHyperModel:
    """``space`` (a ``Space`` or a space file) made into a Keras Tuner ``HyperModel`` for its
    series, or for the one the data settings in ``data`` name (``data="sales.csv",
    column="units"``, as on the command line): its ``build(hp)`` makes a trial's model and
    its ``fit(hp, model)`` trains it and returns ``{"val_mae": ...}``, so a stock tuner can
    search it: ``kt.RandomSearch(search.hypermodel("spaces/lstm.py"), objective=
    kt.Objective("val_mae", "min"), max_trials=5)``."""
    from search._startup import quiet_imports

    quiet_imports(debug=False)
    from search.model.hypermodel import ForecastHyperModel
    from search.model.trainer import Trainer
    from search.space import load_space

    if not hasattr(space, "source"):
        space = load_space(space)
    if data:
        space = space.replace(**data)
    if any(getattr(d, "kind", "") == "auto" for d in space.fields.values()):
        raise UsageError(
            f"{space.name}: an automatic learning rate needs the range test a run makes; "
            "give the space a rate of its own"
        )
    trainer = Trainer(
        space.source().load(),
        epochs=space.setting("epochs"),
        patience=space.setting("patience"),
        folds=space.setting("folds"),
        horizon=space.setting("horizon"),
    )
    return ForecastHyperModel(space, trainer)


def _column(data: str) -> str:
    """The column of a series named ``file.csv:column``."""
    if ":" not in data:
        raise DataError(f"the answer was made on {data!r}, not a CSV column; give history=None")
    return data.rsplit(":", 1)[1]


def _as_text(history: pd.DataFrame | pd.Series, column: str) -> pd.DataFrame:
    """``history`` as the table of text a CSV file reads as: the index a column where it
    holds time stamps, missing values empty."""
    if isinstance(history, pd.Series):
        history = history.to_frame(column)
    if not isinstance(history, pd.DataFrame):
        raise DataError(f"history is a {type(history).__name__}; give a pandas DataFrame or Series")
    if not isinstance(history.index, pd.RangeIndex):
        history = history.reset_index(names="time" if history.index.name is None else None)
    text = history.astype(object).where(history.notna(), "")
    return text.map(lambda v: v if isinstance(v, str) else _text(v))


def _text(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))  # every digit: the history is read as it is held
    return str(value)
