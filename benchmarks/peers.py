"""Peers: well-known forecasters from Nixtla's libraries scored on the product's test parts.
statsforecast's AutoETS, AutoTheta and MSTL, and neuralforecast's AutoLSTM (Optuna, a
wall-clock budget per seed), each scored by one-step-ahead forecasts of every test value.

    python benchmarks/peers.py                                   # all four, both series
    python benchmarks/peers.py --only ets,theta,mstl             # the statistical ones (seconds)
    python benchmarks/peers.py --only autolstm --series course-exercise --budget 30 --seeds 42

Needs the peers extra (pip install -e '.[peers]'). The series are the product's own:
``course-exercise --test 365``, and the demand example cut by ``spaces/demand.py``'s data
settings. Every model is fitted on the values before the test part and forecasts each test
value from the real values before it, with its parameters fixed, as the product scores its
test MAE. The statistical models are univariate; AutoLSTM reads a feature's past.

``--budget`` bounds each AutoLSTM search: no trial starts after it, and the trial running
then stops at its next validation (at most 100 steps on); the best configuration is then
refit in full and forecasts the test part. Its seconds count all of it.

Prints a markdown table and writes it to ``--out``/peers.md and ``--out``/peers.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import logging
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

PEERS = ("ets", "theta", "mstl", "arima", "autolstm")
SERIES = ("course-exercise", "demand")
NAMES = {"ets": "AutoETS", "theta": "AutoTheta", "mstl": "MSTL", "arima": "AutoARIMA"}
NAMES["autolstm"] = "AutoLSTM"
PACKAGES = {peer: "statsforecast" for peer in ("ets", "theta", "mstl", "arima")}
PACKAGES["autolstm"] = "neuralforecast"
# AutoLSTM's trial cap: high enough that the wall-clock budget is what ends the search.
MAX_TRIALS = 10_000


@dataclasses.dataclass
class Result:
    """One peer on one series: its test MAE per seed (one, unseeded, for the statistical
    models) and the seconds each fit and forecast took."""

    series: str
    model: str
    maes: list[float]
    seconds: list[float]
    seeds: list[int]
    note: str

    def row(self) -> str:
        mae = f"{statistics.median(self.maes):.3f}"
        if len(self.maes) > 1:
            mae += f" [{min(self.maes):.3f}-{max(self.maes):.3f}]"
        seeds = ",".join(map(str, self.seeds)) or "—"
        seconds = f"{statistics.median(self.seconds):.1f}"
        return f"| {self.series} | {self.model} | {mae} | {seconds} | {seeds} | {self.note} |"


# -- the series -------------------------------------------------------------------------------


def load_series(name: str, out: Path) -> Any:
    """The product's series ``name``: the course's exercise with a 365-day test part, or the
    demand example (written to ``out``/demand.csv) cut as ``spaces/demand.py`` cuts it."""
    if name == "course-exercise":
        from search.data.builtin import builtin_series

        return builtin_series("course-exercise", test=365)
    from search import load_space

    data = out / "demand.csv"
    subprocess.run(
        [sys.executable, "-m", "search", "example", "demand", str(data)],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    source = load_space(REPO / "spaces" / "demand.py").source()
    return dataclasses.replace(source, data=str(data.resolve())).load()


def test_positions(series: Any) -> np.ndarray:
    """The test points the product scores: the real values of the test part."""
    return series.origins(series.test_start, len(series.values))


def test_mae(series: Any, forecasts: np.ndarray) -> float:
    """MAE over the scored test points of one-step ``forecasts`` of the whole test part."""
    positions = test_positions(series)
    errors = forecasts[positions - series.test_start] - series.values[positions].astype("float64")
    return float(np.mean(np.abs(errors)))


# -- statsforecast: fitted before the test part, run forward over it with parameters fixed ----


def ets_forecasts(values: np.ndarray, test_start: int, season: int) -> tuple[np.ndarray, str]:
    """AutoETS fitted on ``values[:test_start]``; ``forward`` runs the fitted state-space
    model (parameters and initial states fixed) over all the values, and its in-sample
    fitted values are the one-step forecasts, each from the values before it."""
    from statsforecast.models import AutoETS

    model = AutoETS(season_length=season).fit(values[:test_start])
    fitted = model.forward(y=values, h=1, fitted=True)["fitted"]
    kind = ets_name(model.model_["components"])
    if kind.endswith("N)"):
        return fitted[test_start:], f"{kind}: no season chosen from {season}"
    return fitted[test_start:], f"{kind}, season {model.model_['m']}"


def ets_name(components: str) -> str:
    """statsforecast's ETS components (error, trend, season, damping) as ETS(A,Ad,A)."""
    error, trend, seasonal, damped = components[:4]
    return f"ETS({error},{trend}{'d' if damped != 'N' else ''},{seasonal})"


