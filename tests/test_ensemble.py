"""The run's answer: greedy ensemble selection over the trials' and baselines' out-of-fold
forecasts, kept in the study, and its networks handed over as trained or refit."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from conftest import code, write_space

from search.cli import main
from search.data.forecasts import Forecasts, decode, encode
from search.ensemble import Candidate, answer_of, candidates_of, choose, greedy_weights
from search.ensemble._selection import held_out_mae
from search.ensemble.answer import ANCHOR
from search.leaderboard import read_leaderboard
from search.study import RunIdentity
from search.study import records as rec
from search.study.forecasts import read_actuals, read_refits


def _by_hand(predictions: np.ndarray, actual: np.ndarray, steps: int = 100) -> np.ndarray:
    """Caruana's selection written out plainly: the list of picks, the MAE of their mean."""
    picks: list[int] = []
    best, best_picks = np.inf, []
    for _ in range(steps):
        scores = [
            np.mean(np.abs(predictions[[*picks, j]].mean(axis=0) - actual))
            for j in range(len(predictions))
        ]
        picks.append(int(np.argmin(scores)))
        if min(scores) < best:
            best, best_picks = min(scores), list(picks)
    return np.bincount(best_picks, minlength=len(predictions)) / len(best_picks)


def test_greedy_weights_agree_with_selection_written_out_by_hand():
    rng = np.random.default_rng(7)
    actual = np.sin(np.arange(300) / 9)
    predictions = actual + rng.normal(0, 0.3, (6, 300)) + rng.normal(0, 0.2, (6, 1))
    weights = greedy_weights(predictions, actual)
    assert np.allclose(weights, _by_hand(predictions, actual), atol=1e-9, rtol=0)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert (weights > 0).sum() > 1  # independent errors: a mix beats any one member


def test_the_first_step_is_the_best_single_member_so_the_mix_is_never_worse():
    rng = np.random.default_rng(3)
    actual = rng.normal(size=200)
    predictions = actual + rng.normal(0, [[0.2], [0.9], [1.5]], (3, 200))
    single = np.mean(np.abs(predictions - actual), axis=1)
    weights = greedy_weights(predictions, actual)
    mixed = np.mean(np.abs(weights @ predictions - actual))
    assert mixed <= single.min() + 1e-12
    # One member far better than the others: the selection keeps it alone.
    lone = greedy_weights(np.stack([actual, actual + 5, actual - 5]), actual)
    assert lone.tolist() == [1.0, 0.0, 0.0]


def test_forecasts_keep_their_values_whole_and_compactly():
    values = 123_456_789 + np.linspace(-1e3, 1e3, 730).reshape(365, 2) / 7
    kept = encode(values)
    assert decode(kept).shape == (365, 2)
    assert np.array_equal(decode(kept), values)
    assert len(kept["float64"]) < 8 * values.size * 4 / 3 + 4  # base64 of float64, no more
    # What a run kept before, in 32 bits, still reads.
    import base64

    old = {"shape": [365, 2], "float32": base64.b64encode(values.astype("<f4").tobytes()).decode()}
    assert np.array_equal(decode(old), values.astype("float32").astype("float64"))


def test_changing_the_test_values_moves_no_weight_only_the_test_mae():
    rng = np.random.default_rng(11)
    valid, test = rng.normal(size=(120, 1)), rng.normal(size=(40, 1))
    candidates = [
        Candidate(f"m{k}", Forecasts(valid + rng.normal(0, 0.5, valid.shape), test + k * 0.1))
        for k in range(4)
    ]
    one = choose(candidates, Forecasts(valid, test, fold_sizes=(60, 60)))
    other = choose(candidates, Forecasts(valid, test * 3 + 1, fold_sizes=(60, 60)))
    assert [(m.name, m.weight) for m in one.members] == [(m.name, m.weight) for m in other.members]
    assert one.val_mae == other.val_mae and one.fold_maes == other.fold_maes
    assert one.test_mae != other.test_mae
    assert len(one.fold_maes) == 2
    assert np.mean(one.fold_maes) == pytest.approx(one.val_mae, abs=1e-6)


