"""The top of the report: what was chosen, what it scores on data nothing chose on, and how it
stands against every baseline, the noise floor and the target."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from search.model import best as best_model
from search.report.markdown import escape, number, table
from search.states import SCORED
from search.study import RunIdentity, TrialRecord
from search.vocabulary import describe
from search.yardstick import Yardstick


def headline(identity: RunIdentity, ranked: Sequence[TrialRecord]) -> str:
    """One paragraph: the configuration chosen on validation, its test MAE beside its
    validation MAE, and one sentence on what the gap means."""
    best = ranked[0]
    yardstick = identity.yardstick
    chosen = (
        f"**Chosen on validation: trial {best.number}, {escape(describe(best.config))}"
        f", validation MAE {best.val_mae:.4f}"
    )
    if best.test_mae is None:
        return (
            f"{chosen}.** There is no test part: this figure is the best of {len(ranked)} "
            "scored trials on the same points, so it is optimistic; run with `--test` to hold "
            "out a part that nothing is chosen on."
        )
    if not best.val_mae:  # a perfect score: there is no gap to speak of
        return f"{chosen}, test MAE {best.test_mae:.4f}.**"
    gap = best.test_mae / best.val_mae - 1
    text = f"{chosen}, test MAE {best.test_mae:.4f} ({gap:+.1%}).** "
    baseline = yardstick.best
    if baseline is None or not baseline.test_mae or not baseline.val_mae:
        return text + (
            f"The test part was held out from training, early stopping, pruning and the "
            f"choice among {len(ranked)} trials: its figure is the one to expect."
        )
    moved = baseline.test_mae / baseline.val_mae - 1
    return text + (
        f"Over the same two parts the best baseline, {escape(baseline.name)}, moved "
        f"{moved:+.1%}, so the rest of the gap ({gap - moved:+.1%}) is the configuration's "
        f"own: optimism from choosing the best of {len(ranked)} trials on the validation "
        "part, or a test part it forecasts worse; expect the test figure."
    )


def best_section(
    identity: RunIdentity,
    records: Sequence[TrialRecord],
    ranked: Sequence[TrialRecord],
    out: Path,
) -> str:
    """The chosen configuration beside every reference, on validation and on test."""
    best = ranked[0]
    yardstick = identity.yardstick
    has_test = best.test_mae is not None
    rows = [
        _row(label, val, test, best, has_test)
        for label, val, test in _references(yardstick, identity.target)
    ]
    headers = ["compared with", "val_mae", "chosen minus it", "chosen relative to it"]
    if has_test:
        headers += ["test_mae", "chosen relative to it on test"]
    unfit = [b for b in yardstick.baselines if b.error]
    parts = [
        f"## Best configuration: trial {best.number}, {escape(describe(best.config))}"
        f", validation MAE {best.val_mae:.4f}",
        f"{_configuration(best)}. {_training(best, yardstick)} {_kept(best, out)}",
        table(headers, rows),
        _baselines_described(yardstick),
    ]
    if unfit:
        parts.append(
            "Not fitted: " + "; ".join(f"{escape(b.name)}: {escape(b.error)}" for b in unfit) + "."
        )
    parts.append(_target_reached(identity.target, records))
    return "\n\n".join(p for p in parts if p)


def reference_lines(identity: RunIdentity) -> dict[str, float | None]:
    """The horizontal lines of the history figure: the target, the noise floor and the two
    best baselines."""
    yardstick = identity.yardstick
    fitted = sorted(
        (b for b in yardstick.baselines if b.val_mae is not None), key=lambda b: b.val_mae
    )
    lines = {"target": identity.target, "noise floor": yardstick.noise_floor}
    lines.update({b.name: b.val_mae for b in fitted[:2]})
    return lines


def _references(
    yardstick: Yardstick, target: float | None
) -> list[tuple[str, float, float | None]]:
    found = []
    if yardstick.noise_floor is not None:
        found.append(("noise floor", yardstick.noise_floor, yardstick.test_noise_floor))
    fitted = sorted(
        (b for b in yardstick.baselines if b.val_mae is not None), key=lambda b: b.val_mae
    )
    found += [(b.name, b.val_mae, b.test_mae) for b in fitted]
    if target is not None:
        found.append(("target", float(target), None))
    return found


def _row(
    label: str, val: float, test: float | None, best: TrialRecord, has_test: bool
) -> list[Any]:
    relative = f"{best.val_mae / val - 1:+.1%}" if val else ""  # nothing is relative to 0
    row: list[Any] = [label, val, best.val_mae - val, relative]
    if has_test:
        relative = f"{best.test_mae / test - 1:+.1%}" if test else ""
        row += [test, relative]
    return row


def _configuration(best: TrialRecord) -> str:
    return ", ".join(f"{escape(k)} {number(v)}" for k, v in best.config.items())


def _training(best: TrialRecord, yardstick: Yardstick) -> str:
    folds = ""
    if len(best.fold_maes) > 1:
        values = ", ".join(f"{v:.4f}" for v in best.fold_maes)
        folds = f" Validation MAE per fold: {values} (mean {best.val_mae:.4f})."
    elif yardstick.folds > 1:
        folds = f" It stopped in its first fold of {yardstick.folds}."
    return (
        f"Trained {best.epochs} epochs, best at epoch {best.best_epoch}, "
        f"{number(best.train_seconds, 1)} s.{folds}"
    )


def _kept(best: TrialRecord, out: Path) -> str:
    kept = best_model.read_info(out)
    if kept is None:
        return "No best model is saved in this directory."
    if kept["trial"] == best.number:
        return "`best_model.keras` holds this model (see `best_model.json`)."
    return (
        f"`best_model.keras` holds trial {kept['trial']} ({kept['val_mae']:.4f}), the best "
        "trained on this machine."
    )


def _baselines_described(yardstick: Yardstick) -> str:
    described = [b for b in yardstick.baselines if b.val_mae is not None]
    if not described:
        return ""
    return "Baselines, each fitted on the training part and scored on the same points: " + (
        "; ".join(f"{escape(b.name)}: {escape(b.description)}" for b in described) + "."
    )


def _target_reached(target: float | None, records: Sequence[TrialRecord]) -> str:
    if target is None:
        return ""
    scored = [r for r in records if r.status in SCORED and r.val_mae is not None]
    beaten = sorted((r for r in scored if r.val_mae < target), key=lambda r: r.number)
    if not beaten:
        return f"No trial has beaten the target {target} yet."
    first = beaten[0]
    text = f"The target {target} was first beaten by trial {first.number} ({first.val_mae:.4f})"
    starts = [r.started for r in records if r.started]
    # When a validation MAE first went below it, from each epoch's time in the study (a
    # trial of several folds is judged on their mean, so by its end).
    passed = [(p[1], r.number, p[0]) for r in scored if (p := r.first_below(target))]
    if starts and passed and all(len(r.fold_maes) <= 1 for r in scored):
        when, number, epoch = min(passed)
        seconds = (when - min(starts)).total_seconds()
        return f"{text}; a validation MAE first went below it {_elapsed(seconds)} after the " + (
            f"search started (trial {number}, epoch {epoch})."
        )
    if first.finished and starts:
        seconds = (first.finished - min(starts)).total_seconds()
        return f"{text}, {_elapsed(seconds)} after the first trial started."
    return text + "."


def _elapsed(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} minutes"
