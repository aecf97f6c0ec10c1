"""Forecasters for the course's lecture series: its yearly pattern with two jumps, 1000
training days. Lags one or two years back, read a few days either side (their mean tells
the pattern through the noise; their shape, where it jumps), small windows, many short
trials."""

from search import Boolean, Choice, Float, Int, Space

space = Space(
    data="course-lecture",
    cell=Choice("lstm", "gru"),
    units=Int(16, 64, step=16),
    dropout=Choice(0.0, 0.2),
    learning_rate=Float(1e-3, 1e-2, log=True),
    loss="huber",
    batch_size=Choice(16, 32),
    window=Choice(5, 10, 20),
    seasonal_lags=True,
    seasons_back=Choice(1, 2),  # two years back leaves 269 training windows, one 630
    lag_width=Choice(1, 3, 5, 8),  # days either side of each year back
    extra_units=Choice(0, 16, 32),  # a ReLU layer on the lags: where the pattern jumps
    linear_skip=Boolean(),
    epochs=100,
    patience=10,
    seed=42,
    target=4.4,
    tuner="tpe",
    trials=150,
    budget="12m",
)
