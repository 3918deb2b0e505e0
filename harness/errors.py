"""The one error hierarchy of the harness.

Every error a user can cause (bad config, bad goldset, bad plugin output) is a
:class:`HarnessError` with a message that names the file, the record and the problem.
The CLI turns each subclass into a documented exit code and never shows a traceback for them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping


class HarnessError(Exception):
    """Base class of every error the harness reports to users."""

    exit_code = 1


class ConfigError(HarnessError):
    """A configuration file or command-line option is invalid (exit code 2)."""

    exit_code = 2


class GoldsetError(HarnessError):
    """A goldset is malformed or does not match its texts (exit code 3)."""

    exit_code = 3


class PluginError(HarnessError):
    """A plugin is broken: bad registration, duplicate name, unknown name (exit code 4)."""

    exit_code = 4


class ExtractorError(HarnessError):
    """An extractor failed on a document or returned invalid predictions (exit code 5)."""

    exit_code = 5

    def __init__(
        self,
        extractor: str,
        doc_id: str | None,
        message: str,
        diagnostics: Mapping[str, float] | None = None,
    ) -> None:
        self.extractor = extractor
        self.doc_id = doc_id
        self.message = message
        #: Diagnostics of the failed document (tokens spent on it...), counted like a
        #: prediction's (:attr:`harness.model.Prediction.diagnostics`).
        self.diagnostics = dict(diagnostics or {})
        where = f" on document {doc_id!r}" if doc_id is not None else ""
        super().__init__(f"extractor {extractor!r}{where}: {message}")


class ResultsError(HarnessError):
    """A results file cannot be read or two runs cannot be compared (exit code 6)."""

    exit_code = 6


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` (or ``""``) followed by the list of known names."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(known) if known else "(none)"
    return f"{hint} Known: {listing}."