def theta_forecasts(values: np.ndarray, test_start: int, season: int) -> tuple[np.ndarray, str]:
    """AutoTheta fitted on ``values[:test_start]``, then its theta recursion run over all the
    values with the fitted parameters, on values seasonally adjusted by the fit's own
    seasonal indices.

    A static model (STM, OTM) forecasts from origin t with its theta line's A_t and B_t
    fitted to the values up to t; its in-sample fitted values use the whole sample's
    instead. So the one-step forecasts are run by its dynamic twin (DSTM, DOTM), whose
    recursion updates A_t and B_t from the values so far: the same forecast from each
    origin, from the values before it only.

    Not ``AutoTheta.forward``: that re-runs the seasonal test and the classical (centred)
    decomposition on the values it is given, test part included, fits the static theta line
    to all of them, and its fitted values leave the season out under an additive
    decomposition. The training fit's seasonal indices are periodic, so they extend over
    the test part as they are.
    """
    from statsforecast.models import AutoTheta
    from statsforecast.theta import thetamodel

    model = AutoTheta(season_length=season).fit(values[:test_start])
    fit = model.model_
    multiplicative = fit.get("decomposition_type") == "multiplicative"
    seasonal, adjusted = None, values
    if fit.get("decompose"):
        pattern = np.asarray(fit["seas_forecast"]["mean"], dtype="float64")
        seasonal = pattern[(np.arange(len(values)) - test_start) % len(pattern)]
        adjusted = values / seasonal if multiplicative else values - seasonal
    par = fit["par"]
    run = thetamodel(
        y=adjusted,
        m=fit["m"],
        modeltype=DYNAMIC.get(fit["modeltype"], fit["modeltype"]),
        initial_smoothed=par["initial_smoothed"],
        alpha=par["alpha"],
        theta=par["theta"],
        nmse=3,
    )
    fitted = adjusted - run["residuals"]
    if seasonal is None:
        return fitted[test_start:], f"{fit['modeltype']}: no season (its test rejected {season})"
    fitted = fitted * seasonal if multiplicative else fitted + seasonal
    return fitted[test_start:], f"{fit['modeltype']}, {fit['decomposition_type']} season {season}"


def mstl_forecasts(
    values: np.ndarray, test_start: int, seasons: tuple[int, ...]
) -> tuple[np.ndarray, str]:
    """MSTL fitted on ``values[:test_start]``: its seasonal components carried over the
    test part (each repeats its last cycle, as MSTL forecasts them), the test values
    adjusted by them, and the fitted trend model (AutoETS without season) run forward over
    the adjusted series with its parameters fixed; forecast = one-step trend + season.

    Not ``MSTL.forward``: that decomposes the values it is given, test part included, with
    centred LOESS smoothers.
    """
    from statsforecast.models import MSTL

    model = MSTL(season_length=list(seasons)).fit(values[:test_start])
    decomposition = model.model_
    columns = [c for c in decomposition.columns if c.startswith("seasonal")]
    steps = np.arange(len(values) - test_start)
    future = np.zeros(len(steps))
    for column, period in zip(columns, model.season_length, strict=True):
        last = decomposition[column].to_numpy()[-period:]
        future += last[steps % period]
    adjusted_train = (decomposition["trend"] + decomposition["remainder"]).to_numpy()
    adjusted = np.concatenate([adjusted_train, values[test_start:] - future])
    trend = model.trend_forecaster.forward(y=adjusted, h=1, fitted=True)["fitted"]
    kind = ets_name(model.trend_forecaster.model_["components"])
    return trend[test_start:] + future, f"seasons {list(model.season_length)}, trend {kind}"


def arima_forecasts(values: np.ndarray, test_start: int, season: int) -> tuple[np.ndarray, str]:
    """AutoARIMA fitted on ``values[:test_start]``; ``forward`` runs the chosen model with its
    coefficients fixed over all the values, and its fitted values are one-step forecasts."""
    from statsforecast.models import AutoARIMA

    # R's auto.arima approximates the likelihood during its search beyond 150 values or a
    # season beyond 12; statsforecast's default never does (over 5 minutes on a year of
    # hourly values with a season of 24).
    approximate = test_start > 150 or season > 12
    model = AutoARIMA(season_length=season, approximation=approximate).fit(values[:test_start])
    fitted = model.forward(y=values, h=1, fitted=True)["fitted"]
    p, q, big_p, big_q, m, d, big_d = model.model_["arma"]
    kind = f"ARIMA({p},{d},{q})" + (f"({big_p},{big_d},{big_q})[{m}]" if m > 1 else "")
    return fitted[test_start:], kind


# A static theta model's one-step forecasts from every origin are its dynamic twin's.
DYNAMIC = {"STM": "DSTM", "OTM": "DOTM"}

