"""What a person sees while a run works: live on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from datetime import datetime, timedelta

from search.run.progress import Progress, format_seconds
from search.study import TrialRecord


def _record(number, value, status="complete", seconds=10.0):
    start = datetime(2026, 1, 1, 22, 0, 0)
    return TrialRecord(
        number,
        status,
        value,
        {"units": 8, "loss": "mae"},
        epochs=5,
        best_epoch=4,
        train_seconds=seconds,
        started=start,
        finished=start + timedelta(seconds=seconds),
    )


def test_a_live_status_shows_each_worker_s_trial_and_epoch():
    stream = io.StringIO()
    progress = Progress(["units", "loss"], 10, epochs=50, workers=2, stream=stream, live=True)
    progress.trial_started(
        3, {"cell": "lstm", "depth": 1, "units": 8, "learning_rate": 0.001}, worker=1
    )
    progress.epoch_ended(3, 7, 2.91234, worker=1)
    lines = progress.status_lines()
    assert lines[0].strip().startswith("worker 2  trial #3  epoch 7/50  val_mae 2.9123")
    assert "LSTM 8 lr=0.001" in lines[0]
    assert lines[-1].strip().startswith("0/10 trials, best -")
    text = stream.getvalue()
    assert "epoch 7/50" in text and "\x1b[" in text  # drawn, with terminal codes


def test_a_finished_trial_stays_above_the_status_with_the_best_and_time_left():
    stream = io.StringIO()
    progress = Progress(["units", "loss"], 4, epochs=5, stream=stream, live=True)
    first = _record(0, 3.1)
    progress.trial_started(0, first.config)
    progress.trial_ended(first, [first])
    assert "trial 1/4 #0   complete    val_mae 3.1000  best 3.1000 (trial 0)" in stream.getvalue()
    assert progress.time_left() == 30.0  # three more trials at ten seconds each
    assert progress.status_lines()[-1].strip().startswith("1/4 trials, best 3.1000 (trial 0)")


def test_elsewhere_one_plain_line_per_trial_and_quiet_prints_nothing(capsys):
    for quiet, expected in ((False, 1), (True, 0)):
        stream = io.StringIO()
        progress = Progress(["units"], 2, epochs=5, stream=stream, quiet=quiet, live=False)
        progress.trial_started(0, {"units": 8})
        progress.epoch_ended(0, 1, 3.5)
        record = _record(0, 3.5)
        progress.trial_ended(record, [record])
        assert stream.getvalue().count("\n") == expected
        assert "\x1b[" not in stream.getvalue()
    progress.print("a worker died", error=True)  # errors are printed even when quiet
    assert "a worker died" in capsys.readouterr().err


def test_durations_read_well():
    assert [format_seconds(s) for s in (42, 365, 8040)] == ["42s", "6m05s", "2h14m"]


def test_on_a_terminal_the_status_is_redrawn_at_every_epoch(space_file, tmp_path):
    space = space_file(epochs=6, trials=1, batch_size=1024)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "run", str(space), "--out", str(tmp_path / "out")],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the run ended
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=300) == 0
    text = output.decode(errors="replace")
    drawn = {int(n) for n in re.findall(r"trial #0  epoch (\d+)/6", text)}
    assert drawn >= {1, 2, 3, 4, 5, 6}
    assert "trial 1/1 #0" in text and "best val_mae" in text


def test_the_leaderboard_is_rewritten_at_most_every_few_seconds_while_trials_end(
    tmp_path, monkeypatch
):
    from search.run import monitor as monitor_module

    clock = iter([100.0, 100.0, 103.0, 109.0, 111.0, 111.0])
    monkeypatch.setattr(monitor_module.time, "monotonic", lambda: next(clock))
    written = []
    monkeypatch.setattr(monitor_module, "rebuild_leaderboard", lambda study, out: written.append(1))
    monkeypatch.setattr(monitor_module, "read_records", lambda study: [])
    monkeypatch.setattr(monitor_module, "LEADERBOARD_SECONDS", 10.0)
    progress = Progress(["units"], 10, epochs=5, stream=io.StringIO(), live=False)
    monitor = monitor_module.Monitor(None, tmp_path, progress)
    for number in range(4):  # trials end at 100, 103, 109 and 111 s
        monitor.trial_ended(number)
    assert len(written) == 2  # at 100 s and at 111 s: 3 and 9 s after a rewrite, none
