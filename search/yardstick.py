"""What every trial is measured against: the baselines scored on the same points, the scale
of MASE and, for the built-in series, the noise floor. Measured once per run, kept in the
study, read by the leaderboard and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from search.baselines import BaselineScore, actuals, best_baseline, measure_baselines
from search.data import Fold, Series
from search.data.forecasts import Forecasts
from search.metrics import mase_scale, skill


@dataclass(frozen=True)
class Yardstick:
    """The baselines' scores, MASE's denominator (and its lag), the noise floors of the
    validation and test parts where known, the number of folds, and whether there is a
    test part."""

    baselines: tuple[BaselineScore, ...] = ()
    mase_scale: float | None = None
    mase_lag: int = 1
    noise_floor: float | None = None
    test_noise_floor: float | None = None
    folds: int = 1
    has_test: bool = False
    # Measured, not read back: what the study keeps beside the run when it is created
    # (search.study.forecasts), left out of the run's identity.
    actuals: Forecasts | None = field(default=None, compare=False, repr=False)
    forecasts: dict[str, Forecasts] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def measure(cls, series: Series, folds: list[Fold], horizon: int = 1) -> Yardstick:
        scale, lag = mase_scale(series)
        end = len(series.values)
        measured = measure_baselines(series, folds, horizon)
        return cls(
            baselines=tuple(score for score, _ in measured),
            mase_scale=None if scale is None else round(scale, 6),
            mase_lag=lag,
            noise_floor=_rounded(series.noise_floor()),
            test_noise_floor=_rounded(series.noise_floor(series.test_start, end))
            if series.has_test
            else None,
            folds=len(folds),
            has_test=series.has_test,
            actuals=actuals(series, folds, horizon),
            forecasts={s.name: f for s, f in measured if f is not None},
        )

    @property
    def best(self) -> BaselineScore | None:
        """The baseline with the lowest validation MAE: the one to beat."""
        return best_baseline(list(self.baselines))

    def baseline(self, name: str) -> BaselineScore | None:
        return next((b for b in self.baselines if b.name == name), None)

    def mase(self, value: float | None) -> float | None:
        """``value`` divided by the training part's in-sample seasonal naive MAE."""
        if value is None or not self.mase_scale:
            return None
        return value / self.mase_scale

    def skill(self, value: float | None) -> float | None:
        """Validation skill against the best baseline: 0.1 is 10 % lower MAE."""
        best = self.best
        return skill(value, best.val_mae if best else None)

    def test_skill(self, value: float | None) -> float | None:
        """Test skill against the test MAE of the baseline that is best on validation (the
        baseline is chosen as the trials are, without looking at the test part)."""
        best = self.best
        return skill(value, best.test_mae if best else None)

    def get_config(self) -> dict[str, Any]:
        return {
            "baselines": [b.get_config() for b in self.baselines],
            "mase_scale": self.mase_scale,
            "mase_lag": self.mase_lag,
            "noise_floor": self.noise_floor,
            "test_noise_floor": self.test_noise_floor,
            "folds": self.folds,
            "has_test": self.has_test,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Yardstick:
        return cls(
            **{
                **config,
                "baselines": tuple(BaselineScore.from_config(b) for b in config["baselines"]),
            }
        )

    @classmethod
    def of_run(cls, identity: dict[str, Any]) -> Yardstick:
        """The yardstick a run's study keeps; for a run made before yardsticks, what it
        kept then (the plain baselines' validation MAEs and the noise floor)."""
        if identity.get("yardstick"):
            return cls.from_config(identity["yardstick"])
        baselines = tuple(
            BaselineScore(name, name, val_mae=value)
            for name, value in (identity.get("baselines") or {}).items()
        )
        return cls(baselines=baselines, noise_floor=identity.get("noise_floor"))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
