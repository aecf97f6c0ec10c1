"""Shared fixtures: tiny spaces and data sets that train in seconds."""

from __future__ import annotations

import contextlib
import functools
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from search.environment import RECYCLE_GROWTH

# Tiny test searches never grow enough to hand over to a fresh process. The hand-over test
# sets its own limit.
os.environ.setdefault(RECYCLE_GROWTH.name, "off")

REPO = Path(__file__).resolve().parent.parent


# Files whose tests start whole runs, workers and services (tens of seconds each): run
# first, so that under pytest -n 2 the suite does not end on one long test with the other
# worker idle. The order is otherwise the files' own.
_LONG_FIRST = ("test_service.py", "test_workers.py", "test_faults.py", "test_bench.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in _LONG_FIRST)


@pytest.fixture(scope="session", autouse=True)
def forkserver():
    """One forkserver for the session (per pytest -n process): every run's workers are
    forked from it, not from a forkserver of their own that imports TensorFlow again. The
    tests of a run's own forkserver remove SEARCH_FORKSERVER."""
    from search.environment import FORKSERVER
    from search.worker.spawn import Forkserver

    server = Forkserver.start()
    os.environ[FORKSERVER.name] = server.path
    yield server
    os.environ.pop(FORKSERVER.name, None)
    server.close()


def write_space(folder: Path, name: str = "tiny", body: str = "", **fields) -> Path:
    """A space file ``<folder>/<name>.py``: ``fields`` as keyword arguments of Space, and
    ``body`` as extra module code before it."""
    defaults = dict(
        data="course-exercise",
        units=4,
        window=8,
        batch_size=256,
        epochs=2,
        patience=None,
        trials=2,
        tuner="optuna-random",
        jit_compile=False,
    )
    defaults.update(fields)
    arguments = ",\n    ".join(
        f"{k}={v!r}" if not isinstance(v, _Code) else f"{k}={v}" for k, v in defaults.items()
    )
    path = folder / f"{name}.py"
    path.write_text(
        "from search import Auto, Boolean, Choice, Float, Int, Space\n"
        + textwrap.dedent(body)
        + f"\nspace = Space(\n    {arguments},\n)\n"
    )
    return path


class _Code(str):
    """A field value written into a space file as code, not as a literal."""


def code(text: str) -> _Code:
    return _Code(text)


def recorded(trials: list) -> list:
    """The trials a leaderboard lists: not those two workers drew at once and one gave back."""
    return [t for t in trials if not t.user_attrs.get("surplus")]


@pytest.fixture
def space_file(tmp_path):
    def make(name: str = "tiny", body: str = "", **fields) -> Path:
        return write_space(tmp_path, name, body, **fields)

    return make


@pytest.fixture
def sine_csv(tmp_path) -> Path:
    """A small daily series with a date column: 240 rows."""
    t = np.arange(240)
    values = 10 + 5 * np.sin(2 * np.pi * t / 30) + np.random.RandomState(0).randn(240) * 0.3
    dates = np.datetime64("2024-01-01") + t
    path = tmp_path / "sine.csv"
    lines = ["date,value,other"] + [
        f"{d},{v:.5f},{i}" for i, (d, v) in enumerate(zip(dates, values, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


# The server's maintenance database: each test that needs PostgreSQL gets a database of its
# own created there, so tests running side by side (pytest -n) never see each other's studies
# or queued searches.
POSTGRES_URL = os.environ.get("SEARCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available(url: str = POSTGRES_URL) -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return f"no PostgreSQL server answers at {url}: {str(exc).strip().splitlines()[0]}"
    return None


@pytest.fixture
def postgres_url():
    """The URL of a new, empty PostgreSQL database, dropped after the test. Where no server
    answers the test skips with the reason, except in CI (CI=true), where a missing server
    fails the run."""
    problem = postgres_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs PostgreSQL: {problem}")
        pytest.skip(problem)
    import uuid

    import psycopg

    name = f"search_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_url(request, tmp_path):
    """A storage URL for a shared study: an SQLite file, or the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def study_name(request):
    """A study name no other test uses, deleted from its storage afterwards."""
    import uuid

    import optuna

    name = f"test-{request.node.originalname[:30]}-{uuid.uuid4().hex[:8]}"
    urls = [
        request.getfixturevalue(f)
        for f in ("storage_url", "postgres_url")
        if f in request.fixturenames
    ]
    yield name
    for url in urls:
        with contextlib.suppress(KeyError):
            optuna.delete_study(study_name=name, storage=url)


@functools.lru_cache(maxsize=8)
def polling_storage(url: str):
    """One storage per database for a test that polls it: a URL given to Optuna opens a new
    connection pool each time, and polling five times a second uses up the server's
    connections while other tests use it too."""
    from search.study import open_storage

    return open_storage(url)
