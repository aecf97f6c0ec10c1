"""What the people running a search see: the progress lines, ``run.log``, and the
leaderboard rewritten from the study as trials end."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import optuna

from search.events import TrialEvents
from search.leaderboard import rebuild_leaderboard
from search.run.log import RunLog
from search.run.progress import Progress
from search.study import read_records

# While a run goes on, the leaderboard is rewritten after a trial at most this often (the
# run rewrites it whole when it ends): a rewrite selects the answer again, a tenth of a
# second of a core or more, taken from the workers when trials last seconds.
LEADERBOARD_SECONDS = 10.0


class Monitor(TrialEvents):
    """Hears a run's events (from its supervisor) and shows them to a person."""

    def __init__(self, study: optuna.Study, out: Path, progress: Progress):
        self.study = study
        self.out = out
        self.progress = progress
        self.log = RunLog(out)
        self._written = -math.inf  # when the leaderboard was last rewritten (monotonic)

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        self.log.trial_started(number, config, worker)
        self.progress.trial_started(number, config, worker)

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        self.progress.epoch_ended(number, epoch, val_mae, worker, fold)

    def trial_ended(self, number: int, worker: int = 0) -> None:
        if time.monotonic() - self._written >= LEADERBOARD_SECONDS:
            rebuild_leaderboard(self.study, self.out)
            self._written = time.monotonic()
        records = read_records(self.study)
        record = next((r for r in records if r.number == number), None)
        if record is not None:
            self.log.trial_ended(record)
            self.progress.trial_ended(record, records)

    def message(self, text: str) -> None:
        """Something a person must see whatever the verbosity (a worker died, an error)."""
        self.log.note(text)
        self.progress.print(text, error=True)
