"""LSTM forecasters for the course's exercise series: depth, width, direction, rate, loss."""

from search import Boolean, Choice, Float, Int, Space

space = Space(
    data="course-exercise",
    cell="lstm",
    depth=Int(1, 3),  # stacked layers; each has its own units
    units=Int(16, 128, step=16),
    bidirectional=Boolean(),
    learning_rate=Float(1e-5, 1e-2, log=True),
    loss=Choice("huber", "mse", "mae"),
    optimizer="adam",
    batch_size=Choice(32, 64, 128),
    window=Choice(20, 30, 40),
    scaling="standard",  # standardised on the training part
    epochs=100,
    patience=10,
    seed=42,
    target=3.0,  # the course's bar on this series
    tuner="tpe",  # Optuna's TPE, with median pruning
    trials=40,
    budget="12m",  # whichever comes first
)
