"""The answer kept in a run's out directory, to be used without the study.

``answer/answer.json`` names the members and their weights; each network is
``answer/trial_<n>.keras``, as the search trained it (or refit before the test part, with
``refit="full"``), wrapped to read raw values (it loads with
``keras.saving.load_model(path, safe_mode=True)``). The statistical members are not Keras
models: the JSON names each, and ``load_answer`` fits them again on the whole history it is
given (the run's series: all of its data), with the run's seasons; least squares and
Holt-Winters with a fixed start are deterministic. The JSON also keeps where the run's data
ended, its test part, its calendar origin and the versions it was made with.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pandas as pd

from search.baselines import Baseline, Unfit, baselines_for
from search.data import Series
from search.ensemble.answer import Ensemble
from search.ensemble.intervals import half_width, level_name
from search.errors import UsageError
from search.files import replace_file, write_json
from search.forecasting import Network, forecast_frame, one_step_end
from search.inputs import InputSpec
from search.outdir import OutDir


def save_network(out: Path, number: int, model: keras.Model) -> Path:
    """Keep a refit network (already wrapped to read raw values) in the answer's folder."""
    path = OutDir(out).answer_model(number)
    path.parent.mkdir(parents=True, exist_ok=True)
    return replace_file(path, lambda target: model.save(target))


