"""Properties over arbitrary input: the CSV reader, the space validator and loader, and the
command line's planning either give a valid result or one of the product's own errors
(``UsageError`` and its kinds), never another exception, never a hang, and the command line
never leaves a partly written out directory. Nothing is trained here.
"""

from __future__ import annotations

import contextlib
import io
import signal
import tempfile
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from conftest import write_space
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from search.cli import main
from search.data import Series, read_csv_series
from search.errors import DataError, SpaceError
from search.space import SEARCHABLE, Auto, Boolean, Choice, Dimension, Float, Int, Space, load_space

# No example database in the repository. An example takes milliseconds (under 15 ms in
# --hypothesis-show-statistics); a deadline a thousand times that flags a pathological input
# (a grid of millions of filled values) and never the machine's load. The first TensorFlow
# import is done by the module fixture below, not inside an example.
PROPERTY = settings(
    max_examples=100,
    deadline=timedelta(seconds=20),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class Hang(BaseException):
    """An example ran far beyond its deadline. A BaseException, so that no ``except
    Exception`` in the product (the space loader has one) can swallow it."""


def _write(path: Path, content: str | bytes) -> None:
    """Write generated text or bytes as they are (lone surrogates too)."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")


@contextlib.contextmanager
def no_hang(seconds: float = 60.0):
    """Fail an example that does not return: Hypothesis's deadline only judges examples
    that end."""

    def alarm(signum, frame):
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module", autouse=True)
def _imports_done():
    """TensorFlow and the rest imported once, before the first timed example."""
    from search._startup import quiet_imports

    quiet_imports(debug=False)
    import search.run.execute  # noqa: F401


# -- CSV files -------------------------------------------------------------------------

CELLS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "",
            " ",
            "NA",
            "nan",
            "null",
            "-",
            "abc",
            '"',
            '"1,5"',
            "1e39",
            "1e400",
            "-0",
            "0x10",
            "True",
            "1_000",
            "2024-01-01",
            "2024-13-45",
            "2024-01-01T00:00+01:00",
            "NaT",
            "inf",
        ]
    ),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(str),
    st.text(max_size=6),
)
NAMES = st.sampled_from(["y", "date", "time", "t", "value", "", " y", "ds", "Date", "y"])
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def messy_csv(draw) -> str:
    """Any header and rows of any cells, of any widths."""
    header = draw(st.lists(NAMES, min_size=1, max_size=3))
    rows = draw(st.lists(st.lists(CELLS, max_size=4), max_size=30))
    newline = draw(NEWLINES)
    return newline.join([",".join(header), *(",".join(row) for row in rows)]) + draw(
        st.sampled_from(["", newline])
    )


STEPS = {
    "whole": (0, 1),
    "tenths": (0.1, 0.1),  # float stamps: 0.30000000000000004 and friends
    "daily": (np.datetime64("2024-01-01"), np.timedelta64(1, "D")),
    "hourly": (np.datetime64("2024-03-30T00:00"), np.timedelta64(1, "h")),
}


@st.composite
def series_with_gaps(draw) -> tuple[str, list[float], list[int]]:
    """A regular series with some rows left out and some values blank: its CSV text, every
    value of the full series, and the positions of the rows kept."""
    start, step = STEPS[draw(st.sampled_from(sorted(STEPS)))]
    length = draw(st.integers(5, 60))
    values = draw(
        st.lists(
            st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3)),
            min_size=length,
            max_size=length,
        )
    )
    # Fewer than a quarter of the rows left out: the usual step stays the most common one,
    # and the first and last rows stay, so the series' span is known.
    left_out = draw(st.sets(st.integers(1, length - 2), max_size=length // 4))
    kept = [position for position in range(length) if position not in left_out]
    blank = draw(st.sets(st.sampled_from(kept), max_size=len(kept) // 4))
    lines = ["time,y"]
    for position in kept:
        stamp = start + position * step
        if isinstance(stamp, float):
            stamp = round(stamp, 10) if draw(st.booleans()) else stamp  # '0.30000000000000004'
        lines.append(f"{stamp},{'' if position in blank else values[position]}")
    return "\n".join(lines) + "\n", values, kept


def _check_series(series: Series) -> None:
    """What every series the product accepts must be."""
    assert isinstance(series, Series)
    length = len(series.values)
    assert length >= 2 and 0 < series.split < series.test_start <= length
    assert series.values.dtype == np.float64 and np.isfinite(series.values).all()
    if series.time is not None:
        assert len(series.time) == length
        assert (np.diff(series.time) > np.diff(series.time).dtype.type(0)).all()


def _check_data_error(error: DataError, path: Path) -> None:
    message = str(error)
    assert message.startswith(str(path)) and "\n" not in message and "\r" not in message


@PROPERTY
@given(
    content=st.one_of(messy_csv(), st.text(max_size=200), st.binary(max_size=200)),
    column=st.sampled_from([None, "y", "value", "nope"]),
    time_column=st.sampled_from([None, "date", "time", "t", "y"]),
    split=st.one_of(
        st.none(),
        st.integers(-3, 40),
        st.floats(-1, 2),
        st.sampled_from([float("nan"), float("inf"), 1e300]),
    ),
    fill=st.sampled_from([None, "interpolate", "previous"]),
)
def test_any_csv_file_gives_a_series_or_a_data_error(content, column, time_column, split, fill):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        _write(path, content)
        with no_hang():
            try:
                series = read_csv_series(
                    path, column, time_column=time_column, split=split, fill=fill
                )
            except DataError as error:
                _check_data_error(error, path)
                event("refused")
                return
    _check_series(series)
    event("a series")


@PROPERTY
@given(case=series_with_gaps(), fill=st.sampled_from([None, "interpolate", "previous"]))
def test_gaps_are_refused_or_filled_around_the_values_the_file_holds(case, fill):
    text, values, kept = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        path.write_text(text)
        lines = text.splitlines()[1:]
        gaps = len(values) - len(kept)
        blanks = sum(line.endswith(",") for line in lines)
        with no_hang():
            try:
                series = read_csv_series(path, "y", fill=fill)
            except DataError as error:
                _check_data_error(error, path)
                # Refused only without --fill, and then for what is missing.
                assert fill is None and (gaps or blanks), str(error)
                assert ("missing time steps" in str(error)) == bool(gaps)
                assert "--fill interpolate or --fill previous" in str(error)
                event("refused")
                return
    event("filled" if gaps or blanks else "whole")
    assert not (gaps or blanks) or fill is not None
    _check_series(series)
    held = [p for p, line in zip(kept, lines, strict=True) if not line.endswith(",")]
    # One value per time step from the first value the file holds to the last, the gaps
    # between filled; missing values before the first and after the last are dropped.
    first = held[0]
    assert len(series.values) == held[-1] - first + 1
    real = np.zeros(len(series.values), dtype=bool)
    real[[p - first for p in held]] = True
    for position in held:
        assert series.values[position - first] == pytest.approx(values[position], rel=1e-6, abs=0.1)
    if real.all():
        assert series.filled is None
        return
    assert series.filled.tolist() == (~real).tolist()  # filled values are marked, never labels
    carried = series.causal if series.causal is not None else series.values
    last = np.maximum.accumulate(np.where(real, np.arange(len(real)), 0))
    assert np.array_equal(carried, series.values[last])  # what was known at each step


# -- spaces ------------------------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(-10, 5000),
    st.integers(),
    st.just(10**400),
    st.floats(),
    st.booleans(),
    st.none(),
    st.sampled_from(["1", "x"]),
)
PLAIN = st.one_of(
    NUMBERS,
    st.sampled_from(
        [
            "lstm",
            "GRU",
            "rnn",
            "tcn",
            "adam",
            "sgd",
            "huber",
            "mse",
            "hinge",
            "auto",
            "AUTO",
            "standard",
            "course",
            "tpe",
            "random",
            "hyperband",
            "median",
            "8h",
            "30m",
            "soon",
            "course-lecture",
            "",
        ]
    ),
    st.text(max_size=6),
    st.lists(st.integers(0, 3), max_size=2),
)
DIMENSIONS = st.one_of(
    st.builds(Int, NUMBERS, NUMBERS, step=st.one_of(st.none(), NUMBERS), log=st.booleans()),
    st.builds(Float, NUMBERS, NUMBERS, step=st.one_of(st.none(), NUMBERS), log=st.booleans()),
    st.lists(PLAIN, max_size=4).map(lambda values: Choice(*values)),
    st.just(Boolean()),
    st.builds(Auto, NUMBERS, preset=st.sampled_from(["fast", "course", "slow"])),
)
VALUES = st.one_of(PLAIN, DIMENSIONS)
FIELDS = st.sampled_from(
    [
        *SEARCHABLE,
        "units_per_layer",
        "column",
        "time_column",
        "split",
        "fill",
        "epochs",
        "patience",
        "seed",
        "target",
        "tuner",
        "pruner",
        "trials",
        "budget",
        "max_failures",
        "jit_compile",
        "name",
        "data",
        "unit",  # a typo
    ]
)
POINTS = st.dictionaries(
    st.one_of(st.sampled_from(["small", "big"]), st.integers(0, 2)),
    st.one_of(st.dictionaries(FIELDS, VALUES, max_size=3), PLAIN),
    max_size=3,
)


def _ranges(kind, low: float, high: float, *, log: bool = False):
    """Ranges of ``kind`` (Int or Float) within [low, high], their ends in order."""
    middle = (low + high) / 2
    if kind is Int:
        ends = st.tuples(st.integers(int(low), int(middle)), st.integers(int(middle) + 1, high))
    else:
        ends = st.tuples(st.floats(low, middle), st.floats(middle * 1.01, high))
    return ends.map(lambda pair: kind(pair[0], pair[1], log=log))


def _choices(values):
    return st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(
        lambda chosen: Choice(*chosen)
    )


# Values each field takes in a space a person would write: fixed or searched.
SENSIBLE = {
    "cell": st.one_of(st.sampled_from(["lstm", "GRU", "rnn"]), _choices(["lstm", "gru", "rnn"])),
    "depth": st.one_of(st.integers(1, 3), _ranges(Int, 1, 3), _choices([1, 2, 3])),
    "units": st.one_of(st.integers(1, 64), _ranges(Int, 1, 64), _choices([4, 8, 16])),
    "bidirectional": st.one_of(st.booleans(), st.just(Boolean())),
    "dropout": st.one_of(st.floats(0, 0.9), _ranges(Float, 0, 0.9)),
    "optimizer": st.one_of(
        st.sampled_from(["adam", "sgd", "rmsprop"]), _choices(["adam", "adamw", "sgd"])
    ),
    "learning_rate": st.one_of(
        st.floats(1e-5, 1),
        _ranges(Float, 1e-5, 1e-1, log=True),
        st.just("auto"),
        st.floats(0.5, 4).map(Auto),
    ),
    "loss": st.one_of(st.sampled_from(["huber", "mse", "mae"]), _choices(["huber", "mse"])),
    "batch_size": st.one_of(st.integers(1, 512), _choices([32, 64, 128])),
    "window": st.one_of(st.integers(1, 60), _ranges(Int, 2, 60)),
    "scaling": st.sampled_from(["standard", "course"]),
    "epochs": st.integers(1, 500),
    "patience": st.one_of(st.none(), st.integers(1, 20)),
    "seed": st.integers(0, 2**31 - 1),
    "tuner": st.sampled_from(["tpe", "optuna-random", "qmc", "random", "bayesian", "grid"]),
    "trials": st.integers(1, 100),
    "budget": st.one_of(st.none(), st.sampled_from(["8h", "30m", "90s"]), st.integers(1, 10**6)),
    "split": st.one_of(st.none(), st.floats(0.5, 0.9), st.integers(100, 1000)),
}


@st.composite
def declared_fields(draw) -> dict:
    """Fields as a person writes them, one of them sometimes anything at all."""
    fields = draw(st.fixed_dictionaries({}, optional=SENSIBLE))
    if draw(st.booleans()):
        fields[draw(FIELDS)] = draw(VALUES)
    return fields


def _check_space(space: Space) -> None:
    """What every space the product accepts must give: Keras Tuner hyperparameters, a full
    configuration of plain values, and a fingerprint that survives a copy."""
    assert isinstance(space, Space)
    hp = space.hyperparameters()
    config = space.declare(hp)
    assert not [k for k, v in config.items() if isinstance(v, Dimension)], config
    assert space.replace().fingerprint() == space.fingerprint()


@PROPERTY
@given(
    fields=st.one_of(declared_fields(), st.dictionaries(FIELDS, VALUES, max_size=6)),
    points=st.one_of(st.none(), st.none(), POINTS),  # points in one space of three
)
def test_any_declared_space_is_valid_or_a_space_error(fields, points):
    if points is not None:
        fields["points"] = points
    with no_hang():
        try:
            space = Space(**fields)
        except SpaceError as error:
            assert error.field is not None and "\n" not in str(error), str(error)
            event(f"refused: field {error.field.split('.')[0]!r}")
            return
        _check_space(space)
        event("a space")


EXPRESSIONS = st.sampled_from(
    [
        "4",
        "-1",
        "0",
        "1.5",
        "10**400",
        "float('nan')",
        "None",
        "True",
        "'lstm'",
        "'hinge'",
        "'auto'",
        "'8h'",
        "[1, 2]",
        "{}",
        "Int(1, 8)",
        "Int(8, 1)",
        "Int(4, 4)",
        "Int(1, 8, step=float('inf'))",
        "Float(1e-4, 1e-2, log=True)",
        "Float(0, 1e-2, log=True)",
        "Choice()",
        "Choice('mse', 'mae')",
        "Choice('lstm', 'tcn')",
        "Boolean()",
        "Auto()",
        "Auto(decades=9)",
        "undefined_name",
        "1 / 0",
        "Int(",
        "'''",
        "\x00",
        "__import__('sys').exit(3)",
    ]
)


@st.composite
def space_source(draw) -> str:
    """A space file: fields as a person writes them (their repr is Python) or set to any of
    the expressions above, and sometimes cut short, given junk before it, or replaced by
    any text at all."""
    fields = {name: repr(value) for name, value in draw(declared_fields()).items()}
    fields.update(draw(st.dictionaries(FIELDS, EXPRESSIONS, max_size=2)))
    arguments = "".join(f"    {name}={expression},\n" for name, expression in fields.items())
    text = (
        '"""A generated space."""\n'
        "from search import Auto, Boolean, Choice, Float, Int, Space\n"
        f"space = Space(\n{arguments})\n"
    )
    how = draw(st.sampled_from(["whole", "whole", "cut", "prefixed", "text"]))
    if how == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif how == "prefixed":
        text = draw(st.text(max_size=20)) + "\n" + text
    elif how == "text":
        text = draw(st.text(max_size=80))
    return text


@PROPERTY
@given(source=st.one_of(space_source(), st.binary(max_size=60).map(lambda b: b"#" + b)))
def test_any_space_file_loads_or_gives_a_space_error(source):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.py"
        _write(path, source)
        with no_hang():
            try:
                space = load_space(path)
            except SpaceError as error:
                assert str(error).startswith(str(path)), str(error)
                event("refused")
                return
            _check_space(space)
            event("a space")


# -- the command line --------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)
WHOLE = st.one_of(st.integers(-3, 10**12).map(str), TEXT)
# Each option: values the command takes, and values it must refuse (or may).
OPTIONS = {
    "--trials": (st.integers(1, 50).map(str), WHOLE),
    "--epochs": (st.integers(1, 50).map(str), WHOLE),
    "--workers": (st.integers(1, 4).map(str), WHOLE),
    "--grace": (st.integers(1, 600).map(str), WHOLE),
    "--seed": (st.integers(0, 2**31 - 1).map(str), st.integers(-3, 2**40).map(str)),
    "--split": (
        st.sampled_from(["0.5", "0.8", "0.9", "40", "100"]),
        st.one_of(st.integers(-3, 300).map(str), st.floats(-1, 2).map(repr), TEXT),
    ),
    "--budget": (
        st.sampled_from(["none", "1h", "90s", "2h30m"]),
        st.one_of(st.sampled_from(["0", "-1m", "soon", "", "1e400"]), TEXT),
    ),
    "--fill": (st.sampled_from(["interpolate", "previous"]), st.sampled_from(["zero", ""])),
    "--column": (st.just("y"), st.sampled_from(["time", "nope", ""])),
    "--time-column": (st.just("time"), st.sampled_from(["y", "nope"])),
    "--tuner": (st.sampled_from(["tpe", "qmc", "random", "grid"]), st.just("genetic")),
    "--pruner": (st.sampled_from(["median", "none"]), st.just("always")),
    "--storage": (
        st.just("sqlite:///{tmp}/new.db"),
        st.sampled_from(
            [
                "not a url",
                "sqlite:///{tmp}/nowhere/study.db",
                "oracle2://someone@db.example.org/search",
                "postgresql://someone:s3cret-pw@db.example.org:port/search",
            ]
        ),
    ),
    "--study": (st.sampled_from(["tiny", "another"]), TEXT),
    "--data": (
        st.sampled_from(["{tmp}/data.csv", "course-lecture"]),
        st.sampled_from(["{tmp}/missing.csv", "nope", "{tmp}"]),
    ),
    "--out": (
        st.sampled_from(["{tmp}/out", "{tmp}/results/deep/out"]),
        st.sampled_from(["{tmp}/data.csv/out", "{tmp}/data.csv"]),
    ),
}
FLAGS = st.sampled_from(["--fresh", "--quiet"])


@st.composite
def options(draw) -> list[str]:
    """A few options, each with a value the command takes, or (one time in four) one it
    must refuse."""
    chosen = draw(st.lists(st.sampled_from(sorted(OPTIONS)), max_size=4, unique=True))
    words = []
    for name in chosen:
        good, bad = OPTIONS[name]
        words.append(f"{name}={draw(st.one_of(good, good, good, bad))}")
    return words + draw(st.lists(FLAGS, max_size=2, unique=True))


@settings(PROPERTY, max_examples=80)
@given(
    data=st.one_of(
        series_with_gaps().map(lambda case: case[0]),
        st.integers(30, 80).map(lambda n: "time,y\n" + "".join(f"{i},{i % 7}\n" for i in range(n))),
        messy_csv(),
    ),
    window=st.sampled_from([2, 8, 30]),
    arguments=options(),
)
def test_the_command_line_refuses_on_one_line_and_plans_without_writing(data, window, arguments):
    """``run`` with any options and data: status 2 with one line, or a plan; and planning,
    accepted or refused, writes nothing (the search itself is replaced by a stub)."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "data.csv").write_text(data)
        space = write_space(tmp, "tiny", window=window)
        words = [word.replace("{tmp}", folder) for word in arguments]
        if not any(word.startswith("--data=") for word in words):
            words.append(f"--data={tmp / 'data.csv'}")
        if not any(word.startswith("--out=") for word in words):
            words.append(f"--out={tmp / 'out'}")
        before = sorted(tmp.rglob("*"))
        planned = []
        stderr = io.StringIO()
        with (
            mock.patch(
                "search.run.execute.execute", lambda plans, *args, **kw: planned.extend(plans)
            ),
            contextlib.redirect_stderr(stderr),
            contextlib.redirect_stdout(io.StringIO()),
            no_hang(),
        ):
            try:
                status = main(["run", str(space), *words])
            except SystemExit as exc:  # argparse's refusal
                status = exc.code
        err = stderr.getvalue()
        assert status in (0, 2), err
        if status == 2:
            assert err.startswith("error: ") and err.count("\n") == 1, err
            assert "s3cret-pw" not in err
            event("refused")
        else:
            assert len(planned) == 1 and err == ""
            event("planned")
        assert sorted(tmp.rglob("*")) == before  # no out directory, no database, nothing
