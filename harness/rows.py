"""A goldset's rows: their layout, the Arrow cache they are written to, the conversions to and from
documents.

A goldset is stored as a Hugging Face ``datasets.Dataset`` whose rows follow
:func:`dataset_features`. The documents a format reads pass :func:`checked_rows` (the same checks
for every format, :func:`harness.model.document_problems`) and are written once by
:func:`build_dataset` to a memory-mapped Arrow file cached under :func:`cache_key`. Validated JSON
records become documents with :func:`row_to_document` and rows with :func:`document_to_row`;
stored rows come back as documents with :func:`documents_from_arrow`, which reads the Arrow columns
directly (each span field is converted as one flat column), several times faster than going
through per-row Python dicts.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from .codec import entity_from_dict, entity_to_dict, quote_from_dict, quote_to_dict
from .errors import GoldsetError, HarnessError, HarnessWarning, OutputError, Problems, os_problem
from .model import Document, Entity, Quote, Span, Speaker, document_problems

#: Rows converted to documents at a time while iterating.
ITER_BATCH = 256
#: Version of the row layout (part of every cache key): bump when dataset_features changes.
#: 2: caches are sealed (their checksum recorded); unsealed entries of 1 are not looked at.
#: 3: document ``metadata`` and speaker ``attributes`` (JSON text).
ROWS_VERSION = 3


def dataset_features() -> Any:
    """The declared ``datasets.Features`` of a goldset row."""
    from datasets import Features, List, Value

    span = {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "text_path": Value("string"),
            "text_sha256": Value("string"),
            "entities": List(
                {
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "label": Value("string"),
                    "text": Value("string"),
                }
            ),
            "quotes": List(
                {
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "text": Value("string"),
                    "type": Value("string"),
                    "speaker": Value("string"),
                    "speaker_span": span,
                    "cue": span,
                }
            ),
            "speakers": List(
                {
                    "id": Value("string"),
                    "name": Value("string"),
                    "type": Value("string"),
                    "aliases": List(Value("string")),
                    "attributes": Value("string"),
                }
            ),
            "metadata": Value("string"),
        }
    )


def _meta_json(values: Mapping[str, Any] | None) -> str | None:
    """Metadata (or speaker attributes) as stored in a row: JSON text, ``None`` when empty."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True) if values else None


