"""The searchable fields of a space: one table of what each may hold, its default, and
which dimensions may vary it. Adding a field means adding a row here and using it in the
model builder; the space, the command line and the checks read this table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from search.data import SCALINGS
from search.errors import SpaceError
from search.kinds import is_int, is_number
from search.space.dimensions import Auto, Boolean, Choice, Dimension, Float, Int
from search.vocabulary import CELL_ALIASES, CELLS, LOSSES, OPTIMIZERS, TRANSFORMS


def _within(low: float, high: float, message: str) -> Callable[[Any], str | None]:
    return lambda value: None if low <= value <= high else message


def _any(value: Any) -> str | None:
    return None


def _unit_interval(value: Any) -> str | None:
    return None if 0 <= value < 1 else "must be at least 0 and below 1"


def _one_of(names: tuple[str, ...], aliases: Mapping[str, str] | None = None):
    def check(value: Any) -> str | None:
        key = value.lower() if isinstance(value, str) else value
        if key in names or (aliases is not None and key in aliases):
            return None
        return f"unknown value {value!r}; expected one of {', '.join(names)}"

    return check


@dataclass(frozen=True)
class Field:
    """One searchable field: the ``kind`` of its values, its ``default``, a ``check`` that
    returns what is wrong with a value (or None), the ``dimensions`` that may vary it,
    whether it belongs to the built-in ``model`` (and so not beside a custom build_model),
    and a one-sentence ``help`` for the documentation (``search.space.reference``)."""

    kind: type
    default: Any
    check: Callable[[Any], str | None]
    dimensions: tuple[type, ...]
    model: bool
    help: str = ""


# One row per field; its help text is the field's line in the documentation's reference.
# fmt: off
SEARCHABLE: dict[str, Field] = {
    "cell": Field(
        str, "lstm", _one_of(CELLS, CELL_ALIASES), (Choice,), True,
        'The recurrent cell: `"rnn"` (SimpleRNN), `"lstm"` or `"gru"`.',
    ),
    "depth": Field(
        int, 1, _within(1, 8, "must be 1 to 8"), (Int, Choice), True,
        "Stacked recurrent layers, 1 to 8.",
    ),
    "units": Field(
        int, 32, _within(1, 4096, "must be 1 to 4096"), (Int, Choice), True,
        "Units per recurrent layer; when depth varies or is above 1, each layer has its own "
        "(`units_1` … `units_<depth>`, active only where the layer exists) unless the space "
        "sets `units_per_layer=False`.",
    ),
    "bidirectional": Field(
        bool, False, _any, (Boolean, Choice), True,
        "Wrap each recurrent layer in `Bidirectional`.",
    ),
    "dropout": Field(
        float, 0.0, _unit_interval, (Float, Choice), True,
        "Dropout after each recurrent layer, at least 0 and below 1.",
    ),
    "optimizer": Field(
        str, "adam", _one_of(OPTIMIZERS), (Choice,), True,
        '`"adam"`, `"adamw"`, `"rmsprop"` or `"sgd"`.',
    ),
    "momentum": Field(
        float, 0.9, _unit_interval, (Float, Choice), True,
        "SGD's momentum, used only where the optimizer is `sgd`.",
    ),
    "learning_rate": Field(
        float, 1e-3, lambda v: None if 0 < v < 10 else "must be above 0 and below 10",
        (Float, Choice, Auto), True,
        'The rate: `Float(..., log=True)` for a range, or `"auto"` / `Auto(decades=1)` for '
        "a rate found by the learning-rate range test.",
    ),
    "loss": Field(
        str, "huber", _one_of(LOSSES), (Choice,), True,
        '`"huber"`, `"mse"` or `"mae"`.',
    ),
    "batch_size": Field(
        int, 32, _within(1, 65536, "must be 1 to 65536"), (Int, Choice), False,
        "Windows per training batch.",
    ),
    "window": Field(
        int, 20, _within(1, 100000, "must be 1 or more"), (Int, Choice), False,
        "How many past values the model reads to forecast the next one.",
    ),
    "scaling": Field(
        str, "standard", _one_of(SCALINGS), (Choice,), False,
        '`"standard"`: standardised with the mean and deviation of the training part; '
        '`"course"`: raw values as in the course, the output multiplied by 100 by a '
        "`Rescaling` layer.",
    ),
    # What a model sees beside its window (search.inputs) and how it is shaped around it.
    "seasonal_lags": Field(
        bool, False, _any, (Boolean, Choice), True,
        "Also read the values around one or more seasons back (ks-w to ks+w for each season "
        "s, k from 1 to `seasons_back`, w the `lag_width`), beside the window.",
    ),
    "seasons_back": Field(
        int, 2, _within(1, 20, "must be 1 to 20"), (Int, Choice), True,
        "How many seasons back the seasonal lags reach.",
    ),
    "lag_width": Field(
        int, 1, _within(0, 60, "must be 0 to 60"), (Int, Choice), True,
        "How many values either side of each season back are read: 1 reads ks-1, ks and "
        "ks+1, 0 only ks.",
    ),
    "calendar": Field(
        bool, False, _any, (Boolean, Choice), True,
        "Also read the phase of the forecast's time within each season (time of day, day of "
        "week, day of year), as a sine and cosine pair.",
    ),
    "exogenous": Field(
        bool, True, _any, (Boolean, Choice), True,
        "Read the data's feature columns (`features=`), if it has any.",
    ),
    "transform": Field(
        str, "none", _one_of(TRANSFORMS), (Choice,), True,
        '`"none"`, `"difference"` (forecast the change from the last value) or '
        '`"seasonal_difference"` (the change from one season back).',
    ),
    "conv_filters": Field(
        int, 0, _within(0, 4096, "must be 0 (none) to 4096"), (Int, Choice), True,
        "A causal `Conv1D` of this many filters before the recurrent layers; 0 for none.",
    ),
    "conv_kernel": Field(
        int, 3, _within(1, 64, "must be 1 to 64"), (Int, Choice), True,
        "The kernel size of that `Conv1D`.",
    ),
    "linear_skip": Field(
        bool, False, _any, (Boolean, Choice), True,
        "Add a linear function of every input to the network's output, trained with it; it "
        "starts at the least-squares fit, so a model starts as a linear autoregression.",
    ),
    "extra_units": Field(
        int, 0, _within(0, 4096, "must be 0 (none) to 4096"), (Int, Choice), True,
        "A ReLU layer of this many units on the inputs beside the window (lags, calendar, "
        "known values), concatenated with their linear path so that the network reads them "
        "nonlinearly too; 0 for none.",
    ),
}
# fmt: on

# Fields added after the first version: a space's fingerprint leaves them out while they
# hold their defaults, so that runs made before them still resume.
LATER_FIELDS = {
    name: SEARCHABLE[name].default
    for name in (
        "seasonal_lags",
        "seasons_back",
        "calendar",
        "exogenous",
        "transform",
        "conv_filters",
        "conv_kernel",
        "linear_skip",
        "lag_width",
        "extra_units",
    )
}


def field_value(config: Mapping[str, Any], field: str) -> Any:
    """``field``'s value in a trial's configuration, or its default where the configuration
    leaves it out (a configuration recorded before the field existed)."""
    return config.get(field, SEARCHABLE[field].default)


def checked(field: str, value: Any, *, label: str | None = None) -> Any:
    """``value`` checked against ``field``'s row, with names made canonical."""
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


def _check_value(spec: Field, value: Any, label: str) -> None:
    kind = spec.kind
    ok = (
        isinstance(value, bool)
        if kind is bool
        else is_int(value)
        if kind is int
        else is_number(value)
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