def test_held_out_mae_scores_each_half_s_weights_on_the_other_half():
    rng = np.random.default_rng(5)
    actual = np.cos(np.arange(200) / 7)
    predictions = actual + rng.normal(0, 0.4, (4, 200)) + rng.normal(0, 0.1, (4, 1))
    first = greedy_weights(predictions[:, :100], actual[:100])
    second = greedy_weights(predictions[:, 100:], actual[100:])
    by_hand = np.mean(
        np.r_[
            np.abs(first @ predictions[:, 100:] - actual[100:]),
            np.abs(second @ predictions[:, :100] - actual[:100]),
        ]
    )
    assert held_out_mae(predictions, actual) == pytest.approx(by_hand, abs=1e-12)


def _network_and_baselines(network_error: np.ndarray) -> tuple[list[Candidate], Forecasts]:
    rng = np.random.default_rng(2)
    valid, test = np.sin(np.arange(200) / 5)[:, None], np.zeros((50, 1))
    baselines = [
        Candidate(f"b{k}", Forecasts(valid + rng.normal(0, 0.3, valid.shape), test))
        for k in range(2)
    ]
    network = Candidate("trial 0", Forecasts(valid + network_error[:, None], test), trial=0)
    return [network, *baselines], Forecasts(valid, test)


def test_a_network_good_on_one_half_of_validation_only_is_left_out():
    # Perfect on the first half, far off on the second: on all of validation it looks like
    # the best member; chosen on one half, it fails the other.
    error = np.r_[np.zeros(100), np.full(100, 0.4)]
    candidates, actuals = _network_and_baselines(error)
    assert np.mean(np.abs(error)) < np.mean(np.abs(candidates[1].forecasts.valid - actuals.valid))
    ensemble = choose(candidates, actuals)
    assert ensemble.networks_left_out and ensemble.trials == []
    assert ensemble.held_out[0] > ensemble.held_out[1]
    assert ensemble.candidates == 3
    # A network as good on both halves is kept.
    steady = choose(*_network_and_baselines(np.full(200, 0.05)))
    assert not steady.networks_left_out and steady.trials == [0]


def _driven(path: Path) -> Path:
    """Four years of a daily series driven by yesterday's value of another column, which the
    statistical baselines cannot read and a network can: its networks earn their place."""
    rng = np.random.default_rng(5)
    days = np.arange(1461)
    driver = rng.normal(0.0, 1.0, days.size)
    noise = np.zeros(days.size)
    for t in range(1, days.size):
        noise[t] = 0.6 * noise[t - 1] + rng.normal(0.0, 0.5)
    y = 20 + 3 * np.sin(2 * np.pi * days / 7) + noise + 4 * np.r_[0.0, driver[:-1]]
    dates = pd.date_range("2020-01-01", periods=days.size, freq="D")
    pd.DataFrame({"date": dates, "y": y, "driver": driver}).to_csv(path, index=False)
    return path


def _series(out: Path):
    """The run's series, read as the run read it."""
    from search.data.csvfile import read_csv_series

    return read_csv_series(out.parent / "driven.csv", "y", test=365, features=("driver",))


@pytest.fixture(scope="module")
def tested_run(tmp_path_factory):
    """A tiny run with two folds and a test part, on a series whose networks earn a place."""
    folder = tmp_path_factory.mktemp("ensemble")
    space = write_space(
        folder,
        units=code("Choice(4, 8)"),
        linear_skip=True,
        seasonal_lags=True,
        epochs=3,
        trials=4,
        folds=2,
    )
    out = folder / "out"
    data = _driven(folder / "driven.csv")
    command = ["run", str(space), "--data", str(data), "--column", "y", "--features", "driver"]
    assert main([*command, "--out", str(out), "--test", "365", "--quiet"]) == 0
    study = optuna.load_study(study_name="tiny", storage=f"sqlite:///{out / 'study.db'}")
    return out, study


