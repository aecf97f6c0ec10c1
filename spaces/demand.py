"""Half-hourly electricity demand with a temperature column: seasons of a day and a week.

Write the series first: python -m search example demand data/demand.csv
"""

from search import Boolean, Choice, Float, Int, Space

space = Space(
    data="data/demand.csv",
    column="demand",
    features=["temperature"],  # its past, scaled on the training part, beside the window
    cell=Choice("lstm", "gru"),
    units=Int(16, 64, step=16),
    learning_rate=Float(1e-3, 1e-2, log=True),
    loss="huber",
    batch_size=Choice(64, 128),
    window=Choice(48, 96),  # a day or two of half-hours
    seasonal_lags=True,  # and the same half-hour a day, a week and two weeks back
    calendar=Boolean(),  # the phase within the day and the week
    linear_skip=True,  # a linear model of every input, added to the network's output
    transform=Choice("none", "difference"),
    epochs=60,
    patience=8,
    seed=42,
    tuner="tpe",
    trials=30,
    budget="20m",
)
