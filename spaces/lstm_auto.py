"""spaces/lstm.py with its learning rate found by the range test instead of searched blind."""

from search import Auto, Boolean, Choice, Int, Space

space = Space(
    data="course-exercise",
    cell="lstm",
    depth=Int(1, 3),
    units=Int(16, 128, step=16),
    bidirectional=Boolean(),
    # One range test per loss (cell, optimizer and scaling are fixed here) before the
    # search; each trial then takes the suggested rate times a factor from 0.1 to 10.
    learning_rate=Auto(decades=1),
    loss=Choice("huber", "mse", "mae"),
    optimizer="adam",
    batch_size=Choice(32, 64, 128),
    window=Choice(20, 30, 40),
    scaling="standard",
    epochs=100,
    patience=10,
    seed=42,
    target=3.0,
    tuner="tpe",
    trials=40,
    budget="12m",
)