def test_every_finished_trial_and_baseline_keeps_its_out_of_fold_forecasts(tested_run):
    out, study = tested_run
    actuals = read_actuals(study)
    assert actuals.valid.shape[0] == sum(actuals.fold_sizes) and len(actuals.fold_sizes) == 2
    assert actuals.test.shape == (365, 1)
    candidates = candidates_of(study, folds=2)
    trials = [c for c in candidates if c.is_network]
    assert len(trials) == 4
    table = read_leaderboard(out / "leaderboard.csv")
    for candidate in candidates:
        forecasts = candidate.forecasts
        assert forecasts.valid.shape == actuals.valid.shape and forecasts.test.shape == (365, 1)
        # The kept forecasts are the ones the leaderboard's scores were computed from: a
        # trial's val_mae is the mean of its folds' (the blocks differ by a value).
        if candidate.is_network:
            row = table[table["trial"] == candidate.trial].iloc[0]
            errors = np.abs(forecasts.valid - actuals.valid).reshape(-1)
            folds = np.split(errors, np.cumsum(actuals.fold_sizes)[:-1])
            mae = np.mean([fold.mean() for fold in folds])
            assert mae == pytest.approx(row["val_mae"], abs=1e-5)


def test_the_leaderboard_ranks_the_answer_and_its_weights_can_be_recomputed(tested_run):
    out, study = tested_run
    table = read_leaderboard(out / "leaderboard.csv")
    answer = table[table["status"] == "ensemble"]
    assert len(answer) == 1 and answer["rank"].notna().all()
    row = answer.iloc[0]
    ensemble = answer_of(study)
    assert row["val_mae"] == pytest.approx(ensemble.val_mae)
    assert row["test_mae"] == pytest.approx(ensemble.test_mae)
    assert row["model"] == ensemble.describe()
    # Recomputed from the study's stored forecasts with the selection written out by hand:
    # the baselines' mix chosen on the windows before validation and on validation, joined
    # by the networks where they earned it out of sample, then ANCHOR of the answer given to
    # the baseline with the lowest mean of its folds' MAEs.
    candidates = candidates_of(study, folds=2)
    actuals = read_actuals(study)
    actual = actuals.valid.reshape(-1)
    statistical = [c for c in candidates if not c.is_network]
    networks = [c for c in candidates if c.is_network]
    # One window before validation: two would leave too little training before the first.
    assert actuals.earlier is not None and actuals.earlier.shape == actuals.valid.shape
    # Those that cannot be fitted on one year (a yearly season needs two) take no part.
    early = [c for c in statistical if c.forecasts.earlier is not None]
    assert 0 < len(early) < len(statistical)
    mix = _by_hand(
        np.stack([np.r_[c.forecasts.earlier.ravel(), c.forecasts.valid.ravel()] for c in early]),
        np.r_[actuals.earlier.ravel(), actual],
    )
    weights = {c.name: 0.0 for c in statistical}
    weights |= dict(zip([c.name for c in early], mix, strict=True))
    if not ensemble.networks_left_out:
        mixed = sum(w * c.forecasts.valid.reshape(-1) for c, w in zip(early, mix, strict=True))
        pool = np.stack([mixed, *[c.forecasts.valid.reshape(-1) for c in networks]])
        top = _by_hand(pool, actual)
        weights = {name: w * top[0] for name, w in weights.items()}
        weights |= dict(zip([c.name for c in networks], top[1:], strict=True))
    weights = {name: (1 - ANCHOR) * w for name, w in weights.items()}
    table = read_leaderboard(out / "leaderboard.csv")
    baselines = table[table["status"] == "baseline"].dropna(subset=["val_mae"])
    best = baselines.sort_values("val_mae")["model"].iloc[0]
    weights[best] += ANCHOR
    chosen = {name: w for name, w in weights.items() if w > 0}
    assert {m.name: m.weight for m in ensemble.members} == pytest.approx(chosen, abs=1e-9)
    assert sum(m.weight for m in ensemble.members) == pytest.approx(1.0)
    errors = np.abs(
        sum(m.weight * _valid(candidates, m.name) for m in ensemble.members) - actuals.valid
    )
    folds = np.split(errors, np.cumsum(actuals.fold_sizes)[:-1])
    assert ensemble.val_mae == pytest.approx(np.mean([f.mean() for f in folds]), abs=1e-6)
    kept = study.user_attrs[rec.ENSEMBLE]
    assert [m["name"] for m in kept["members"]] == [m.name for m in ensemble.members]
    # Its intervals on the test part: the share of test values inside them, by hand.
    from search.ensemble.intervals import cross_fitted_residuals, half_width

    width = half_width(cross_fitted_residuals(candidates, actuals)[:, 0], 80)
    forecast = sum(m.weight * _test(candidates, m.name) for m in ensemble.members)[:, 0]
    inside = np.mean(np.abs(actuals.test[:, 0] - forecast) <= width)
    assert row["coverage_80"] == pytest.approx(inside, abs=1e-9)
    assert 0 < row["coverage_80"] <= row["coverage_95"] <= 1 and row["msis_95"] > 0