STATISTICAL: dict[str, Callable[[np.ndarray, int, Any], tuple[np.ndarray, str]]] = {
    "ets": ets_forecasts,
    "theta": theta_forecasts,
    "mstl": mstl_forecasts,
    "arima": arima_forecasts,
}


# The longest season a one-season peer is given where it must be short: statsforecast's ETS
# drops a longer one, and a seasonal ARIMA of a week of hours (168) took 10 GB and did not
# finish here.
SHORT_SEASON = 24


def short_season(seasons: Any) -> int:
    """The longest of ``seasons`` of at most ``SHORT_SEASON`` steps; 1 for none."""
    return max((s for s in seasons if s <= SHORT_SEASON), default=1)


def run_statistical(peer: str, name: str, series: Any) -> Result:
    """One statsforecast model on the series ``name``; univariate, deterministic."""
    values = series.values.astype("float64")
    # AutoETS and AutoTheta take one season: the longest, as the product's ETS baseline;
    # AutoARIMA the longest short one.
    season: Any = series.seasons if peer == "mstl" else max(series.seasons, default=1)
    if peer == "arima":
        season = short_season(series.seasons)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecasts, note = STATISTICAL[peer](values, series.test_start, season)
    seconds = time.perf_counter() - started
    if series.features:
        note += f"; univariate ({', '.join(series.features)} unused)"
    mae = test_mae(series, forecasts)
    return Result(name, NAMES[peer], [mae], [seconds], [], note)


# -- neuralforecast's AutoLSTM ----------------------------------------------------------------


def search_deadline(seconds: float, trials: int) -> Any:
    """What ends AutoLSTM's search ``seconds`` from now: as a Lightning callback it stops a
    search trial's training at its first validation past the deadline (the trial then
    reports that validation loss); as an Optuna callback it stops the study after the trial
    in progress. The best configuration's refit that follows is never stopped."""
    import pytorch_lightning as pl

    class SearchDeadline(pl.Callback):
        def __init__(self) -> None:
            self.deadline = time.monotonic() + seconds
            self.searching = True

        def __deepcopy__(self, memo: dict) -> SearchDeadline:
            return self  # one shared state across the trials' copied configurations

        def on_validation_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
            if self.searching and not trainer.sanity_checking and self.over():
                trainer.should_stop = True

        def __call__(self, study: Any, trial: Any) -> None:
            if self.over() or len(study.trials) >= trials:
                self.searching = False
                study.stop()

        def over(self) -> bool:
            return time.monotonic() >= self.deadline

    return SearchDeadline()


def lstm_frame(series: Any) -> tuple[Any, Any]:
    """The series as neuralforecast's long frame (``unique_id``, ``ds``, ``y`` and the
    feature columns) and its frequency."""
    import pandas as pd

    frame = pd.DataFrame({"unique_id": "series", "y": series.values.astype("float64")})
    time_stamps = np.asarray(series.time) if series.time is not None else None
    if time_stamps is not None and time_stamps.dtype.kind == "M":
        frame["ds"] = pd.to_datetime(time_stamps)
        freq: Any = pd.tseries.frequencies.to_offset(pd.Timedelta(np.median(np.diff(time_stamps))))
    else:
        frame["ds"] = np.arange(len(series.values))
        freq = 1
    for name, column in series.features.items():
        frame[name] = column.astype("float64")
    return frame, freq


def autolstm_forecasts(
    series: Any, seed: int, budget: float, refit_with_val: bool
) -> tuple[np.ndarray, int]:
    """AutoLSTM with Nixtla's default search space (its seed fixed to ``seed``), searched by
    Optuna's TPE on the validation part for ``budget`` seconds, then one-step forecasts of
    the test part by ``cross_validation`` without refitting; and the number of trials."""
    import optuna
    from neuralforecast import NeuralForecast
    from neuralforecast.auto import AutoLSTM

    frame, freq = lstm_frame(series)
    deadline = search_deadline(budget, MAX_TRIALS)
    space = AutoLSTM.get_default_config(h=1, backend="optuna")
    fixed = {
        "random_seed": seed,
        # The product reads a feature's past, and a known feature's value at t too.
        "hist_exog_list": [name for name in series.features if name not in series.known] or None,
        "futr_exog_list": list(series.known) or None,
        "accelerator": "cpu",
        "callbacks": [deadline],
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "logger": False,
    }

    def config(trial: Any) -> dict[str, Any]:
        return {**space(trial), **fixed}

    model = AutoLSTM(
        h=1,
        config=config,
        search_alg=optuna.samplers.TPESampler(seed=seed),
        num_samples=MAX_TRIALS,
        refit_with_val=refit_with_val,
        backend="optuna",
        callbacks=[deadline],
    )
    forecaster = NeuralForecast(models=[model], freq=freq)
    n_test = len(series.values) - series.test_start
    result = forecaster.cross_validation(
        df=frame,
        n_windows=n_test,
        step_size=1,
        val_size=series.test_start - series.split,
        refit=False,
    )
    where = frame["ds"].searchsorted(result["ds"])
    if not np.array_equal(where, np.arange(series.test_start, len(series.values))):
        raise RuntimeError("AutoLSTM's cross-validation did not forecast the test part")
    fitted = forecaster.models[0]  # NeuralForecast fits copies of the models it is given
    return result["AutoLSTM"].to_numpy("float64"), len(fitted.results.trials)


