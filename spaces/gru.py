"""GRU forecasters for the course's exercise series: the same search as lstm.py, GRU cells."""

from search import Boolean, Choice, Float, Int, Space

space = Space(
    data="course-exercise",
    cell="gru",
    depth=Int(1, 3),
    units=Int(16, 128, step=16),
    bidirectional=Boolean(),
    learning_rate=Float(1e-5, 1e-2, log=True),
    loss=Choice("huber", "mse", "mae"),
    optimizer="adam",
    batch_size=Choice(32, 64),
    window=Choice(20, 40, 60),
    scaling="standard",
    epochs=100,
    patience=10,
    seed=42,
    target=3.0,
    tuner="tpe",
    trials=30,
)
