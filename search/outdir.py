"""Every path of a run's out directory, named once: what a run, the report and the forecast
write there and read back, and where out directories go by default. Nothing is imported
here but ``pathlib``: the command line's parser and the progress lines read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Where out directories go by default: results/<space>, results/<study>.
RESULTS = Path("results")
# The queue of one machine: the service's database when no --storage is given.
QUEUE_FILE = RESULTS / "queue.db"
# Where a service worker keeps its scratch out directories, one per search (--work-dir).
WORK_DIR = RESULTS / "worker"
# Each trial's learning curve, kept beside it in the artifact store (search.worker.artifacts).
LEARNING_CURVE = "learning_curve.csv"
# A range test's name: the folder of a run's range tests, the stem of ``lr-find``'s files.
_RANGE_TEST = "lr_find"


def range_test_files(stem: Path) -> dict[str, Path]:
    """A range test's files by kind: ``<stem>.csv`` step by step, ``<stem>.json`` its
    conclusion and ``<stem>.png`` its plot."""
    return {kind: stem.with_name(f"{stem.name}.{kind}") for kind in ("csv", "json", "png")}


@dataclass(frozen=True)
class OutDir:
    """A run's out directory, such as ``OutDir(Path("results/lstm"))``, and the path of
    everything a run writes or reads in it."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))  # a str will do

    @classmethod
    def default(cls, name: str) -> OutDir:
        """``results/<name>``: a space's or a study's out directory when none is given."""
        return cls(RESULTS / name)

    # -- the run ------------------------------------------------------------------------------

    @property
    def run_file(self) -> Path:
        """``run.json``: which study the directory belongs to, and where it is kept."""
        return self.path / "run.json"

    @property
    def run_log(self) -> Path:
        """``run.log``: a line when each trial starts and ends, appended for good."""
        return self.path / "run.log"

    @property
    def study_db(self) -> Path:
        """``study.db``: the SQLite study, unless the run was given a storage URL."""
        return self.path / "study.db"

    @property
    def leaderboard(self) -> Path:
        """``leaderboard.csv``: every trial ranked, beside the baselines and the answer."""
        return self.path / "leaderboard.csv"

    @property
    def best_model(self) -> Path:
        """``best_model.keras``: the best trial's model (search.model.best)."""
        return self.path / "best_model.keras"

    @property
    def best_model_info(self) -> Path:
        """``best_model.json``: which trial the best model is, and what it reads."""
        return self.path / "best_model.json"

    @property
    def best_model_lock(self) -> Path:
        """The lock that keeps the best model to one writer at a time."""
        return self.path / ".best_model.lock"

    @property
    def keras_tuner(self) -> Path:
        """``keras_tuner``: the project a Keras Tuner algorithm resumes from."""
        return self.path / "keras_tuner"

    @property
    def keras_tuner_lock(self) -> Path:
        """The lock that keeps a Keras Tuner project to one process at a time."""
        return self.path / "keras_tuner.lock"

    @property
    def range_tests(self) -> Path:
        """``lr_find``: the folder of the range tests of an automatic learning rate."""
        return self.path / _RANGE_TEST

    def range_test(self, group: str) -> dict[str, Path]:
        """The files of the range test of ``group`` (see ``range_test_files``)."""
        return range_test_files(self.range_tests / group)

    @property
    def lr_find(self) -> dict[str, Path]:
        """The files the ``lr-find`` command writes here (see ``range_test_files``)."""
        return range_test_files(self.path / _RANGE_TEST)

    # -- the answer ---------------------------------------------------------------------------

    @property
    def answer_dir(self) -> Path:
        """``answer``: the run's answer, to be used without the study."""
        return self.path / "answer"

    @property
    def answer_file(self) -> Path:
        """``answer/answer.json``: the answer's members and weights."""
        return self.answer_dir / "answer.json"

    def answer_model(self, trial: int) -> Path:
        """``answer/trial_<n>.keras``: a network of the answer."""
        return self.answer_dir / f"trial_{trial}.keras"

    @property
    def answer_residuals(self) -> Path:
        """``answer/residuals.npy``: the answer's cross-fitted validation errors, for its
        intervals (``search.ensemble.intervals``)."""
        return self.answer_dir / "residuals.npy"

    # -- the report and the forecast ----------------------------------------------------------

    @property
    def report(self) -> Path:
        """``report.md``: the morning report."""
        return self.path / "report.md"

    @property
    def figures(self) -> Path:
        """``figures``: the report's figures."""
        return self.path / "figures"

    def figure(self, name: str) -> Path:
        """``figures/<name>.png``: one figure of the report."""
        return self.figures / f"{name}.png"

    @property
    def forecast(self) -> Path:
        """``forecast.csv``: what ``forecast`` writes when not told where."""
        return self.path / "forecast.csv"

    # -- as a whole ---------------------------------------------------------------------------

    def link(self, path: Path) -> str:
        """``path`` as a link from this directory's files (``figures/history.png``)."""
        return Path(path).relative_to(self.path).as_posix()

    def fresh(self) -> tuple[Path, ...]:
        """What ``run --fresh`` removes: what the run writes here (its study is deleted
        apart). The report, its figures and forecasts stay until written again."""
        return (
            self.leaderboard,
            self.run_file,
            self.run_log,
            self.best_model,
            self.best_model_info,
            self.answer_dir,
            self.keras_tuner,
            self.keras_tuner_lock,
            self.range_tests,
        )
