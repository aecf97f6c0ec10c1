"""What the supervisor keeps of each worker: its process and what it said, and the slot
of the run it fills (``search.run.supervisor``)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from search.worker.spawn import ForkedProcess


@dataclass
class WorkerProcess:
    """One worker process and what it has said so far."""

    child: ForkedProcess
    env: dict[str, str] = field(default_factory=dict)  # what it was started with
    fds: dict[str, int] = field(default_factory=dict)  # "events" and "errors", while open
    buffer: dict[str, bytes] = field(default_factory=dict)
    ready: bool = False
    started: bool = False  # told to go
    last_error: str = ""  # the last line it wrote on standard error

    def tell(self, data: bytes) -> None:
        """Write ``data`` to its standard input; one that died already ends as any other."""
        with contextlib.suppress(OSError):
            self.child.stdin.write(data)
            self.child.stdin.flush()


@dataclass
class Slot:
    """One of a run's workers: the process that trains now, the one readied to take over
    from it, and how often in a row a process of it died without finishing a trial."""

    index: int
    active: WorkerProcess | None = None
    standby: WorkerProcess | None = None
    crashes: int = 0
    done: bool = False
