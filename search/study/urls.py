"""Storage URLs: where a study is kept by default, how a URL is shown without its password,
and which URLs are refused before anything is written."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from search.environment import STORAGE
from search.errors import StorageError
from search.outdir import OutDir


def default_storage_url(out_dir: str | Path) -> str:
    """The SQLite file ``study.db`` inside the run's out directory."""
    return f"sqlite:///{OutDir(out_dir).study_db.resolve()}"


def mask_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, safe to print, log or write."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # Not a URL SQLAlchemy reads: shown as given, so that the mistake can be seen, with
        # what stands between the user name and the last "@" (a password's place) hidden.
        if "://" in url:
            return re.sub(r"(://[^:/@]*:).*@", r"\1***@", url)
        return re.sub(r".*@", "***@", url)


def resolve_storage(given: str | None, default: str) -> str:
    """The storage a command uses: the URL the user gave (``--storage``), checked, else the
    command's ``default`` (a run's own ``study.db``, the queue's ``results/queue.db``)."""
    if given is None:
        return default
    check_storage_url(given)
    return given


def check_storage_url(url: str) -> None:
    """Refuse a malformed storage URL, showing it as given with any password hidden; and an
    SQLite file in a folder that does not exist, before anything is written."""
    origin = STORAGE.origin
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        raise StorageError(
            f"{origin} {mask_url(url)!r} is not a storage URL; give one such as "
            "sqlite:///results/study.db or postgresql://user@host:5432/dbname"
        ) from None
    database = sqlite_file(url)
    if database is not None and not database.parent.is_dir():
        raise StorageError(
            f"storage {mask_url(url)}: folder {database.parent} does not exist; "
            f"create it or give another {origin}"
        )


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite storage URL; None for any other storage."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def sqlite_not_created(url: str) -> bool:
    """Whether ``url`` is an SQLite file that does not exist yet (opening it would create
    it: a command that may still refuse must not)."""
    database = sqlite_file(url)
    return database is not None and not database.exists()
