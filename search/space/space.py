"""A declared search space: what may vary, what is fixed, and how a run is set up."""

from __future__ import annotations

import difflib
import hashlib
import inspect
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from search.data import DataSource
from search.errors import SpaceError
from search.kinds import is_int
from search.settings import (
    DATA_SETTINGS,
    LATER_DEFAULTS,
    RESULT_KEYS,
    SETTINGS,
    check_settings,
)
from search.space._declare import declare
from search.space.dimensions import Auto, Dimension
from search.space.fields import LATER_FIELDS, SEARCHABLE, checked
from search.stopping import parse_duration
from search.vocabulary import DRAWING_SAMPLERS, KERAS_TUNER_ALGORITHMS

_NONE = object()

if TYPE_CHECKING:
    import keras_tuner as kt


class Space:
    """A search space for recurrent forecasters, written as a configuration.

    Every searchable field (``search.space.fields.SEARCHABLE``) takes a plain value (fixed)
    or a dimension: ``Int``, ``Float``, ``Choice`` or ``Boolean``; every setting
    (``search.settings.SETTINGS``: the data and its parts, epochs, the tuner, ...) a plain
    value. Both tables give the defaults.

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
        description: str = "",
        points: Mapping[str, Mapping[str, Any]] | None = None,
        build_model: Callable[[kt.HyperParameters], Any] | None = None,
        **values: Any,
    ):
        unknown = sorted(set(values) - set(SEARCHABLE) - set(SETTINGS))
        if unknown:
            parameters = inspect.signature(Space.__init__).parameters.values()
            own = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]
            known = [*SEARCHABLE, *SETTINGS, *own]
            close = difflib.get_close_matches(unknown[0], known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpaceError(f"unknown field{hint}", field=unknown[0])
        fields = {k: v for k, v in values.items() if k in SEARCHABLE}
        settings = {name: values.get(name, s.default) for name, s in SETTINGS.items()}
        for setting in ("features", "known"):  # a name alone, a sequence, or None for none
            value = settings[setting]
            value = [value] if isinstance(value, str) else value
            settings[setting] = list(value) if isinstance(value, (list, tuple)) else (value or [])
        self._arguments = {
            **settings,
            "description": description,
            "points": points,
            "build_model": build_model,
            **fields,
        }
        self.name = settings["name"]
        self.description = description
        self.build_model = build_model
        self.units_per_layer = settings["units_per_layer"]
        check_settings(settings)
        self.fields: dict[str, Any] = {}
        for field, spec in SEARCHABLE.items():
            if build_model is not None and spec.model and field in fields:
                raise SpaceError(
                    "belongs to the built-in model; a space with its own build_model sets it there",
                    field=field,
                )
            self.fields[field] = checked(field, fields.get(field, spec.default))
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
        momentum = fields.get("momentum")
        if "sgd" not in self.possible("optimizer") and isinstance(momentum, Dimension):
            raise SpaceError("applies to the sgd optimizer only", field="momentum")
        # The trainer fits the skip to raw targets, but the course's output scale comes
        # after it: the model would start with a skip 100 times too large.
        if self._may_meet(scaling="course", linear_skip=True):
            raise SpaceError(
                "cannot go with scaling='course' (its output scale would multiply the skip "
                "by 100); use scaling='standard' or linear_skip=False",
                field="linear_skip",
            )

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
        if name in ("features", "known"):
            return tuple(value)
        if name == "season" and value is not None:
            return tuple(sorted({value} if is_int(value) else set(value))) if value else ()
        return value

    def _checked_points(self, points: Any) -> dict[str, dict[str, Any]]:
        if points is None:
            return {}
        if not isinstance(points, Mapping) or not points:
            raise SpaceError(
                "must map names to configurations, such as {'small': dict(units=8)}", field="points"
            )
        found: dict[str, dict[str, Any]] = {}
        for point, values in points.items():
            if not isinstance(point, str) or not isinstance(values, Mapping):
                raise SpaceError("must map names to dicts of field values", field="points")
            found[point] = {}
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
                value = checked(field, value, label=where)
                if isinstance(value, Dimension):  # learning_rate="auto", made an Auto
                    raise SpaceError(
                        "an automatic rate is found per group of configurations, not per "
                        "point; give the point a rate such as 1e-3",
                        field=where,
                    )
                found[point][field] = value
        return found

    # -- declaring on Keras Tuner ---------------------------------------------------------

    def possible(self, field: str) -> list[Any]:
        """Every value ``field`` may take in this space, points included."""
        values = [p[field] for p in self.points.values() if field in p]
        if not self.points or len(values) < len(self.points):
            value = self.fields.get(field)
            values += value.bounds() if isinstance(value, Dimension) else [value]
        return values

    def _may_meet(self, **values: Any) -> bool:
        """Whether one configuration of this space may take every one of ``values``."""
        for point in list(self.points.values()) or [{}]:
            taken = {field: point.get(field, self.fields.get(field)) for field in values}
            if all(_may_be(taken[field], value) for field, value in values.items()):
                return True
        return False

    def hyperparameters(self) -> kt.HyperParameters:
        """Keras Tuner's ``HyperParameters`` holding every dimension of this space.

        Conditional dimensions (``units_3`` exists only when depth is 3) are registered
        with their conditions, so an oracle sees the whole space before the first trial.
        """
        import keras_tuner as kt  # declared only when a search or a test needs it

        hp = kt.HyperParameters()
        self.declare(hp)
        return hp

    def declare(self, hp: kt.HyperParameters) -> dict[str, Any]:
        """Register this space on ``hp`` and return the trial's full configuration.

        The configuration holds every value a trial uses, fixed ones included, under the
        names the leaderboard shows (``units_1`` … for per-layer units).
        """
        return declare(self, hp)

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
        config.update({name: self._arguments[name] for name in SETTINGS})
        return config

    def fingerprint(self) -> str:
        """A short hash of what decides a trial's result; equal spaces resume each other."""
        config = self.get_config()
        kept = {k: config[k] for k in RESULT_KEYS}
        # Settings added later are left out while at their defaults, so that a run made
        # before they existed still resumes.
        for name, default in LATER_DEFAULTS.items():
            if kept.get(name) == default:
                kept.pop(name, None)
        kept["fields"] = {
            k: v for k, v in kept["fields"].items() if LATER_FIELDS.get(k, _NONE) != v
        }
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

    def opening(self) -> dict[str, Any]:
        """The values a new search's first trial takes; its algorithm draws the others.

        Where the linear skip is searched, the first trial has it: such a model starts as
        the seasonal linear autoregression, so the first epoch of the search already
        scores near it. Only for Optuna's samplers that draw values (a grid, and Keras
        Tuner's algorithms, choose every trial themselves).
        """
        skip = self.fields.get("linear_skip")
        if self.setting("tuner") not in DRAWING_SAMPLERS or not isinstance(skip, Dimension):
            return {}
        return {"linear_skip": True} if True in skip.bounds() else {}

    @property
    def uses_keras_tuner_algorithm(self) -> bool:
        return self._arguments["tuner"] in KERAS_TUNER_ALGORITHMS


def _may_be(value: Any, wanted: Any) -> bool:
    return wanted in value.bounds() if isinstance(value, Dimension) else value == wanted


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
