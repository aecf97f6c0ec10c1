"""The processes a command runs, and their memory, read from ``/proc`` (Linux)."""

from __future__ import annotations

from pathlib import Path


def descendants(root: int) -> list[int]:
    """Every process below ``root``: children first, then theirs."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # The parent is the second field after the command name, which is in
                # parentheses and may itself hold spaces.
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def status_kb(pid: int, field: str) -> int:
    """A ``/proc/PID/status`` figure in kB (``VmHWM``, ``VmRSS``); 0 for a process gone."""
    return _field_kb(f"/proc/{pid}/status", field)


def pss_kb(pid: int) -> int:
    """The process's proportional set size in kB: its private pages, and its share of the
    pages it shares (with the forkserver it was forked from, say), so that the sum over
    processes counts each page once; 0 for a process gone."""
    return _field_kb(f"/proc/{pid}/smaps_rollup", "Pss")


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _field_kb(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
