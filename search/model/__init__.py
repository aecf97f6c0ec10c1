"""A model: built from a trial's configuration (``build``), a space made a Keras Tuner
hypermodel (``hypermodel``), trained and scored on every fold (``trainer``, ``training``),
and the best one kept in the out directory (``best``).

Nothing is re-exported here: importing it would import Keras."""
