"""Budgets and signals."""

from __future__ import annotations

import os
import signal

import pytest

from search.stopping import Stopper, parse_duration


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("30m", 1800), ("8h", 28800), ("1h30m", 5400), ("45", 45), (2.5, 2.5)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "8x", "-5m", "0", "h"])
def test_bad_durations_say_what_is_expected(text):
    with pytest.raises(ValueError, match=r"duration such as 8h|above zero"):
        parse_duration(text)


def test_a_spent_budget_and_a_signal_are_reasons_to_stop():
    stopper = Stopper(budget=1000)
    assert stopper.reason() is None and 990 < stopper.seconds_left() <= 1000
    stopper.set_budget(0.0)
    assert stopper.reason() == "budget"
    stopper.install()
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stopper.reason() == "interrupted" and stopper.signum == signal.SIGTERM
    finally:
        stopper.restore()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
