"""What a person sees while a run works.

On a terminal: a live status line per worker (trial, epoch, its val MAE) under a line for
the run (trials done, best so far, time left), redrawn at every epoch; finished trials
scroll above it. Elsewhere (a file, cron, CI): one plain line per finished trial. Quiet:
nothing but errors.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import pandas as pd

from search.states import SCORED, Status
from search.study import TrialRecord
from search.study.records import rank_key
from search.vocabulary import describe
from search.yardstick import Yardstick

_COUNTED = (*SCORED, Status.FAILED)


def format_value(value: Any) -> str:
    """A hyperparameter value as a person reads it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def format_config(config: dict[str, Any], names: Sequence[str]) -> str:
    """The searched values of a configuration, such as ``depth=2 units_1=64 loss=mae``."""
    return " ".join(f"{n}={format_value(config[n])}" for n in names if n in config)


def format_seconds(seconds: float) -> str:
    """``42s``, ``6m05s``, ``2h14m``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@dataclass
class _Running:
    number: int
    config: dict[str, Any]
    epoch: int = 0
    val_mae: float | None = None
    fold: int = 1


class Progress:
    """Shows a run's progress: ``live`` on a terminal, ``lines`` elsewhere, or ``quiet``.

    ``budget`` is the study's number of trials; ``deadline`` (a wall-clock time) the end of
    the run's time budget, if any; ``epochs`` the epoch cap of a trial on each of its
    ``folds``.
    """

    def __init__(
        self,
        searched: Sequence[str],
        budget: int,
        *,
        epochs: int,
        folds: int = 1,
        workers: int = 1,
        deadline: float | None = None,
        stream: TextIO | None = None,
        quiet: bool = False,
        live: bool | None = None,
    ):
        self.searched = list(searched)
        self.budget = budget
        self.epochs = epochs
        self.folds = folds
        self.workers = workers
        self.deadline = deadline
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.live = (not quiet) and (self.stream.isatty() if live is None else live)
        self.started = time.time()
        self.running: dict[int, _Running] = {}
        self.done = 0
        self.best: TrialRecord | None = None
        self._durations: list[float] = []
        self._drawn = 0

    # -- events ---------------------------------------------------------------------------

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        self.running[worker] = _Running(number, config)
        self._draw()

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        state = self.running.get(worker)
        if state is not None and state.number == number:
            state.epoch, state.val_mae, state.fold = epoch, val_mae, fold
        self._draw()

    def trial_ended(self, record: TrialRecord, records: Sequence[TrialRecord]) -> None:
        for worker, state in list(self.running.items()):
            if state.number == record.number:
                del self.running[worker]
        self.done = sum(r.status in _COUNTED and not _superseded(r, records) for r in records)
        scored = [r for r in records if r.status in SCORED and r.val_mae is not None]
        self.best = min(scored, key=lambda r: rank_key(r, self.folds)) if scored else None
        if record.started and record.finished:
            self._durations.append((record.finished - record.started).total_seconds())
        self.print(self._trial_line(record))

    def print(self, text: str, *, error: bool = False) -> None:
        """A line that stays, above the live status on a terminal; ``error`` lines go to
        standard error and are printed even when quiet."""
        if self.quiet and not error:
            return
        self._clear()
        print(text, file=sys.stderr if error else self.stream, flush=True)
        self._draw()

    def close(self) -> None:
        """Take the live status off the terminal."""
        self._clear()

    # -- lines ----------------------------------------------------------------------------

    def _trial_line(self, record: TrialRecord) -> str:
        score = f"val_mae {record.val_mae:.4f}" if record.val_mae is not None else "val_mae -"
        best = self.best
        best_text = f"best {best.val_mae:.4f} (trial {best.number})" if best else "best -"
        detail = f"  {record.error}" if record.error and record.status != Status.COMPLETE else ""
        seconds = f"{record.train_seconds:.0f}s" if record.train_seconds is not None else ""
        return (
            f"trial {self.done}/{self.budget} #{record.number:<3d} {record.status:<11s} {score}  "
            f"{best_text}  {seconds:>5s}  {format_config(record.config, self.searched)}{detail}"
        )

    def status_lines(self) -> list[str]:
        """The live status: a line per running trial, then the run's line."""
        lines = []
        for worker in sorted(self.running):
            state = self.running[worker]
            who = f"worker {worker + 1}  " if self.workers > 1 else ""
            score = f"val_mae {state.val_mae:.4f}" if state.val_mae is not None else ""
            fold = f"fold {state.fold}/{self.folds}  " if self.folds > 1 else ""
            lines.append(
                f"  {who}trial #{state.number}  {fold}epoch {state.epoch}/{self.epochs}  {score}  "
                f"{_short_model(state.config)}"
            )
        best = f"best {self.best.val_mae:.4f} (trial {self.best.number})" if self.best else "best -"
        elapsed = format_seconds(time.time() - self.started)
        left = self.time_left()
        left_text = f", about {format_seconds(left)} left" if left is not None else ""
        lines.append(f"  {self.done}/{self.budget} trials, {best}, {elapsed} elapsed{left_text}")
        return lines

    def time_left(self) -> float | None:
        """Estimated seconds to the end: the trials still to run at the pace so far, or the
        time budget, whichever ends first."""
        estimates = []
        if self._durations:
            remaining = max(0, self.budget - self.done)
            mean = sum(self._durations) / len(self._durations)
            estimates.append(remaining * mean / max(1, self.workers))
        if self.deadline is not None:
            estimates.append(max(0.0, self.deadline - time.time()))
        return min(estimates) if estimates else None

    # -- drawing --------------------------------------------------------------------------

    def _draw(self) -> None:
        if not self.live:
            return
        self._clear()
        lines = self.status_lines()
        self.stream.write("".join(f"\x1b[2m{line}\x1b[0m\n" for line in lines))
        self.stream.flush()
        self._drawn = len(lines)

    def _clear(self) -> None:
        if self.live and self._drawn:
            # Up to the first status line, then clear to the end of the screen.
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self.stream.flush()
            self._drawn = 0

    # -- the end --------------------------------------------------------------------------

    def summary(self, table: pd.DataFrame, yardstick: Yardstick, path: Any) -> None:
        """The best trial beside the baselines (and the noise floor, where known), on
        validation and, where there is one, on the test part."""
        trials = table[table["rank"].notna() & table["trial"].notna()]
        if trials.empty:
            self.print(f"no trial finished; see {path}")
            return
        best = trials.iloc[0]
        config = {k: best[k] for k in self.searched if k in best}
        test = f", test_mae {best['test_mae']:.4f}" if pd.notna(best.get("test_mae")) else ""
        self.print(
            f"best val_mae {best['val_mae']:.4f}{test} (trial {int(best['trial'])}, "
            f"{best['model']}; {format_config(config, list(config))})"
        )
        fitted = sorted(
            (b for b in yardstick.baselines if b.val_mae is not None), key=lambda b: b.val_mae
        )
        beside = [f"{b.name} {b.val_mae:.3f}" for b in fitted]
        if yardstick.noise_floor is not None:
            beside.append(f"noise floor {yardstick.noise_floor:.3f}")
        self.print(f"  beside: {', '.join(beside)}")
        if yardstick.best is not None:
            self.print(f"  {_skill_line(best, yardstick)}")
        answer = table[table["status"] == Status.ENSEMBLE]
        if not answer.empty:
            self.print(_answer_line(answer.iloc[0], yardstick))
        self.print(f"  leaderboard: {path}")


