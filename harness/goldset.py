"""Load a goldset in any registered format: the format-independent part, and the Goldset object.

:func:`load_goldset` wires the steps that are the same for every format: find the format in the
plugin registry (:mod:`harness.formats`), parse its options (unless the config did), ask it for the
goldset's metadata and hashes (``describe``), and unless the rows are already cached under those
hashes, stream the documents it reads (``read``) through the same checks for every format into a
memory-mapped Arrow cache (:mod:`harness.rows`). Any problem raises one :class:`GoldsetError`
listing them all, each naming the file and the record or line. :class:`Goldset` converts rows to
:class:`harness.model.Document` objects lazily, a batch at a time, so large goldsets are iterated
in bounded memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from .errors import GoldsetError
from .formats import get_format
from .formats.base import file_limit
from .formats.metadata import Field
from .model import Document
from .options import parse_options
from .rows import (
    build_dataset,
    cache_key,
    checked_rows,
    dataset_labels,
    documents_from_arrow,
    iter_documents,
)

#: The format of a goldset given by its path alone: the native folder (formats/native.py).
DEFAULT_FORMAT = "harness"


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
    #: Largest file the format may read (bytes); ``None``: :data:`DEFAULT_MAX_FILE_BYTES`.
    max_file_bytes: int | None = field(default=None, compare=False)

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

    def release(self) -> None:
        """Give back the memory pages of the rows read so far (see :meth:`Goldset.release`)."""
        release = getattr(self._ds, "release", None)
        if release is not None:
            release()


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
    #: The declared document metadata and speaker attributes (:mod:`harness.formats.metadata`).
    metadata_fields: Mapping[str, Field] = field(default_factory=dict)
    speaker_fields: Mapping[str, Field] = field(default_factory=dict)

    @property
    def metadata_keys(self) -> tuple[str, ...]:
        """The document metadata keys the goldset declares (what scores can be sliced by)."""
        return tuple(self.metadata_fields)

    @property
    def speaker_attributes(self) -> tuple[str, ...]:
        """The speaker attributes the goldset declares (``gender``...)."""
        return tuple(self.speaker_fields)

    def __len__(self) -> int:
        return int(self.dataset.num_rows)

    def __iter__(self) -> Iterator[Document]:
        return iter_documents(self.dataset)

    def row_batches(self, size: int) -> Iterator[Any]:
        """The rows, ``size`` at a time, as ``pyarrow.Table`` objects (no conversion to
        documents: :func:`harness.rows.documents_from_arrow` does that)."""
        return iter(self.dataset.with_format("arrow").iter(batch_size=size))

    def release(self) -> None:
        """Give back the resident memory pages of the rows read so far (a pass over a large
        goldset would otherwise keep every page it touched in the process's resident memory;
        they stay in the system's page cache). Rows are read again when used."""
        release = getattr(self.dataset, "release", None)
        if release is not None:
            release()

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


def load_goldset(
    path: str | os.PathLike[str] | GoldsetSource,
    format: str | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    max_file_bytes: int | None = None,
) -> Goldset:
    """Load and validate a goldset in any registered format; raise :class:`GoldsetError` listing
    every problem.

    ``path`` is a file or folder in ``format`` (default: the native folder) read with
    ``options``, or a :class:`GoldsetSource` carrying all three. The rows are written once to a
    memory-mapped Arrow cache keyed by the format's hashes, and documents are read from it lazily.
    ``max_file_bytes`` (default: the source's, else
    :data:`harness.formats.base.DEFAULT_MAX_FILE_BYTES`) is the largest file a reader may read.
    """
    source = _source(path, format, options)
    fmt = get_format(source.format)
    where = f"goldset {source.path} (format {source.format})"
    opts = source.parsed
    if opts is None:
        opts = parse_options(fmt.Options, source.options, f"{where} options")
    if not source.path.exists():
        raise GoldsetError(f"{where}: {source.path} does not exist")
    limit = max_file_bytes if max_file_bytes is not None else source.max_file_bytes
    if limit is not None and (type(limit) is not int or limit < 1):
        raise GoldsetError(f"{where}: max_file_bytes should be a positive integer, got {limit!r}")
    with file_limit(limit):
        info = fmt.describe(source.path, opts)
        labels = None if info.labels is None else set(info.labels)
        dataset = build_dataset(
            lambda: checked_rows(fmt.read(source.path, opts), labels, where, source.path),
            cache_key(source.format, fmt.version, info.documents_hash or info.sha256),
            where,
        )
    return Goldset(
        root=source.path,
        name=info.name,
        version=info.version,
        description=info.description,
        label_scheme=info.label_scheme,
        labels=info.labels if info.labels is not None else dataset_labels(dataset),
        guidelines=info.guidelines,
        dataset=dataset,
        sha256=info.sha256,
        format=source.format,
        options=dict(source.options),
        metadata_fields=dict(info.metadata),
        speaker_fields=dict(info.speaker_attributes),
    )


def _source(
    path: str | os.PathLike[str] | GoldsetSource,
    format: str | None,
    options: Mapping[str, Any] | None,
) -> GoldsetSource:
    if isinstance(path, GoldsetSource):
        if format is None and options is None:
            return path
        limit = path.max_file_bytes
        format = format or path.format
        options = path.options if options is None else options
        return GoldsetSource(path.path, format, dict(options or {}), max_file_bytes=limit)
    return GoldsetSource(Path(path), format or DEFAULT_FORMAT, dict(options or {}))
