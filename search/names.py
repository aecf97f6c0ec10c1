"""The names of the search algorithms and pruners a space or the command line may choose."""

# Keras Tuner's own oracles; they keep their state in one process.
KERAS_TUNER_ALGORITHMS = ("random", "bayesian", "hyperband", "grid")

# Optuna samplers, run inside Keras Tuner by the Optuna oracle; any number of workers.
OPTUNA_SAMPLERS = ("tpe", "optuna-random", "qmc", "cmaes", "optuna-grid")

TUNERS = OPTUNA_SAMPLERS + KERAS_TUNER_ALGORITHMS

PRUNERS = ("median", "halving", "hyperband", "none")
