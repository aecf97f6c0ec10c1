"""``run.log``: one line when a trial starts and one when it ends, appended for good."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from search.outdir import OutDir
from search.study import TrialRecord


class RunLog:
    """Appends to ``<out>/run.log``: what each trial tried, what it reached, how long it
    took, and why it failed. Each line is written whole and flushed at once."""

    def __init__(self, out: str | Path):
        self.path = OutDir(out).run_log

    def _write(self, text: str) -> None:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(f"{stamp} {text}\n")

    def note(self, text: str) -> None:
        """A line about the run itself (start, end, a worker restarted)."""
        self._write(text)

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        values = " ".join(f"{k}={v}" for k, v in config.items())
        self._write(f"trial {number} started on worker {worker + 1}: {values}")

    def trial_ended(self, record: TrialRecord) -> None:
        result = f"val_mae {record.val_mae:.6f}" if record.val_mae is not None else "no val_mae"
        duration = ""
        if record.started and record.finished:
            duration = f" in {(record.finished - record.started).total_seconds():.1f}s"
        epochs = f", {record.epochs} epochs (best {record.best_epoch})" if record.epochs else ""
        error = f": {record.error}" if record.error else ""
        self._write(f"trial {record.number} {record.status}, {result}{epochs}{duration}{error}")
