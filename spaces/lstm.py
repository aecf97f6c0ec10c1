"""LSTM forecasters for the course's exercise series that see the season: a window, the
values one to five years back, a linear skip; depth, width, rate, loss, calendar."""

from search import Boolean, Choice, Float, Int, Space

space = Space(
    data="course-exercise",
    cell="lstm",
    depth=Int(1, 2),  # stacked layers; each has its own units
    units=Int(16, 64, step=16),
    learning_rate=Float(1e-3, 1e-2, log=True),
    loss=Choice("huber", "mse"),
    optimizer="adam",
    batch_size=Choice(32, 64),
    window=Choice(20, 30),
    scaling="standard",  # standardised on the training part
    seasonal_lags=True,  # and the values around 1 to `seasons_back` years back, beside it
    seasons_back=Int(2, 5),
    linear_skip=Boolean(),  # plus a linear autoregression of every input, trained with it
    calendar=Boolean(),  # the day of the year, as a sine and cosine pair
    epochs=100,
    patience=10,
    seed=42,
    target=3.0,  # the course's bar on this series
    tuner="tpe",  # Optuna's TPE, with median pruning
    trials=60,
    budget="12m",  # whichever comes first
)
