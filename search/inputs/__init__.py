"""What a forecaster reads: its window and what it sees beside it (seasonal lags, calendar
phases, exogenous columns), transformed and scaled on the training part, and made back into
the series' units."""

from search.inputs.assembly import Assembly
from search.inputs.spec import TRANSFORMS, InputSpec

__all__ = ["TRANSFORMS", "Assembly", "InputSpec"]
