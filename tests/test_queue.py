"""The queue's status read from a study alone: its best trial is the leaderboard's first
(issue 24, item 4). Trials are written into the study by hand; nothing trains."""

from __future__ import annotations

import json

import optuna
from optuna.trial import TrialState, create_trial

from search.cli import main
from search.leaderboard import build_leaderboard
from search.study import RunIdentity, read_records
from search.study import records as rec


def _trial(state: TrialState, value: float, folds: list[float], test: float):
    attrs = {rec.VAL_MAE: sum(folds) / len(folds), rec.FOLD_MAES: folds, rec.TEST_MAE: test}
    # A pruned trial's value is its last epoch's score, as Optuna keeps it; its recorded
    # validation MAE is its best epoch's.
    return create_trial(
        state=state,
        value=value,
        user_attrs=attrs,
        intermediate_values={0: value},
    )


def test_status_names_the_leaderboard_s_best_trial(space_file, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    assert main(["submit", str(space_file("ranked", folds=2, trials=3)), "--storage", url]) == 0
    study = optuna.load_study(study_name="ranked", storage=url)
    # Out of time in its first fold: its mean is over another block than the others'.
    study.add_trial(_trial(TrialState.COMPLETE, 0.5, [0.5], test=0.4))
    study.add_trial(_trial(TrialState.PRUNED, 1.0, [0.8, 1.0], test=0.7))  # pruned late
    study.add_trial(_trial(TrialState.COMPLETE, 1.2, [1.1, 1.3], test=1.0))

    capsys.readouterr()
    assert main(["status", "--storage", url, "--json"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["best_val_mae"], row["best_test_mae"]) == (0.9, 0.7)

    identity = RunIdentity.read(study)
    table = build_leaderboard(read_records(study), identity.yardstick)
    first = table[table["status"].isin(("complete", "pruned"))].iloc[0]
    assert first["val_mae"] == row["best_val_mae"]


def test_replace_is_refused_while_workers_train_the_old_search(space_file, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    space = str(space_file("busy"))
    assert main(["submit", space, "--storage", url]) == 0
    # A worker's trial, as a worker holds it: running, with a fresh heartbeat.
    storage = optuna.storages.RDBStorage(url, heartbeat_interval=10)
    study = optuna.load_study(study_name="busy", storage=storage)
    trial = study.ask()
    storage.record_heartbeat(trial._trial_id)

    def replace() -> tuple[int, str]:
        capsys.readouterr()
        status = main(["submit", space, "--storage", url, "--replace"])
        return status, capsys.readouterr().err

    status, err = replace()
    assert status == 2 and err.count("\n") == 1
    assert "'busy' has 1 trial(s) running on workers; cancel it" in err
    assert main(["cancel", "busy", "--storage", url]) == 0
    assert replace()[0] == 2  # cancelled, but its trial has not ended yet
    assert optuna.load_study(study_name="busy", storage=url).trials[0].state == TrialState.RUNNING
    study.tell(trial, state=TrialState.FAIL)  # the worker ends it
    assert replace()[0] == 0
    assert optuna.load_study(study_name="busy", storage=url).trials == []  # started over


def test_a_worker_reads_the_trials_of_an_ended_search_once(space_file, tmp_path):
    from search.service.queue import list_searches
    from search.states import SearchState
    from search.study import open_storage

    url = f"sqlite:///{tmp_path / 'queue.db'}"
    for name in ("ended", "open", "cancelled"):
        assert main(["submit", str(space_file(name, trials=2)), "--storage", url]) == 0
    study = optuna.load_study(study_name="ended", storage=url)
    for value in (1.0, 2.0):  # every trial of its budget has ended
        study.add_trial(_trial(TrialState.COMPLETE, value, [value], test=value))
    assert main(["cancel", "cancelled", "--storage", url]) == 0
    storage = open_storage(url)
    read = []
    every_trial = storage.get_all_trials
    storage.get_all_trials = lambda study_id, **kw: (
        read.append(study_id) or every_trial(study_id, **kw)
    )
    ended = {}
    first = list_searches(storage, ended)
    states = {s.name: s.state for s in first}
    assert states == {
        "ended": SearchState.DONE,
        "open": SearchState.QUEUED,
        "cancelled": SearchState.CANCELLED,
    }
    assert len(read) == 3 and len(ended) == 2
    read.clear()
    assert list_searches(storage, ended) == first  # the same answer...
    assert read == [storage.get_study_id_from_name("open")]  # ...reading the open one alone
    # A search replaced under the same name is a new study: read again, not remembered.
    assert main(["submit", str(space_file("ended", trials=3)), "--storage", url, "--replace"]) == 0
    read.clear()
    again = {s.name: s for s in list_searches(storage, ended)}
    assert again["ended"].state == SearchState.QUEUED and again["ended"].trials == 3
    assert storage.get_study_id_from_name("ended") in read
