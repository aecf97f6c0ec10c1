"""The course's own models on its lecture series, as fixed points beside searched ones.

Raw values in, output multiplied by 100 (a Rescaling layer), SGD with momentum 0.9,
Huber loss, windows of 20, batches of 32, 500 epochs without early stopping: the
course's recipe. Its published validation MAE: SimpleRNN 2x40 6.35, BiLSTM 32 6.13,
BiLSTM 2x32 5.29 (naive 5.94, linear AR 4.96 on the same points).
"""

from search import Space

space = Space(
    data="course-lecture",
    points={
        "simple_rnn_2x40": dict(cell="rnn", depth=2, units=40, learning_rate=5e-6),
        "bilstm_32": dict(cell="lstm", bidirectional=True, depth=1, units=32, learning_rate=1e-6),
        # The course trains this one with rates from 1e-6 to 1e-5: both ends.
        "bilstm_2x32_lr1e-6": dict(
            cell="lstm", bidirectional=True, depth=2, units=32, learning_rate=1e-6
        ),
        "bilstm_2x32_lr1e-5": dict(
            cell="lstm", bidirectional=True, depth=2, units=32, learning_rate=1e-5
        ),
    },
    optimizer="sgd",
    momentum=0.9,
    loss="huber",
    scaling="course",
    window=20,
    batch_size=32,
    epochs=500,
    patience=None,
    seed=42,
    tuner="optuna-grid",
    trials=4,
)
