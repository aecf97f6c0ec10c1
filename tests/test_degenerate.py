"""Degenerate series (issue 24, item 5): a constant one trains and its summary says why no
skill is given; one too short, or with a single value, is refused on one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.cli import main
from search.leaderboard import read_leaderboard


def _csv(path: Path, values: list[str]) -> Path:
    dates = np.datetime64("2024-01-01") + np.arange(len(values))
    rows = [f"{d},{v}" for d, v in zip(dates, values, strict=True)]
    path.write_text("\n".join(["date,value", *rows]) + "\n")
    return path


def test_a_constant_series_trains_and_the_summary_says_why_no_skill_is_given(
    space_file, tmp_path, capsys
):
    data = _csv(tmp_path / "constant.csv", ["5.0"] * 300)
    out = tmp_path / "out"
    assert main(["run", str(space_file()), "--data", str(data), "--out", str(out)]) == 0
    table = read_leaderboard(out / "leaderboard.csv")
    assert (table["status"] == "complete").sum() == 2
    printed = capsys.readouterr().out
    line = next(x for x in printed.splitlines() if "the best baseline:" in x)
    assert "no skill on validation and no skill on the test part" in line
    assert "its MAE there is 0: it forecasts every value exactly" in line
    assert main(["report", str(out)]) == 0  # and the report says so too, without dividing by 0
    assert "Chosen on validation" in (out / "report.md").read_text()


def _refused(arguments: list[str], capsys) -> str:
    capsys.readouterr()
    assert main(arguments) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    (line,) = captured.err.strip().splitlines()
    return line


@pytest.mark.parametrize("count", [12, 25])
def test_a_series_too_short_to_train_is_refused_on_one_line(space_file, tmp_path, capsys, count):
    noise = np.random.RandomState(count).randn(count)
    data = _csv(tmp_path / "short.csv", [f"{10 + v:.4f}" for v in noise])
    line = _refused(["run", str(space_file()), "--data", str(data)], capsys)
    assert line.startswith("error: short.csv:value: the training part has")
    assert "too few" in line


@pytest.mark.parametrize("fill", [[], ["--fill", "interpolate"], ["--fill", "previous"]])
def test_a_series_with_a_single_value_is_refused_on_one_line(space_file, tmp_path, capsys, fill):
    data = _csv(tmp_path / "single.csv", ["3.0" if i == 5 else "" for i in range(300)])
    line = _refused(["run", str(space_file()), "--data", str(data), *fill], capsys)
    assert line.startswith("error: ") and "single.csv: column 'value' has" in line
    assert ("use --fill" in line) if not fill else ("has 1 value; need at least 2" in line)
