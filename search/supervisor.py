"""The supervisor: runs a plan's workers as processes and watches them.

It starts ``--workers`` worker processes on the run's study, replaces one that asks for a
fresh process (its memory grew) or that died, hands each event to a monitor (progress, the
leaderboard), and passes SIGINT or SIGTERM on to the workers as SIGTERM so that each ends
its trial at the next epoch boundary.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from search import worker as worker_process
from search.tuner import TrialEvents

# A worker that dies this many times in a row without finishing a trial is not restarted.
MAX_CRASHES = 3


@dataclass
class _Slot:
    index: int
    process: subprocess.Popen | None = None
    fds: dict[str, int] = field(default_factory=dict)  # "events" and "errors", while open
    buffer: dict[str, bytes] = field(default_factory=dict)
    crashes: int = 0
    done: bool = False


class Supervisor:
    """Runs ``workers`` worker processes for ``plan`` until each is done.

    ``say`` prints one line for a person (errors of workers, restarts): by default the
    monitor's ``message``.
    """

    def __init__(
        self,
        plan: Any,
        monitor: TrialEvents,
        *,
        workers: int,
        deadline: float | None,
        debug: bool = False,
        say: Callable[[str], None] | None = None,
    ):
        self.plan = plan
        self.monitor = monitor
        self.deadline = deadline
        self.debug = debug
        self.say = say or getattr(monitor, "message", None) or _to_stderr
        self.slots = [_Slot(i) for i in range(workers)]
        self.selector = selectors.DefaultSelector()
        self.signum: int | None = None

    # -- life of the workers ---------------------------------------------------------------

    def run(self) -> int | None:
        """Run until every worker is done; the signal that stopped the run, if any."""
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for slot in self.slots:
                self._start(slot)
            while not all(slot.done for slot in self.slots):
                self._pump(timeout=0.5)
                for slot in self.slots:
                    if slot.process is not None and slot.process.poll() is not None:
                        self._drain(slot)
                        self._ended(slot)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            for slot in self.slots:
                if slot.process is not None and slot.process.poll() is None:
                    slot.process.kill()
        return self.signum

    def _start(self, slot: _Slot) -> None:
        events_read, events_write = os.pipe()
        env = dict(os.environ)
        if len(self.slots) > 1:
            # Workers share the cores instead of each reaching for all of them.
            threads = str(max(1, (os.cpu_count() or 1) // len(self.slots)))
            env.setdefault("TF_NUM_INTRAOP_THREADS", threads)
            env.setdefault("TF_NUM_INTEROP_THREADS", "1")
        slot.process = subprocess.Popen(
            [sys.executable, "-m", "search.worker"],
            stdin=subprocess.PIPE,
            stdout=None if self.debug else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(events_write,),
            env=env,
        )
        os.close(events_write)
        spec = worker_process.job(
            self.plan,
            worker=slot.index,
            events_fd=events_write,
            deadline=self.deadline,
            debug=self.debug,
        )
        slot.process.stdin.write(spec.encode())
        slot.process.stdin.close()
        slot.fds = {"events": events_read, "errors": slot.process.stderr.fileno()}
        slot.buffer = {"events": b"", "errors": b""}
        for kind, fd in slot.fds.items():
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ, (slot, kind))

    def _ended(self, slot: _Slot) -> None:
        code = slot.process.returncode
        slot.process.stderr.close()
        slot.process = None
        who = f"worker {slot.index + 1}" if len(self.slots) > 1 else "the worker"
        if code == worker_process.RECYCLE and self.signum is None:
            self._start(slot)  # memory grew: a fresh process carries on
            return
        if code == worker_process.DONE or self.signum is not None:
            slot.done = True
            return
        slot.crashes += 1
        reason = (
            f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with {code}"
        )
        if code == 2 or slot.crashes >= MAX_CRASHES:
            self.say(f"{who} {reason}; not restarting it")
            slot.done = True
            return
        self.say(f"{who} {reason}; starting a new one (its trial is retried)")
        self._start(slot)

    def _on_signal(self, signum: int, frame: Any) -> None:
        if self.signum is not None:  # a second signal: stop now
            for slot in self.slots:
                if slot.process is not None:
                    slot.process.kill()
            raise KeyboardInterrupt
        self.signum = signum
        for slot in self.slots:
            if slot.process is not None and slot.process.poll() is None:
                slot.process.send_signal(signal.SIGTERM)

    # -- what the workers say -------------------------------------------------------------

    def _pump(self, timeout: float) -> None:
        for key, _ in self.selector.select(timeout):
            slot, kind = key.data
            self._read(slot, kind)

    def _drain(self, slot: _Slot) -> None:
        """Read what an ended worker left in its pipes, up to their end."""
        deadline = time.monotonic() + 5
        while slot.fds and time.monotonic() < deadline:
            for kind in list(slot.fds):
                self._read(slot, kind)
            time.sleep(0.01)
        for kind in list(slot.fds):
            self._close(slot, kind)

    def _read(self, slot: _Slot, kind: str) -> None:
        fd = slot.fds.get(kind)
        if fd is None:
            return
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not chunk:
            self._close(slot, kind)
            return
        *lines, slot.buffer[kind] = (slot.buffer[kind] + chunk).split(b"\n")
        for line in lines:
            if line.strip():
                self._line(slot, kind, line.decode(errors="replace"))

    def _close(self, slot: _Slot, kind: str) -> None:
        fd = slot.fds.pop(kind)
        self.selector.unregister(fd)
        if slot.buffer.get(kind, b"").strip():
            self._line(slot, kind, slot.buffer[kind].decode(errors="replace"))
        slot.buffer[kind] = b""
        if kind == "events":
            os.close(fd)

    def _line(self, slot: _Slot, kind: str, line: str) -> None:
        if kind == "errors":
            prefix = f"worker {slot.index + 1}: " if len(self.slots) > 1 else ""
            self.say(f"{prefix}{line}")
            return
        try:
            event = json.loads(line)
        except ValueError:
            return
        name = event.get("event")
        if name == "trial_started":
            self.monitor.trial_started(event["number"], event["config"], worker=slot.index)
        elif name == "epoch_ended":
            self.monitor.epoch_ended(
                event["number"],
                event["epoch"],
                event["val_mae"],
                worker=slot.index,
                fold=event.get("fold", 1),
            )
        elif name == "trial_ended":
            slot.crashes = 0
            self.monitor.trial_ended(event["number"], worker=slot.index)


def _to_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
