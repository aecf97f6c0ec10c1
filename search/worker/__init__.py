"""A worker: one process that searches a planned run's study, trial after trial.

``python -m search.worker`` is started by the supervisor with its job on standard input;
``search.worker.loop`` is the search itself, built once per process from the plan it is
handed.
"""
