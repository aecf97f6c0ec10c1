"""The tuner: Keras Tuner's worker that builds, trains and scores one trial at a time
(``tuner``), and Keras Tuner's own files in an out directory (``project``)."""
