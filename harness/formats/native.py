"""The native format: a folder of ``goldset.yaml`` + one ``<id>.json`` per document + the texts.

Read (``goldset: goldsets/seeds``, the default format): the manifest gives the goldset's metadata
and labels; each document file gives its text's path and sha256 and the annotations. Every file is
validated and every problem named with its file and record (``doc1.json: entities[3]: ...``):
fields, the text's hash, offsets and covered text, labels, duplicates, overlapping entities, quote
types, speakers. The format is specified in ``gold-format.md``.

Write (``harness goldset import``/``export --to harness``): a self-contained folder,
``goldset.yaml``, one ``<id>.json`` per document and the texts under ``texts/<id>.txt``
(``text_path`` is relative to the goldset folder, where the reader looks first). Speaker
registries, quote types, cues and speaker spans are all kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from ..codec import entity_to_dict, quote_to_dict
from ..errors import GoldsetError, Problems
from ..model import ONTONOTES_LABELS, QUOTE_TYPES, Document, span_problem
from ..rows import row_to_document
from .base import Format, GoldsetInfo, GoldsetView, safe_doc_id
from .metadata import (
    METADATA,
    SPEAKER_ATTRIBUTES,
    declaration_problems,
    declarations,
    document_fields,
    record_problems,
    to_manifest,
    with_attributes,
)

MANIFEST = "goldset.yaml"
MANIFEST_REQUIRED = ("name", "version", "description", "label_scheme", "labels")
DOC_REQUIRED = ("id", "text_path", "text_sha256", "entities", "speakers", "quotes")
ENTITY_REQUIRED = ("start", "end", "label", "text")
QUOTE_REQUIRED = ("start", "end", "text", "type", "speaker", "speaker_span", "cue")
SPEAKER_REQUIRED = ("name", "type", "aliases")
SPAN_REQUIRED = ("start", "end", "text")


@dataclass(frozen=True)
class NativeOptions:
    """The native format takes no options: everything is in ``goldset.yaml``."""


class NativeFormat(Format):
    name = "harness"
    description = "native folder: goldset.yaml + one JSON per document (+ texts)"
    version = "1"
    label_scheme = "ontonotes"
    Options = NativeOptions

    def describe(self, path: Path, options: Any) -> GoldsetInfo:
        """The manifest's metadata; ``sha256`` hashes the manifest and the document files, and
        ``documents_hash`` the texts too (a text may lie outside the folder)."""
        manifest = read_manifest(path)
        sha256, documents_hash = _hashes(path, manifest)
        return GoldsetInfo(
            name=str(manifest["name"]),
            version=str(manifest["version"]),
            description=str(manifest["description"]),
            label_scheme=str(manifest["label_scheme"]),
            labels=tuple(manifest["labels"]),
            sha256=sha256,
            documents_hash=documents_hash,
            guidelines=manifest.get("guidelines"),
            metadata=declarations(manifest)[0],
            speaker_attributes=declarations(manifest)[1],
        )

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        """Validate every document file and yield the valid documents; raise at the end if any
        file has a problem."""
        manifest = read_manifest(path)
        problems = Problems(path)
        files = sorted(path.glob("*.json"))
        if not files:
            problems.add(path, None, "no document files (*.json)")
        check = _DocumentCheck(path, manifest, problems)
        for f in files:
            doc = check.document(f)
            if doc is not None:
                yield doc
        problems.raise_if_any()

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        if path.exists() and any(path.iterdir()):
            raise GoldsetError(f"{path}: output folder is not empty; choose a new folder")
        (path / "texts").mkdir(parents=True, exist_ok=True)
        stats = {"documents": 0, "entities": 0, "quotes": 0}
        seen: set[str] = set()
        for doc in goldset:
            if not safe_doc_id(doc.id) or doc.id in seen:
                raise GoldsetError(
                    f"document id {doc.id!r} cannot be a file name of the native format "
                    "(letters, digits, '.', '_', '-'; unique)"
                )
            seen.add(doc.id)
            _write_document(doc, path)
            stats["documents"] += 1
            stats["entities"] += len(doc.entities)
            stats["quotes"] += len(doc.quotes)
        (path / MANIFEST).write_text(
            yaml.safe_dump(_manifest_of(goldset), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        return stats


# ---- the manifest ----------------------------------------------------------------------------


def read_manifest(root: Path) -> dict[str, Any]:
    """The validated ``goldset.yaml`` of the folder ``root``; raise listing its problems."""
    if not root.is_dir():
        raise GoldsetError(f"{root}: the native format reads a folder holding {MANIFEST}")
    problems = Problems(root)
    manifest = _load_manifest(root / MANIFEST, problems)
    for problem in declaration_problems(manifest or {}):
        problems.add(root / MANIFEST, None, problem)
    problems.raise_if_any()
    assert manifest is not None
    return manifest


def _load_manifest(path: Path, problems: Problems) -> dict[str, Any] | None:
    if not path.is_file():
        problems.add(path, None, "missing: a goldset folder needs a goldset.yaml manifest")
        return None
    try:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        problems.add(path, None, f"not valid UTF-8 (byte {exc.start})")
        return None
    except yaml.YAMLError as exc:
        problems.add(path, None, f"malformed YAML: {exc}")
        return None
    if not isinstance(manifest, dict):
        problems.add(path, None, "expected a mapping at top level")
        return None
    if not _has_fields(manifest, MANIFEST_REQUIRED, str(path), problems):
        return None
    labels = manifest["labels"]
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        problems.add(path, None, "labels must be a list of strings")
        return None
    if manifest["label_scheme"] == "ontonotes":
        unknown = sorted(set(labels) - set(ONTONOTES_LABELS))
        if unknown:
            problems.add(path, None, f"labels {unknown} are not OntoNotes labels")
    return manifest


def _manifest_of(goldset: GoldsetView) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "name": goldset.name,
        "version": goldset.version,
        "description": goldset.description,
        "label_scheme": goldset.label_scheme,
        "labels": list(goldset.labels),
    }
    if goldset.guidelines:
        manifest["guidelines"] = goldset.guidelines
    for key, fields in ((METADATA, "metadata_fields"), (SPEAKER_ATTRIBUTES, "speaker_fields")):
        if getattr(goldset, fields, None):
            manifest[key] = to_manifest(getattr(goldset, fields))
    return manifest


# ---- the document files ----------------------------------------------------------------------


def _has_fields(
    rec: Mapping[str, Any], required: Sequence[str], where: str, problems: Problems
) -> bool:
    missing = [k for k in required if k not in rec]
    if missing:
        problems.add(
            where, None, f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
    return not missing


def _check_span(
    rec: Any, required: tuple[str, ...], text: str, where: str, problems: Problems
) -> bool:
    """Check the fields, offsets and covered text of one span record; True when usable."""
    if not isinstance(rec, Mapping):
        problems.add(where, None, f"expected an object, got {type(rec).__name__}")
        return False
    if not _has_fields(rec, required, where, problems):
        return False
    problem = span_problem(rec["start"], rec["end"], text, rec["text"])
    if problem is not None:
        problems.add(where, None, problem)
    return problem is None


class _DocumentCheck:
    """Reads and validates the document files of one goldset folder, one at a time."""

    def __init__(self, root: Path, manifest: Mapping[str, Any], problems: Problems) -> None:
        self.bases = _text_bases(root, manifest.get("text_root"))
        self.labels = set(manifest["labels"])
        self.problems = problems
        self.declared = declarations(manifest)

    def document(self, path: Path) -> Document | None:
        """The document of one file, or ``None`` (its problems logged) when it is not valid."""
        rec = _read_json(path, self.problems)
        where = str(path)
        if rec is None:
            return None
        if not isinstance(rec, Mapping):
            self.problems.add(where, None, "expected a JSON object at top level")
            return None
        if not _has_fields(rec, DOC_REQUIRED, where, self.problems):
            return None
        if rec["id"] != path.stem:
            self.problems.add(
                where, None, f"id {rec['id']!r} does not match the file name {path.stem!r}"
            )
        text = self.text(rec, where)
        if text is None:
            return None
        n_before = len(self.problems)
        self.entities(rec["entities"], text, where)
        speakers = self.speakers(rec["speakers"], where)
        self.quotes(rec["quotes"], text, speakers, where)
        for problem in record_problems(rec, self.declared):
            self.problems.add(where, None, problem)
        if len(self.problems) > n_before:
            return None
        return row_to_document({**with_attributes(rec), "text": text})

    def text(self, rec: Mapping[str, Any], where: str) -> str | None:
        """The text the record points to, when it exists, has the recorded hash and is UTF-8."""
        text_file = _resolve_text(str(rec["text_path"]), self.bases)
        if text_file is None:
            self.problems.add(where, None, f"text_path {rec['text_path']!r} not found")
            return None
        raw = _read_bytes(text_file)
        digest = hashlib.sha256(raw).hexdigest()
        if digest != rec["text_sha256"]:
            self.problems.add(
                where,
                None,
                f"text {rec['text_path']} has sha256 {digest[:12]}..., the goldset expects "
                f"{str(rec['text_sha256'])[:12]}...: the text changed; re-check the annotations",
            )
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problems.add(
                where, None, f"text {rec['text_path']} is not valid UTF-8 (byte {exc.start})"
            )
            return None

    def entities(self, entities: Any, text: str, where: str) -> None:
        """Spans, labels and duplicates of each entity, then overlaps between them."""
        if not isinstance(entities, list):
            self.problems.add(where, None, "entities must be a list")
            return
        usable: list[Mapping[str, Any]] = []
        seen: dict[tuple[int, int, str], int] = {}
        for i, e in enumerate(entities):
            ew = f"{where}: entities[{i}]"
            if not _check_span(e, ENTITY_REQUIRED, text, ew, self.problems):
                continue
            key = (e["start"], e["end"], e["label"])
            if e["label"] not in self.labels:
                self.problems.add(
                    ew,
                    None,
                    f"unknown label {e['label']!r} (goldset labels: {sorted(self.labels)})",
                )
            elif key in seen:
                self.problems.add(ew, None, f"duplicate of entities[{seen[key]}] {e['text']!r}")
            else:
                seen[key] = i
                usable.append({**e, "_i": i})
        self.overlaps(usable, where)

    def overlaps(self, entities: list[Mapping[str, Any]], where: str) -> None:
        for a, b in pairwise(sorted(entities, key=lambda e: (e["start"], e["end"]))):
            if b["start"] < a["end"]:
                self.problems.add(
                    f"{where}: entities[{b['_i']}]",
                    None,
                    f"{b['text']!r} ({b['start']}..{b['end']}) overlaps entities[{a['_i']}] "
                    f"{a['text']!r} ({a['start']}..{a['end']}); nested entities are not allowed",
                )

    def speakers(self, speakers: Any, where: str) -> Mapping[str, Any]:
        """The speaker registry (empty when it is not a mapping), each entry checked."""
        if not isinstance(speakers, Mapping):
            self.problems.add(
                where, None, "speakers must be an object mapping speaker ids to entries"
            )
            return {}
        for sid, s in speakers.items():
            sw = f"{where}: speakers[{sid!r}]"
            if not isinstance(s, Mapping):
                self.problems.add(sw, None, "expected an object")
            elif _has_fields(s, SPEAKER_REQUIRED, sw, self.problems) and not (
                isinstance(s["aliases"], list) and all(isinstance(a, str) for a in s["aliases"])
            ):
                self.problems.add(sw, None, "aliases must be a list of strings")
        return speakers

    def quotes(self, quotes: Any, text: str, speakers: Mapping[str, Any], where: str) -> None:
        """Spans, types, speakers, cues and duplicates of each quote."""
        if not isinstance(quotes, list):
            self.problems.add(where, None, "quotes must be a list")
            return
        seen: dict[tuple[int, int], int] = {}
        for i, q in enumerate(quotes):
            qw = f"{where}: quotes[{i}]"
            if not _check_span(q, QUOTE_REQUIRED, text, qw, self.problems):
                continue
            self.quote(q, text, speakers, qw)
            key = (q["start"], q["end"])
            if key in seen:
                self.problems.add(
                    qw, None, f"duplicate of quotes[{seen[key]}] (same span {key[0]}..{key[1]})"
                )
            seen[key] = i

    def quote(self, q: Mapping[str, Any], text: str, speakers: Mapping[str, Any], qw: str) -> None:
        if q["type"] not in QUOTE_TYPES:
            self.problems.add(
                qw, None, f"unknown quote type {q['type']!r} (allowed: {list(QUOTE_TYPES)})"
            )
        if q["speaker"] is not None and q["speaker"] not in speakers:
            self.problems.add(
                qw,
                None,
                f"speaker {q['speaker']!r} is not in the speakers registry "
                f"(known: {sorted(speakers)})",
            )
        for part in ("speaker_span", "cue"):
            if q[part] is not None:
                _check_span(q[part], SPAN_REQUIRED, text, f"{qw}.{part}", self.problems)


def _read_json(path: Path, problems: Problems) -> Any:
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path, None, f"not valid UTF-8 (byte {exc.start}: {exc.reason})")
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        problems.add(
            path, None, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
        return None


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


# ---- texts and hashes ------------------------------------------------------------------------


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


#: ``"text_path": "..."`` in a document file, read without parsing the whole JSON (a miss, e.g.
#: an escaped character, falls back to parsing it).
_TEXT_PATH = re.compile(rb'"text_path"\s*:\s*"([^"\\]*)"')


def _text_path(raw: bytes) -> str:
    m = _TEXT_PATH.search(raw)
    if m:
        return m.group(1).decode("utf-8")
    return str(json.loads(raw)["text_path"])


def _hashes(root: Path, manifest: Mapping[str, Any]) -> tuple[str, str]:
    """``(sha256, documents_hash)`` in one pass over the files: the sha256 of the manifest and
    every document file (names and bytes, in name order), and a hash of that and of the bytes of
    every text (the documents depend on the texts, not on where they lie)."""
    # plain strings and os calls: pathlib's overhead was a third of the cost for small files
    folder = os.fspath(root)
    names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json"))
    h = hashlib.sha256()
    texts = hashlib.sha256()
    h.update(MANIFEST.encode() + b"\0" + _read_bytes(os.path.join(folder, MANIFEST)) + b"\0")
    bases = _text_bases(root, manifest.get("text_root"))
    for name in names:
        raw = _read_bytes(os.path.join(folder, name))
        h.update(name.encode() + b"\0" + raw + b"\0")
        try:
            text_file = _resolve_text(_text_path(raw), bases)
        except (ValueError, KeyError, TypeError):
            text_file = None
        texts.update(name.encode() + b"\0")
        if text_file is not None:
            texts.update(hashlib.sha256(_read_bytes(text_file)).digest())
        else:
            texts.update(b"missing\0")
    sha256 = h.hexdigest()
    return sha256, hashlib.sha256(sha256.encode() + texts.digest()).hexdigest()


def _write_document(doc: Document, root: Path) -> None:
    raw = doc.text.encode("utf-8")
    text_path = f"texts/{doc.id}.txt"
    (root / text_path).write_bytes(raw)
    rec = {
        "id": doc.id,
        "text_path": text_path,
        "text_sha256": hashlib.sha256(raw).hexdigest(),
        "entities": [entity_to_dict(e) for e in doc.entities],
        "speakers": {
            s.id: {"name": s.name, "type": s.type, "aliases": list(s.aliases), **s.attributes}
            for s in doc.speakers
        },
        "quotes": [quote_to_dict(q) for q in doc.quotes],
        **document_fields(doc),
    }
    (root / f"{doc.id}.json").write_text(
        json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
