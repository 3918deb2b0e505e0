"""The conversion report: every record a reader repaired, merged, split or dropped, and why.

Readers of annotated corpora (brat, Label Studio) apply the conventions of
``goldsets/GUIDELINES.md`` (section "Converting other corpora") while they read: a leading
complementiser is dropped, quotation marks are trimmed, discontinuous contents are joined or
split, nested quotes are dropped. None of that may happen silently, so each such change is
recorded as a :class:`Change` naming the file, the line, the document and the reason.

Collection is opt-in and costs nothing otherwise: code that wants the report runs the reader
inside :func:`collect`; readers call :func:`note` (a no-op outside ``collect``)::

    with collect() as report:
        docs = list(fmt.read(path, options))
    report.write(Path("conversion-report.tsv"))
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Action = Literal["repaired", "merged", "split", "dropped"]
ACTIONS: tuple[Action, ...] = ("repaired", "merged", "split", "dropped")
COLUMNS = ("action", "reason", "file", "line", "document", "detail")


@dataclass(frozen=True)
class Change:
    """One record changed on import: what was done, why, and where the record is."""

    action: Action
    #: A short, stable reason (the key of the summary), e.g. ``complementiser dropped``.
    reason: str
    file: str
    line: int | None
    document: str
    #: The record and what became of it, e.g. ``T3 Content 10..45 -> 15..45``.
    detail: str = ""


@dataclass
class ConversionReport:
    """The changes of one conversion, in the order they were made."""

    changes: list[Change] = field(default_factory=list)
    #: Files a reader started on (a cached goldset is not read again: 0 means "not read").
    files_read: int = 0

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def summary(self) -> Counter[tuple[str, str]]:
        """How many changes of each ``(action, reason)``."""
        return Counter((c.action, c.reason) for c in self.changes)

    def summary_lines(self) -> list[str]:
        """``"repaired  1203  complementiser dropped"`` lines, by action then count."""
        order = {a: i for i, a in enumerate(ACTIONS)}
        items = sorted(self.summary().items(), key=lambda kv: (order[kv[0][0]], -kv[1]))
        return [f"{action:<9} {n:>6}  {reason}" for (action, reason), n in items]

    def write(self, path: Path) -> None:
        """Write every change as a tab-separated file with a header line."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            w.writerow(COLUMNS)
            for c in self.changes:
                line = "" if c.line is None else c.line
                w.writerow((c.action, c.reason, c.file, line, c.document, c.detail))


_current: ContextVar[ConversionReport | None] = ContextVar("harness_conversion", default=None)


@contextmanager
def collect() -> Iterator[ConversionReport]:
    """Collect the changes readers make while the block runs (nested blocks each get theirs)."""
    report = ConversionReport()
    token = _current.set(report)
    try:
        yield report
    finally:
        _current.reset(token)


def note(
    action: Action,
    reason: str,
    file: str | Path,
    line: int | None,
    document: str,
    detail: str = "",
) -> None:
    """Record one change in the active report (nothing happens outside :func:`collect`)."""
    report = _current.get()
    if report is not None:
        report.add(Change(action, reason, str(file), line, document, detail))


def file_started() -> None:
    """Readers call this once per file they parse, so callers can tell a cache hit."""
    report = _current.get()
    if report is not None:
        report.files_read += 1
