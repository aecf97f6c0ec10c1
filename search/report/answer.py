"""The report's first lines: the answer a user can take (the ensemble chosen on the
out-of-fold forecasts), how much of it is network and how much statistics, and what it
scores on the test part beside the baseline chosen the same way."""

from __future__ import annotations

from search.ensemble import Ensemble
from search.report.markdown import escape, table
from search.yardstick import Yardstick


def answer_section(ensemble: Ensemble | None, yardstick: Yardstick) -> str:
    if ensemble is None:
        return ""
    networks = len(ensemble.trials)
    statistical = len(ensemble.members) - networks
    share = ensemble.network_share
    text = (
        f"**The answer: {escape(ensemble.describe())}**: {networks} network"
        f"{'s' if networks != 1 else ''} and {statistical} statistical model"
        f"{'s' if statistical != 1 else ''}, {share:.0%} network and {1 - share:.0%} "
        f"statistics by weight, chosen by greedy selection among {ensemble.candidates} "
        f"candidates on their out-of-fold validation forecasts. Validation MAE "
        f"{ensemble.val_mae:.4f} (optimistic: the weights were chosen on these points)"
    )
    if ensemble.test_mae is None:
        return text + "; there is no test part to say more."
    if not networks:
        refit = "its models fitted on everything before the test part"
    elif ensemble.refit:
        refit = "every network refit on everything before the test part"
    else:
        refit = "the networks as trained in their last fold, not refit"
    text += f"; **test MAE {ensemble.test_mae:.4f}** ({refit})"
    best = yardstick.best
    if best is not None and best.test_mae:
        skill = yardstick.test_skill(ensemble.test_mae)
        text += (
            f", {abs(skill):.1%} {'better' if skill >= 0 else 'worse'} than "
            f"{escape(best.name)} (the best baseline on validation) on the test part"
        )
    rows = [[m.name, f"{m.weight:.2f}"] for m in ensemble.members]
    return text + ".\n\n" + table(["member", "weight"], rows)
