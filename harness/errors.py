"""The one error hierarchy of the harness.

Every error a user can cause (bad config, bad goldset, bad plugin output) is a
:class:`HarnessError` with a message that names the file, the record and the problem.
The CLI turns each subclass into a documented exit code and never shows a traceback for them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .exitcodes import ExitCode


class HarnessError(Exception):
    """Base class of every error the harness reports to users."""

    exit_code: int = ExitCode.INTERNAL


class ConfigError(HarnessError):
    """A configuration file or command-line option is invalid."""

    exit_code: int = ExitCode.CONFIG


class GoldsetError(HarnessError):
    """A goldset is malformed or does not match its texts."""

    exit_code: int = ExitCode.GOLDSET


class PluginError(HarnessError):
    """A plugin is broken: bad registration, duplicate name, unknown name."""

    exit_code: int = ExitCode.PLUGIN


class ExtractorError(HarnessError):
    """An extractor failed on a document or returned invalid predictions."""

    exit_code: int = ExitCode.EXTRACTOR

    def __init__(self, extractor: str, doc_id: str | None, message: str) -> None:
        self.extractor = extractor
        self.doc_id = doc_id
        self.message = message
        where = f" on document {doc_id!r}" if doc_id is not None else ""
        super().__init__(f"extractor {extractor!r}{where}: {message}")


class ResultsError(HarnessError):
    """A results file cannot be read or two runs cannot be compared."""

    exit_code: int = ExitCode.RESULTS


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` (or ``""``) followed by the list of known names."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(known) if known else "(none)"
    return f"{hint} Known: {listing}."