def _skill_line(best: pd.Series, yardstick: Yardstick) -> str:
    """How the best trial compares with the best baseline, in words; where no skill can be
    given, why."""
    baseline = yardstick.best
    scored = [(yardstick.skill(best["val_mae"]), baseline.val_mae, "on validation")]
    if pd.notna(best.get("test_mae")) and baseline.test_mae is not None:
        skill = yardstick.test_skill(best["test_mae"])
        scored.append((skill, baseline.test_mae, "on the test part"))
    parts = " and ".join(_relative(skill, where) for skill, _, where in scored)
    line = f"against {baseline.name}, the best baseline: {parts}"
    # A skill divides by the baseline's MAE: none is given where that MAE is 0 (on a
    # constant series, say, which the last value forecasts exactly).
    missing = [reference for skill, reference, _ in scored if skill is None]
    if missing and all(reference == 0 for reference in missing):
        line += " (its MAE there is 0: it forecasts every value exactly, nothing can do better)"
    elif missing:
        line += " (a skill needs the baseline's MAE to be above 0)"
    return line


def _answer_line(answer: pd.Series, yardstick: Yardstick) -> str:
    """The ensemble chosen on the out-of-fold forecasts: what it is, and what it scores."""
    test = ""
    if pd.notna(answer.get("test_mae")):
        refit = " (networks refit before the test part)" if answer.get("refit") is True else ""
        test = f", test_mae {answer['test_mae']:.4f}{refit}"
    line = f"answer: ensemble {answer['model']}: val_mae {answer['val_mae']:.4f}{test}"
    if yardstick.best is not None:
        line += f"\n  {_skill_line(answer, yardstick)}"
    return line


def _relative(skill: float | None, where: str) -> str:
    if skill is None:
        return f"no skill {where}"
    return f"{skill:.1%} better {where}" if skill >= 0 else f"{-skill:.1%} worse {where}"


def _short_model(config: dict[str, Any]) -> str:
    name = describe(config)
    rate = config.get("learning_rate")
    return f"{name} lr={rate:.2g}" if isinstance(rate, float) else name


def _superseded(record: TrialRecord, records: Sequence[TrialRecord]) -> bool:
    return any(r.retry_of == record.number for r in records)
