"""The answer of a run: an ensemble of its best trials and its baselines, chosen on their
out-of-fold validation forecasts (see ``answer``)."""

from search.ensemble._selection import greedy_weights
from search.ensemble.answer import Candidate, Ensemble, Member, answer_of, candidates_of, choose

__all__ = [
    "Candidate",
    "Ensemble",
    "Member",
    "answer_of",
    "candidates_of",
    "choose",
    "greedy_weights",
]
