"""Errors a user can fix: each carries one line that says what, where and what to do."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input or usage. The command line prints the message and exits with status 2."""

    exit_code = 2


class DataError(UsageError):
    """A data set that cannot be read or used."""


class SpaceError(UsageError):
    """A search-space file that cannot be loaded or is not valid.

    ``field`` names the offending field; ``source`` (a path) is filled in by the loader.
    """

    def __init__(self, message: str, *, field: str | None = None, source: str | None = None):
        self.message = message
        self.field = field
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.source or "space"
        if self.field:
            return f"{where}: field {self.field!r}: {self.message}"
        return f"{where}: {self.message}"

    def located(self, source: str) -> SpaceError:
        """The same error, naming the file it came from."""
        return SpaceError(self.message, field=self.field, source=source)


class StorageError(UsageError):
    """A study storage that cannot be opened, or a study that does not fit this run."""


class RunInterrupted(BaseException):
    """SIGINT or SIGTERM arrived; the search stops at the next epoch boundary.

    A ``BaseException`` so that Keras Tuner's per-trial ``except Exception`` does not
    swallow it and retry the trial in the same process.
    """

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by signal {signum}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum
