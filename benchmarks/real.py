"""The product on thirteen public real series (``benchmarks/real_series.py``), beside
statsforecast's AutoETS, AutoTheta, MSTL and AutoARIMA.

    pip install -e '.[real,peers]'
    python benchmarks/real.py --budget 3m                  # every series, 3 minutes each
    python benchmarks/real.py --only a10,goog --budget 1m
    python benchmarks/real.py --reuse                      # the table again from kept runs
    python benchmarks/real.py --space auto   # no space file: into results/bench-real-auto

Each series is written to a CSV file with its time stamps and searched as a user would
search it: ``python -m search run spaces/lstm.py --data FILE --column y`` with the CSV's
default parts (the last 10 % sealed as the test part, validation before it) and the
search's wall-clock ``--budget``. Every score is the one-step MAE of the test part, each
test value forecast from the real values before it by a model fitted before the test part.

Per series: the product's answer (as it hands it over, and with its networks as the search
trained them and as refit before the test part), its best trial, its best baseline (chosen
on validation), and the four peers fitted on everything before the test part. Over the set:
the mean MASE of each (the leaderboard's scale) and the geometric mean of its MAE relative
to AutoETS's. The answer's refit is measured by training its networks again here after the
search (``refit="full"``), with the members and weights unchanged. Results are kept per
series in ``--out``/<name>.json as they come (a crash loses nothing; ``--reuse`` reads them
back), the table in ``--out``/real.md.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from peers import NAMES, STATISTICAL, short_season, test_mae  # noqa: E402
from real_series import SERIES, RealSeries  # noqa: E402

PEERS = ("ets", "theta", "mstl", "arima")
COLUMNS = ("answer", "answer_trained", "answer_refit", "best_trial", "best_baseline")
COLUMNS += tuple(NAMES[p] for p in PEERS)
HEADINGS = {
    "answer": "answer",
    "answer_trained": "answer, networks as trained",
    "answer_refit": "answer, networks refit",
    "best_trial": "best trial",
    "best_baseline": "best baseline",
}


def search_command(
    entry: RealSeries, data: Path, run: Path, budget: str, space: str = "lstm"
) -> list[str]:
    """The user's command: ``spaces/<space>.py``, or no space file for ``auto`` (the space
    made from the series)."""
    command = [sys.executable, "-m", "search", "run"]
    if space != "auto":
        command.append(str(REPO / "spaces" / f"{space}.py"))
    command += ["--data", str(data.resolve()), "--column", "y", "--out", str(run.resolve())]
    command += ["--budget", budget, "--fresh", "--quiet"]
    if entry.features:
        command += ["--features", ",".join(entry.features)]
    if entry.known:
        command += ["--known", ",".join(entry.known)]
    if entry.fill:
        command += ["--fill", entry.fill]
    return command


def read_series(entry: RealSeries, data: Path) -> Any:
    from search.data.csvfile import read_csv_series

    return read_csv_series(data, "y", fill=entry.fill, features=entry.features, known=entry.known)


def product_scores(run: Path, series: Any) -> dict[str, Any]:
    """What the run's study says: the answer, its networks as trained and refit before the
    test part, the best trial and the best baseline."""
    from search.ensemble.answer import answer_of
    from search.run.reading import load_run
    from search.study import RunIdentity, read_records
    from search.study.forecasts import read_actuals
    from search.study.records import rank_key

    study = load_run(run)
    identity = RunIdentity.read(study)
    answer = answer_of(study)
    records = [r for r in read_records(study) if r.val_mae is not None]
    best = min(records, key=lambda r: rank_key(r, identity.folds)) if records else None
    baseline = identity.yardstick.best
    scores = {
        "answer": answer.test_mae if answer else None,
        "answer_val": answer.val_mae if answer else None,
        "members": answer.describe() if answer else None,
        "network_share": answer.network_share if answer else None,
        "answer_trained": answer.test_mae if answer and not answer.refit else None,
        # Without networks the answer is the same however they would have been made.
        **({"answer_refit": answer.test_mae} if answer and not answer.trials else {}),
        "best_trial": best.test_mae if best else None,
        "best_trial_val": best.val_mae if best else None,
        "best_baseline": baseline.test_mae if baseline else None,
        "best_baseline_val": baseline.val_mae if baseline else None,
        "best_baseline_name": baseline.name if baseline else None,
        "baselines": {b.name: b.test_mae for b in identity.yardstick.baselines if b.test_mae},
        "trials": len(records),
        "mase_scale": identity.yardstick.mase_scale,
    }
    if answer is not None and answer.trials and not answer.refit:
        scores["answer_refit"] = refit_score(study, identity, answer, series, read_actuals(study))
    return scores


def refit_score(study: Any, identity: Any, answer: Any, series: Any, actuals: Any) -> float:
    """The same answer (members and weights) with each network trained again on everything
    before the test part (``refit="full"``), scored on the test part."""
    from search._startup import quiet_imports

    quiet_imports(debug=False)  # the refits train here: TensorFlow without its noise
    from search.ensemble.answer import candidates_of
    from search.ensemble.refit import refit_trial
    from search.reproduce import run_space

    space = run_space(study, identity)
    tests = {c.name: c.forecasts.test for c in candidates_of(study, identity.folds)}
    for number in answer.trials:
        tests[f"trial {number}"] = refit_trial(space, series, study, number).test
    forecast = sum(m.weight * tests[m.name] for m in answer.members)
    return round(float(np.mean(np.abs(forecast - actuals.test))), 6)


def peer_scores(series: Any) -> dict[str, Any]:
    """The statsforecast peers on the series' test part: each season they take has two
    whole cycles before the test part. MSTL takes every such season; the others the longest
    short one (``peers.short_season``)."""
    values = series.values.astype("float64")
    seasons = [s for s in series.seasons if 2 * s <= series.test_start]
    short = short_season(seasons)
    scores, notes, seconds = {}, {}, {}
    for peer in PEERS:
        season: Any = seasons if peer == "mstl" else short
        if peer == "mstl" and not seasons:
            notes[NAMES[peer]] = "no season with two cycles before the test part"
            continue
        started = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                forecasts, note = STATISTICAL[peer](values, series.test_start, season)
            scores[NAMES[peer]] = test_mae(series, forecasts)
        except Exception as exc:  # a peer that fails on a series is a row, not the end
            note = f"failed: {type(exc).__name__}: {exc}"
        notes[NAMES[peer]] = note
        seconds[NAMES[peer]] = round(time.perf_counter() - started, 1)
    return {"scores": scores, "notes": notes, "seconds": seconds}


def measure(entry: RealSeries, out: Path, budget: str, space: str) -> dict[str, Any]:
    data = entry.write(out / "data")
    run = out / "runs" / entry.name
    started = time.perf_counter()
    command = search_command(entry, data, run, budget, space)
    done = subprocess.run(command, cwd=REPO, capture_output=True)
    seconds = round(time.perf_counter() - started, 1)
    result: dict[str, Any] = {"name": entry.name, "frequency": entry.frequency, "seconds": seconds}
    try:
        series = read_series(entry, data)
    except Exception as exc:  # the product refused the file: the run says the same
        result["error"] = [f"{type(exc).__name__}: {exc}"]
        return result
    result.update(
        length=len(series.values),
        split=series.split,
        test_start=series.test_start,
        seasons=list(series.seasons),
    )
    if done.returncode != 0:
        result["error"] = done.stderr.decode().strip().splitlines()[-1:]
    else:
        result.update(product_scores(run, series))
    result["peers"] = peer_scores(series)
    return result


def scores_of(result: dict[str, Any]) -> dict[str, float]:
    found = {c: result.get(c) for c in COLUMNS[:5]}
    found.update(result.get("peers", {}).get("scores", {}))
    return {k: float(v) for k, v in found.items() if v is not None and math.isfinite(v)}


def table(results: list[dict[str, Any]], budget: str, space: str = "lstm") -> str:
    """The per-series table and the aggregate."""
    head = ["series", "freq", "n / test"] + [HEADINGS.get(c, c) for c in COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if "length" not in r:
            continue
        scores = scores_of(r)
        best = min(scores.values(), default=None)
        cells = [r["name"], r["frequency"], f"{r['length']} / {r['length'] - r['test_start']}"]
        for column in COLUMNS:
            value = scores.get(column)
            text = "—" if value is None else f"{value:.4g}"
            cells.append(f"**{text}**" if value is not None and value == best else text)
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Over the {len(ran(results))} series whose search ran:", ""]
    lines += ["| over the set | " + " | ".join(HEADINGS.get(c, c) for c in COLUMNS) + " |"]
    lines.append("|---|" + "---|" * len(COLUMNS))
    for label, value in (("mean MASE", mean_mase), ("geometric mean MAE / AutoETS", rel_ets)):
        row = [value(results, c) for c in COLUMNS]
        lines.append(f"| {label} | " + " | ".join("—" if v is None else f"{v:.3f}" for v in row))
    lines += ["", "Per series: the answer's members, and its lead on validation and test:", ""]
    for r in results:
        if "error" in r:
            lines.append(f"- {r['name']}: the run failed: {' '.join(r['error'])}")
            continue
        lead = [
            _lead(r.get(a), r.get("best_baseline" + b))
            for a, b in (("answer_val", "_val"), ("answer", ""))
        ]
        lines.append(
            f"- {r['name']} ({r['trials']} trials, {r['seconds']:.0f} s): {r['members']}; "
            f"against {r['best_baseline_name']}: {lead[0]} on validation, {lead[1]} on test"
        )
    command = f"python benchmarks/real.py --budget {budget}"
    if space != "lstm":
        command += f" --space {space}"
    return "\n".join([f"`{command}`", "", *lines]) + "\n"


def _lead(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "—"
    return f"{(1 - value / reference) * 100:+.1f} %"


def ran(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The series whose search ran: the aggregates are over these."""
    return [r for r in results if "error" not in r]


