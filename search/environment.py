"""The environment variables the product reads. Each is the default of one command-line
option, whose ``--help`` names it; only the command line reads them, and everything below
it is given the option's value."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """An environment variable and the option it gives a default to."""

    name: str
    option: str

    def value(self) -> str | None:
        """Its value, None when unset or empty."""
        return os.environ.get(self.name) or None

    @property
    def origin(self) -> str:
        """Where a value came from, as an error names it."""
        return f"{self.option} (or {self.name})"


# A storage URL for every command that does not give --storage.
STORAGE = Variable("SEARCH_STORAGE", "--storage")
# A folder for Optuna's artifact store, shared by every machine.
ARTIFACTS = Variable("SEARCH_ARTIFACTS", "--artifacts")
# A running forkserver's socket: a test session keeps one warm for all its runs.
FORKSERVER = Variable("SEARCH_FORKSERVER", "--forkserver")
# How much a worker's memory may grow before a fresh process takes over.
RECYCLE_GROWTH = Variable("SEARCH_RECYCLE_GROWTH", "--recycle-growth")

VARIABLES = (STORAGE, ARTIFACTS, FORKSERVER, RECYCLE_GROWTH)
