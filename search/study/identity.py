"""What a study says about its run: which space searched which data, cut how, measured
against what, and steered how. Written once when the study is created; read by every
worker, the leaderboard and the report."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import optuna

from search.data import DataSource
from search.errors import UsageError
from search.settings import RESULT_KEYS
from search.study.records import RUN
from search.yardstick import Yardstick

# Settings that only steer a search: a resumed run takes the newest command's.
STEERING = ("trials", "target", "tuner", "pruner")


@dataclass(frozen=True)
class RunIdentity:
    """A run's identity. ``space_file`` is the path as given, ``space_path`` the absolute
    one; ``overrides`` the settings the command line changed; ``source`` where the data
    came from; ``data`` the series' name and ``data_fingerprint`` its hash (values and
    parts); ``yardstick`` the baselines and floors every trial is measured against."""

    space: str
    space_file: str
    space_path: str
    source: DataSource
    space_fingerprint: str
    data: str
    data_fingerprint: str
    length: int
    split: int
    yardstick: Yardstick
    tuner: str
    pruner: str
    trials: int
    test_start: int | None = None
    seasons: tuple[int, ...] = ()
    folds: int = 1
    reference_window: int = 20
    target: float | None = None
    searched: tuple[str, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    space_config: dict[str, Any] = field(default_factory=dict)

    # -- in the study ---------------------------------------------------------------------

    @classmethod
    def read(cls, study: optuna.Study) -> RunIdentity | None:
        """The identity ``study`` keeps; None for a study no run has claimed yet."""
        config = study.user_attrs.get(RUN)
        return cls.from_config(config) if config else None

    def write(self, study: optuna.Study) -> None:
        study.set_user_attr(RUN, self.get_config())

    def get_config(self) -> dict[str, Any]:
        config = asdict(self)
        config["source"] = self.source.get_config()
        config["yardstick"] = self.yardstick.get_config()
        config["seasons"] = list(self.seasons)
        config["searched"] = list(self.searched)
        return json.loads(json.dumps(config, default=repr))

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RunIdentity:
        """An identity from its JSON form, including what runs made before yardsticks and
        test parts kept."""
        known = {k: config[k] for k in cls.__dataclass_fields__ if k in config}
        known["source"] = DataSource.from_config(config.get("source") or {"data": config["data"]})
        known["yardstick"] = Yardstick.of_run(config)
        known["seasons"] = tuple(config.get("seasons") or ())
        known["searched"] = tuple(config.get("searched") or ())
        known.setdefault("space_path", config.get("space_file", ""))
        return cls(**known)

    # -- reading it -----------------------------------------------------------------------

    @property
    def end_of_validation(self) -> int:
        """Where the validation part ends: the test part's start, or the series' end."""
        return self.length if self.test_start is None else self.test_start

    def steered_by(self, newer: RunIdentity) -> RunIdentity:
        """This identity with the steering settings (trials, target, tuner, pruner) of a
        newer command on the same run."""
        return replace(self, **{name: getattr(newer, name) for name in STEERING})

    def check_same_run(self, wanted: RunIdentity, where: str) -> None:
        """Refuse to mix two different runs in one study; say what differs and what to do."""
        differences = []
        said: set[str] = set()  # the settings behind them, not said again from the space
        if self.data_fingerprint != wanted.data_fingerprint:
            for name, setting in (("split", "split"), ("test_start", "test")):
                if getattr(self, name) != getattr(wanted, name):
                    differences.append(f"{name} {getattr(self, name)} → {getattr(wanted, name)}")
                    said.add(setting)
            if self.data != wanted.data or not differences:
                differences.insert(0, f"data {self.data!r} → {wanted.data!r}")
                said.add("data")
        if self.space_fingerprint != wanted.space_fingerprint:
            differences += _config_differences(self.space_config, wanted.space_config, said)
            if not differences:
                differences.append("the search space")
        if self.space != wanted.space and self.space:
            differences.insert(0, f"space {self.space!r} → {wanted.space!r}")
        if differences:
            raise UsageError(
                f"{where} holds another run ({'; '.join(differences[:3])}); use --fresh to "
                "start it over, or --out (or --study) for a new one"
            )


def _config_differences(
    old: dict[str, Any], new: dict[str, Any], said: set[str] | None = None
) -> list[str]:
    """What differs between two spaces' configurations, in what decides a trial's result,
    leaving out the settings ``said`` already."""
    found = []
    for key in RESULT_KEYS:
        if key in (said or ()):
            continue
        a, b = old.get(key), new.get(key)
        if key == "fields":
            a, b = a or {}, b or {}
            for name in sorted(set(a) | set(b)):
                if a.get(name) != b.get(name):
                    found.append(f"{name} {_short(a.get(name))} → {_short(b.get(name))}")
        elif key in ("points", "build_model"):
            if (a or {}) != (b or {}):
                found.append(f"{key} changed")
        elif a != b:
            found.append(f"{key} {_short(a)} → {_short(b)}")
    return found


def _short(value: Any) -> str:
    if isinstance(value, dict) and "type" in value:
        args = ", ".join(f"{v}" for k, v in value.items() if k != "type")
        return f"{value['type']}({args})"
    return repr(value)
