"""Names shared across the product: the search algorithms, pruners and fill methods a space or
the command line may choose. Nothing is imported here: the command line's parser reads it
before a run starts."""

# Keras Tuner's own oracles; they keep their state in one process.
KERAS_TUNER_ALGORITHMS = ("random", "bayesian", "hyperband", "grid")

# Optuna samplers, run inside Keras Tuner by the Optuna oracle; any number of workers.
OPTUNA_SAMPLERS = ("tpe", "optuna-random", "qmc", "cmaes", "optuna-grid")

# Those that draw values (the grid chooses them): a trial may fix some and draw the rest.
DRAWING_SAMPLERS = tuple(name for name in OPTUNA_SAMPLERS if name != "optuna-grid")

TUNERS = OPTUNA_SAMPLERS + KERAS_TUNER_ALGORITHMS

PRUNERS = ("median", "halving", "hyperband", "none")

# How ``fill`` may fill a CSV file's missing values and time gaps.
FILLS = ("interpolate", "previous")


def default_pruner(tuner: str) -> str:
    """Median pruning for Optuna's samplers; none for Keras Tuner's algorithms."""
    return "median" if tuner in OPTUNA_SAMPLERS else "none"
