"""Worker processes kept from one search to the next.

A worker process whose search is done says ``Idle`` (see ``search.worker.process``) and
waits for another job. The pool keeps it for the next search of the same command (a run's
next space, a service worker's next queued search): its TensorFlow runtime is warm and its
libraries loaded, where a newly forked process starts them again. One is forked by the
command's forkserver when none is idle.
"""

from __future__ import annotations

import contextlib
import os
import time

from search.run._slots import WorkerProcess
from search.worker.spawn import Forkserver

# How long ``close`` waits for idle processes to exit once told to.
_EXIT_SECONDS = 10.0


class WorkerPool:
    """The worker processes of one command: idle ones kept, new ones forked by
    ``forkserver``."""

    def __init__(self, forkserver: Forkserver):
        self.forkserver = forkserver
        self._idle: list[WorkerProcess] = []

    def start(self, env: dict[str, str], *, debug: bool = False) -> WorkerProcess:
        """An idle process started with the same ``env`` (their thread counts are set at
        start), else a newly forked one; it waits for its job on standard input."""
        for process in list(self._idle):
            self._idle.remove(process)
            if process.env == env and process.child.poll() is None:
                process.ready = process.started = False
                return process
            _let_go(process)
        args = ["--parent", str(os.getpid()), *(["--debug"] if debug else [])]
        child, events = self.forkserver.spawn(args, env=env, show_output=debug)
        return WorkerProcess(
            child,
            env=env,
            fds={"events": events, "errors": child.stderr.fileno()},
            buffer={"events": b"", "errors": b""},
        )

    def keep(self, process: WorkerProcess) -> None:
        """An idle process, for the next search."""
        self._idle.append(process)

    def close(self) -> None:
        """Let every idle process exit (its standard input closed), and wait for them."""
        idle, self._idle = self._idle, []
        for process in idle:
            with contextlib.suppress(OSError):
                process.child.stdin.close()
        deadline = time.monotonic() + _EXIT_SECONDS
        for process in idle:
            while process.child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            _let_go(process)


def _let_go(process: WorkerProcess) -> None:
    """Close what this process holds of a worker, and end it if it has not ended."""
    with contextlib.suppress(OSError):
        process.child.stdin.close()
    if process.child.poll() is None:
        process.child.kill()
    # The events pipe is a bare descriptor; the errors pipe is closed with its file.
    with contextlib.suppress(OSError, KeyError):
        os.close(process.fds["events"])
    with contextlib.suppress(OSError):
        process.child.stderr.close()
    process.fds.clear()
