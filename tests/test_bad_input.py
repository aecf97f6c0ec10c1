"""Bad input, refused cleanly: exit status 2, one line on standard error that says what is
wrong, where and what to do, no traceback, and nothing written; a run already in the out
directory is left exactly as it was.

Every case drives the command line in-process and trains nothing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import code, write_space

from search.cli import main

DAYS = "".join(f"2024-01-{day:02d},{day}\n" for day in range(1, 29))
HUNDRED_DAYS = "".join(
    f"{day},{i % 9}\n" for i, day in enumerate(np.arange("2024-01-01", "2024-04-10", dtype="M8[D]"))
)


def _numbers(count: int, start: int = 0) -> str:
    return "".join(f"{i}\n" for i in range(start, start + count))


def _status(arguments: list[str]) -> int:
    """The command's exit status; argparse refuses bad options by raising SystemExit."""
    try:
        return main(arguments)
    except SystemExit as exc:
        return exc.code


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder``, with the files' contents."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def _refused(capsys, arguments: list[str]) -> str:
    """Run a command that must be refused; its one line of standard error."""
    status = _status(arguments)
    printed = capsys.readouterr()
    assert status == 2, printed.err
    assert "Traceback" not in printed.err
    assert printed.out == ""
    lines = printed.err.splitlines()
    assert len(lines) == 1, printed.err
    assert lines[0].startswith("error: ")
    return lines[0]


def case(name, *fragments, arguments=(), fields=None, files=None, space=None, env=None):
    """One bad command: ``arguments`` after ``run SPACE --out OUT`` ({tmp} is the test's
    folder), the space's ``fields``, or a space file's whole text (``space``, str or
    bytes); ``files`` to create first (content None: a folder); ``env`` variables."""
    return pytest.param(
        dict(arguments=list(arguments), fields=fields or {}, files=files or {}, space=space),
        env or {},
        fragments,
        id=name,
    )


CSV = "{tmp}/data.csv"

