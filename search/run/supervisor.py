"""The supervisor: runs a run's workers as processes and watches them.

It starts ``workers`` worker processes, hands each event they report to a monitor
(progress, the leaderboard), replaces one that died, and passes SIGINT or SIGTERM on to
them as SIGTERM so that each ends its trial at the next epoch boundary.

Every worker process comes from the command's pool (``search.run.pool``): one a search
before this left idle, else one forked by its forkserver; a worker whose search is done
goes back to it. A worker whose memory grows hands over to a fresh process. The fresh one
is started as a standby once the worker's memory has grown half-way to the limit: it loads
the plan while the old one trains, waits, and starts the moment the old one hands over. A
worker that outgrows the whole limit in one trial hands over to a process started then.

No Keras here: the supervisor holds no model, and its process stays small.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from search.events import (
    Exit,
    HandingOver,
    Idle,
    Ready,
    TrialEnded,
    TrialEvents,
    read_message,
    standby_growth,
)
from search.run._slots import Slot, WorkerProcess
from search.run.pool import WorkerPool

# A worker that dies this many times in a row without finishing a trial is not restarted.
MAX_CRASHES = 3


class Supervisor:
    """Runs ``workers`` worker processes until each is done.

    ``job(worker)`` gives the bytes a worker process reads on its standard input (see
    ``search.worker.process``); each process comes from ``pool``. ``monitor`` hears
    every trial's events; ``say`` prints one line for a person (errors of workers,
    restarts): by default the monitor's ``message``.
    """

    def __init__(
        self,
        job: Callable[[int], bytes],
        monitor: TrialEvents,
        *,
        workers: int,
        pool: WorkerPool,
        recycle_growth: float | None,
        debug: bool = False,
        say: Callable[[str], None] | None = None,
    ):
        self.job = job
        self.monitor = monitor
        self.debug = debug
        # A standby is readied only where workers may hand over at all.
        self.stand_by_at = standby_growth(recycle_growth)
        self.say = say or getattr(monitor, "message", None) or _to_stderr
        self.slots = [Slot(i) for i in range(workers)]
        self.selector = selectors.DefaultSelector()
        self.pool = pool
        self.signum: int | None = None
        # Why workers that cannot go on stopped (exit status 2: bad input, or too many
        # failed trials in a row): the last line each wrote.
        self.failures: list[str] = []

    # -- life of the workers ---------------------------------------------------------------

    def run(self) -> int | None:
        """Run until every worker is done; the signal that stopped the run, if any."""
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for slot in self.slots:
                slot.active = self._start(slot, go=True)
            while not all(slot.done for slot in self.slots):
                self._pump(timeout=0.5)
                for slot in self.slots:
                    self._check(slot)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            for slot in self.slots:
                for process in (slot.active, slot.standby):
                    if process is not None and process.child.poll() is None:
                        process.child.kill()
        return self.signum

    def _start(self, slot: Slot, *, go: bool) -> WorkerProcess:
        env = dict(os.environ)
        if len(self.slots) > 1:
            # Workers share the cores instead of each reaching for all of them.
            threads = str(max(1, (os.cpu_count() or 1) // len(self.slots)))
            env.setdefault("TF_NUM_INTRAOP_THREADS", threads)
            env.setdefault("TF_NUM_INTEROP_THREADS", "1")
        process = self.pool.start(env, debug=self.debug)
        process.tell(self.job(slot.index))
        if go:
            self._go(process)
        for kind, fd in process.fds.items():
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ, (slot, process, kind))
        return process

    def _go(self, process: WorkerProcess) -> None:
        # Its standard input stays open: the next search's job may follow (see Idle).
        process.tell(b"go\n")
        process.started = True

    def _stand_down(self, process: WorkerProcess) -> None:
        with contextlib.suppress(OSError):
            process.child.stdin.close()  # no "go": it exits without searching

    def _check(self, slot: Slot) -> None:
        for process in (slot.active, slot.standby):
            if process is not None and process.child.poll() is not None:
                self._drain(process)
                self._ended(slot, process)

    def _ended(self, slot: Slot, process: WorkerProcess) -> None:
        code = process.child.returncode
        process.child.stderr.close()
        with contextlib.suppress(OSError):
            process.child.stdin.close()
        if process is slot.standby:
            slot.standby = None
            if code != Exit.DONE and self.signum is None:
                self.say(f"{self._who(slot)}: its standby process exited with {code}")
            return
        slot.active = None
        if code == Exit.DONE or self.signum is not None:
            self._finish(slot)
            return
        if code != Exit.RECYCLE:
            slot.crashes += 1
            reason = (
                f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with {code}"
            )
            if code == 2 or slot.crashes >= MAX_CRASHES:
                if code == 2:
                    self.failures.append(process.last_error or reason)
                self.say(f"{self._who(slot)} {reason}; not restarting it")
                if slot.standby is not None:
                    self._stand_down(slot.standby)
                slot.done = True
                return
            self.say(f"{self._who(slot)} {reason}; starting a new one (its trial is retried)")
        self._replace(slot)

    def _replace(self, slot: Slot) -> None:
        """A new process carries on in ``slot``: its standby if one is ready, else a fresh
        one."""
        if slot.standby is not None:
            slot.active, slot.standby = slot.standby, None
            if not slot.active.started:
                self._go(slot.active)
        else:
            slot.active = self._start(slot, go=True)

    def _finish(self, slot: Slot) -> None:
        """The slot's search is over, unless its standby has already taken over."""
        standby = slot.standby
        if standby is not None and standby.started:
            slot.active, slot.standby = standby, None
            return
        if standby is not None:
            self._stand_down(standby)
        slot.done = True

    def _who(self, slot: Slot) -> str:
        return f"worker {slot.index + 1}" if len(self.slots) > 1 else "the worker"

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.signum is not None:  # a second signal: stop now
            for slot in self.slots:
                for process in (slot.active, slot.standby):
                    if process is not None:
                        process.child.kill()
            raise KeyboardInterrupt
        self.signum = signum
        for slot in self.slots:
            for process in (slot.active, slot.standby):
                if process is None or process.child.poll() is not None:
                    continue
                if process.started:
                    process.child.send_signal(signal.SIGTERM)
                else:
                    self._stand_down(process)

    # -- what the workers say -------------------------------------------------------------

    def _pump(self, timeout: float) -> None:
        for key, _ in self.selector.select(timeout):
            slot, process, kind = key.data
            self._read(slot, process, kind)

    def _drain(self, process: WorkerProcess) -> None:
        """Read what an ended worker left in its pipes, up to their end."""
        slot = next(s for s in self.slots if process in (s.active, s.standby))
        deadline = time.monotonic() + 5
        while process.fds and time.monotonic() < deadline:
            for kind in list(process.fds):
                self._read(slot, process, kind)
            time.sleep(0.01)
        for kind in list(process.fds):
            self._close(slot, process, kind)

    def _read(self, slot: Slot, process: WorkerProcess, kind: str) -> None:
        fd = process.fds.get(kind)
        if fd is None:
            return
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not chunk:
            self._close(slot, process, kind)
            return
        *lines, process.buffer[kind] = (process.buffer[kind] + chunk).split(b"\n")
        for line in lines:
            if line.strip():
                self._line(slot, process, kind, line.decode(errors="replace"))

    def _close(self, slot: Slot, process: WorkerProcess, kind: str) -> None:
        fd = process.fds.pop(kind)
        self.selector.unregister(fd)
        if process.buffer.get(kind, b"").strip():
            self._line(slot, process, kind, process.buffer[kind].decode(errors="replace"))
        process.buffer[kind] = b""
        if kind == "events":
            os.close(fd)

    def _line(self, slot: Slot, process: WorkerProcess, kind: str, line: str) -> None:
        if kind == "errors":
            process.last_error = line.removeprefix("error: ")
            prefix = f"worker {slot.index + 1}: " if len(self.slots) > 1 else ""
            self.say(f"{prefix}{line}")
            return
        message = read_message(line)
        if message is None:
            return
        if isinstance(message, Ready):
            process.ready = True
        elif isinstance(message, HandingOver):
            self._hand_over(slot, process)
        elif isinstance(message, Idle):
            self._idle(slot, process)
        else:
            if isinstance(message, TrialEnded):
                slot.crashes = 0
                if self._needs_standby(slot, message):
                    slot.standby = self._start(slot, go=False)
            message.deliver(self.monitor, slot.index)

    def _needs_standby(self, slot: Slot, ended: TrialEnded) -> bool:
        return (
            slot.standby is None
            and self.signum is None
            and self.stand_by_at is not None
            and ended.growth >= self.stand_by_at
        )

    def _hand_over(self, slot: Slot, process: WorkerProcess) -> None:
        """The active worker starts no more trials: its standby starts now, while the old
        process winds down."""
        standby = slot.standby
        if standby is not None and process is slot.active and self.signum is None:
            self._go(standby)

    def _idle(self, slot: Slot, process: WorkerProcess) -> None:
        """The active worker's search is done and the process may search again: it goes
        back to the pool, as its slot is done."""
        if process is not slot.active or self.signum is not None:
            self._stand_down(process)  # it exits, and ends as any other
            return
        for fd in process.fds.values():
            self.selector.unregister(fd)
        slot.active = None
        self.pool.keep(process)
        self._finish(slot)


def _to_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