def _meta(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def row_to_document(row: Mapping[str, Any]) -> Document:
    """Turn a validated JSON record plus its text into a :class:`Document`."""
    speakers = row["speakers"]
    if isinstance(speakers, Mapping):  # JSON form: {id: {...}}
        speakers = [{"id": k, **v} for k, v in speakers.items()]
    return Document(
        id=row["id"],
        text=row["text"],
        entities=tuple(entity_from_dict(e) for e in row["entities"]),
        quotes=tuple(quote_from_dict(q) for q in row["quotes"]),
        speakers=tuple(
            Speaker(
                s["id"],
                s["name"],
                s["type"],
                tuple(s["aliases"] or ()),
                dict(s.get("attributes") or {}),
            )
            for s in speakers
        ),
        text_path=row.get("text_path", ""),
        text_sha256=row.get("text_sha256", ""),
        metadata=dict(row.get("metadata") or {}),
    )


def document_to_row(doc: Document) -> dict[str, Any]:
    """The dataset row of a document (the inverse of :func:`row_to_document`)."""
    return {
        "id": doc.id,
        "text": doc.text,
        "text_path": doc.text_path,
        "text_sha256": doc.text_sha256,
        "entities": [entity_to_dict(e) for e in doc.entities],
        "quotes": [quote_to_dict(q) for q in doc.quotes],
        "speakers": [
            {
                "id": s.id,
                "name": s.name,
                "type": s.type,
                "aliases": list(s.aliases),
                "attributes": _meta_json(s.attributes),
            }
            for s in doc.speakers
        ],
        "metadata": _meta_json(doc.metadata),
    }


def _items(table: Any, column: str) -> tuple[list[int], dict[str, Any]]:
    """Offsets (rebased to 0) and child arrays of a ``list<struct>`` column of ``table``.

    Struct children come from ``StructArray.flatten``, which applies the parent's null mask, so
    a null nested struct reads as nulls in every field.
    """
    lists = table.column(column).combine_chunks()
    offsets = lists.offsets.to_pylist()
    base = offsets[0]
    structs = lists.flatten()
    fields = dict(zip((f.name for f in structs.type), structs.flatten(), strict=True))
    return [o - base for o in offsets], fields


def _texts(array: Any) -> list[str]:
    return [t or "" for t in array.to_pylist()]


def _spans(struct: Any) -> list[Span | None]:
    f = dict(zip((x.name for x in struct.type), struct.flatten(), strict=True))
    return [
        None if s is None else Span(s, e, t or "")
        for s, e, t in zip(
            f["start"].to_pylist(), f["end"].to_pylist(), f["text"].to_pylist(), strict=True
        )
    ]


def _per_row(items: list[Any], offsets: list[int]) -> Iterator[tuple[Any, ...]]:
    for a, b in pairwise(offsets):
        yield tuple(items[a:b])


def documents_from_arrow(table: Any) -> list[Document]:
    """The documents of a ``pyarrow.Table`` of goldset rows (:func:`dataset_features`)."""
    if table.num_rows == 0:
        return []
    e_off, e = _items(table, "entities")
    entities = list(
        map(
            Entity,
            e["start"].to_pylist(),
            e["end"].to_pylist(),
            e["label"].to_pylist(),
            _texts(e["text"]),
        )
    )
    q_off, q = _items(table, "quotes")
    quotes = list(
        map(
            Quote,
            q["start"].to_pylist(),
            q["end"].to_pylist(),
            [t or "direct" for t in q["type"].to_pylist()],
            q["speaker"].to_pylist(),
            _spans(q["speaker_span"]),
            _spans(q["cue"]),
            _texts(q["text"]),
        )
    )
    s_off, s = _items(table, "speakers")
    speakers = list(
        map(
            Speaker,
            s["id"].to_pylist(),
            s["name"].to_pylist(),
            s["type"].to_pylist(),
            [tuple(a or ()) for a in s["aliases"].to_pylist()],
            [_meta(a) for a in s["attributes"].to_pylist()],
        )
    )
    return list(
        map(
            Document,
            table.column("id").to_pylist(),
            table.column("text").to_pylist(),
            _per_row(entities, e_off),
            _per_row(quotes, q_off),
            _per_row(speakers, s_off),
            _texts(table.column("text_path")),
            _texts(table.column("text_sha256")),
            [_meta(m) for m in table.column("metadata").to_pylist()],
        )
    )


def iter_documents(dataset: Any, batch_size: int = ITER_BATCH) -> Iterator[Document]:
    """Documents of a goldset dataset, converted from Arrow ``batch_size`` rows at a time."""
    for table in dataset.with_format("arrow").iter(batch_size=batch_size):
        yield from documents_from_arrow(table)


# ---- documents -> checked rows -> the Arrow cache ---------------------------------------------


def checked_rows(
    docs: Iterable[Document], labels: set[str] | None, where: str, source: str | os.PathLike[str]
) -> Iterator[dict[str, Any]]:
    """The rows of the documents a format read, each checked first (the same checks for every
    format); raise listing every problem after the last document."""
    problems = Problems(source)
    seen: set[str] = set()
    for n, doc in enumerate(docs, 1):
        if not isinstance(doc, Document):
            problems.add(
                where, None, f"document {n}: the format gave a {type(doc).__name__}, not a Document"
            )
            continue
        found = document_problems(doc, labels)
        name = f"document {doc.id!r}" if isinstance(doc.id, str) else f"document {n}"
        if found:
            problems.extend(f"{where}: {name}: {p}" for p in found)
            continue
        if doc.id in seen:
            problems.add(where, None, f"document id {doc.id!r} occurs twice")
            continue
        seen.add(doc.id)
        yield document_to_row(doc.with_texts())
    if not seen and not problems:
        problems.add(where, None, "no documents")
    problems.raise_if_any()


def cache_key(*parts: str) -> str:
    """The key the rows of a goldset are cached under: the row layout's version and ``parts``
    (the format, its version, a hash of everything the documents depend on)."""
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


def build_dataset(rows: Callable[[], Iterable[Mapping[str, Any]]], key: str, where: str) -> Any:
    """Write ``rows()`` to a memory-mapped Arrow dataset cached under ``key`` (:func:`cache_key`).

    The key must hash everything the rows depend on (content, format, options): a
    goldset whose files did not change is then read from the cache without parsing anything.
    Set ``HARNESS_GOLDSET_CACHE`` to choose the cache folder (default: the ``datasets`` cache).
    A reader's error reaches the caller unchanged, and no cache entry is left behind.

    The cache is checked, not trusted: the sha256 of its files is recorded when they are written
    (:data:`SEAL`) and compared on every later load; cached rows that changed since (a flipped
    byte, a truncated file, an entry of an older version) are discarded and rebuilt from the
    goldset's files, with a :class:`harness.errors.HarnessWarning`.

    A sealed entry is read again without ``datasets`` (:mod:`harness.rowfiles`: ``pyarrow``
    alone, a fraction of the import time); what is returned is then a
    :class:`harness.rowfiles.ArrowRows`, which behaves as the ``datasets.Dataset``.
    """
    from . import rowfiles

    fast = _recalled(key)
    if fast is not None:
        return fast
    import datasets
    from datasets.utils.logging import set_verbosity_error

    datasets.disable_progress_bars()
    set_verbosity_error()
    for attempt in (1, 2):
        dataset, folder, problem = _build_or_load(rows, key, where, last=attempt == 2)
        if problem is None:
            return _remembered(key, dataset)
        rowfiles.forget(key)
        _discard(folder, problem, where)
    raise GoldsetError(f"{where}: the goldset cache at {folder} could not be rebuilt")


def _recalled(key: str) -> Any:
    """The rows of a sealed cache entry read straight from its files, or ``None``."""
    from . import rowfiles

    files = rowfiles.recall(key)
    if files is None or _seal_problem(files[0].parent) is not None:
        return None
    try:
        return rowfiles.ArrowRows(files)
    except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        rowfiles.forget(key)
        return None


def _remembered(key: str, dataset: Any) -> Any:
    """Record where ``dataset``'s files are; return the rows read from them (or ``dataset``)."""
    from . import rowfiles

    files = [Path(f["filename"]) for f in dataset.cache_files]
    if not files:
        return dataset
    rowfiles.remember(key, [str(f) for f in files], dataset.num_rows)
    try:
        return rowfiles.ArrowRows(files)
    except (OSError, ValueError):
        return dataset


def _build_or_load(
    rows: Callable[[], Iterable[Mapping[str, Any]]], key: str, where: str, last: bool
) -> tuple[Any, Path, str | None]:
    """``(dataset, its cache folder, None)``, or ``(..., folder, problem)`` when the cached
    entry is not the one that was written (then the caller discards it and tries once more)."""
    from datasets.io.generator import GeneratorDatasetInputStream

    built: list[bool] = []

    def gen() -> Iterator[Mapping[str, Any]]:
        built.append(True)
        yield from rows()

    stream = GeneratorDatasetInputStream(
        gen,
        features=dataset_features(),
        cache_dir=os.environ.get("HARNESS_GOLDSET_CACHE"),
        fingerprint=key,
    )
    folder = Path(stream.builder.cache_dir)
    try:
        dataset = stream.read()
    except Exception as exc:
        found = _harness_error(exc)
        if found is not None:
            raise found from None
        unwritable = _disk_error(exc)
        if unwritable is not None:
            raise OutputError(
                f"{where}: the goldset cache cannot be written in {folder.parent}: "
                f"{os_problem(unwritable)} (HARNESS_GOLDSET_CACHE chooses another folder)"
            ) from exc
        if built or last:
            cause = exc.__cause__ or exc
            raise GoldsetError(f"{where}: reading failed: {type(cause).__name__}: {cause}") from exc
        return None, folder, f"cannot be read ({type(exc).__name__})"
    if built:
        _seal(folder, where)
        return dataset, folder, None
    return dataset, folder, _seal_problem(folder)


#: OS errors of a disk that cannot take the cache: full, read-only, a file size limit, no right.
_DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT}
)


