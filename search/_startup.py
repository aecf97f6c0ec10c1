"""What every process of this product does first: import TensorFlow without its noise."""

from __future__ import annotations

import os
import sys


def quiet_imports(debug: bool, *, with_tensorflow: bool = True) -> None:
    """Import TensorFlow with its C++ start-up lines (written before its logging is set up,
    so no environment variable silences them) kept off standard error, and quiet the
    libraries' own chatter unless ``--debug``. Without ``with_tensorflow``, only Optuna's: a
    process that trains nothing (a supervisor, the service's commands) never imports it."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if not with_tensorflow:
        return
    if not debug and "tensorflow" not in sys.modules:
        saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(null)
    if not debug:
        import tensorflow as tf

        # Its Python warnings (a model's predict function traced again for the next fold's
        # shape, say) are about its own efficiency, not the user's run.
        tf.get_logger().setLevel("ERROR")
    # Keras Tuner prints the traceback of every failed trial (a flag it does not export);
    # the study keeps the traceback instead, and --debug shows it.
    from keras_tuner.src import config as keras_tuner_config

    keras_tuner_config.DEBUG = debug
