"""The command line: ``python -m search COMMAND``; ``python -m search --help`` lists the
commands (``search.cli.arguments`` declares them, one function each).

Exit status 0 on success, 2 on bad usage or input (one line on standard error), 130 or
143 when stopped by SIGINT or SIGTERM; a traceback only with ``--debug``.
"""

from search.cli.main import main

__all__ = ["main"]