def _test(candidates: list[Candidate], name: str) -> np.ndarray:
    return next(c.forecasts.test for c in candidates if c.name == name)


def _valid(candidates: list[Candidate], name: str) -> np.ndarray:
    return next(c.forecasts.valid for c in candidates if c.name == name)


def test_an_answer_of_one_member_equals_that_member():
    valid, test = np.linspace(0, 1, 90)[:, None], np.linspace(1, 2, 30)[:, None]
    member = Candidate("ets", Forecasts(valid + 0.1, test - 0.2))
    alone = choose([member], Forecasts(valid, test, fold_sizes=(45, 45)))
    assert [(m.name, m.weight) for m in alone.members] == [("ets", 1.0)]
    assert alone.val_mae == pytest.approx(0.1, abs=1e-9)
    assert alone.test_mae == pytest.approx(0.2, abs=1e-9)
    assert alone.members[0].val_mae == pytest.approx(alone.val_mae, abs=1e-9)


def test_the_answer_s_networks_are_kept_as_the_search_trained_them(tested_run):
    out, study = tested_run
    ensemble = answer_of(study)
    assert ensemble.trials and not read_refits(study) and not ensemble.refit
    # The answer's test forecast is the weighted sum of its networks' test forecasts, as
    # their trials kept them, and the baselines' (fitted on everything before the test part).
    actuals = read_actuals(study)
    candidates = {c.name: c for c in candidates_of(study, folds=2)}
    forecast = sum(m.weight * candidates[m.name].forecasts.test for m in ensemble.members)
    assert ensemble.test_mae == pytest.approx(np.mean(np.abs(forecast - actuals.test)), 1e-6)
    for number in ensemble.trials:
        kept = decode(study.trials[number].user_attrs[rec.TEST_FORECASTS])
        assert np.array_equal(candidates[f"trial {number}"].forecasts.test, kept)
        assert (out / "answer" / f"trial_{number}.keras").exists()
    table = read_leaderboard(out / "leaderboard.csv")
    assert not bool(table.loc[table["status"] == "ensemble", "refit"].iloc[0])
    assert json.loads((out / "answer" / "answer.json").read_text())["refit"] == "none"


def test_refit_full_trains_the_answer_s_networks_again_before_the_test_part(tested_run, tmp_path):
    import shutil

    from search.ensemble.refit import refit_answer
    from search.space import load_space

    source, _ = tested_run
    out = tmp_path / "copy"
    shutil.copytree(source, out)
    study = optuna.load_study(study_name="tiny", storage=f"sqlite:///{out / 'study.db'}")
    identity = RunIdentity.read(study)
    space = load_space(identity.space_path).replace(**identity.overrides, refit="full")
    series = _series(source)
    trained = answer_of(study)
    made = refit_answer(space, series, study, out, say=lambda line: None)
    refits = read_refits(study)
    assert {r.trial for r in made} == set(trained.trials) <= set(refits)
    ensemble = answer_of(study)
    assert ensemble.refit
    candidates = {c.name: c for c in candidates_of(study, folds=2)}
    for number in ensemble.trials:
        assert np.array_equal(candidates[f"trial {number}"].forecasts.test, refits[number].test)
    assert json.loads((out / "answer" / "answer.json").read_text())["refit"] == "full"
    # Back to the default: the refits are dropped and the networks saved as trained.
    refit_answer(space.replace(refit="none"), series, study, out, say=lambda line: None)
    assert not read_refits(study) and not answer_of(study).refit


