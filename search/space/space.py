"""A declared search space: what may vary, what is fixed, and how a run is set up."""

from __future__ import annotations

import difflib
import hashlib
import inspect
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import keras_tuner as kt

from search.data import BUILTIN_NAMES, FILLS, SCALINGS, DataSource
from search.errors import SpaceError
from search.model import CELL_ALIASES, LOSSES, OPTIMIZERS
from search.names import (
    DATA_SETTINGS,
    KERAS_TUNER_ALGORITHMS,
    PRUNERS,
    RESULT_KEYS,
    RESULT_SETTINGS,
    TUNERS,
)
from search.space.dimensions import Auto, Boolean, Choice, Dimension, Float, Int
from search.stopping import parse_duration


class _Default:
    def __repr__(self) -> str:
        return "default"


DEFAULT: Any = _Default()


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be above 0"


def _unit_interval(value: Any) -> str | None:
    return None if 0 <= value < 1 else "must be at least 0 and below 1"


def _one_of(names: tuple[str, ...], aliases: Mapping[str, str] | None = None):
    def check(value: Any) -> str | None:
        key = value.lower() if isinstance(value, str) else value
        if aliases is not None and key in aliases:
            return None
        if key in names:
            return None
        return f"unknown value {value!r}; expected one of {', '.join(names)}"

    return check


@dataclass(frozen=True)
class _Field:
    """One field of the declared form that a search may vary."""

    kind: type
    default: Any
    check: Callable[[Any], str | None]
    dimensions: tuple[type, ...]
    model: bool  # part of the built-in model; not allowed beside a custom build_model


_CELLS = ("rnn", "lstm", "gru")

SEARCHABLE: dict[str, _Field] = {
    "cell": _Field(str, "lstm", _one_of(_CELLS, CELL_ALIASES), (Choice,), True),
    "depth": _Field(
        int, 1, lambda v: None if 1 <= v <= 8 else "must be 1 to 8", (Int, Choice), True
    ),
    "units": _Field(
        int, 32, lambda v: None if 1 <= v <= 4096 else "must be 1 to 4096", (Int, Choice), True
    ),
    "bidirectional": _Field(bool, False, lambda v: None, (Boolean, Choice), True),
    "dropout": _Field(float, 0.0, _unit_interval, (Float, Choice), True),
    "optimizer": _Field(str, "adam", _one_of(OPTIMIZERS), (Choice,), True),
    "momentum": _Field(float, 0.9, _unit_interval, (Float, Choice), True),
    "learning_rate": _Field(
        float,
        1e-3,
        lambda v: None if 0 < v < 10 else "must be above 0 and below 10",
        (Float, Choice, Auto),
        True,
    ),
    "loss": _Field(str, "huber", _one_of(LOSSES), (Choice,), True),
    "batch_size": _Field(
        int, 32, lambda v: None if 1 <= v <= 65536 else "must be 1 to 65536", (Int, Choice), False
    ),
    "window": _Field(
        int, 20, lambda v: None if 1 <= v <= 100000 else "must be 1 or more", (Int, Choice), False
    ),
    "scaling": _Field(str, "standard", _one_of(SCALINGS), (Choice,), False),
}

MAX_FOLDS = 20
MAX_SEASON = 100_000

# NumPy's seeds stop at 2**32 - 1, and a run adds the trial number, 1000 per worker and
# up to a million (the Optuna sampler's offset) to the run's seed.
MAX_SEED = 2**31 - 1


