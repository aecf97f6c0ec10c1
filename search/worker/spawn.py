"""Starting worker processes: forked by a forkserver (see ``search.worker.forkserver``).

A run (its batch of spaces) and a service worker (its queue of searches) each start one
forkserver and fork every worker of every search from it, unless ``--forkserver`` names one
already running (a socket path: a test session keeps one warm for all its runs).
No TensorFlow here: the supervisor stays small.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import IO

# A forkserver binds its socket under this suffix and renames it once listening.
BINDING_SUFFIX = ".new"

# How long a client waits for a forkserver it started to listen.
_LISTEN_SECONDS = 60.0


class Forkserver:
    """A forkserver this process talks to: started here (``start``), or already running."""

    def __init__(self, path: str, process: subprocess.Popen | None = None):
        self.path = path
        self.process = process

    @classmethod
    def start(cls, *, debug: bool = False) -> Forkserver:
        """A new forkserver, a child of this process, dying with it. It is not waited for:
        its imports run while this process goes on, and the first ``spawn`` waits."""
        folder = tempfile.mkdtemp(prefix="search-forkserver-")
        path = os.path.join(folder, "socket")
        command = [sys.executable, "-m", "search.worker.forkserver", path]
        process = subprocess.Popen(
            [*command, *(["--debug"] if debug else [])],
            stdin=subprocess.DEVNULL,
            stdout=None if debug else subprocess.DEVNULL,
        )
        return cls(path, process)

    def _wait_listening(self) -> None:
        """Wait until the forkserver listens on its socket (one started here, or one given
        and perhaps started a moment ago)."""
        deadline = time.monotonic() + _LISTEN_SECONDS
        while not os.path.exists(self.path):
            ended = self.process is not None and self.process.poll() is not None
            if ended or time.monotonic() > deadline:
                if self.process is not None:
                    self.process.kill()
                raise RuntimeError(f"the forkserver at {self.path} did not start")
            time.sleep(0.01)

    @classmethod
    def shared_or_started(cls, path: str | None, *, debug: bool = False) -> Forkserver:
        """The forkserver listening on ``path``, else a new one (``start``)."""
        return cls(path) if path else cls.start(debug=debug)

    def spawn(
        self, args: list[str], *, env: dict[str, str], show_output: bool = False
    ) -> tuple[ForkedProcess, int]:
        """Fork a worker with ``args`` (its command-line arguments, but for its events pipe)
        and ``env``, in this process's directory; the read end of its events pipe is
        returned beside it. Its standard output is this process's with ``show_output``,
        else discarded."""
        self._wait_listening()
        stdin_read, stdin_write = os.pipe()
        stderr_read, stderr_write = os.pipe()
        events_read, events_write = os.pipe()
        out = 1 if show_output else os.open(os.devnull, os.O_WRONLY)
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(self.path)
            request = {"args": args, "env": env, "cwd": os.getcwd()}
            socket.send_fds(
                connection,
                [json.dumps(request).encode() + b"\n"],
                [stdin_read, out, stderr_write, events_write],
            )
            pid = int(_read_line(connection))
        except (OSError, ValueError) as exc:
            connection.close()
            for fd in (stdin_write, stderr_read, events_read):
                os.close(fd)
            raise RuntimeError(
                f"the forkserver at {self.path} did not start a worker: {exc}"
            ) from exc
        finally:
            for fd in (stdin_read, stderr_write, events_write):
                os.close(fd)
            if out != 1:
                os.close(out)
        process = ForkedProcess(
            pid, connection, os.fdopen(stdin_write, "wb"), os.fdopen(stderr_read, "rb")
        )
        return process, events_read

    def close(self) -> None:
        """Stop the forkserver, if this process started it."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        # Either name: one stopped before it listened leaves its socket unrenamed.
        for path in (self.path, self.path + BINDING_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(path)
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(self.path))


class ForkedProcess:
    """A worker forked by a forkserver: the part of ``subprocess.Popen`` a supervisor uses
    (``pid``, ``stdin``, ``stderr``, ``poll``, ``send_signal``, ``kill``)."""

    def __init__(self, pid: int, connection: socket.socket, stdin: IO[bytes], stderr: IO[bytes]):
        self.pid = pid
        self.stdin = stdin
        self.stderr = stderr
        self.returncode: int | None = None
        self._connection = connection
        self._answer = b""
        connection.setblocking(False)

    def poll(self) -> int | None:
        """The exit status once the forkserver has told it, else None."""
        if self.returncode is not None:
            return self.returncode
        try:
            chunk = self._connection.recv(64)
        except BlockingIOError:
            return None
        except OSError:
            chunk = b""
        if chunk:
            self._answer += chunk
            if self._answer.endswith(b"\n"):
                self.returncode = int(self._answer)
                self._connection.close()
            return self.returncode
        # The forkserver went away without telling: the worker ends as well (it dies with
        # its parent); wait for it to be gone.
        if _alive(self.pid):
            return None
        self._connection.close()
        self.returncode = -signal.SIGKILL
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _read_line(connection: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(64)
        if not chunk:
            raise ValueError("it closed the connection")
        data += chunk
    return data


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
