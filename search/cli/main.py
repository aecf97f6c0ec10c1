"""The command line's entry point: parse, run the command, and turn every way it can end
into an exit status and at most one line on standard error."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence

from search._startup import quiet_imports
from search.cli import commands, service_commands
from search.cli.arguments import build_parser
from search.errors import RunInterrupted, UsageError

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": commands.run,
    "report": commands.report,
    "forecast": commands.forecast,
    "reproduce": commands.reproduce_trial,
    "lr-find": commands.lr_find,
    "example": commands.example,
    "submit": service_commands.submit,
    "worker": service_commands.worker,
    "status": service_commands.status,
    "cancel": service_commands.cancel,
}


# Commands whose own process trains nothing: their workers import TensorFlow for themselves.
# A run is one too, and quiets its imports itself once its forkserver has started.
_WITHOUT_TENSORFLOW = ("submit", "worker", "status", "cancel", "example")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "lr-find":
        # Options naming a space's fields are checked against the space itself.
        args.fields = [*args.fields, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command != "run":  # a run starts its forkserver first (see commands.run)
        quiet_imports(args.debug, with_tensorflow=args.command not in _WITHOUT_TENSORFLOW)
    try:
        command = _COMMANDS.get(args.command)
        if command is None:
            parser.error(f"unknown command {args.command}")
        return command(args)
    except UsageError as exc:
        return _fail(args, f"error: {exc}", exc.exit_code)
    except RunInterrupted as exc:
        print(
            f"stopped by signal {exc.signum}; run the same command again to resume", file=sys.stderr
        )
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return _fail(
            args, f"error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", 1
        )
    finally:
        _close_storages()
    return 0


def _close_storages() -> None:
    """A command holds no database connection open once it returns."""
    storage = sys.modules.get("search.study.storage")  # none opened if it was never imported
    if storage is not None:
        storage.close_storages()


def _fail(args: argparse.Namespace, message: str, status: int) -> int:
    if getattr(args, "debug", False):
        traceback.print_exc()
    print(message.splitlines()[0] if message else "error", file=sys.stderr)
    return status