def mean_mase(results: list[dict[str, Any]], column: str) -> float | None:
    found = []
    for r in ran(results):
        value = scores_of(r).get(column)
        if value is None or not r.get("mase_scale"):
            return None
        found.append(value / r["mase_scale"])
    return float(np.mean(found)) if found else None


def rel_ets(results: list[dict[str, Any]], column: str) -> float | None:
    ratios = []
    for r in ran(results):
        scores = scores_of(r)
        if column not in scores or "AutoETS" not in scores:
            return None
        ratios.append(scores[column] / scores["AutoETS"])
    return float(np.exp(np.mean(np.log(ratios)))) if ratios else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", default="3m", help="each search's wall-clock budget")
    parser.add_argument("--only", help="a comma list of series (default: all thirteen)")
    parser.add_argument(
        "--out", type=Path, help="where runs and tables go (default results/bench-real[-SPACE])"
    )
    parser.add_argument("--reuse", action="store_true", help="keep series already measured")
    parser.add_argument(
        "--space",
        default="lstm",
        help="the space searched: a file of spaces/ by name (default lstm), or auto for the "
        "space made from each series (run with no space file)",
    )
    args = parser.parse_args()
    if args.out is None:
        suffix = "" if args.space == "lstm" else f"-{args.space}"
        args.out = Path(f"results/bench-real{suffix}")
    names = [s.name for s in SERIES]
    wanted = args.only.split(",") if args.only else names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        parser.error(f"unknown series {', '.join(unknown)}; choose from {', '.join(names)}")
    results = []
    for entry in (s for s in SERIES if s.name in wanted):
        kept = args.out / f"{entry.name}.json"
        if args.reuse and kept.exists():
            results.append(json.loads(kept.read_text()))
            continue
        print(f"{entry.name}: searching for {args.budget}", file=sys.stderr, flush=True)
        result = measure(entry, args.out, args.budget, args.space)
        kept.write_text(json.dumps(result, indent=1))
        results.append(result)
    text = table(results, args.budget, args.space)
    (args.out / "real.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
