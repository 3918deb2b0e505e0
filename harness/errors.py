"""The one error hierarchy of the harness.

Every error a user can cause (bad config, bad goldset, bad plugin output) is a
:class:`HarnessError` with a message that names the file, the record and the problem.
The CLI turns each subclass into a documented exit code and never shows a traceback for them.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

#: Problems listed in one error; the rest are counted ("... and 12 more").
MAX_LISTED = 50


class HarnessError(Exception):
    """Base class of every error the harness reports to users."""

    exit_code = 1

    @classmethod
    def listing(cls, source: str, problems: Sequence[str]) -> HarnessError:
        """One error for every problem found in ``source``: the problem itself when there is
        one, else ``"SOURCE: N problems:"`` and one line each (the first :data:`MAX_LISTED`)."""
        if len(problems) == 1:
            return cls(problems[0])
        prefix = f"{source}: "
        shown = [f"  - {p.removeprefix(prefix)}" for p in problems[:MAX_LISTED]]
        more = len(problems) - len(shown)
        if more:
            shown.append(f"  ... and {more} more")
        return cls(f"{source}: {len(problems)} problems:\n" + "\n".join(shown))


class ConfigError(HarnessError):
    """A configuration file or command-line option is invalid (exit code 2)."""

    exit_code = 2


class GoldsetError(HarnessError):
    """A goldset is malformed or does not match its texts (exit code 3)."""

    exit_code = 3

    @classmethod
    def listing(cls, source: str, problems: Sequence[str]) -> HarnessError:
        return super().listing(f"goldset {source}", problems)


class PluginError(HarnessError):
    """A plugin is broken: bad registration, duplicate name, unknown name (exit code 4)."""

    exit_code = 4


class ExtractorError(HarnessError):
    """An extractor failed on a document or returned invalid predictions (exit code 5)."""

    exit_code = 5

    def __init__(self, extractor: str, doc_id: str | None, message: str) -> None:
        self.extractor = extractor
        self.doc_id = doc_id
        self.message = message
        where = f" on document {doc_id!r}" if doc_id is not None else ""
        super().__init__(f"extractor {extractor!r}{where}: {message}")


class ResultsError(HarnessError):
    """A results file cannot be read or two runs cannot be compared (exit code 6)."""

    exit_code = 6


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


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` (or ``""``) followed by the list of known names."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(known) if known else "(none)"
    return f"{hint} Known: {listing}."
