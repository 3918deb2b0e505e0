"""Load a goldset in any registered format into a cached Arrow dataset: the format-independent part.

:func:`load_goldset` asks the format (:mod:`harness.formats`, found by name in the plugin registry)
for the goldset's metadata and hashes, then, unless the rows are already cached under those hashes,
streams the documents the format reads through the same checks for every format (unique ids,
offsets, labels, overlaps, quote types, speakers) into a Hugging Face :class:`datasets.Dataset`
with declared features (``Dataset.from_generator``, memory-mapped Arrow). Any problem raises one
:class:`GoldsetError` listing them all, each naming the file and the record or line.
:class:`Goldset` converts rows to :class:`harness.model.Document` objects lazily, a batch at a
time, so large goldsets are iterated in bounded memory.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

from .errors import GoldsetError, HarnessError, Problems
from .formats import get_format
from .model import QUOTE_TYPES, Document, Entity, Span, span_problem
from .options import parse_options
from .rows import dataset_features, document_to_row, documents_from_arrow, iter_documents

#: The format of a goldset given by its path alone: the native folder (formats/native.py).
DEFAULT_FORMAT = "harness"
#: Version of the row layout (part of every row-cache key): bump when dataset_features changes.
ROWS_VERSION = 1


@dataclass(frozen=True)
class GoldsetSource(os.PathLike):  # type: ignore[type-arg]
    """Where a goldset is and how to read it: a path, a format name and that format's options.

    It is a path-like object (``os.fspath(source)`` is the path), so code that only needs the
    location can treat it as a path.
    """

    path: Path
    format: str = DEFAULT_FORMAT
    #: The options as given (config or command line): recorded in results, so that a report can
    #: read the goldset again with them.
    options: Mapping[str, Any] = field(default_factory=dict)
    #: The same options parsed into the format's ``Options`` (by the config), or ``None`` when they
    #: are still to be parsed: they are parsed once, wherever the source comes from.
    parsed: Any = field(default=None, compare=False)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


class DocumentSequence(Sequence[Document]):
    """The documents of a goldset, read from its Arrow rows on demand (never all at once)."""

    def __init__(self, dataset: Any) -> None:
        self._ds = dataset
        self._arrow = dataset.with_format("arrow")

    def __len__(self) -> int:
        return int(self._ds.num_rows)

    @overload
    def __getitem__(self, i: int) -> Document: ...
    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...
    def __getitem__(self, i: int | slice) -> Document | list[Document]:
        if isinstance(i, slice):
            idx = list(range(*i.indices(len(self))))
            return documents_from_arrow(self._arrow[idx]) if idx else []
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return documents_from_arrow(self._arrow[i : i + 1])[0]

    def __iter__(self) -> Iterator[Document]:
        return iter_documents(self._ds)


@dataclass(frozen=True, eq=False)
class Goldset:
    """A validated goldset: its metadata, its rows (a memory-mapped Arrow dataset), a content hash.

    Iterating yields :class:`Document` objects converted lazily from the Arrow rows, so a goldset
    of any size can be iterated (several times) in bounded memory.
    """

    root: Path
    name: str
    version: str
    description: str
    label_scheme: str
    labels: tuple[str, ...]
    guidelines: str | None
    #: The rows as a ``datasets.Dataset`` with :func:`dataset_features`.
    dataset: Any
    sha256: str
    format: str = DEFAULT_FORMAT
    #: The format options it was read with (as given: reading again with them gives this goldset).
    options: Mapping[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.dataset.num_rows)

    def __iter__(self) -> Iterator[Document]:
        return iter_documents(self.dataset)

    def row_batches(self, size: int) -> Iterator[Any]:
        """The rows, ``size`` at a time, as ``pyarrow.Table`` objects (no conversion to
        documents: :func:`harness.rows.documents_from_arrow` does that)."""
        return iter(self.dataset.with_format("arrow").iter(batch_size=size))

    @property
    def documents(self) -> DocumentSequence:
        """The documents as a lazy sequence (indexing reads one row)."""
        return DocumentSequence(self.dataset)

    def provenance(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "path": str(self.root),
            "format": self.format,
            "options": dict(self.options),
            "sha256": self.sha256,
            "label_scheme": self.label_scheme,
            "documents": len(self),
        }


def _fingerprint(*parts: str) -> str:
    h = hashlib.sha256(f"harness-goldset-rows-v{ROWS_VERSION}".encode())
    for p in parts:
        h.update(b"\0" + p.encode())
    return h.hexdigest()[:32]


def _harness_error(exc: BaseException) -> HarnessError | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, HarnessError):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None


def build_dataset(
    rows: Callable[[], Iterable[Mapping[str, Any]]], fingerprint: str, where: str
) -> Any:
    """Write ``rows()`` to a memory-mapped Arrow dataset cached under ``fingerprint``.

    The fingerprint must hash everything the rows depend on (content, format, options): a
    goldset whose files did not change is then read from the cache without parsing anything.
    Set ``HARNESS_GOLDSET_CACHE`` to choose the cache folder (default: the ``datasets`` cache).
    A reader's error reaches the caller unchanged, and no cache entry is left behind.
    """
    import datasets
    from datasets.utils.logging import set_verbosity_error

    datasets.disable_progress_bars()
    set_verbosity_error()

    def gen() -> Iterator[Mapping[str, Any]]:
        yield from rows()

    try:
        return datasets.Dataset.from_generator(
            gen,
            features=dataset_features(),
            cache_dir=os.environ.get("HARNESS_GOLDSET_CACHE"),
            fingerprint=fingerprint,
        )
    except Exception as exc:
        found = _harness_error(exc)
        if found is not None:
            raise found from None
        cause = exc.__cause__ or exc
        raise GoldsetError(f"{where}: reading failed: {type(cause).__name__}: {cause}") from exc


def _with_texts(doc: Document) -> Document:
    """Fill the informative ``text`` fields from the document text."""
    t = doc.text

    def span(s: Span | None) -> Span | None:
        return None if s is None else Span(s.start, s.end, t[s.start : s.end])

    return replace(
        doc,
        entities=tuple(Entity(e.start, e.end, e.label, t[e.start : e.end]) for e in doc.entities),
        quotes=tuple(
            replace(q, text=t[q.start : q.end], speaker_span=span(q.speaker_span), cue=span(q.cue))
            for q in doc.quotes
        ),
    )


def _dataset_labels(dataset: Any) -> tuple[str, ...]:
    """Every entity label in the rows, sorted (read from Arrow, not from Python objects)."""
    import pyarrow.compute as pc

    col = dataset.data.column("entities")
    flat = pc.list_flatten(col)
    if len(flat) == 0:
        return ()
    return tuple(sorted(pc.unique(pc.struct_field(flat, "label")).to_pylist()))


def load_goldset(
    path: str | os.PathLike[str] | GoldsetSource,
    format: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Goldset:
    """Load and validate a goldset in any registered format; raise :class:`GoldsetError` listing
    every problem.

    ``path`` is a file or folder in ``format`` (default: the native folder) read with
    ``options``, or a :class:`GoldsetSource` carrying all three. The rows are written once to a
    memory-mapped Arrow cache keyed by the format's hashes, and documents are read from it lazily.
    """
    source = _source(path, format, options)
    fmt = get_format(source.format)
    where = f"goldset {source.path} (format {source.format})"
    opts = source.parsed
    if opts is None:
        opts = parse_options(fmt.Options, source.options, f"{where} options")
    if not source.path.exists():
        raise GoldsetError(f"{where}: {source.path} does not exist")
    info = fmt.describe(source.path, opts)
    labels = None if info.labels is None else set(info.labels)
    dataset = build_dataset(
        lambda: _checked_rows(fmt.read(source.path, opts), labels, where, source.path),
        _fingerprint(source.format, fmt.version, info.documents_hash or info.sha256),
        where,
    )
    return Goldset(
        root=source.path,
        name=info.name,
        version=info.version,
        description=info.description,
        label_scheme=info.label_scheme,
        labels=info.labels if info.labels is not None else _dataset_labels(dataset),
        guidelines=info.guidelines,
        dataset=dataset,
        sha256=info.sha256,
        format=source.format,
        options=dict(source.options),
    )


def _source(
    path: str | os.PathLike[str] | GoldsetSource,
    format: str | None,
    options: Mapping[str, Any] | None,
) -> GoldsetSource:
    if isinstance(path, GoldsetSource):
        if format is None and options is None:
            return path
        format = format or path.format
        options = path.options if options is None else options
        path = path.path
    return GoldsetSource(Path(path), format or DEFAULT_FORMAT, dict(options or {}))


def _checked_rows(
    docs: Iterable[Document], labels: set[str] | None, where: str, path: Path
) -> Iterator[dict[str, Any]]:
    """The rows of the documents a format read, each checked first (the same checks for every
    format); raise listing every problem after the last document."""
    problems = Problems(path)
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            problems.add(where, None, f"document id {doc.id!r} occurs twice")
            continue
        seen.add(doc.id)
        found = document_problems(doc, labels)
        if found:
            problems.extend(f"{where}: document {doc.id!r}: {p}" for p in found)
            continue
        yield document_to_row(_with_texts(doc))
    if not seen and not problems:
        problems.add(where, None, "no documents")
    problems.raise_if_any()


def document_problems(doc: Document, labels: set[str] | None) -> list[str]:
    """What is wrong with a document a format read: spans, labels (when ``labels`` is given),
    nested entities, quote types, quote speakers missing from the registry."""
    return [*_entity_problems(doc, labels), *_quote_problems(doc)]


def _entity_problems(doc: Document, labels: set[str] | None) -> Iterator[str]:
    prev: Entity | None = None
    for e in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        problem = span_problem(e.start, e.end, doc.text)
        if problem is not None:
            yield f"entity {e.label}: {problem}"
            continue
        if labels is not None and e.label not in labels:
            yield f"entity {e.label} {e.start}..{e.end}: unknown label"
        if prev is not None and e.start < prev.end:
            yield (
                f"entity {e.label} {e.start}..{e.end} overlaps {prev.label} "
                f"{prev.start}..{prev.end}; nested entities are not allowed"
            )
        prev = e


def _quote_problems(doc: Document) -> Iterator[str]:
    ids = {s.id for s in doc.speakers}
    for q in doc.quotes:
        name = f"quote {q.start}..{q.end}"
        for part, span in (
            (name, q),
            (f"{name} speaker_span", q.speaker_span),
            (f"{name} cue", q.cue),
        ):
            problem = None if span is None else span_problem(span.start, span.end, doc.text)
            if problem is not None:
                yield f"{part}: {problem}"
        if q.type not in QUOTE_TYPES:
            yield f"{name}: unknown type {q.type!r}"
        if q.speaker is not None and q.speaker not in ids:
            yield f"{name}: speaker {q.speaker!r} not registered"
