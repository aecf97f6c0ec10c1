"""Forecasters for the course's lecture series: its yearly pattern with a jump, 1000 training
days. Lags one and two years back (all the training part allows), small windows, many short
trials."""

from search import Boolean, Choice, Float, Int, Space

space = Space(
    data="course-lecture",
    cell=Choice("lstm", "gru"),
    units=Int(32, 128, step=32),
    dropout=Choice(0.0, 0.2),
    learning_rate=Float(1e-3, 1e-2, log=True),
    loss="huber",
    batch_size=Choice(16, 32),
    window=Choice(10, 20),
    seasonal_lags=True,  # 364-366 and 729-731 days back
    seasons_back=2,
    linear_skip=Boolean(),
    epochs=100,
    patience=10,
    seed=42,
    target=4.4,
    tuner="tpe",
    trials=120,
    budget="12m",
)