CASES = [
    # -- the data ----------------------------------------------------------------------
    case(
        "data-is-a-folder",
        "data.csv: is a directory, not a CSV file",
        arguments=["--data", CSV],
        files={"data.csv": None},
    ),
    case(
        "data-is-not-text",
        "data.csv: is not a text CSV file",
        arguments=["--data", CSV],
        files={"data.csv": b"\xff\xfe\x00\x81y\n\x80\x81\n"},
    ),
    case(
        "data-is-empty",
        "data.csv: the file is empty; expected a header line and rows",
        arguments=["--data", CSV],
        files={"data.csv": ""},
    ),
    case(
        "data-has-a-header-only",
        "data.csv: has a header but no rows",
        arguments=["--data", CSV],
        files={"data.csv": "date,y\n\n"},
    ),
    case(
        "data-column-does-not-exist",
        "data.csv: no column 'price'; the columns are 'date', 'y'",
        arguments=["--data", CSV, "--column", "price"],
        files={"data.csv": "date,y\n" + DAYS},
    ),
    case(
        "data-time-column-does-not-exist",
        "data.csv: no time column 'when'; the columns are 'date', 'y'",
        arguments=["--data", CSV, "--column", "y", "--time-column", "when"],
        files={"data.csv": "date,y\n" + DAYS},
    ),
    case(
        "data-column-not-said",
        "data.csv: say which column to forecast with --column; the columns are 'a', 'b'",
        arguments=["--data", CSV],
        files={"data.csv": "a,b\n" + "1,2\n" * 40},
    ),
    case(
        "data-value-not-a-number",
        "data.csv: column 'y', line 42: 'abc' is not a number (2 such values)",
        arguments=["--data", CSV],
        files={"data.csv": "y\n" + _numbers(40) + "abc\n1\nxyz\n"},
    ),
    case(
        "data-value-too-large-for-the-models",
        "data.csv: column 'y', line 12: '1e39' is infinite or too large",
        arguments=["--data", CSV],
        files={"data.csv": "y\n" + _numbers(10) + "1e39\n" + _numbers(30)},
    ),
    case(
        "data-missing-values",
        "data.csv: column 'y' has 2 missing values, the first on line 12",
        "use --fill interpolate or --fill previous",
        arguments=["--data", CSV],
        files={"data.csv": "y\n" + _numbers(10) + "\nNA\n" + _numbers(30)},
    ),
    case(
        "feature-column-does-not-exist",
        "data.csv: no feature column 'temp'; the columns are 'date', 'y', 'heat'",
        arguments=["--data", CSV, "--column", "y", "--features", "temp"],
        files={
            "data.csv": "date,y,heat\n" + "".join(f"2024-01-{d:02d},{d},1\n" for d in range(1, 29))
        },
    ),
    case(
        "feature-column-has-gaps",
        "data.csv: feature column 'heat' has 1 missing values, the first at 2024-01-03",
        "a feature needs a value at every time step",
        arguments=["--data", CSV, "--column", "y", "--features", "heat"],
        files={
            "data.csv": "date,y,heat\n"
            + "".join(f"2024-01-{d:02d},{d},{'' if d == 3 else 1}\n" for d in range(1, 29))
        },
    ),
    case(
        "known-column-not-a-feature",
        "field 'known': names columns known in advance; each must also be among the features",
        arguments=["--data", CSV, "--column", "y", "--known", "heat"],
        files={
            "data.csv": "date,y,heat\n" + "".join(f"2024-01-{d:02d},{d},1\n" for d in range(1, 29))
        },
    ),
    case(
        "features-on-a-built-in-series",
        "course-exercise is a built-in series: --column, --time-column, --fill, --features",
        arguments=["--features", "heat"],
    ),
    case(
        "seasonal-lags-season-longer-than-the-training-part",
        "the training part (70 values) is too short for lags one season back (season 60)",
        arguments=["--data", CSV, "--column", "y", "--season", "60"],
        fields={"window": 4, "seasonal_lags": True},
        files={"data.csv": "date,y\n" + HUNDRED_DAYS},
    ),
    case(
        "calendar-without-a-season",
        "calendar needs a season, and none is known",
        arguments=["--data", CSV, "--column", "y", "--season", "none"],
        fields={"window": 4, "calendar": code("Boolean()")},
        files={"data.csv": "date,y\n" + HUNDRED_DAYS},
    ),
    case(
        "data-time-gaps",
        "data.csv: time column 'date' has 2 missing time steps, the first after line 3",
        "use --fill interpolate or --fill previous",
        arguments=["--data", CSV],
        files={"data.csv": "date,y\n2024-01-01,1\n2024-01-02,2\n2024-01-05,5\n2024-01-06,6\n"},
    ),
    case(
        "data-fractional-time-has-no-false-gap-but-a-real-one",
        "data.csv: time column 't' has 1 missing time steps, the first after line 4 (0.3)",
        arguments=["--data", CSV, "--column", "y", "--time-column", "t"],
        files={"data.csv": "t,y\n0.1,1\n0.2,2\n0.3,3\n0.5,5\n0.6,6\n0.7,7\n"},
    ),
    case(
        "data-gap-too-large-to-fill",
        "data.csv: time column 'time' has 999999999960 missing time steps",
        "too many to fill for 41 rows; check the time stamps there",
        arguments=["--data", CSV, "--column", "y", "--fill", "previous"],
        files={
            "data.csv": "time,y\n" + "".join(f"{i},{i}\n" for i in range(40)) + "1000000000000,1\n"
        },
    ),
    case(
        "data-time-not-usable",
        "data.csv: time column 'time', line 5: 'inf' is not a usable time",
        arguments=["--data", CSV, "--column", "y"],
        files={"data.csv": "time,y\n1,1\n2,2\n3,3\ninf,4\n"},
    ),
    case(
        "data-too-short-for-the-window",
        "data.csv:y: the training part has 7 values, too few for windows of 8",
        "use a shorter window or a later --split",
        arguments=["--data", CSV],
        files={"data.csv": "y\n" + _numbers(10)},
    ),
    case(
        "data-too-short-for-the-baselines",
        "data.csv:y: the training part has 10 values, too few for the baselines' windows of 20",
        "give at least 22 training values (more rows or a later --split)",
        arguments=["--data", CSV],
        fields=dict(window=2),
        files={"data.csv": "y\n" + _numbers(15)},
    ),
    case(
        "data-too-short-for-any-split",
        "data.csv: the series has only 2 values, too few for a training part and a validation",
        arguments=["--data", CSV],
        files={"data.csv": "y\n1\n2\n"},
    ),
    case(
        "split-too-early-for-the-window",
        "course-exercise: the training part has 5 values, too few for windows of 8",
        arguments=["--split", "5"],
    ),
    case(
        "split-past-the-end-of-a-csv",
        "data.csv: split 40 is outside the series (it has 40 values)",
        "give a row index between 1 and 39 or a fraction such as 0.8",
        arguments=["--data", CSV, "--split", "40"],
        files={"data.csv": "y\n" + _numbers(40)},
    ),
    case(
        "split-fraction-leaves-no-validation",
        "course-exercise: split 0.9999999 is outside the series (it has 3651 values)",
        arguments=["--split", "0.9999999"],
    ),
    case(
        "split-inside-the-test-part",
        "course-exercise: split 3500 leaves no validation part before the test part (its "
        "last 365 values, from row 3286)",
        "give an earlier --split or a smaller --test",
        arguments=["--split", "3500", "--test", "365"],
    ),
    case(
        "test-part-leaves-nothing",
        "course-lecture: a test part of 1460 values leaves too little",
        arguments=["--data", "course-lecture", "--test", "1460"],
    ),
    case(
        "option-test-not-a-number",
        "argument --test: 'year' is not a number such as 365 or 0.1",
        arguments=["--test", "year"],
    ),
    case(
        "option-season-not-a-period",
        "argument --season: must be a period in steps (2 to 100000)",
        arguments=["--season", "1"],
    ),
    case(
        "option-zero-folds",
        "argument --folds: must be a whole number from 1 to 20, not 0",
        arguments=["--folds", "0"],
    ),
    case(
        "folds-too-many-for-the-validation-part",
        "course-lecture: 20 folds leave blocks of 1 validation values; give fewer folds",
        arguments=["--data", "course-lecture", "--folds", "20", "--split", "1440"],
        fields=dict(epochs=1),
    ),
    case(
        "space-season-not-a-period",
        "tiny.py:3: field 'season': must be a period in steps",
        fields=dict(season=code("[48, 0.5]")),
    ),
    case(
        "space-hyperband-with-folds",
        "tiny.py:3: field 'folds': the hyperband tuner trains trials on from saved weights",
        fields=dict(tuner="hyperband", folds=3),
    ),
    case(
        "column-given-for-a-built-in-series",
        "course-exercise is a built-in series: --column, --time-column, --fill, --features and",
        arguments=["--column", "y"],
    ),
    # -- the space file ------------------------------------------------------------------
    case(
        "space-syntax-error",
        "broken.py: line 2: syntax error: '(' was never closed",
        space="from search import Space\nspace = Space(\n",
    ),
    case(
        "space-raises-on-import",
        "broken.py: line 2: raised RuntimeError: boom",
        space="from search import Space\nraise RuntimeError('boom')\n",
    ),
    case(
        "space-exits-on-import",
        "broken.py: line 2: raised SystemExit: 0",
        space="import sys\nsys.exit(0)\n",
    ),
    case(
        "space-not-utf8",
        "broken.py: cannot be read",
        space=b"from search import Space\n# \xff\xfe\nspace = Space()\n",
    ),
    case("space-is-a-folder", "folder.py: is not a file", files={"folder.py": None}),
    case(
        "space-wrong-type",
        "tiny.py:3: field 'units': 'many' is not a whole number",
        fields=dict(units="many"),
    ),
    case(
        "space-empty-range",
        "tiny.py:3: field 'units': empty range Int(4, 4); to fix the value, write it without",
        fields=dict(units=code("Int(4, 4)")),
    ),
    case(
        "space-inverted-float-range",
        "tiny.py:3: field 'learning_rate': inverted range Float(0.01, 0.0001): min is above max",
        fields=dict(learning_rate=code("Float(1e-2, 1e-4, log=True)")),
    ),
    case(
        "space-unknown-cell",
        "tiny.py:3: field 'cell': unknown value 'tcn'; expected one of rnn, lstm, gru",
        fields=dict(cell=code("Choice('lstm', 'tcn')")),
    ),
    case(
        "space-unknown-loss",
        "tiny.py:3: field 'loss': unknown value 'hinge'; expected one of huber, mse, mae",
        fields=dict(loss="hinge"),
    ),
    case(
        "space-unknown-optimizer",
        "tiny.py:3: field 'optimizer': unknown value 'adagrad'; expected one of adam",
        fields=dict(optimizer="adagrad"),
    ),
    case(
        "space-unknown-tuner",
        "tiny.py:3: field 'tuner': unknown tuner 'genetic'; expected one of tpe",
        fields=dict(tuner="genetic"),
    ),
    case(
        "space-unknown-field",
        "tiny.py:3: field 'dropuot': unknown field; did you mean 'dropout'?",
        fields=dict(dropuot=0.1),
    ),
    case(
        "space-huge-number",
        "tiny.py:3: field 'dropout': 1000",
        "must be at least 0 and below 1",
        fields=dict(dropout=code("10**400")),
    ),
    case(
        "space-range-step-not-a-number",
        "tiny.py:3: field 'units': Int step must be finite, not nan",
        fields=dict(units=code("Int(2, 8, step=float('nan'))")),
    ),
    case(
        "space-automatic-rate-in-a-point",
        "tiny.py:3: field 'points.big.learning_rate': an automatic rate is found per group",
        fields=dict(points={"big": {"learning_rate": "auto"}}),
    ),
    case(
        "space-zero-trials",
        "tiny.py:3: field 'trials': must be a whole number 1 or more, not 0",
        fields=dict(trials=0),
    ),
    case(
        "space-negative-budget",
        "tiny.py:3: field 'budget': the budget must be above zero, not -3",
        fields=dict(budget=-3),
    ),
    case(
        "space-seed-numpy-cannot-take",
        "tiny.py:3: field 'seed': must be a whole number from 0 to 2147483647",
        fields=dict(seed=2**32),
    ),
    # -- options -------------------------------------------------------------------------
    case(
        "option-zero-trials",
        "argument --trials: must be a whole number 1 or more, not 0; "
        "see python -m search run --help",
        arguments=["--trials", "0"],
    ),
    case(
        "option-negative-trials",
        "argument --trials: must be a whole number 1 or more, not -3",
        arguments=["--trials", "-3"],
    ),
    case(
        "option-zero-epochs",
        "argument --epochs: must be a whole number 1 or more, not 0",
        arguments=["--epochs", "0"],
    ),
    case(
        "option-zero-workers",
        "argument --workers: must be 1 or more, not 0",
        arguments=["--workers", "0"],
    ),
    case(
        "option-negative-workers",
        "argument --workers: must be 1 or more, not -2",
        arguments=["--workers", "-2"],
    ),
    case(
        "option-zero-budget",
        "argument --budget: the budget must be above zero, not '0'",
        arguments=["--budget", "0"],
    ),
    case(
        "option-negative-budget",
        "argument --budget: '-5m' is not a duration such as 8h, 30m or 90s",
        arguments=["--budget=-5m"],
    ),
    case(
        "option-zero-grace",
        "argument --grace: must be 1 or more, not 0",
        arguments=["--grace", "0"],
    ),
    case(
        "option-unknown-fill",
        "argument --fill: unknown fill 'zero'; expected one of interpolate, previous",
        arguments=["--fill", "zero"],
    ),
    case(
        "option-seed-numpy-cannot-take",
        "argument --seed: must be a whole number from 0 to 2147483647, not",
        arguments=["--seed", "4294967296"],
    ),
    case(
        "option-several-workers-for-keras-tuner",
        "--workers 2: Keras Tuner's 'random' keeps its state in one process",
        arguments=["--workers", "2", "--tuner", "random"],
    ),
    # -- the storage ---------------------------------------------------------------------
    case(
        "storage-not-a-url",
        "--storage (or SEARCH_STORAGE) 'not a url' is not a storage URL; give one such as sqlite:///",
        arguments=["--storage", "not a url"],
    ),
    case(
        "storage-from-the-environment-not-a-url",
        "--storage (or SEARCH_STORAGE) 'nonsense' is not a storage URL",
        env={"SEARCH_STORAGE": "nonsense"},
    ),
    case(
        "storage-bad-port-hides-the-password",
        "(or SEARCH_STORAGE) 'postgresql://someone:***@db.example.org:port/search' is not a "
        "storage URL",
        arguments=["--storage", "postgresql://someone:s3cret-pw@db.example.org:port/search"],
    ),
    case(
        "storage-folder-does-not-exist",
        "storage sqlite:///{tmp}/nowhere/study.db: folder {tmp}/nowhere does not exist",
        "create it or give another --storage (or SEARCH_STORAGE)",
        arguments=["--storage", "sqlite:///{tmp}/nowhere/study.db"],
    ),
    case(
        "storage-folder-does-not-exist-even-with-fresh",
        "folder {tmp}/nowhere does not exist; create it or give another --storage (or "
        "SEARCH_STORAGE)",
        arguments=["--fresh"],
        env={"SEARCH_STORAGE": "sqlite:///{tmp}/nowhere/study.db"},
    ),
    case(
        "storage-unknown-database",
        "cannot open storage oracle2://someone@db.example.org/search",
        arguments=["--storage", "oracle2://someone@db.example.org/search"],
    ),
    case(
        # Refused after the storage is named: no new database file may be left behind.
        "storage-new-sqlite-file-then-refused",
        "--workers 2: Keras Tuner's 'grid' keeps its state in one process",
        arguments=["--storage", "sqlite:///{tmp}/new.db", "--workers", "2", "--tuner", "grid"],
    ),
    # -- the out directory ---------------------------------------------------------------
    case(
        "out-under-a-file",
        "{tmp}/taken/out: {tmp}/taken is a file, not a directory; choose another --out",
        arguments=["--out", "{tmp}/taken/out"],
        files={"taken": "a file"},
    ),
    case(
        "out-is-a-file",
        "{tmp}/taken: {tmp}/taken is a file, not a directory; choose another --out",
        arguments=["--out", "{tmp}/taken"],
        files={"taken": "a file"},
    ),
]


