"""The one error hierarchy of the harness.

Every error a user can cause (bad config, bad goldset, bad plugin output) is a
:class:`HarnessError` with a message that names the file, the record and the problem.
The CLI turns each subclass into a documented exit code and never shows a traceback for them.
"""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from .exitcodes import ExitCode

#: Problems listed in one error; the rest are counted ("... and 12 more").
MAX_LISTED = 50


class HarnessError(Exception):
    """Base class of every error the harness reports to users."""

    exit_code: int = ExitCode.INTERNAL
    #: Every problem when the error lists several (:meth:`listing`), else empty.
    problems: Sequence[str] = ()
    #: What the problems are about (``goldset PATH``, a config file), with :attr:`problems`.
    source: str = ""

    @classmethod
    def listing(cls, source: str, problems: Sequence[str]) -> HarnessError:
        """One error for every problem found in ``source``: the problem itself when there is
        one, else ``"SOURCE: N problems:"`` and one line each (the first :data:`MAX_LISTED`)."""
        if len(problems) == 1:
            exc = cls(problems[0])
        else:
            prefix = f"{source}: "
            shown = [f"  - {p.removeprefix(prefix)}" for p in problems[:MAX_LISTED]]
            more = len(problems) - len(shown)
            if more:
                shown.append(f"  ... and {more} more")
            exc = cls(f"{source}: {len(problems)} problems:\n" + "\n".join(shown))
        exc.problems = tuple(problems)  # all of them, for the CLI (--max-problems, a file)
        exc.source = source
        return exc


class ConfigError(HarnessError):
    """A configuration file or command-line option is invalid."""

    exit_code: int = ExitCode.CONFIG


class GoldsetError(HarnessError):
    """A goldset is malformed or does not match its texts."""

    exit_code: int = ExitCode.GOLDSET

    @classmethod
    def listing(cls, source: str, problems: Sequence[str]) -> HarnessError:
        return super().listing(f"goldset {source}", problems)


class PluginError(HarnessError):
    """A plugin is broken: bad registration, duplicate name, unknown name."""

    exit_code: int = ExitCode.PLUGIN


class ExtractorError(HarnessError):
    """An extractor failed on a document or returned invalid predictions."""

    exit_code: int = ExitCode.EXTRACTOR

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
    """A results file cannot be read or two runs cannot be compared."""

    exit_code: int = ExitCode.RESULTS


class OutputError(HarnessError):
    """A file or folder cannot be written: permission, read-only or full disk, a file where a
    folder is expected, a file size limit. The message names the path."""

    exit_code: int = ExitCode.OUTPUT


class HarnessWarning(UserWarning):
    """Something the harness repaired on its own and the user should know about (a corrupt
    cache entry discarded and rebuilt...): the run goes on, its results are right."""


class Problems:
    """Every problem found in one input (a goldset, a config), so that one error lists them all.

    A reader or parser adds each problem where it finds it, naming the file and the line or
    record, and goes on; at the end :meth:`raise_if_any` raises one ``error`` listing them. Nothing
    is skipped silently: a record with a problem is reported, never dropped or half-read.

    Example::

        problems = Problems(path)                 # a GoldsetError unless told otherwise
        for n, line in enumerate(lines, 1):
            if bad(line):
                problems.add(path, n, "what is wrong")
        problems.raise_if_any()
    """

    def __init__(
        self, source: str | os.PathLike[str], error: type[HarnessError] = GoldsetError
    ) -> None:
        #: What is checked (a goldset path, a config file): the heading of the error.
        self.source = str(source)
        self.error = error
        self.items: list[str] = []

    def add(self, file: str | os.PathLike[str], line: int | None, message: str) -> None:
        """Record ``message`` about ``file`` (at ``line`` when given)."""
        where = f"{file}, line {line}" if line is not None else str(file)
        self.items.append(f"{where}: {message}")

    def extend(self, messages: Iterable[str]) -> None:
        """Record messages that already say where they are."""
        self.items.extend(messages)

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Record an ``error`` raised in the block (its message names the place) and go on."""
        try:
            yield
        except self.error as exc:
            self.items.append(str(exc))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        """Raise one ``error`` listing every problem, if there is any."""
        if self.items:
            raise self.error.listing(self.source, self.items)


def os_problem(exc: OSError) -> str:
    """An OS error as a sentence that names its file: ``"/runs/x: No space left on device"``."""
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.EFBIG:
        reason += " (the file size limit, `ulimit -f`, was reached)"
    if exc.filename is None:
        return reason
    where = str(exc.filename) + (f" -> {exc.filename2}" if exc.filename2 else "")
    return f"{where}: {reason}"


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` (or ``""``) followed by the list of known names."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(known) if known else "(none)"
    return f"{hint} Known: {listing}."
