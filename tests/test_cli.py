"""The command line's conventions: --help everywhere, exit 2 and one line for bad input,
nothing written on a refused run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import code

from search.cli import main


@pytest.mark.parametrize(
    "command", [[], ["run"], ["report"], ["forecast"], ["reproduce"], ["lr-find"]]
)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--help"])
    assert caught.value.code == 0
    assert "usage: python -m search" in capsys.readouterr().out


def test_help_runs_as_a_module_without_waiting_for_heavy_imports():
    result = subprocess.run(
        [sys.executable, "-m", "search", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "run" in result.stdout and result.stderr == ""
    # Parsing comes before a run starts its forkserver: whatever it imports delays the
    # forkserver's TensorFlow import, the longest step of a run's start.
    code = (
        "import sys\n"
        "from search.cli.arguments import build_parser\n"
        "build_parser()\n"
        "heavy = ('tensorflow', 'keras', 'pandas', 'optuna')\n"
        "print(' '.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert loaded.stdout.strip() == ""


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["run", "nope.py"], "nope.py: no such space file"),
        (["run", "SPACE", "--data", "missing.csv"], "missing.csv: no such data file"),
        (["run", "SPACE", "--data", "course"], "unknown data set 'course'"),
        (["run", "SPACE", "--split", "999999"], "outside the series"),
        (["run", "SPACE", "--storage", "nonsense://"], "storage"),
        (["report", "OUT"], "no run here"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    arguments, message, space_file, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    space = space_file()
    arguments = [
        str(space) if a == "SPACE" else str(tmp_path / "out") if a == "OUT" else a
        for a in arguments
    ]
    assert (
        main([*arguments, *(["--out", str(tmp_path / "out")] if "run" in arguments else [])]) == 2
    )
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists() and not (tmp_path / "results").exists()


def test_an_invalid_space_names_file_line_and_field(space_file, tmp_path, capsys):
    path = space_file(units=code("Int(64, 8)"))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {path}:") and "field 'units': inverted range" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "option", [["--trials", "0"], ["--epochs", "-1"], ["--tuner", "magic"], ["--budget", "soon"]]
)
def test_bad_options_are_usage_errors(option, space_file, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["run", str(space_file()), *option])
    assert caught.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_debug_shows_the_traceback(capsys):
    assert main(["run", "nope.py", "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err