@pytest.mark.parametrize("command, env, fragments", CASES)
def test_bad_input_is_refused_on_one_line_and_nothing_is_written(
    command, env, fragments, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a default out directory (results/...) would land here
    for name, value in env.items():
        monkeypatch.setenv(name, value.replace("{tmp}", str(tmp_path)))
    for name, content in command["files"].items():
        path = tmp_path / name
        if content is None:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    if command["space"] is not None:
        space = tmp_path / "broken.py"
        text = command["space"]
        space.write_bytes(text if isinstance(text, bytes) else text.encode())
    elif "folder.py" in command["files"]:
        space = tmp_path / "folder.py"
    else:
        space = write_space(tmp_path, "tiny", **command["fields"])
    before = _snapshot(tmp_path)

    arguments = [a.replace("{tmp}", str(tmp_path)) for a in command["arguments"]]
    if "--out" not in arguments:
        arguments += ["--out", str(tmp_path / "out")]
    line = _refused(capsys, ["run", str(space), *arguments])

    for fragment in fragments:
        assert fragment.replace("{tmp}", str(tmp_path)) in line
    assert "s3cret-pw" not in line
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("storage", [None, "sqlite:///{tmp}/shared.db"])
def test_a_bad_space_later_in_a_batch_refuses_the_whole_batch(
    storage, tmp_path, capsys, monkeypatch
):
    """Every space is checked before the first starts; checking the first one's study
    must not create its database either."""
    monkeypatch.chdir(tmp_path)
    good = write_space(tmp_path, "good")
    bad = write_space(tmp_path, "bad", loss="hinge")
    before = _snapshot(tmp_path)
    options = ["--storage", storage.replace("{tmp}", str(tmp_path))] if storage else []
    line = _refused(capsys, ["run", str(good), str(bad), *options])
    assert "bad.py:3: field 'loss': unknown value 'hinge'" in line
    assert _snapshot(tmp_path) == before  # not even results/good, nor shared.db


def _git(folder: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *arguments], check=True, capture_output=True, text=True
    ).stdout


