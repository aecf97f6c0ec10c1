"""Where a study is kept: an SQLite file in the run's directory, or any database URL."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import time
import warnings
import weakref
from collections.abc import Callable
from pathlib import Path

import optuna
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError

from search.errors import StorageError
from search.study.urls import mask_url

CONNECT_TIMEOUT = 10  # seconds; a database that does not answer fails fast, not hangs
_CREATION_ATTEMPTS = 5
# The engine of every storage this process opened: a command closes their connections
# when it returns. Engines, not storages: a storage dropped by its command leaves its engine
# in a reference cycle, holding its connections until the next garbage collection.
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def open_storage(
    url: str,
    *,
    heartbeat_interval: int | None = None,
    grace_period: int | None = None,
    on_stale: Callable[[optuna.Study, optuna.trial.FrozenTrial], None] | None = None,
) -> optuna.storages.RDBStorage:
    """An Optuna RDB storage for ``url`` whose connections check themselves before use.

    With ``heartbeat_interval``, a running trial whose worker has been silent for
    ``grace_period`` seconds is failed by the next worker that looks, and ``on_stale``
    is called for it once.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise StorageError(
            f"malformed storage URL {mask_url(url)!r}; expected for example "
            "sqlite:///results/study.db or postgresql://user@host:5432/dbname"
        ) from None
    backend = parsed.get_backend_name()
    engine_kwargs: dict = {"pool_pre_ping": True}
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            if not folder.is_dir():
                raise StorageError(f"storage {mask_url(url)}: folder {folder} does not exist")
        engine_kwargs["connect_args"] = {"timeout": 60}
    elif backend in ("postgresql", "mysql"):
        engine_kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
        if backend == "postgresql":
            # Which machine and process holds a connection, in pg_stat_activity.
            name = f"search:{socket.gethostname()}:{os.getpid()}"
            engine_kwargs["connect_args"]["application_name"] = name[:63]
    try:
        for attempt in range(_CREATION_ATTEMPTS):
            try:
                with quiet_experimental():
                    storage = optuna.storages.RDBStorage(
                        url,
                        engine_kwargs=engine_kwargs,
                        heartbeat_interval=heartbeat_interval,
                        grace_period=grace_period,
                        heartbeat_stale_trial_callback=on_stale,
                    )
                _ENGINES.add(storage.engine)
                return storage
            except (IntegrityError, OperationalError) as exc:
                # Two processes creating the tables of a new database at once: one wins,
                # the other finds them on its next try (Optuna issues #1092, #4621).
                if attempt + 1 == _CREATION_ATTEMPTS or not _creation_race(exc):
                    raise
                time.sleep(0.2 * (attempt + 1))
    except ImportError:
        raise StorageError(
            f"storage {mask_url(url)}: the database driver for {backend} is not installed "
            f"(for PostgreSQL: pip install 'search[postgres]')"
        ) from None
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        reason = _first_line(exc)
        raise StorageError(
            f"cannot open storage {mask_url(url)}: {reason}; check that the server is up and "
            "the URL's host, port and database are right"
        ) from None


def _creation_race(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(sign in text for sign in ("already exists", "unique constraint", "duplicate key"))


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


@contextlib.contextmanager
def quiet_experimental():
    """Optuna announces its experimental features (heartbeats, grouped TPE) as warnings;
    this product uses them on purpose, so a user need not see them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        yield


def close_storages() -> None:
    """Close the idle database connections of every storage this process opened. They
    stay usable (a later call connects again); a command calls this as it returns, so that
    calling commands again and again in one process (a notebook, a test) holds none open."""
    for engine in list(_ENGINES):
        engine.dispose()