def save_answer(
    out: Path, ensemble: Ensemble, specs: dict[int, InputSpec], fit_end: int, about: dict
) -> Path:
    """Write ``answer.json``: the members, their weights, what each network reads (its
    ``specs``, by trial), where the statistical members' fit ends, and ``about`` (the
    study, the data)."""
    paths = OutDir(out)
    members = []
    for member in ensemble.members:
        entry: dict[str, Any] = {"name": member.name, "weight": member.weight}
        if member.trial is not None:
            entry |= {
                "trial": member.trial,
                "file": paths.answer_model(member.trial).name,
                "inputs": specs[member.trial].get_config(),
            }
        members.append(entry)
    info = {
        **about,
        "members": members,
        "fit_end": fit_end,
        "versions": versions(),
        "val_mae": ensemble.val_mae,
        "test_mae": ensemble.test_mae,
        "output": "the weighted sum of the members' forecasts, in the series' own units",
        "saved": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    paths.answer_dir.mkdir(parents=True, exist_ok=True)
    return write_json(info, paths.answer_file)


def versions() -> dict[str, str]:
    """What an answer is made with: Python, Keras, statsmodels and this product."""
    import statsmodels

    from search import __version__

    return {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "statsmodels": statsmodels.__version__,
        "search": __version__,
    }


@dataclass
class SavedAnswer:
    """The answer loaded: its networks (with what each reads), its statistical members and
    the weights of both. The statistical members are fitted on the values before
    ``fit_end`` of the series they forecast (None: all of it), once per series."""

    info: dict[str, Any]
    networks: list[tuple[float, Network]] = field(default_factory=list)
    statistical: list[tuple[float, str]] = field(default_factory=list)
    fit_end: int | None = None
    # The answer's cross-fitted validation errors (answer/residuals.npy), for its intervals;
    # None for an answer saved before they were kept.
    residuals: np.ndarray | None = field(default=None, repr=False)
    # Each statistical member fitted once per series; the series is kept with its fit, so
    # that its id is not reused by another while the fit is cached.
    _fits: dict[tuple[int, str], tuple[Series, Baseline]] = field(default_factory=dict, repr=False)

    def describe(self) -> str:
        """``0.60 arima + 0.25 trial 12 + ...``: its members, heaviest first."""
        return " + ".join(f"{m['weight']:.2f} {m['name']}" for m in self.info["members"])

    @property
    def specs(self) -> list[InputSpec]:
        """What each network reads."""
        return [network.spec for _, network in self.networks]

    @property
    def features(self) -> tuple[str, ...]:
        """The feature columns its networks read, each once."""
        return tuple(dict.fromkeys(name for spec in self.specs for name in spec.features))

    @property
    def known(self) -> tuple[str, ...]:
        """Those of them known ahead."""
        return tuple(dict.fromkeys(name for spec in self.specs for name in spec.known))

    def reach(self, series: Series) -> int:
        """How many values before a point the members read: forecasts start there."""
        networks = [network.reach(series) for _, network in self.networks]
        statistical = [self._fitted(name, series).reach for _, name in self.statistical]
        return max([1, *networks, *statistical])

    def labels(self, series: Series) -> np.ndarray:
        """The points every member can forecast one step ahead (``one_step_labels``)."""
        first, length = self.reach(series), len(series.values)
        end = min([length, *(one_step_end(n.spec, length) for _, n in self.networks)])
        return np.arange(first, max(end, first))

    def ahead(
        self, series: Series, steps: int, future: dict[str, np.ndarray] | None = None
    ) -> np.ndarray:
        """``steps`` values beyond the end of ``series``: each member's own forecast ahead
        (its forecasts fed back as inputs; a network's known columns read from ``future``),
        weighted."""
        total = np.zeros(steps)
        for weight, network in self.networks:
            total += weight * network.ahead(series, steps, future)
        end = np.array([len(series.values)])
        for weight, name in self.statistical:
            # Two steps at least: one step reads the fitted values, which end at the series'.
            path = self._fitted(name, series).forecast_ahead(series, end, max(steps, 2))
            total += weight * path[0, :steps]
        return total

    def paths(self, series: Series, origins: np.ndarray, steps: int) -> np.ndarray:
        """``(n, steps)``: the answer run ``steps`` on from each origin inside ``series``,
        each member's forecasts fed back as its inputs, weighted."""
        total = np.zeros((len(origins), steps))
        for weight, network in self.networks:
            total += weight * network.paths(series, origins, steps)
        for weight, name in self.statistical:
            total += weight * self._fitted(name, series).forecast_ahead(series, origins, steps)
        return total

    def one_step(self, series: Series, labels: np.ndarray, horizon: int = 1) -> np.ndarray:
        """``(n, horizon)``: the answer's forecasts from each label, from the real values
        before it."""
        total = np.zeros((len(labels), horizon))
        for weight, network in self.networks:
            total += weight * network.one_step(series, labels, horizon)
        for weight, name in self.statistical:
            baseline = self._fitted(name, series)
            total += weight * baseline.forecast_ahead(series, labels, horizon)
        return total

    def _fitted(self, name: str, series: Series) -> Baseline:
        key = (id(series), name)
        if key in self._fits:
            return self._fits[key][1]
        given = series
        seasons = self.info.get("seasons")
        if seasons is not None:  # the run's, which --season may have given
            series = dataclasses.replace(series, seasons=tuple(seasons))
        found = {b.name: b for b in baselines_for(series)}
        if name not in found:
            raise UsageError(f"the answer's member {name!r} is not a forecaster of this series")
        baseline = found[name]
        end = len(series.values) if self.fit_end is None else self.fit_end
        try:
            baseline.fit(series, end)
        except Unfit as exc:
            raise UsageError(
                f"{series.name}: the answer's member {name!r} cannot be fitted on its "
                f"{end} values ({exc}); give a longer history"
            ) from None
        self._fits[key] = (given, baseline)
        return baseline

    def widths(
        self, own: Series, steps: int, levels: tuple[float, ...]
    ) -> dict[str, tuple[float, np.ndarray]] | None:
        """Its interval half-widths at each level (``search.ensemble.intervals``): of a
        one-step forecast, from its cross-fitted validation errors; of each of ``steps``
        ahead, from its errors run on from every validation origin of the run's series
        ``own`` (its statistical members fitted before validation), scaled as cross-fitting
        scaled step one. None for an answer saved without its errors."""
        if self.residuals is None:
            return None
        crossed = self.residuals[:, 0]
        split = int(self.info["split"])
        test_start = self.info.get("test_start")
        end = len(own.values) if test_start is None else int(test_start)
        runs = None
        if steps > 0:
            origins = np.arange(split, end - steps + 1)
            if not len(origins):
                raise UsageError(
                    f"no validation origin has {steps} values after it for the intervals of "
                    f"{steps} steps ahead; forecast fewer steps"
                )
            before = dataclasses.replace(self, fit_end=split, _fits={})
            actual = own.values[origins[:, None] + np.arange(steps)]
            runs = actual - before.paths(own, origins, steps)
        found = {}
        for level in levels:
            one = half_width(crossed, level)
            ahead = np.zeros(0)
            if runs is not None:
                first = half_width(runs[:, 0], level)
                scale = one / first if first > 0 else 1.0
                ahead = np.array([half_width(runs[:, k], level) for k in range(steps)]) * scale
            found[level_name(level)] = (one, ahead)
        return found


def load_answer(out: str | Path, fit_end: int | None = None) -> SavedAnswer:
    """The out directory's answer, its networks loaded safely; its statistical members
    fitted on the values before ``fit_end`` (None: all the history given)."""
    paths = OutDir(out)
    folder = paths.answer_dir
    try:
        info = json.loads(paths.answer_file.read_text())
    except FileNotFoundError:
        raise UsageError(
            f"{out}: no answer here ({paths.link(paths.answer_file)}); it is written when a "
            "run ends"
        ) from None
    made, now = info.get("versions") or {}, versions()
    changed = [f"{k} {made[k]} (now {v})" for k, v in now.items() if made.get(k, v) != v]
    if changed:
        print(f"warning: the answer was made with {', '.join(changed)}", file=sys.stderr)
    residuals = np.load(paths.answer_residuals) if paths.answer_residuals.exists() else None
    answer = SavedAnswer(info, fit_end=fit_end, residuals=residuals)
    for member in info["members"]:
        if "file" in member:
            model = keras.saving.load_model(folder / member["file"], safe_mode=True, compile=False)
            spec = InputSpec.from_config(member["inputs"])
            answer.networks.append((member["weight"], Network(model, spec)))
        else:
            answer.statistical.append((member["weight"], member["name"]))
    return answer


def answer_table(
    answer: SavedAnswer,
    series: Series,
    steps: int,
    future: dict[str, np.ndarray] | None = None,
    widths: dict[str, tuple[float, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """``search.forecasting.forecast_frame`` for the run's answer."""
    return forecast_frame(answer, series, steps, "the answer", future, widths)
