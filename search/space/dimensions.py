"""What a search may vary: ranges and choices, declared on Keras Tuner's ``HyperParameters``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from search.errors import SpaceError

if TYPE_CHECKING:
    import keras_tuner as kt


class Dimension:
    """A value that may vary from trial to trial.

    ``declare`` registers it on a Keras Tuner ``HyperParameters`` under a name and returns
    the trial's value; ``options`` lists the values when they are finite in number.
    """

    kind = "any"

    def declare(self, hp: kt.HyperParameters, name: str, **condition: Any) -> Any:
        raise NotImplementedError

    def options(self) -> list[Any] | None:
        return None

    def bounds(self) -> list[Any]:
        """The values a field check must accept: every option, or both ends of a range."""
        return self.options() or []

    def check(self, field: str) -> None:
        """Raise ``SpaceError`` if the dimension itself is malformed."""

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))


class _Range(Dimension):
    _number: type = float

    def __init__(self, min: float, max: float, *, step: float | None = None, log: bool = False):
        self.min = min
        self.max = max
        self.step = step
        self.log = log

    def check(self, field: str) -> None:
        name = type(self).__name__
        for label, value in (("min", self.min), ("max", self.max), ("step", self.step)):
            if value is None and label == "step":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SpaceError(f"{name} {label} must be a number, not {value!r}", field=field)
            # Finite first: int() of nan or inf raises; and a Python int is always finite
            # (math.isfinite would overflow on a huge one).
            if isinstance(value, float) and not math.isfinite(value):
                raise SpaceError(f"{name} {label} must be finite, not {value!r}", field=field)
            if self._number is int and int(value) != value:
                raise SpaceError(
                    f"{name} {label} must be a whole number, not {value!r}", field=field
                )
        if self.min > self.max:
            raise SpaceError(
                f"inverted range {name}({self.min!r}, {self.max!r}): min is above max", field=field
            )
        if self.min == self.max:
            raise SpaceError(
                f"empty range {name}({self.min!r}, {self.max!r}); to fix the value, write it "
                "without a range",
                field=field,
            )
        if self.log and self.min <= 0:
            raise SpaceError(f"a log range must start above 0, not at {self.min!r}", field=field)
        if self.step is not None:
            if self.step <= 0:
                raise SpaceError(f"step must be above 0, not {self.step!r}", field=field)
            if self.log and self.step <= 1:
                raise SpaceError(
                    f"with log=True the step multiplies, so it must be above 1, not {self.step!r}",
                    field=field,
                )

    def bounds(self) -> list[Any]:
        return [self.min, self.max]

    def get_config(self) -> dict[str, Any]:
        config = {"min": self.min, "max": self.max}
        if self.step is not None:
            config["step"] = self.step
        if self.log:
            config["log"] = True
        return config

    def _enumerate(self) -> list[Any] | None:
        if self.step is None:
            return None
        values, value = [], self.min
        while value <= self.max * (1 + 1e-9):
            values.append(self._number(round(value, 12)))
            value = value * self.step if self.log else value + self.step
        return values


class Int(_Range):
    """A whole number from ``min`` to ``max``, both included; ``log=True`` samples evenly
    in log space, and then ``step`` is a multiplier (``Int(16, 128, step=2, log=True)`` is
    16, 32, 64, 128)."""

    kind = "int"
    _number = int

    def declare(self, hp: kt.HyperParameters, name: str, **condition: Any) -> Any:
        return hp.Int(
            name,
            int(self.min),
            int(self.max),
            step=None if self.step is None else int(self.step),
            sampling="log" if self.log else "linear",
            **condition,
        )

    def options(self) -> list[Any] | None:
        if self.step is None and not self.log:
            return list(range(int(self.min), int(self.max) + 1))
        return self._enumerate()


class Float(_Range):
    """A real number from ``min`` to ``max``; ``log=True`` for rates that span decades."""

    kind = "float"

    def declare(self, hp: kt.HyperParameters, name: str, **condition: Any) -> Any:
        return hp.Float(
            name,
            float(self.min),
            float(self.max),
            step=self.step,
            sampling="log" if self.log else "linear",
            **condition,
        )

    def options(self) -> list[Any] | None:
        return self._enumerate()


class Choice(Dimension):
    """One of the given values, such as ``Choice("huber", "mse", "mae")``."""

    kind = "choice"

    def __init__(self, *values: Any):
        if len(values) == 1 and isinstance(values[0], (list, tuple)):
            values = tuple(values[0])
        self.values = list(values)

    def check(self, field: str) -> None:
        if not self.values:
            raise SpaceError("empty Choice(); give at least one value", field=field)
        if len(set(map(repr, self.values))) != len(self.values):
            raise SpaceError(f"Choice{tuple(self.values)!r} repeats a value", field=field)
        for value in self.values:
            if not isinstance(value, (bool, int, float, str)):
                raise SpaceError(
                    f"Choice values must be numbers, strings or booleans, not {value!r}",
                    field=field,
                )

    def declare(self, hp: kt.HyperParameters, name: str, **condition: Any) -> Any:
        return hp.Choice(name, self.values, ordered=False, **condition)

    def options(self) -> list[Any] | None:
        return list(self.values)

    def get_config(self) -> dict[str, Any]:
        return {"values": list(self.values)}

    def __repr__(self) -> str:
        return f"Choice({', '.join(map(repr, self.values))})"


class Boolean(Dimension):
    """True or False, such as whether recurrent layers are bidirectional."""

    kind = "bool"

    def declare(self, hp: kt.HyperParameters, name: str, **condition: Any) -> Any:
        return hp.Boolean(name, **condition)

    def options(self) -> list[Any] | None:
        return [False, True]

    def get_config(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return "Boolean()"


class Auto(Dimension):
    """A learning rate found by the range test: before the search, one test per group of
    configurations (cell, optimizer, loss, scaling) suggests a rate, and each trial takes
    that rate times a factor searched from ``10^-decades`` to ``10^decades`` on a log scale.

    ``preset`` is the range test's: ``fast`` (one step per batch) or ``course``.
    """

    kind = "auto"
    SCALE = "learning_rate_scale"

    def __init__(self, decades: float = 1.0, *, preset: str = "fast"):
        self.decades = decades
        self.preset = preset

    def check(self, field: str) -> None:
        if isinstance(self.decades, bool) or not isinstance(self.decades, (int, float)):
            raise SpaceError(f"Auto(decades={self.decades!r}): must be a number", field=field)
        if not 0 < self.decades <= 4:
            raise SpaceError(
                f"Auto(decades={self.decades}): must be above 0, at most 4", field=field
            )
        if self.preset not in ("fast", "course"):
            raise SpaceError(
                f"Auto(preset={self.preset!r}): expected 'fast' or 'course'", field=field
            )

    def declare(self, hp: kt.HyperParameters, name: str, **condition: Any) -> Any:
        """Register the searched factor; the rate itself is known only once the range
        test has run."""
        span = 10.0 ** float(self.decades)
        return hp.Float(self.SCALE, 1 / span, span, sampling="log", **condition)

    def get_config(self) -> dict[str, Any]:
        return {"decades": self.decades, "preset": self.preset}
