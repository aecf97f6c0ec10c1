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
    if ensemble.held_out is not None:
        with_networks, without = ensemble.held_out
        verdict = "left out" if ensemble.networks_left_out else "kept"
        text += (
            f". Chosen on one half of the validation points and scored on the other, the mix "
            f"with networks scored {with_networks:.4f} and the baselines alone {without:.4f}: "
            f"the networks were {verdict}"
        )
    headers = ["member", "weight", "val_mae alone"]
    rows = [[m.name, f"{m.weight:.2f}", m.val_mae] for m in ensemble.members]
    if ensemble.test_mae is None:
        text += "; there is no test part to say more."
    else:
        text += f"; **test MAE {ensemble.test_mae:.4f}** ({_how_tested(ensemble, networks)})"
        text += _against_baseline(ensemble.test_mae, yardstick) + "."
        headers.append("test_mae alone")
        for row, member in zip(rows, ensemble.members, strict=True):
            row.append(member.test_mae)
    return text + "\n\n" + table(headers, rows)


def _how_tested(ensemble: Ensemble, networks: int) -> str:
    if not networks:
        return "its models fitted on everything before the test part"
    if ensemble.refit:
        return "every model fitted again on everything before the test part"
    return "the networks as trained in their last fold, not refit"


def _against_baseline(test_mae: float, yardstick: Yardstick) -> str:
    best = yardstick.best
    if best is None or not best.test_mae:
        return ""
    skill = yardstick.test_skill(test_mae)
    return (
        f", {abs(skill):.1%} {'better' if skill >= 0 else 'worse'} than "
        f"{escape(best.name)} (the best baseline on validation) on the test part"
    )
