"""The learning-rate range test: train once while the rate grows, choose a rate from the loss.

The course's recipe: let the rate grow geometrically, plot the training loss against it on a
log axis, and train from scratch at the rate where the loss is lowest and still smooth. Here
the sweep stops once the loss has clearly diverged, and the choice is a documented rule.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from search.errors import UsageError
from search.states import SweepEnd

SWEEP_UNITS = ("batch", "epoch")

# A diverging sweep is judged only after this share of its steps (and at least 5): the
# first losses of a fresh model fall fast and say nothing about the rate yet.
_WARMUP_SHARE = 0.05


@dataclass(frozen=True)
class RangeTest:
    """How a range test sweeps the learning rate, and how it chooses one.

    The rate grows geometrically from ``start`` towards ``stop`` over ``steps`` steps, one
    step per batch (``per="batch"``) or per epoch (``per="epoch"``, the course's way). The
    loss is smoothed by an exponential moving average (``smoothing`` is its decay, with
    bias correction); the sweep stops once the smoothed loss exceeds ``diverge`` times its
    lowest value so far, or the loss stops being a finite number.

    The rule: the suggested rate is the rate at the lowest smoothed loss, divided by
    ``backoff``. A per-batch sweep reaches its lowest loss where the rate has just become
    too large for a model still learning fast, about ten times the rate a per-epoch sweep
    finds on the same model (measured on the course's SimpleRNN); hence its backoff of 10.
    """

    start: float = 1e-8
    stop: float = 10.0
    steps: int = 450
    per: str = "batch"
    smoothing: float = 0.9
    backoff: float = 10.0
    diverge: float = 4.0

    @classmethod
    def course(cls) -> RangeTest:
        """The course's sweep: 1e-8 · 10^(epoch/20) for 100 epochs, lowest loss taken as is."""
        return cls(start=1e-8, stop=1e-3, steps=100, per="epoch", smoothing=0.5, backoff=1.0)

    @classmethod
    def preset(cls, name: str) -> RangeTest:
        """``fast`` (the default, one step per batch) or ``course``."""
        if name == "fast":
            return cls()
        if name == "course":
            return cls.course()
        raise UsageError(f"unknown range-test preset {name!r}; expected fast or course")

    def __post_init__(self) -> None:
        if not (0 < self.start < self.stop and math.isfinite(self.stop)):
            raise UsageError(
                f"the range test needs 0 < start < stop, not {self.start:g} to {self.stop:g}"
            )
        if self.steps < 10:
            raise UsageError(f"the range test needs 10 steps or more, not {self.steps}")
        if self.per not in SWEEP_UNITS:
            raise UsageError(f"the range test steps per batch or per epoch, not {self.per!r}")
        if not 0 <= self.smoothing < 1:
            raise UsageError(f"smoothing must be at least 0 and below 1, not {self.smoothing}")
        if self.backoff < 1 or self.diverge <= 1:
            raise UsageError("backoff must be 1 or more, and diverge above 1")

    def rates(self) -> np.ndarray:
        """The rate of each step: ``start · (stop/start)^(i/steps)``."""
        return self.start * (self.stop / self.start) ** (np.arange(self.steps) / self.steps)

    @property
    def warmup(self) -> int:
        return max(5, int(self.steps * _WARMUP_SHARE))

    def rule(self) -> str:
        """The rule in words, for the command's output and the report."""
        where = "the rate at the lowest smoothed loss"
        return where if self.backoff == 1 else f"{where}, divided by {self.backoff:g}"

    def get_config(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Sweep:
    """What a range test saw, step by step, and the rate it suggests."""

    test: RangeTest
    rates: list[float]
    losses: list[float]
    smoothed: list[float] = field(default_factory=list)
    lowest: int = 0
    suggestion: float = math.nan
    stopped: SweepEnd = SweepEnd.END
    warnings: list[str] = field(default_factory=list)

    def get_config(self) -> dict[str, Any]:
        return {
            "test": self.test.get_config(),
            "rule": self.test.rule(),
            "suggestion": self.suggestion,
            "lowest_rate": self.rates[self.lowest] if self.rates else None,
            "lowest_loss": self.smoothed[self.lowest] if self.smoothed else None,
            "steps": len(self.rates),
            "stopped": self.stopped,
            "warnings": self.warnings,
        }


def smooth(losses: list[float], decay: float) -> np.ndarray:
    """Exponential moving average with bias correction (the first values are not pulled
    towards zero)."""
    smoothed = np.empty(len(losses))
    average = 0.0
    for i, loss in enumerate(losses):
        average = decay * average + (1 - decay) * loss
        smoothed[i] = average / (1 - decay ** (i + 1))
    return smoothed


def diverged(losses: list[float], test: RangeTest) -> bool:
    """Whether the sweep should stop now: a loss that is not finite, or a smoothed loss
    above ``diverge`` times the lowest so far, once past the warm-up."""
    if not losses:
        return False
    if not math.isfinite(losses[-1]):
        return True
    if len(losses) <= test.warmup:
        return False
    smoothed = smooth(losses, test.smoothing)
    return bool(smoothed[-1] > test.diverge * smoothed.min())


def conclude(test: RangeTest, rates: list[float], losses: list[float]) -> Sweep:
    """Apply the rule to the losses seen at ``rates``; a loss that is not finite ends the
    curve."""
    finite = next((i for i, v in enumerate(losses) if not math.isfinite(v)), len(losses))
    stopped = (
        SweepEnd.DIVERGED if finite < len(losses) or len(losses) < test.steps else SweepEnd.END
    )
    rates, losses = list(rates[:finite]), list(losses[:finite])
    if len(losses) < 2:
        raise UsageError(
            f"the loss was not a finite number from the first steps at {test.start:g}; "
            "start the range test at a lower rate"
        )
    smoothed = smooth(losses, test.smoothing)
    lowest = int(np.argmin(smoothed))
    sweep = Sweep(
        test=test,
        rates=rates,
        losses=losses,
        smoothed=smoothed.tolist(),
        lowest=lowest,
        suggestion=float(rates[lowest] / test.backoff),
        stopped=stopped,
    )
    if stopped == SweepEnd.END and lowest >= len(losses) - max(2, test.steps // 20):
        sweep.warnings.append(
            f"the loss was still falling at the end of the range ({rates[-1]:.3g}); "
            "raise stop to see where it turns"
        )
    if lowest < test.warmup:
        sweep.warnings.append(
            f"the lowest loss came in the first steps ({rates[lowest]:.3g}); "
            "lower start to see the loss fall"
        )
    return sweep
