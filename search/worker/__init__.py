"""A worker: one process that searches a planned run's study, trial after trial.

A worker process is forked by a forkserver (``search.worker.forkserver``, which imported
TensorFlow once) at the supervisor's request (``search.worker.spawn``), with its job on
standard input; ``search.worker.loop`` is the search itself, built once per process from
the plan it is handed.
"""
