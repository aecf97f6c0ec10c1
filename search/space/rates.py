"""Learning rates resolved from range tests: a configuration's group (the fields a rate
suits: cell, optimizer, loss, scaling) and its rate, its group's suggestion times its searched
scale. The range test (``search.range_test``) suggests the rates; a model reads them here."""

from __future__ import annotations

from typing import Any

from search.errors import UsageError
from search.space.dimensions import Auto

GROUP_FIELDS = ("cell", "optimizer", "loss", "scaling")


def group_key(config: dict[str, Any]) -> str:
    """The group a configuration belongs to, such as ``lstm-adam-huber-standard``."""
    return "-".join(str(config[field]) for field in GROUP_FIELDS)


def resolve(config: dict[str, Any], rates: dict[str, float]) -> dict[str, Any]:
    """``config`` with its learning rate: its group's suggestion times its searched scale.
    A configuration without an automatic rate is returned as it is."""
    if Auto.SCALE not in config:
        return config
    key = group_key(config)
    if key not in rates:
        raise UsageError(f"no range test has suggested a rate for {key}; run the search again")
    return {**config, "learning_rate": rates[key] * float(config[Auto.SCALE])}
