"""The goldset-format contract shared by every reader and writer, and small helpers for them.

A goldset format is an object with a ``name``, a ``description``, the ``label_scheme`` of the gold
it reads by default, an ``Options`` dataclass (validated from the config like extractor options),
a ``read(path, options)`` that yields :class:`harness.model.Document` objects one at a time, and
optionally a ``write(goldset, path, options)``. Plugins register formats through the
``register_goldset_formats`` hook (see :mod:`harness.hookspecs`).

Readers report malformed input with a :class:`ProblemLog`: every problem names the file and the
line, all problems of a file are collected, and the reader raises one
:class:`~harness.errors.GoldsetError` at the end listing them; a document with a problem is never
silently dropped or half-imported.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from ..errors import GoldsetError
from ..model import Document, Speaker

if TYPE_CHECKING:
    from ..goldset import Goldset

MAX_LISTED = 50


@dataclass(frozen=True)
class CommonOptions:
    """Options every format accepts: the goldset's metadata, which non-native files lack."""

    #: Name of the goldset in results (default: the file or folder name without extension).
    name: str | None = None
    #: Version of the goldset (default: the first 12 hex digits of its content hash).
    version: str | None = None
    #: Label scheme of the gold entities (default: the format's own, e.g. ``conll``).
    label_scheme: str | None = None
    #: Entity labels (default: the labels of the scheme, or every label found in the data).
    labels: tuple[str, ...] | None = None


@runtime_checkable
class GoldsetFormat(Protocol):
    """What ``register(name, fmt)`` accepts in the ``register_goldset_formats`` hook."""

    name: ClassVar[str]
    #: One line shown by ``harness goldset formats``.
    description: ClassVar[str]
    #: Version of the reader: part of the cache key of imported goldsets; bump on behaviour change.
    version: ClassVar[str]
    #: Label scheme of the gold read by default (``conll``, ``ontonotes`` or ``custom``).
    label_scheme: ClassVar[str]
    #: Options dataclass; subclass :class:`CommonOptions`.
    Options: ClassVar[type]

    def read(self, path: Path, options: Any) -> Iterable[Document]:
        """Yield the documents of the goldset at ``path`` one at a time (streaming)."""
        ...


def can_write(fmt: object) -> bool:
    """Whether a format implements ``write(goldset, path, options)``."""
    return callable(getattr(fmt, "write", None))


@dataclass(frozen=True)
class FunctionFormat:
    """Adapter for the plain ``reader(path, options) -> Iterable[Document]`` form of the hook."""

    name: str
    reader: Callable[[Path, Any], Iterable[Document]]
    description: str = "(plugin reader)"
    version: str = "1"
    label_scheme: str = "custom"
    Options: type = CommonOptions

    def read(self, path: Path, options: Any) -> Iterable[Document]:
        return self.reader(path, options)


def as_format(name: str, obj: Any) -> GoldsetFormat:
    """Turn what a plugin registered into a :class:`GoldsetFormat`."""
    if callable(getattr(obj, "read", None)):
        return obj  # type: ignore[no-any-return]
    if callable(obj):
        return FunctionFormat(name, obj)  # type: ignore[return-value]
    raise GoldsetError(f"goldset format {name!r}: registered object {obj!r} has no read()")


@dataclass
class ProblemLog:
    """Problems found in the files of one goldset; each names a file and a line."""

    source: str
    items: list[str] = field(default_factory=list)

    def add(self, file: str | Path, line: int | None, message: str) -> None:
        where = f"{file}, line {line}" if line is not None else str(file)
        self.items.append(f"{where}: {message}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        raise_problems(self.source, self.items)


def raise_problems(source: object, items: Sequence[str]) -> None:
    """Raise one :class:`GoldsetError` listing ``items`` (the first ``MAX_LISTED``), if any."""
    if not items:
        return
    shown = items[:MAX_LISTED]
    more = len(items) - len(shown)
    lines = "\n".join(f"  - {p}" for p in shown)
    tail = f"\n  ... and {more} more" if more else ""
    n = len(items)
    exc = GoldsetError(
        f"goldset {source} is invalid ({n} problem{'s' if n != 1 else ''}):\n{lines}{tail}"
    )
    exc.problems = list(items)  # type: ignore[attr-defined]  # all of them, for the CLI
    exc.source = str(source)  # type: ignore[attr-defined]
    raise exc


def decode_utf8(raw: bytes, file: str | Path, problems: ProblemLog) -> str | None:
    """Decode ``raw`` as UTF-8 (a BOM is dropped); on failure log the line and return ``None``."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.add(
            file,
            line,
            f"not valid UTF-8 (byte {exc.start}: {exc.reason}); "
            "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
        )
        return None


def hash_paths(paths: Iterable[Path], root: Path) -> str:
    """sha256 over the names (relative to ``root``) and bytes of ``paths``, in the given order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(root) if p != root else p.name).encode())
        h.update(b"\0")
        with p.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def content_hash(path: Path) -> str:
    """Hash of a file, or of every file under a folder (names and bytes, in name order)."""
    if path.is_file():
        return hash_paths([path], path)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return hash_paths(files, path)


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII slug of a name: ``"Jane O'Neil"`` -> ``"jane-o-neil"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-") or "speaker"


def speakers_from_mentions(mentions: Iterable[tuple[str, str]]) -> dict[str, Speaker]:
    """Build a speaker registry from ``(mention text, type)`` pairs, one speaker per slug."""
    out: dict[str, Speaker] = {}
    for text, type_ in mentions:
        sid = slug(text)
        if sid in out:
            s = out[sid]
            if text not in s.aliases:
                out[sid] = Speaker(sid, s.name, s.type, (*s.aliases, text))
        else:
            out[sid] = Speaker(sid, text, type_, (text,))
    return out


def safe_doc_id(doc_id: str) -> bool:
    """Whether a document id can be used as a file name on every platform."""
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", doc_id))


def iter_or_raise(docs: Iterable[Document], problems: ProblemLog) -> Iterator[Document]:
    """Yield ``docs``, then raise if ``problems`` collected anything while they were produced."""
    yield from docs
    problems.raise_if_any()


def goldset_documents(goldset: Goldset | Iterable[Document]) -> Iterator[Document]:
    """Iterate the documents of a goldset or of any iterable of documents."""
    return iter(goldset)