def _disk_error(exc: BaseException) -> OSError | None:
    """The OS error, among ``exc`` and its causes, that says the cache could not be written."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno in _DISK_ERRNOS:
            return e
        e = e.__cause__ or e.__context__
    return None


#: The file, beside a cached dataset's files, that holds their sha256 (one line per file).
SEAL = "harness-seal.sha256"


def _cache_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != SEAL)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _seal_text(folder: Path) -> str:
    return "".join(f"{_file_sha256(p)}  {p.name}\n" for p in _cache_files(folder))


def _seal(folder: Path, where: str) -> None:
    """Record the sha256 of the files just written (a cache that cannot be sealed is still
    used this time, and rebuilt on the next load)."""
    from .atomic import write_text

    try:
        write_text(folder / SEAL, _seal_text(folder))
    except OSError as exc:
        warnings.warn(
            f"{where}: could not record the checksum of the goldset cache in {folder} "
            f"({exc.strerror or exc}); it will be rebuilt next time",
            HarnessWarning,
            stacklevel=3,
        )


def _seal_problem(folder: Path) -> str | None:
    """What is wrong with the cached files of ``folder``, or ``None`` when they are the ones
    that were written."""
    try:
        recorded = (folder / SEAL).read_text(encoding="utf-8")
    except FileNotFoundError:
        return "has no recorded checksum"
    except (OSError, UnicodeDecodeError) as exc:
        return f"has an unreadable checksum ({exc})"
    try:
        actual = _seal_text(folder)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None if actual == recorded else "changed since it was written"


def _discard(folder: Path, problem: str, where: str) -> None:
    warnings.warn(
        f"{where}: the cached rows in {folder} {problem}; rebuilding them from the goldset",
        HarnessWarning,
        stacklevel=3,
    )
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise GoldsetError(
            f"{where}: the cached rows in {folder} {problem} and cannot be removed "
            f"({exc.strerror or exc}); delete the folder, or set HARNESS_GOLDSET_CACHE to a "
            "writable folder"
        ) from None


def dataset_labels(dataset: Any) -> tuple[str, ...]:
    """Every entity label in the rows, sorted (read from Arrow, not from Python objects)."""
    import pyarrow.compute as pc

    col = dataset.data.column("entities")
    flat = pc.list_flatten(col)
    if len(flat) == 0:
        return ()
    return tuple(sorted(pc.unique(pc.struct_field(flat, "label")).to_pylist()))