class Space:
    """A search space for recurrent forecasters, written as a configuration.

    Every searchable field takes a plain value (fixed) or a dimension: ``Int``,
    ``Float``, ``Choice`` or ``Boolean``. Defaults: cell ``lstm``, depth 1, units 32,
    not bidirectional, dropout 0, optimizer ``adam`` (``sgd`` uses momentum 0.9),
    learning rate 1e-3, loss ``huber``, batch 32, window 20, scaling ``standard``.

    When depth varies (or is above 1), each layer has its own units: ``units_1`` …
    ``units_<depth>``, active only where the layer exists; ``units_per_layer=False``
    shares one value.

    ``points`` maps names to fixed configurations, tried one by one; ``build_model(hp)``
    replaces the built-in model for architectures the declared form can't express: it
    returns a compiled model reading ``(window, 1)`` windows.
    """

    def __init__(
        self,
        *,
        name: str = "space",
        description: str = "",
        data: str = "course-exercise",
        column: str | None = None,
        time_column: str | None = None,
        split: int | float | None = None,
        test: int | float | None = None,
        fill: str | None = None,
        season: int | Sequence[int] | None = None,
        folds: int = 1,
        cell: Any = DEFAULT,
        depth: Any = DEFAULT,
        units: Any = DEFAULT,
        units_per_layer: bool = True,
        bidirectional: Any = DEFAULT,
        dropout: Any = DEFAULT,
        optimizer: Any = DEFAULT,
        momentum: Any = DEFAULT,
        learning_rate: Any = DEFAULT,
        loss: Any = DEFAULT,
        batch_size: Any = DEFAULT,
        window: Any = DEFAULT,
        scaling: Any = DEFAULT,
        points: Mapping[str, Mapping[str, Any]] | None = None,
        build_model: Callable[[kt.HyperParameters], Any] | None = None,
        epochs: int = 100,
        patience: int | None = 10,
        seed: int = 42,
        target: float | None = None,
        tuner: str = "tpe",
        pruner: str | None = None,
        trials: int = 20,
        budget: str | float | None = None,
        max_failures: int = 5,
        jit_compile: bool = True,
        **unknown: Any,
    ):
        if unknown:
            field = sorted(unknown)[0]
            known = [*SEARCHABLE, *inspect.signature(Space.__init__).parameters]
            close = difflib.get_close_matches(field, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpaceError(f"unknown field{hint}", field=field)
        given = {
            "cell": cell,
            "depth": depth,
            "units": units,
            "bidirectional": bidirectional,
            "dropout": dropout,
            "optimizer": optimizer,
            "momentum": momentum,
            "learning_rate": learning_rate,
            "loss": loss,
            "batch_size": batch_size,
            "window": window,
            "scaling": scaling,
        }
        self._arguments = {
            k: v for k, v in locals().items() if k not in ("self", "unknown", "given")
        }
        self.name = name
        self.description = description
        self.build_model = build_model
        self.units_per_layer = units_per_layer
        self._check_settings()
        self.fields: dict[str, Any] = {}
        for field, value in given.items():
            if build_model is not None and SEARCHABLE[field].model and value is not DEFAULT:
                raise SpaceError(
                    "belongs to the built-in model; a space with its own build_model sets it there",
                    field=field,
                )
            if value is DEFAULT:
                value = SEARCHABLE[field].default
            self.fields[field] = _checked(field, value)
        self.points = self._checked_points(points)
        if build_model is not None:
            if not callable(build_model):
                raise SpaceError("must be a function build_model(hp)", field="build_model")
            if self.points:
                raise SpaceError(
                    "a space with its own build_model cannot have points", field="points"
                )
            self.fields = {k: v for k, v in self.fields.items() if not SEARCHABLE[k].model}
        if self.auto_rate is not None and self.points:
            raise SpaceError(
                "an automatic rate is found per group of configurations, not per point; "
                "give each point its own rate",
                field="learning_rate",
            )
        if "sgd" not in self.possible("optimizer") and isinstance(momentum, Dimension):
            raise SpaceError("applies to the sgd optimizer only", field="momentum")

    # -- settings -------------------------------------------------------------------------

    @property
    def data(self) -> str:
        return self._arguments["data"]

    def source(self) -> DataSource:
        """Where this space's series comes from, and how it is cut into parts."""
        return DataSource(**{name: self.setting(name) for name in DATA_SETTINGS})

    def setting(self, name: str) -> Any:
        """A fixed setting of the run: ``epochs``, ``patience``, ``seed``, ``trials``, ...

        ``budget`` is given in seconds (``None``: no time limit); ``season`` as a sorted
        tuple of periods (``()``: none; ``None``: from the data).
        """
        value = self._arguments[name]
        if name == "budget" and value is not None:
            return parse_duration(value)
        if name == "season" and value is not None:
            return tuple(sorted({value} if _is_int(value) else set(value))) if value else ()
        return value

    def _check_settings(self) -> None:
        a = self._arguments
        _require(
            isinstance(a["data"], str) and a["data"],
            "data",
            f"must be a built-in series ({', '.join(BUILTIN_NAMES)}) or a CSV path",
        )
        for name in ("column", "time_column"):
            _require(a[name] is None or isinstance(a[name], str), name, "must be a column name")
        split = a["split"]
        _require(
            split is None or (_is_number(split) and split > 0),
            "split",
            "must be a row index or a training fraction between 0 and 1",
        )
        test = a["test"]
        _require(
            test is None
            or (_is_int(test) and test >= 0)
            or (_is_number(test) and float(test).is_integer() and test >= 0)
            or (_is_number(test) and 0 < test < 1),
            "test",
            "must be a number of rows at the end (0 for none) or a fraction between 0 and 1",
        )
        _require(
            a["fill"] is None or a["fill"] in FILLS, "fill", f"must be one of {', '.join(FILLS)}"
        )
        season = a["season"]
        seasons = [season] if _is_int(season) else season
        _require(
            season is None
            or season == 0
            or (
                isinstance(seasons, (list, tuple))
                and all(_is_int(s) and 2 <= s <= MAX_SEASON for s in seasons)
            ),
            "season",
            f"must be a period in steps (2 to {MAX_SEASON}), a list of them such as [48, 336], "
            "0 for none, or None to take them from the time stamps",
        )
        _require(
            _is_int(a["folds"]) and 1 <= a["folds"] <= MAX_FOLDS,
            "folds",
            f"must be a whole number from 1 to {MAX_FOLDS}",
        )
        _require(
            _is_int(a["epochs"]) and a["epochs"] >= 1, "epochs", "must be a whole number, 1 or more"
        )
        _require(
            a["patience"] is None or (_is_int(a["patience"]) and a["patience"] >= 1),
            "patience",
            "must be a whole number, 1 or more, or None",
        )
        _require(
            _is_int(a["seed"]) and 0 <= a["seed"] <= MAX_SEED,
            "seed",
            f"must be a whole number from 0 to {MAX_SEED}",
        )
        _require(
            a["target"] is None or (_is_number(a["target"]) and a["target"] > 0),
            "target",
            "must be a number above 0",
        )
        _require(
            a["tuner"] in TUNERS,
            "tuner",
            f"unknown tuner {a['tuner']!r}; expected one of {', '.join(TUNERS)}",
        )
        _require(
            a["pruner"] is None or a["pruner"] in PRUNERS,
            "pruner",
            f"unknown pruner {a['pruner']!r}; expected one of {', '.join(PRUNERS)}",
        )
        if a["tuner"] == "hyperband" and a["pruner"] not in (None, "none"):
            raise SpaceError(
                "the hyperband tuner stops trials itself; leave pruner unset", field="pruner"
            )
        if a["tuner"] == "hyperband" and a["folds"] != 1:
            raise SpaceError(
                "the hyperband tuner trains trials on from saved weights, but each fold trains "
                "afresh; use tuner='tpe' with pruner='hyperband'",
                field="folds",
            )
        _require(
            _is_int(a["trials"]) and a["trials"] >= 1, "trials", "must be a whole number, 1 or more"
        )
        if a["budget"] is not None:
            try:
                parse_duration(a["budget"])
            except ValueError as exc:
                raise SpaceError(str(exc), field="budget") from None
            except OverflowError:  # an int too large for a float
                raise SpaceError(f"{a['budget']!r} is too long a budget", field="budget") from None
        _require(
            _is_int(a["max_failures"]) and a["max_failures"] >= 1,
            "max_failures",
            "must be a whole number, 1 or more",
        )
        _require(isinstance(a["jit_compile"], bool), "jit_compile", "must be True or False")
        _require(isinstance(a["units_per_layer"], bool), "units_per_layer", "must be True or False")
        _require(isinstance(a["name"], str) and a["name"], "name", "must be a non-empty string")

    def _checked_points(self, points: Any) -> dict[str, dict[str, Any]]:
        if points is None:
            return {}
        if not isinstance(points, Mapping) or not points:
            raise SpaceError(
                "must map names to configurations, such as {'small': dict(units=8)}", field="points"
            )
        checked: dict[str, dict[str, Any]] = {}
        for point, values in points.items():
            if not isinstance(point, str) or not isinstance(values, Mapping):
                raise SpaceError("must map names to dicts of field values", field="points")
            checked[point] = {}
            for field, value in values.items():
                where = f"points.{point}.{field}"
                if field not in SEARCHABLE:
                    raise SpaceError("unknown field in a point", field=where)
                if isinstance(value, Dimension):
                    raise SpaceError("a point fixes values; put ranges in the space", field=where)
                if isinstance(self.fields[field], Dimension):
                    raise SpaceError(
                        f"{field!r} is searched in the space and cannot be fixed by a point",
                        field=where,
                    )
                value = _checked(field, value, label=where)
                if isinstance(value, Dimension):  # learning_rate="auto", made an Auto
                    raise SpaceError(
                        "an automatic rate is found per group of configurations, not per "
                        "point; give the point a rate such as 1e-3",
                        field=where,
                    )
                checked[point][field] = value
        return checked

    # -- declaring on Keras Tuner ---------------------------------------------------------

    def possible(self, field: str) -> list[Any]:
        """Every value ``field`` may take in this space, points included."""
        values = [p[field] for p in self.points.values() if field in p]
        if not self.points or len(values) < len(self.points):
            value = self.fields.get(field)
            values += value.bounds() if isinstance(value, Dimension) else [value]
        return values

    def hyperparameters(self) -> kt.HyperParameters:
        """Keras Tuner's ``HyperParameters`` holding every dimension of this space.

        Conditional dimensions (``units_3`` exists only when depth is 3) are registered
        with their conditions, so an oracle sees the whole space before the first trial.
        """
        hp = kt.HyperParameters()
        self.declare(hp)
        return hp

    def declare(self, hp: kt.HyperParameters) -> dict[str, Any]:
        """Register this space on ``hp`` and return the trial's full configuration.

        The configuration holds every value a trial uses, fixed ones included, under the
        names the leaderboard shows (``units_1`` … for per-layer units).
        """
        config: dict[str, Any] = {}
        point: dict[str, Any] = {}
        if self.points:
            config["point"] = hp.Choice("point", list(self.points), ordered=False)
            point = self.points[config["point"]]
        for field, value in self.fields.items():
            if field in point:
                config[field] = point[field]
            elif field == "units":
                config.update(self._declare_units(hp, value, config))
            elif field == "momentum":
                config.update(self._declare_momentum(hp, value, config, point))
            elif isinstance(value, Auto):
                config[Auto.SCALE] = value.declare(hp, field)
                config[field] = None  # the range test's rate times the scale, found later
            else:
                config[field] = _declare(hp, field, value)
        return config

    def _depth_options(self) -> list[int]:
        depth = self.fields.get("depth", 1)
        return depth.options() if isinstance(depth, Dimension) else [depth]

    def _declare_units(self, hp: kt.HyperParameters, units: Any, config: dict) -> dict[str, Any]:
        depth = self.fields["depth"]
        deepest = max(self.possible("depth"))
        if not isinstance(units, Dimension) or not self.units_per_layer or deepest == 1:
            return {"units": _declare(hp, "units", units)}
        declared = {}
        for layer in range(1, deepest + 1):
            name = f"units_{layer}"
            if isinstance(depth, Dimension) and layer > 1:
                needs = [d for d in depth.options() if d >= layer]
                value = _declare(hp, name, units, parent_name="depth", parent_values=needs)
            elif layer <= config["depth"]:
                value = _declare(hp, name, units)
            else:
                value = None
            if value is not None:
                declared[name] = value
        return declared

    def _declare_momentum(
        self, hp: kt.HyperParameters, momentum: Any, config: dict, point: dict
    ) -> dict[str, Any]:
        optimizer = self.fields["optimizer"]
        if isinstance(optimizer, Dimension) and "sgd" in optimizer.options():
            value = _declare(
                hp, "momentum", momentum, parent_name="optimizer", parent_values=["sgd"]
            )
            return {} if value is None else {"momentum": value}
        if config.get("optimizer") == "sgd":
            return {"momentum": _declare(hp, "momentum", momentum)}
        return {}

    # -- identity ---------------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """Everything this space declares, as plain JSON-ready values."""
        config = {
            "name": self.name,
            "fields": {k: _plain(v) for k, v in self.fields.items()},
            "units_per_layer": self.units_per_layer,
            "points": self.points,
            "build_model": _source(self.build_model),
        }
        for name in (
            *RESULT_SETTINGS,
            "target",
            "tuner",
            "pruner",
            "trials",
            "budget",
            "max_failures",
            "jit_compile",
        ):
            config[name] = self._arguments[name]
        return config

    def fingerprint(self) -> str:
        """A short hash of what decides a trial's result; equal spaces resume each other."""
        config = self.get_config()
        kept = {k: config[k] for k in RESULT_KEYS}
        # Settings added later are left out while at their defaults, so that a run made
        # before they existed still resumes.
        for name, default in _LATER_DEFAULTS.items():
            if kept.get(name) == default:
                kept.pop(name, None)
        text = json.dumps(kept, sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def replace(self, **changes: Any) -> Space:
        """A copy with some fields or settings changed, validated again."""
        arguments = dict(self._arguments)
        arguments.update(changes)
        return Space(**arguments)

    def __repr__(self) -> str:
        return f"Space(name={self.name!r}, fields={self.fields!r})"

    @property
    def searched(self) -> list[str]:
        """Names of the fields that vary."""
        varied = [k for k, v in self.fields.items() if isinstance(v, Dimension)]
        return (["point"] if self.points else []) + varied

    @property
    def auto_rate(self) -> Auto | None:
        """The automatic learning rate, if the space declares one."""
        value = self.fields.get("learning_rate")
        return value if isinstance(value, Auto) else None

    @property
    def uses_keras_tuner_algorithm(self) -> bool:
        return self._arguments["tuner"] in KERAS_TUNER_ALGORITHMS


_LATER_DEFAULTS = {"test": None, "season": None, "folds": 1}


def _declare(hp: kt.HyperParameters, name: str, value: Any, **condition: Any) -> Any:
    if isinstance(value, Dimension):
        return value.declare(hp, name, **condition)
    return hp.Fixed(name, value, **condition)


def _checked(field: str, value: Any, *, label: str | None = None) -> Any:
    """``value`` checked against ``field``'s rules, with names made canonical."""
    spec = SEARCHABLE[field]
    label = label or field
    if field == "learning_rate" and isinstance(value, str) and value.lower() == "auto":
        value = Auto()
    if isinstance(value, Dimension):
        if not isinstance(value, spec.dimensions):
            allowed = " or ".join(d.__name__ for d in spec.dimensions)
            raise SpaceError(
                f"{type(value).__name__} does not fit here; use {allowed}", field=label
            )
        value.check(label)
        for option in value.bounds():
            _check_value(spec, option, label)
        if isinstance(value, Choice) and spec.kind is str:
            return Choice(*[_canonical(field, v) for v in value.values])
        return value
    _check_value(spec, value, label)
    return _canonical(field, value)


def _check_value(spec: _Field, value: Any, label: str) -> None:
    kind = spec.kind
    ok = (
        isinstance(value, bool)
        if kind is bool
        else _is_int(value)
        if kind is int
        else _is_number(value)
        if kind is float
        else isinstance(value, str)
    )
    if not ok:
        expected = {bool: "True or False", int: "a whole number", float: "a number", str: "a name"}[
            kind
        ]
        raise SpaceError(f"{value!r} is not {expected}", field=label)
    problem = spec.check(value)
    if problem:
        raise SpaceError(
            f"{value!r}: {problem}" if "unknown" not in problem else problem, field=label
        )


def _canonical(field: str, value: Any) -> Any:
    if field == "cell":
        return CELL_ALIASES[value.lower()]
    if isinstance(value, str):
        return value.lower()
    if SEARCHABLE[field].kind is float:
        return float(value)
    return value


def _require(condition: Any, field: str, message: str) -> None:
    if not condition:
        raise SpaceError(message, field=field)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    # A Python int is finite however large; math.isfinite would overflow converting it.
    return isinstance(value, int) or math.isfinite(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Dimension):
        return {"type": type(value).__name__, **value.get_config()}
    return value


def _source(function: Callable | None) -> str | None:
    if function is None:
        return None
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return getattr(function, "__qualname__", repr(function))
