"""A forkserver: a warm parent that imports TensorFlow once and forks each worker process.

A worker started afresh spends seconds importing TensorFlow before its first trial (5 to 9 s
of a core on 2 cores); one forked from here starts at once, and shares the imported
libraries' memory with its siblings until one of them writes to it. Nothing here creates a
TensorFlow op, so each child starts TensorFlow's runtime (its thread pools) itself.

Started as ``python -m search.worker.forkserver SOCKET [--debug]``; it listens on the Unix
socket ``SOCKET`` for requests from ``search.worker.spawn`` (one connection per worker: a
JSON line with the worker's arguments, environment and working directory, and its standard
input, output and error and its events pipe as file descriptors). It answers with the
child's pid, and later with its exit status as ``subprocess.Popen.returncode`` gives it.
It exits when the process that started it dies.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import select
import signal
import socket
import sys
import traceback

# How long the server waits on its socket before it looks for ended children.
_REAP_SECONDS = 0.2
# stdin, stdout, stderr, events
_FDS = 4
# Optuna's database storage loads Alembic and its table models when it is first opened:
# 1.2 s of every worker's start, measured, unless the forkserver has them.
_PRELOADED = (
    "alembic.command",
    "alembic.config",
    "alembic.migration",
    "alembic.script",
    "optuna.storages._rdb.models",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.worker.forkserver")
    parser.add_argument("socket", help="the Unix socket to listen on")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    from search.worker.process import parent_death_signal
    from search.worker.spawn import BINDING_SUFFIX

    parent_death_signal()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor answers Ctrl-C
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Bound under another name and renamed once listening: a client that sees the path
    # can connect.
    listener.bind(args.socket + BINDING_SUFFIX)
    listener.listen(16)
    os.rename(args.socket + BINDING_SUFFIX, args.socket)
    # Listening first: a client may connect while the imports run, and waits for its pid.
    from search._startup import quiet_imports

    quiet_imports(args.debug)
    # What a worker builds its search from, imported once for all of them.
    import search.worker.loop  # noqa: F401

    _preload()

    children: dict[int, socket.socket] = {}
    while True:
        readable, _, _ = select.select([listener], [], [], _REAP_SECONDS)
        if readable:
            connection, _ = listener.accept()
            _serve(connection, listener, children)
        _reap(children)


def _preload() -> None:
    """Import what each worker would otherwise import lazily before its first trial."""
    for name in _PRELOADED:
        # Optuna's, not this product's: should one move, the worker imports what it needs.
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _serve(
    connection: socket.socket, listener: socket.socket, children: dict[int, socket.socket]
) -> None:
    try:
        request, fds = _receive(connection)
    except (OSError, ValueError) as exc:
        print(f"forkserver: a bad request ({exc})", file=sys.stderr, flush=True)
        connection.close()
        return
    pid = os.fork()
    if pid == 0:
        listener.close()
        for other in children.values():
            other.close()
        connection.close()
        os._exit(_child(request, fds))
    for fd in fds:
        os.close(fd)
    children[pid] = connection
    with contextlib.suppress(OSError):
        connection.sendall(b"%d\n" % pid)


def _receive(connection: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(connection, 65536, _FDS)
    while not data.endswith(b"\n"):
        more = connection.recv(65536)
        if not more:
            raise ValueError("the request ended early")
        data += more
    if len(fds) != _FDS:
        for fd in fds:
            os.close(fd)
        raise ValueError(f"{len(fds)} file descriptors, not {_FDS}")
    return json.loads(data), list(fds)


def _child(request: dict, fds: list[int]) -> int:
    """Become the worker: its pipes, environment and directory, then its main."""
    stdin, stdout, stderr, events = fds
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
        os.close(fd)
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        from search.worker.process import main as worker_main

        code = worker_main([*request["args"], "--events-fd", str(events)])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
    return code


def _reap(children: dict[int, socket.socket]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = children.pop(pid, None)
        if connection is None:
            continue
        with contextlib.suppress(OSError):
            connection.sendall(b"%d\n" % os.waitstatus_to_exitcode(status))
        connection.close()


if __name__ == "__main__":
    raise SystemExit(main())
