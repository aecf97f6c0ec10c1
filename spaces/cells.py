"""SimpleRNN and GRU forecasters for the course's exercise series, on their window alone: the
first version's search, with the cell one of its dimensions (an LSTM search that sees the
season is spaces/lstm.py)."""

from search import Boolean, Choice, Float, Int, Space

space = Space(
    data="course-exercise",
    cell=Choice("rnn", "gru"),
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
