"""Load and validate goldsets: the native format (``goldset.yaml`` + one JSON per document) and
every format registered through the ``register_goldset_formats`` hook (CoNLL, brat, Label Studio).

Everything that reads a goldset goes through :func:`load_goldset`, which validates every file and
raises one :class:`GoldsetError` listing every problem found, each naming the file, the record (or
line) and what is wrong. Rows are streamed into a Hugging Face :class:`datasets.Dataset` with
declared features (``Dataset.from_generator``, memory-mapped Arrow, cached under a fingerprint of
the content, the format and its options), and :class:`Goldset` converts them to
:class:`harness.model.Document` objects lazily, a batch at a time, so large goldsets are iterated
in bounded memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any, overload

import yaml

from .errors import GoldsetError, HarnessError
from .formats.base import content_hash, raise_problems
from .model import ONTONOTES_LABELS, QUOTE_TYPES, Document, Entity, Span
from .options import parse_options
from .rows import (
    dataset_features,
    document_to_row,
    documents_from_arrow,
    iter_documents,
    row_to_document,
)
from .schemes import SCHEMES

MANIFEST = "goldset.yaml"
MANIFEST_REQUIRED = ("name", "version", "description", "label_scheme", "labels")
DOC_REQUIRED = ("id", "text_path", "text_sha256", "entities", "speakers", "quotes")
ENTITY_REQUIRED = ("start", "end", "label", "text")
QUOTE_REQUIRED = ("start", "end", "text", "type", "speaker", "speaker_span", "cue")
SPEAKER_REQUIRED = ("name", "type", "aliases")
SPAN_REQUIRED = ("start", "end", "text")
#: Name of the native format in configs and in the format registry.
NATIVE = "harness"
#: Version of the native reader (part of the row-cache key).
NATIVE_VERSION = "1"
#: Version of the row layout (part of every row-cache key): bump when dataset_features changes.
ROWS_VERSION = 1


@dataclass
class Problems:
    """Collects validation problems; each names a file and a record."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self, root: Path) -> None:
        raise_problems(root, self.items)


@dataclass(frozen=True)
class GoldsetSource(os.PathLike):  # type: ignore[type-arg]
    """Where a goldset is and how to read it: a path, a format name and that format's options.

    It is a path-like object (``os.fspath(source)`` is the path), so code that only needs the
    location can treat it as a path.
    """

    path: Path
    format: str = NATIVE
    options: Mapping[str, Any] = field(default_factory=dict)

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
    format: str = NATIVE
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