def run_autolstm(
    name: str, series: Any, seeds: list[int], budget: float, refit_with_val: bool, threads: int
) -> Result:
    """AutoLSTM on the series ``name``, one separate search and fit per seed."""
    import optuna
    import pytorch_lightning  # noqa: F401  (sets its loggers' levels on import: then ours)
    import torch

    torch.set_num_threads(threads)
    for logger in ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning_fabric"):
        logging.getLogger(logger).setLevel(logging.ERROR)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    maes, seconds, trials = [], [], []
    for seed in seeds:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecasts, count = autolstm_forecasts(series, seed, budget, refit_with_val)
        seconds.append(time.perf_counter() - started)
        maes.append(test_mae(series, forecasts))
        trials.append(count)
        print(
            f"  seed {seed}: test MAE {maes[-1]:.3f}, {count} trials, {seconds[-1]:.0f} s",
            file=sys.stderr,
        )
    refit = "refit on training part" if refit_with_val else "refit on training+validation"
    inputs = ", ".join(
        f"{feature} as {'known' if feature in series.known else 'past'} covariate"
        for feature in series.features
    )
    note = "; ".join(
        part
        for part in (
            f"{budget:g} s search, {count_range(trials)} trials",
            refit,
            inputs,
        )
        if part
    )
    return Result(name, NAMES["autolstm"], maes, seconds, list(seeds), note)


def count_range(counts: list[int]) -> str:
    """``3`` for one count, ``2-4`` for several."""
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}-{high}"


# -- the command ------------------------------------------------------------------------------


def names(text: str, allowed: tuple[str, ...], what: str) -> list[str]:
    """A comma list of names, each one of ``allowed``."""
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in allowed]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}"
        )
    return chosen


def seed_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seeds must be integers, such as 42,43,44: {text}"
        ) from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        type=lambda text: names(text, PEERS, "peer"),
        default=list(PEERS),
        help=f"a comma list of peers (default: {','.join(PEERS)})",
    )
    parser.add_argument(
        "--series",
        type=lambda text: names(text, SERIES, "series"),
        default=list(SERIES),
        help=f"a comma list of series (default: {','.join(SERIES)})",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=300.0,
        help="AutoLSTM's search budget per seed, in seconds (default: 300)",
    )
    parser.add_argument(
        "--seeds", type=seed_list, default=[42, 43, 44], help="AutoLSTM's seeds (default: 42,43,44)"
    )
    parser.add_argument(
        "--refit-with-val",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="AutoLSTM's refit_with_val: the best configuration's refit keeps the validation "
        "part out of training (default); --no-refit-with-val trains it on everything before "
        "the test part",
    )
    parser.add_argument("--threads", type=int, default=2, help="torch's threads (default: 2)")
    parser.add_argument("--out", default="results/bench-peers")
    args = parser.parse_args()

    missing = sorted(
        {PACKAGES[p] for p in args.only if importlib.util.find_spec(PACKAGES[p]) is None}
    )
    if missing:
        print(
            f"peers.py: {' and '.join(missing)} not installed; install the peers extra: "
            "pip install -e '.[peers]'",
            file=sys.stderr,
        )
        sys.exit(2)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    for name in args.series:
        series = load_series(name, out)
        for peer in args.only:
            print(f"{name}: {NAMES[peer]}", file=sys.stderr)
            if peer == "autolstm":
                result = run_autolstm(
                    name, series, args.seeds, args.budget, args.refit_with_val, args.threads
                )
            else:
                result = run_statistical(peer, name, series)
            results.append(result)

    lines = [
        "| series | model | test MAE | seconds | seeds | note |",
        "|---|---|---|---|---|---|",
        *(result.row() for result in results),
    ]
    text = "\n".join(lines)
    (out / "peers.md").write_text(text + "\n")
    settings = {
        "budget": args.budget,
        "seeds": args.seeds,
        "refit_with_val": args.refit_with_val,
        "threads": args.threads,
    }
    rows = [{**dataclasses.asdict(r), "test_mae": statistics.median(r.maes)} for r in results]
    record = {"settings": settings, "results": rows}
    (out / "peers.json").write_text(json.dumps(record, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
