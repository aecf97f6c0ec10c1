"""The settings of a space: what a run searches on and how, as opposed to the fields that may
vary. One table, ``SETTINGS``: each row is a setting's default, its one check, its help and,
where the command line may change it, how a word becomes its value. The space, the command
line, the run's options and the reference pages read it.

Adding a setting is one row here plus its use (``space.setting("name")``). Nothing heavy is
imported: the command line's parser reads this table before a run starts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from search.errors import SpaceError
from search.kinds import is_int, is_number, is_whole
from search.names import FILLS, PRUNERS, TUNERS
from search.stopping import parse_duration

MAX_FOLDS = 20
MAX_SEASON = 100_000

# NumPy's seeds stop at 2**32 - 1, and a run adds the trial number, 1000 per worker and
# up to a million (the Optuna sampler's offset) to the run's seed.
MAX_SEED = 2**31 - 1

Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Setting:
    """One setting: its ``default``, a ``check`` that says what is wrong with a value (or
    None), its ``kind`` and ``help`` as the reference shows them, and:

    - ``parse``: how the command line turns its word into a value (None: not an option);
    - ``data``: it chooses the series or cuts it into parts (a ``DataSource`` reads it);
    - ``result``: it changes what a trial computes, so runs that differ in it never
      resume each other;
    - ``later``: it came after the first version; a space's fingerprint leaves it out
      while it is at its default, so that runs made before it still resume.
    """

    default: Any
    check: Check
    kind: str
    help: str
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None
    data: bool = False
    result: bool = False
    later: bool = False

    @property
    def option(self) -> bool:
        return self.parse is not None


# -- checks -------------------------------------------------------------------------------


def _whole(low: int, high: int | None = None, *, none: bool = False) -> Check:
    above = f"from {low} to {high}" if high is not None else f"{low} or more"
    message = f"must be a whole number {above}" + (", or None" if none else "")

    def check(value: Any) -> str | None:
        if none and value is None:
            return None
        ok = is_int(value) and value >= low and (high is None or value <= high)
        return None if ok else f"{message}, not {value!r}"

    return check


def _one_of(names: tuple[str, ...], what: str, *, none: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if (none and value is None) or value in names:
            return None
        return f"unknown {what} {value!r}; expected one of {', '.join(names)}"

    return check


def _column(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "must be a column name"


def _columns(value: Any) -> str | None:
    ok = isinstance(value, (list, tuple)) and all(isinstance(c, str) and c for c in value)
    return None if ok else "must be a list of column names"


def _data(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return None
    from search.data import BUILTIN_NAMES  # pandas: only when a space is checked

    return f"must be a built-in series ({', '.join(BUILTIN_NAMES)}) or a CSV path"


def _split(value: Any) -> str | None:
    if value is None or (is_number(value) and value > 0):
        return None
    return "must be a row index or a training fraction between 0 and 1"


def _test(value: Any) -> str | None:
    if value is None or (is_whole(value) and value >= 0) or (is_number(value) and 0 < value < 1):
        return None
    return "must be a number of rows at the end (0 for none) or a fraction between 0 and 1"


def _season(value: Any) -> str | None:
    periods = [value] if is_int(value) else value
    if (
        value is None
        or value == 0
        or (
            isinstance(periods, (list, tuple))
            and all(is_int(p) and 2 <= p <= MAX_SEASON for p in periods)
        )
    ):
        return None
    return (
        f"must be a period in steps (2 to {MAX_SEASON}), a list of them such as [48, 336], "
        "0 for none, or None to take them from the time stamps"
    )


def _target(value: Any) -> str | None:
    return None if value is None or (is_number(value) and value > 0) else "must be a number above 0"


def _budget(value: Any) -> str | None:
    if value is None:
        return None
    try:
        parse_duration(value)
    except ValueError as exc:
        return str(exc)
    except OverflowError:  # an int too large for a float
        return f"{value!r} is too long a budget"
    return None


def _jit(value: Any) -> str | None:
    return None if isinstance(value, bool) or value == "auto" else 'must be True, False or "auto"'


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def _name(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "must be a non-empty string"


# -- the command line's words -------------------------------------------------------------
# Each turns a word into a value, or raises ValueError if the word is no value at all;
# whether the value is allowed is the setting's check, the same for a space file.


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _periods(text: str) -> tuple[int, ...]:
    if text.strip().lower() == "none":
        return ()
    return tuple(sorted({int(part) for part in text.split(",")}))


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


def _text(text: str) -> str:
    return text


_EXPECTED = {
    int: "a whole number",
    _number: "a number such as 365 or 0.1",
    _periods: "a list of periods such as 7 or 48,336 (or none)",
    _names: "a list of column names such as a,b",
    _text: "a word",
}


# -- the table ----------------------------------------------------------------------------

SETTINGS: dict[str, Setting] = {
    "data": Setting(
        "course-exercise", _data, "str",
        "a built-in series or a CSV file", _text, "FILE.csv", data=True, result=True,
    ),
    "column": Setting(
        None, _column, "str | None",
        "the CSV column to forecast", _text, "NAME", data=True, result=True,
    ),
    "time_column": Setting(
        None, _column, "str | None",
        "the CSV column of time stamps", _text, "NAME", data=True, result=True,
    ),
    "split": Setting(
        None, _split, "int | float | None",
        "first validation row, or training fraction such as 0.7 (CSV default: the 20 % of "
        "the series before the test part validates)",
        _number, "N", data=True, result=True,
    ),
    "test": Setting(
        None, _test, "int | float | None",
        "the test part at the end, which nothing trains or selects on: rows, or a fraction "
        "such as 0.1 (CSV default 0.1; none for the built-in series); 0 for none",
        _number, "N", data=True, result=True, later=True,
    ),
    "fill": Setting(
        None, _one_of(FILLS, "fill", none=True), "str | None",
        f"fill missing values and time gaps: {', '.join(FILLS)}",
        _text, "{" + ",".join(FILLS) + "}", data=True, result=True,
    ),
    "season": Setting(
        None, _season, "int | list[int] | None",
        "seasonal periods in steps, such as 7 or 48,336, or none (default: from the time "
        "stamps' frequency; 365 for the built-in series)",
        _periods, "PERIODS", data=True, result=True, later=True,
    ),
    "features": Setting(
        (), _columns, "list[str]",
        "exogenous CSV columns the models read beside the values, such as temperature,price; "
        "each needs a value at every time step",
        _names, "COLUMNS", data=True, result=True, later=True,
    ),
    "known": Setting(
        (), _columns, "list[str]",
        "those of the features known in advance (a calendar, a plan): a forecast also reads "
        "their value at its own time",
        _names, "COLUMNS", data=True, result=True, later=True,
    ),
    "folds": Setting(
        1, _whole(1, MAX_FOLDS), "int",
        "rolling-origin validation: cut the validation part into K blocks, each forecast by "
        "a model trained on everything before it",
        int, "K", result=True, later=True,
    ),
    "horizon": Setting(
        1, _whole(1, MAX_SEASON), "int",
        "forecast H steps at once from every origin, one output per step; the MAE averages "
        "the steps",
        int, "H", result=True, later=True,
    ),
    "epochs": Setting(
        100, _whole(1), "int", "the most epochs a trial trains", int, "N", result=True
    ),
    "patience": Setting(
        10, _whole(1, none=True), "int | None",
        "epochs without a better validation MAE before a trial stops (None: never)",
        result=True,
    ),
    "seed": Setting(42, _whole(0, MAX_SEED), "int", "the run's seed", int, "N", result=True),
    "target": Setting(
        None, _target, "float | None", "stop the search once a trial's MAE is at or below this"
    ),
    "tuner": Setting(
        "tpe", _one_of(TUNERS, "tuner"), "str",
        f"the search algorithm: {', '.join(TUNERS)}", _text, "NAME",
    ),
    "pruner": Setting(
        None, _one_of(PRUNERS, "pruner", none=True), "str | None",
        f"stop poor trials early: {', '.join(PRUNERS)} (default median for Optuna's "
        "samplers, none for Keras Tuner's)",
        _text, "NAME",
    ),
    "trials": Setting(20, _whole(1), "int", "trials for the whole study", int, "N"),
    "budget": Setting(
        None, _budget, "str | float | None",
        "wall-clock budget such as 8h, 30m or 90s (a number: seconds; None: no limit)",
    ),
    "max_failures": Setting(
        5, _whole(1), "int", "failed trials in a row after which the search stops"
    ),
    "jit_compile": Setting(
        "auto", _jit, 'bool | "auto"',
        'train with XLA: "auto" only a trial that lasts or whose epochs are slow, True from '
        "the first epoch, False never",
    ),
    "units_per_layer": Setting(
        True, _boolean, "bool",
        "with depth above 1, each layer has its own units (units_1 ...); False shares one value",
        result=True,
    ),
    "name": Setting("space", _name, "str", "the space's name: its study and results/<name>"),
}  # fmt: skip

DATA_SETTINGS = tuple(name for name, s in SETTINGS.items() if s.data)
RESULT_SETTINGS = tuple(name for name, s in SETTINGS.items() if s.result)
# What a space's configuration (``Space.get_config``) holds that changes what a trial
# computes: spaces equal in these resume each other's runs.
RESULT_KEYS = ("fields", "points", "build_model", *RESULT_SETTINGS)
OPTIONS = tuple(name for name, s in SETTINGS.items() if s.option)
LATER_DEFAULTS = {
    name: list(s.default) if isinstance(s.default, tuple) else s.default
    for name, s in SETTINGS.items()
    if s.later
}


def check_settings(values: Mapping[str, Any]) -> None:
    """Refuse a setting a run cannot use, naming it: each setting's own check, then those
    that read two settings together."""
    for name, setting in SETTINGS.items():
        message = setting.check(values[name])
        if message is not None:
            raise SpaceError(message, field=name)
    if not set(values["known"]) <= set(values["features"]):
        raise SpaceError(
            "names columns known in advance; each must also be among the features",
            field="known",
        )
    if values["tuner"] == "hyperband" and values["pruner"] not in (None, "none"):
        raise SpaceError(
            "the hyperband tuner stops trials itself; leave pruner unset", field="pruner"
        )
    if values["tuner"] == "hyperband" and values["folds"] != 1:
        raise SpaceError(
            "the hyperband tuner trains trials on from saved weights, but each fold trains "
            "afresh; use tuner='tpe' with pruner='hyperband'",
            field="folds",
        )


def parse_option(name: str, text: str) -> Any:
    """The command line's word for a setting as its value; ``ValueError`` with the
    setting's one message when it is no allowed value."""
    setting = SETTINGS[name]
    try:
        value = setting.parse(text)
    except ValueError:
        raise ValueError(f"{text!r} is not {_EXPECTED[setting.parse]}") from None
    message = setting.check(value)
    if message is not None:
        raise ValueError(message)
    return value

