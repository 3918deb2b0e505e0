"""What the CLI modules share: consoles, the error exit, ``KEY=VALUE`` options, and what the
top-level handler (:mod:`harness.cli_main`) needs to know about the command that ran."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from .errors import ConfigError, HarnessError


def _width(stream: object) -> int | None:
    """Let rich size tables to the terminal; written to a file or a CI log (no terminal and no
    ``COLUMNS``), rich would squeeze them into 80 columns and cut every cell short."""
    isatty = getattr(stream, "isatty", None)
    if (isatty is not None and isatty()) or os.environ.get("COLUMNS"):
        return None
    return 200


out = Console(width=_width(sys.stdout))
err = Console(stderr=True, soft_wrap=True, width=_width(sys.stderr))

#: ``harness --debug`` (or ``HARNESS_DEBUG=1``): print the traceback of every error.
DEBUG = False
#: Files a command finished writing (named when it is interrupted afterwards).
WRITTEN: list[str] = []
#: What an interrupted command keeps, said after "interrupted" (the prediction cache...).
INTERRUPT_NOTES: list[str] = []


def fail(exc: HarnessError) -> typer.Exit:
    """Print ``exc`` as a one-line error and return the exit that carries its code."""
    if DEBUG:
        traceback.print_exception(exc, file=sys.stderr)
    # the message is text, not markup: "[low, high]" in a message must not vanish
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    return typer.Exit(exc.exit_code)


def parse_pairs(pairs: list[str] | None, flag: str = "--option") -> dict[str, Any]:
    """``["scheme=iob2", "labels=[PER, ORG]"]`` -> ``{"scheme": "iob2", "labels": [...]}``.

    Values are YAML read as configs are (:func:`harness.yamlload.load_yaml`: no duplicate keys,
    aliases bounded); a bad pair or value is a :class:`ConfigError` (exit 2) naming the option
    and the value."""
    from .yamlload import load_yaml

    result: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{flag} {pair!r}: expected key=value")
        if key.strip() in result:
            raise ConfigError(f"{flag} {pair!r}: {key.strip()!r} is given twice")
        result[key.strip()] = load_yaml(value, f"{flag} {pair!r}: the value", ConfigError)
    return result
