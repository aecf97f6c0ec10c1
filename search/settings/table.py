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
from search.settings import _checks as checks
from search.settings._checks import MAX_FOLDS, MAX_SEASON, MAX_SEED, Check
from search.vocabulary import FILLS, PRUNERS, REFITS, TUNERS


@dataclass(frozen=True)
class Setting:
    """One setting: its ``default``, a ``check`` that says what is wrong with a value (or
    None), its ``kind`` and ``help`` as the reference shows them, and:

    - ``parse``: how the command line turns its word into a value (None: not an option);
    - ``data``: what it does to the series (a ``DataSource`` reads it): ``"file"``, it
      chooses the series and how its file is read; ``"cut"``, it cuts the series into parts
      or names what a model reads of it;
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
    data: str | None = None
    result: bool = False
    later: bool = False

    @property
    def option(self) -> bool:
        return self.parse is not None

    @property
    def configured(self) -> Any:
        """The default as a space's configuration holds it (a sequence as a list)."""
        return list(self.default) if isinstance(self.default, tuple) else self.default


# -- the table ----------------------------------------------------------------------------

SETTINGS: dict[str, Setting] = {
    "data": Setting(
        "course-exercise", checks.data, "str",
        "a built-in series or a CSV file", checks.text, "FILE.csv", data="file", result=True,
    ),
    "column": Setting(
        None, checks.column, "str | None",
        "the CSV column to forecast", checks.text, "NAME", data="file", result=True,
    ),
    "time_column": Setting(
        None, checks.column, "str | None",
        "the CSV column of time stamps", checks.text, "NAME", data="file", result=True,
    ),
    "split": Setting(
        None, checks.split, "int | float | None",
        "first validation row, or training fraction such as 0.7 (default: the course's "
        "split, or a CSV's 20 % before the test part; moved back to hold the longest season)",
        checks.number, "N", data="cut", result=True,
    ),
    "test": Setting(
        None, checks.test, "int | float | None",
        "the test part at the end, which nothing trains or selects on: rows, or a fraction "
        "such as 0.1 (CSV default 0.1; none for the built-in series); 0 for none",
        checks.number, "N", data="cut", result=True, later=True,
    ),
    "fill": Setting(
        None, checks.one_of(FILLS, "fill", none=True), "str | None",
        f"fill missing values and time gaps: {', '.join(FILLS)}",
        checks.text, "{" + ",".join(FILLS) + "}", data="file", result=True,
    ),
    "season": Setting(
        None, checks.season, "int | list[int] | None",
        "seasonal periods in steps, such as 7 or 48,336, or none (default: from the time "
        "stamps' frequency; 365 for the built-in series)",
        checks.periods, "PERIODS", data="cut", result=True, later=True,
    ),
    "features": Setting(
        (), checks.columns, "list[str]",
        "exogenous CSV columns the models read beside the values, such as temperature,price; "
        "each needs a value at every time step",
        checks.names, "COLUMNS", data="cut", result=True, later=True,
    ),
    "known": Setting(
        (), checks.columns, "list[str]",
        "those of the features known in advance (a calendar, a plan): a forecast also reads "
        "their value at its own time",
        checks.names, "COLUMNS", data="cut", result=True, later=True,
    ),
    "folds": Setting(
        1, checks.whole(1, MAX_FOLDS), "int",
        "rolling-origin validation: cut the validation part into K blocks, each forecast by "
        "a model trained on everything before it",
        int, "K", result=True, later=True,
    ),
    "horizon": Setting(
        1, checks.whole(1, MAX_SEASON), "int",
        "forecast H steps at once from every origin, one output per step; the MAE averages "
        "the steps",
        int, "H", result=True, later=True,
    ),
    "refit": Setting(
        "none", checks.one_of(REFITS, "refit"), "str",
        "the answer's networks before the test part: none keeps them as the search trained "
        "them; full trains each again on everything before it, for its folds' best epochs",
        checks.text, "{" + ",".join(REFITS) + "}", later=True,
    ),
    "epochs": Setting(
        100, checks.whole(1), "int", "the most epochs a trial trains", int, "N", result=True
    ),
    "patience": Setting(
        10, checks.whole(1, none=True), "int | None",
        "epochs without a better validation MAE before a trial stops (None: never)",
        result=True,
    ),
    "seed": Setting(42, checks.whole(0, MAX_SEED), "int", "the run's seed", int, "N", result=True),
    "target": Setting(
        None, checks.target, "float | None",
        "stop the search once a trial's MAE is at or below this",
    ),
    "tuner": Setting(
        "tpe", checks.one_of(TUNERS, "tuner"), "str",
        f"the search algorithm: {', '.join(TUNERS)}", checks.text, "NAME",
    ),
    "pruner": Setting(
        None, checks.one_of(PRUNERS, "pruner", none=True), "str | None",
        f"stop poor trials early: {', '.join(PRUNERS)} (default median for Optuna's "
        "samplers, none for Keras Tuner's)",
        checks.text, "NAME",
    ),
    "trials": Setting(20, checks.whole(1), "int", "trials for the whole study", int, "N"),
    "budget": Setting(
        None, checks.budget, "str | float | None",
        "wall-clock budget such as 8h, 30m or 90s (a number: seconds; None: no limit)",
    ),
    "max_failures": Setting(
        5, checks.whole(1), "int", "failed trials in a row after which the search stops"
    ),
    "jit_compile": Setting(
        "auto", checks.jit, 'bool | "auto"',
        'train with XLA: "auto" only a trial that lasts or whose epochs are slow, True from '
        "the first epoch, False never",
    ),
    "units_per_layer": Setting(
        True, checks.boolean, "bool",
        "with depth above 1, each layer has its own units (units_1 ...); False shares one value",
        result=True,
    ),
    "name": Setting("space", checks.name, "str", "the space's name: its study and results/<name>"),
}  # fmt: skip

DATA_SETTINGS = tuple(name for name, s in SETTINGS.items() if s.data)
RESULT_SETTINGS = tuple(name for name, s in SETTINGS.items() if s.result)
# What a space's configuration (``Space.get_config``) holds that changes what a trial
# computes: spaces equal in these resume each other's runs.
RESULT_KEYS = ("fields", "points", "build_model", *RESULT_SETTINGS)
OPTIONS = tuple(name for name, s in SETTINGS.items() if s.option)
LATER_DEFAULTS = {name: s.configured for name, s in SETTINGS.items() if s.later}


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
        raise ValueError(f"{text!r} is not {checks.EXPECTED[setting.parse]}") from None
    message = setting.check(value)
    if message is not None:
        raise ValueError(message)
    return value