def test_refused_commands_leave_a_previous_run_exactly_as_it_was(tmp_path, capsys):
    """A real run's files under git; each refused command must leave no trace at all."""
    space = write_space(tmp_path, "tiny", trials=1)
    out = tmp_path / "out"
    assert main(["run", str(space), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    assert {"leaderboard.csv", "study.db", "run.json", "run.log"} <= {p.name for p in out.iterdir()}
    _git(out, "init", "-q")
    _git(out, "add", "-A")
    _git(out, "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", "run")
    assert _git(out, "status", "--porcelain") == ""

    other = tmp_path / "other"
    other.mkdir()
    another_space = write_space(other, "tiny", trials=1, units=5)
    broken_space = write_space(other, "broken", units=code("Int(8, 2)"))
    (tmp_path / "bad.csv").write_text("y\n1\n2\nabc\n")
    refusals = [
        ([str(another_space)], ["holds another run (units 4 → 5)", "--fresh", "--out"]),
        ([str(space), "--data", "course-lecture"], ["data 'course-exercise' → 'course-lecture'"]),
        ([str(space), "--epochs", "3"], ["holds another run (epochs 2 → 3)", "--fresh"]),
        ([str(space), "--split", "3100"], ["holds another run (split 3000 → 3100); use"]),
        ([str(space), "--tuner", "random"], ["Keras Tuner's algorithms cannot continue"]),
        (
            [str(space), "--storage", f"sqlite:///{out}/other.db", "--workers=2", "--tuner=grid"],
            ["--workers 2: Keras Tuner's 'grid'"],
        ),
        ([str(space), "--trials", "0"], ["argument --trials"]),
        ([str(space), "--split", "999999"], ["outside the series"]),
        ([str(broken_space)], ["field 'units': inverted range"]),
        ([str(space), "--fresh", "--data", str(tmp_path / "bad.csv")], ["'abc' is not a number"]),
        ([str(space), "--fresh", "--workers", "0"], ["argument --workers"]),
        ([str(space), "--storage", "not a url"], ["is not a storage URL"]),
    ]
    for arguments, fragments in refusals:
        line = _refused(capsys, ["run", *arguments, "--out", str(out)])
        for fragment in fragments:
            assert fragment in line, line
        assert _git(out, "status", "--porcelain") == "", arguments
