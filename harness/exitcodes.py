"""The exit codes of the ``harness`` command, defined once.

The error classes (:mod:`harness.errors`) carry theirs, the CLI exits with these, and the
README's table is :func:`markdown_table` (a test checks it).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What ``harness`` exits with."""

    OK = 0
    INTERNAL = 1
    CONFIG = 2
    GOLDSET = 3
    PLUGIN = 4
    EXTRACTOR = 5
    RESULTS = 6
    GATE = 7
    OUTPUT = 8
    INTERRUPTED = 130
    TERMINATED = 143

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "success",
    ExitCode.INTERNAL: (
        "internal error: a bug in harness or a plugin (one line says where; `harness --debug` "
        "prints the traceback to report)"
    ),
    ExitCode.CONFIG: "bad configuration or command-line usage",
    ExitCode.GOLDSET: "invalid goldset",
    ExitCode.PLUGIN: "plugin problem (import failure, duplicate or unknown name)",
    ExitCode.EXTRACTOR: (
        "run incomplete: an extractor failed on some document (results are written, failures "
        "listed), or stopped the run with `--fail-fast`"
    ),
    ExitCode.RESULTS: "unreadable results file, or runs that cannot be compared",
    ExitCode.GATE: "regression gate failed (a score broke its threshold)",
    ExitCode.OUTPUT: (
        "a file or folder could not be written (read-only or full disk, no permission, a file "
        "where a folder is expected, a file size limit): the path is named, and what was "
        "finished before it is kept"
    ),
    ExitCode.INTERRUPTED: (
        "interrupted by Ctrl-C (SIGINT): stopped cleanly, temporary files removed, predictions "
        "made so far kept in the prediction cache"
    ),
    ExitCode.TERMINATED: "stopped by SIGTERM (`timeout`, a CI runner, a container stop): as Ctrl-C",
}


def markdown_table() -> str:
    """The exit codes as the README's Markdown table."""
    rows = [f"| {code.value} | {code.meaning} |" for code in ExitCode]
    return "\n".join(["| code | meaning |", "|---|---|", *rows]) + "\n"