def test_a_refit_trains_on_the_validation_part_the_search_did_not(tested_run):
    from dataclasses import replace

    from search.ensemble.refit import refit_trial
    from search.space import load_space

    out, study = tested_run
    identity = RunIdentity.read(study)
    space = load_space(identity.space_path).replace(**identity.overrides)
    series = _series(out)
    assert (series.split, series.test_start) == (identity.split, identity.test_start)
    number = min(t.number for t in study.trials if t.state.is_finished())
    first = refit_trial(space, series, study, number)
    again = refit_trial(space, series, study, number)
    assert np.array_equal(first.test, again.test)  # its seed: the same forecasts again
    # Values of the validation part, far from the test part's inputs, move the refit.
    values = series.values.copy()
    values[identity.split : identity.split + 100] += 5.0
    moved = refit_trial(space, replace(series, values=values), study, number)
    assert not np.allclose(moved.test, first.test)


def test_the_saved_answer_loads_safely_elsewhere_and_reproduces_its_test_mae(tested_run):
    out, study = tested_run
    ensemble = answer_of(study)
    info = json.loads((out / "answer" / "answer.json").read_text())
    assert [m["name"] for m in info["members"]] == [m.name for m in ensemble.members]
    script = textwrap.dedent(
        f"""
        import numpy as np
        from search.data.csvfile import read_csv_series
        from search.ensemble.saved import load_answer
        series = read_csv_series(
            {str(out.parent / "driven.csv")!r}, "y", test=365, features=("driver",)
        )
        # Its networks with safe_mode=True; its statistical members fitted before the test
        # part, as the run scored them.
        answer = load_answer({str(out)!r}, fit_end=series.test_start)
        labels = series.origins(series.test_start, len(series.values))
        forecast = answer.one_step(series, labels)[:, 0]
        print(float(np.mean(np.abs(forecast - series.values[labels]))))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    assert float(done.stdout.split()[-1]) == pytest.approx(ensemble.test_mae, abs=1e-4)


def test_forecast_uses_the_answer_fitted_on_all_the_data_and_says_so(tested_run, capsys, tmp_path):
    from search.ensemble.saved import load_answer

    out, study = tested_run
    # One-step forecasts only: the networks read a column whose future is not known.
    assert main(["forecast", str(out), "--output", str(tmp_path / "a.csv")]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"the answer: {answer_of(study).describe()} (statistical members")
    assert "fitted on all 1461 values" in said and "through 2023-12-31" in said
    table = pd.read_csv(tmp_path / "a.csv")
    assert table["forecast"].notna().all()
    # The same numbers as the answer loaded in Python, its statistical members fitted on
    # everything; fitted before the test part instead, it scores the run's test MAE.
    series = _series(out)
    answer = load_answer(out)
    labels = answer.labels(series)
    assert np.allclose(table["forecast"], answer.one_step(series, labels)[:, 0], atol=1e-6)
    before = load_answer(out, fit_end=series.test_start)
    tested = labels[labels >= series.test_start]
    mae = np.mean(np.abs(before.one_step(series, tested)[:, 0] - series.values[tested]))
    assert mae == pytest.approx(answer_of(study).test_mae, abs=1e-4)
    assert main(["forecast", str(out), "--best-trial", "--output", str(tmp_path / "b.csv")]) == 0
    assert "trial" in capsys.readouterr().out