def _read_json(path: Path, problems: Problems) -> Any:
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(str(path), f"not valid UTF-8 (byte {exc.start}: {exc.reason})")
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        problems.add(
            str(path), f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
        return None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_span(
    rec: Any, required: tuple[str, ...], text: str, where: str, problems: Problems
) -> bool:
    """Check fields, offsets and covered text of one span record; True when usable."""
    if not isinstance(rec, Mapping):
        problems.add(where, f"expected an object, got {type(rec).__name__}")
        return False
    missing = [k for k in required if k not in rec]
    if missing:
        problems.add(where, f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        return False
    start, end = rec["start"], rec["end"]
    if not (_is_int(start) and _is_int(end)):
        problems.add(where, f"offsets must be integers, got start={start!r} end={end!r}")
        return False
    if not (0 <= start and end <= len(text)):
        problems.add(where, f"offsets {start}..{end} outside the text (length {len(text)})")
        return False
    if end <= start:
        problems.add(where, f"empty or inverted span: end {end} is not after start {start}")
        return False
    if rec["text"] != text[start:end]:
        problems.add(
            where,
            f"text {rec['text']!r} differs from the covered characters {text[start:end]!r}",
        )
        return False
    return True


def _text_bases(root: Path, text_root: str | None) -> tuple[str, ...]:
    """The folders a document's ``text_path`` is looked up in, in order: the manifest's
    ``text_root`` if it has one, else the goldset folder and then each of its parents."""
    if text_root is not None:
        return (os.path.join(root, text_root),)
    return (os.fspath(root), *map(os.fspath, root.resolve().parents))


def _resolve_text(text_path: str, bases: Sequence[str]) -> str | None:
    for base in bases:
        candidate = os.path.join(base, text_path)
        if os.path.isfile(candidate):
            return candidate
    return None


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _validate_document(
    path: Path,
    rec: Any,
    manifest: Mapping[str, Any],
    root: Path,
    labels: set[str],
    problems: Problems,
) -> Document | None:
    where = str(path)
    if not isinstance(rec, Mapping):
        problems.add(where, "expected a JSON object at top level")
        return None
    missing = [k for k in DOC_REQUIRED if k not in rec]
    if missing:
        problems.add(where, f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        return None
    if rec["id"] != path.stem:
        problems.add(where, f"id {rec['id']!r} does not match the file name {path.stem!r}")
    bases = _text_bases(root, manifest.get("text_root"))
    text_file = _resolve_text(str(rec["text_path"]), bases)
    if text_file is None:
        problems.add(where, f"text_path {rec['text_path']!r} not found")
        return None
    raw = _read_bytes(text_file)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != rec["text_sha256"]:
        problems.add(
            where,
            f"text {rec['text_path']} has sha256 {digest[:12]}..., the goldset expects "
            f"{str(rec['text_sha256'])[:12]}...: the text changed; re-check the annotations",
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(where, f"text {rec['text_path']} is not valid UTF-8 (byte {exc.start})")
        return None

    n_before = len(problems.items)
    # Entities
    ents: list[Mapping[str, Any]] = []
    if not isinstance(rec["entities"], list):
        problems.add(where, "entities must be a list")
    else:
        seen: dict[tuple[int, int, str], int] = {}
        for i, e in enumerate(rec["entities"]):
            ew = f"{where}: entities[{i}]"
            if not _check_span(e, ENTITY_REQUIRED, text, ew, problems):
                continue
            if e["label"] not in labels:
                problems.add(ew, f"unknown label {e['label']!r} (goldset labels: {sorted(labels)})")
                continue
            key = (e["start"], e["end"], e["label"])
            if key in seen:
                problems.add(ew, f"duplicate of entities[{seen[key]}] {e['text']!r}")
                continue
            seen[key] = i
            ents.append({**e, "_i": i})
        ents.sort(key=lambda e: (e["start"], e["end"]))
        for a, b in pairwise(ents):
            if b["start"] < a["end"]:
                problems.add(
                    f"{where}: entities[{b['_i']}]",
                    f"{b['text']!r} ({b['start']}..{b['end']}) overlaps entities[{a['_i']}] "
                    f"{a['text']!r} ({a['start']}..{a['end']}); nested entities are not allowed",
                )
    # Speakers
    speakers = rec["speakers"]
    if not isinstance(speakers, Mapping):
        problems.add(where, "speakers must be an object mapping speaker ids to entries")
        speakers = {}
    for sid, s in speakers.items():
        sw = f"{where}: speakers[{sid!r}]"
        if not isinstance(s, Mapping):
            problems.add(sw, "expected an object")
            continue
        missing = [k for k in SPEAKER_REQUIRED if k not in s]
        if missing:
            problems.add(sw, f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        elif not isinstance(s["aliases"], list) or not all(
            isinstance(a, str) for a in s["aliases"]
        ):
            problems.add(sw, "aliases must be a list of strings")
    # Quotes
    if not isinstance(rec["quotes"], list):
        problems.add(where, "quotes must be a list")
    else:
        seen_q: dict[tuple[int, int], int] = {}
        for i, q in enumerate(rec["quotes"]):
            qw = f"{where}: quotes[{i}]"
            if not _check_span(q, QUOTE_REQUIRED, text, qw, problems):
                continue
            if q["type"] not in QUOTE_TYPES:
                problems.add(qw, f"unknown quote type {q['type']!r} (allowed: {list(QUOTE_TYPES)})")
            if q["speaker"] is not None and q["speaker"] not in speakers:
                problems.add(
                    qw,
                    f"speaker {q['speaker']!r} is not in the speakers registry "
                    f"(known: {sorted(speakers)})",
                )
            for part in ("speaker_span", "cue"):
                if q[part] is not None:
                    _check_span(q[part], SPAN_REQUIRED, text, f"{qw}.{part}", problems)
            key = (q["start"], q["end"])
            if key in seen_q:
                problems.add(
                    qw, f"duplicate of quotes[{seen_q[key]}] (same span {key[0]}..{key[1]})"
                )
            seen_q[key] = i
    if len(problems.items) > n_before:
        return None
    return row_to_document({**rec, "text": text})


def _read_manifest(root: Path, problems: Problems) -> dict[str, Any] | None:
    path = root / MANIFEST
    if not path.is_file():
        problems.add(str(path), "missing: a goldset folder needs a goldset.yaml manifest")
        return None
    try:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problems.add(str(path), f"not valid UTF-8 (byte {exc.start})")
        return None
    except yaml.YAMLError as exc:
        problems.add(str(path), f"malformed YAML: {exc}")
        return None
    if not isinstance(manifest, dict):
        problems.add(str(path), "expected a mapping at top level")
        return None
    missing = [k for k in MANIFEST_REQUIRED if k not in manifest]
    if missing:
        problems.add(
            str(path), f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
        return None
    labels = manifest["labels"]
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        problems.add(str(path), "labels must be a list of strings")
        return None
    if manifest["label_scheme"] == "ontonotes":
        unknown = sorted(set(labels) - set(ONTONOTES_LABELS))
        if unknown:
            problems.add(str(path), f"labels {unknown} are not OntoNotes labels")
    return manifest


def goldset_hash(root: Path) -> str:
    """sha256 over the manifest and every document file (names and bytes), in name order."""
    return _hashes(root, None)[0]


#: ``"text_path": "..."`` in a document file, read without parsing the whole JSON (a miss, e.g.
#: an escaped character, falls back to parsing it).
_TEXT_PATH = re.compile(rb'"text_path"\s*:\s*"([^"\\]*)"')


def _text_path(raw: bytes) -> str:
    m = _TEXT_PATH.search(raw)
    if m:
        return m.group(1).decode("utf-8")
    return str(json.loads(raw)["text_path"])


def _hashes(root: Path, manifest: Mapping[str, Any] | None) -> tuple[str, str]:
    """``(goldset_hash, fingerprint)`` in one pass over the files. The fingerprint covers
    everything validation depends on: the goldset hash and the bytes of every text (only computed
    when ``manifest`` is given)."""
    # plain strings and os calls: pathlib's overhead was a third of the cost for small files
    folder = os.fspath(root)
    names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json"))
    h = hashlib.sha256()
    texts = hashlib.sha256()
    h.update(MANIFEST.encode() + b"\0" + _read_bytes(os.path.join(folder, MANIFEST)) + b"\0")
    bases = _text_bases(root, manifest.get("text_root")) if manifest is not None else ()
    for name in names:
        raw = _read_bytes(os.path.join(folder, name))
        h.update(name.encode() + b"\0" + raw + b"\0")
        if manifest is None:
            continue
        try:
            text_file = _resolve_text(_text_path(raw), bases)
        except (ValueError, KeyError, TypeError):
            text_file = None
        texts.update(name.encode() + b"\0")
        if text_file is not None:  # the rows depend on the text's bytes, not on where it lies
            texts.update(hashlib.sha256(_read_bytes(text_file)).digest())
        else:
            texts.update(b"missing\0")
    sha256 = h.hexdigest()
    return sha256, hashlib.sha256(sha256.encode() + texts.digest()).hexdigest()


def _native_rows(root: Path, manifest: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Validate every document file, yield the rows of the valid ones, raise if any is invalid."""
    problems = Problems()
    files = sorted(root.glob("*.json"))
    if not files:
        problems.add(str(root), "no document files (*.json)")
    labels = set(manifest["labels"])
    for f in files:
        rec = _read_json(f, problems)
        if rec is None:
            continue
        doc = _validate_document(f, rec, manifest, root, labels, problems)
        if doc is not None:
            yield document_to_row(doc)
    problems.raise_if_any(root)


def _load_native(root: Path) -> Goldset:
    if not root.is_dir():
        raise GoldsetError(f"goldset folder {str(root)!r} does not exist")
    problems = Problems()
    manifest = _read_manifest(root, problems)
    problems.raise_if_any(root)
    assert manifest is not None
    sha256, content = _hashes(root, manifest)
    fingerprint = _fingerprint(NATIVE, NATIVE_VERSION, content)
    dataset = build_dataset(lambda: _native_rows(root, manifest), fingerprint, f"goldset {root}")
    return Goldset(
        root=root,
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        description=str(manifest["description"]),
        label_scheme=str(manifest["label_scheme"]),
        labels=tuple(manifest["labels"]),
        guidelines=manifest.get("guidelines"),
        dataset=dataset,
        sha256=sha256,
    )


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


def check_document(doc: Document, labels: set[str] | None, where: str) -> list[str]:
    """Problems of a document produced by a reader (spans, labels, overlaps, speakers)."""
    out: list[str] = []
    n = len(doc.text)
    prev: Entity | None = None
    for e in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        if not (0 <= e.start < e.end <= n):
            out.append(f"{where}: entity {e.label} {e.start}..{e.end} outside the text ({n})")
            continue
        if labels is not None and e.label not in labels:
            out.append(f"{where}: entity {e.label} {e.start}..{e.end}: unknown label")
        if prev is not None and e.start < prev.end:
            out.append(
                f"{where}: entity {e.label} {e.start}..{e.end} overlaps {prev.label} "
                f"{prev.start}..{prev.end}; nested entities are not allowed"
            )
        prev = e
    ids = {s.id for s in doc.speakers}
    for q in doc.quotes:
        for name, sp in (("quote", q), ("speaker_span", q.speaker_span), ("cue", q.cue)):
            if sp is not None and not (0 <= sp.start < sp.end <= n):
                out.append(f"{where}: {name} {sp.start}..{sp.end} outside the text ({n})")
        if q.type not in QUOTE_TYPES:
            out.append(f"{where}: quote {q.start}..{q.end}: unknown type {q.type!r}")
        if q.speaker is not None and q.speaker not in ids:
            out.append(f"{where}: quote {q.start}..{q.end}: speaker {q.speaker!r} not registered")
    return out


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


def _foreign_rows(
    fmt: Any, path: Path, opts: Any, labels: set[str] | None, where: str
) -> Iterator[dict[str, Any]]:
    problems = Problems()
    seen: set[str] = set()
    for doc in fmt.read(path, opts):
        if doc.id in seen:
            problems.add(where, f"document id {doc.id!r} occurs twice")
            continue
        seen.add(doc.id)
        found = check_document(doc, labels, f"{where}: document {doc.id!r}")
        if found:
            problems.items.extend(found)
            continue
        yield document_to_row(_with_texts(doc))
    if not seen and not problems.items:
        problems.add(where, "no documents")
    problems.raise_if_any(path)


def _dataset_labels(dataset: Any) -> tuple[str, ...]:
    """Every entity label in the rows, sorted (read from Arrow, not from Python objects)."""
    import pyarrow.compute as pc

    col = dataset.data.column("entities")
    flat = pc.list_flatten(col)
    if len(flat) == 0:
        return ()
    return tuple(sorted(pc.unique(pc.struct_field(flat, "label")).to_pylist()))


def _load_foreign(path: Path, format: str, options: Mapping[str, Any]) -> Goldset:
    from .formats import get_format

    fmt = get_format(format)
    where = f"goldset {path} (format {format})"
    opts = parse_options(fmt.Options, options, f"{where} options")
    if not path.exists():
        raise GoldsetError(f"{where}: {path} does not exist")
    chash = fmt.content_hash(path, opts) if hasattr(fmt, "content_hash") else content_hash(path)
    canon = json.dumps(
        asdict(opts) if is_dataclass(opts) else dict(options), sort_keys=True, default=str
    )
    sha = hashlib.sha256(f"{format}\0{canon}\0{chash}".encode()).hexdigest()
    scheme = getattr(opts, "label_scheme", None) or (
        fmt.detect_label_scheme(path, opts)
        if callable(getattr(fmt, "detect_label_scheme", None))
        else fmt.label_scheme
    )
    declared = getattr(opts, "labels", None) or SCHEMES.get(scheme)
    labels = set(declared) if declared else None
    fingerprint = _fingerprint(format, str(getattr(fmt, "version", "1")), sha)
    dataset = build_dataset(
        lambda: _foreign_rows(fmt, path, opts, labels, where), fingerprint, where
    )
    name = getattr(opts, "name", None) or path.stem
    return Goldset(
        root=path,
        name=str(name),
        version=str(getattr(opts, "version", None) or sha[:12]),
        description=f"{name}: imported from {format} {path}",
        label_scheme=scheme,
        labels=tuple(declared) if declared else _dataset_labels(dataset),
        guidelines=None,
        dataset=dataset,
        sha256=sha,
        format=format,
        options=dict(options),
    )


def load_goldset(
    path: str | os.PathLike[str] | GoldsetSource,
    format: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Goldset:
    """Load and validate a goldset; raise :class:`GoldsetError` listing every problem.

    ``path`` is a native goldset folder, or a file/folder in another registered ``format``
    (a :class:`GoldsetSource` carries its format and options). The rows are written once to a
    memory-mapped Arrow cache keyed by the content hash, and documents are read from it lazily.
    """
    if isinstance(path, GoldsetSource):
        format = format or path.format
        options = options if options is not None else path.options
        path = path.path
    root = Path(path)
    format = format or NATIVE
    if format == NATIVE:
        if options:
            raise GoldsetError(
                f"goldset {root}: the native format takes no options, got {sorted(options)}"
            )
        return _load_native(root)
    return _load_foreign(root, format, options or {})
