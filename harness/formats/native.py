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
from ..yamlload import load_yaml
from .base import (
    Area,
    Format,
    GoldsetInfo,
    GoldsetView,
    outside,
    read_checked,
    read_file,
    safe_doc_id,
)
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
from .texts import TextLocator

MANIFEST = "goldset.yaml"
MANIFEST_REQUIRED = ("name", "version", "description", "label_scheme", "labels")
DOC_REQUIRED = ("id", "text_path", "text_sha256", "entities", "speakers", "quotes")
ENTITY_REQUIRED = ("start", "end", "label", "text")
QUOTE_REQUIRED = ("start", "end", "text", "type", "speaker", "speaker_span", "cue")
SPEAKER_REQUIRED = ("name", "type", "aliases")
SPAN_REQUIRED = ("start", "end", "text")


@dataclass(frozen=True)
class NativeOptions:
    """The native format's one option; everything else is in ``goldset.yaml``."""

    #: The folder the documents' ``text_path`` values are relative to, when you say so (config:
    #: ``goldset: {path: ..., text_root: PATH}``, relative to the config; command line:
    #: ``-o text_root=PATH``). Without it, texts are read from the goldset folder or its
    #: repository only (:mod:`harness.formats.texts`).
    text_root: Path | None = None


class NativeFormat(Format):
    name = "harness"
    description = "native folder: goldset.yaml + one JSON per document (+ texts)"
    #: 2: stricter checks (field types, where texts may be read from): rows cached by 1 may
    #: hold what 2 refuses.
    version = "2"
    label_scheme = "ontonotes"
    Options = NativeOptions

    def describe(self, path: Path, options: Any) -> GoldsetInfo:
        """The manifest's metadata; ``sha256`` hashes the manifest and the document files, and
        ``documents_hash`` the texts too (a text may lie outside the folder)."""
        manifest = read_manifest(path)
        locator = TextLocator.of(path, options.text_root, manifest.get("text_root"))
        sha256, documents_hash = _hashes(path, locator)
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
        locator = TextLocator.of(path, options.text_root, manifest.get("text_root"))
        problems = Problems(path)
        files = document_files(path, problems)
        if not files and not problems:
            problems.add(path, None, "no document files (*.json)")
        check = _DocumentCheck(locator, manifest, problems)
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
    if not os.path.lexists(path):
        problems.add(path, None, "missing: a goldset folder needs a goldset.yaml manifest")
        return None
    if outside(path, [path.parent]):
        problems.add(path, None, "is a symbolic link leading outside the goldset folder")
        return None
    raw = read_file(path, problems)
    if raw is None:
        return None
    try:
        manifest = load_yaml(raw.decode("utf-8"), str(path), GoldsetError)
    except UnicodeDecodeError as exc:
        problems.add(path, None, f"not valid UTF-8 (byte {exc.start})")
        return None
    except GoldsetError as exc:
        problems.extend([str(exc)])
        return None
    if not isinstance(manifest, dict):
        problems.add(path, None, "expected a mapping at top level")
        return None
    if not _has_fields(manifest, MANIFEST_REQUIRED, str(path), problems):
        return None
    return manifest if _manifest_fields_fine(manifest, path, problems) else None


def _manifest_fields_fine(manifest: Mapping[str, Any], path: Path, problems: Problems) -> bool:
    """The types of the manifest's fields (a number as ``version`` is refused: ``1.10`` would
    read as ``1.1``), and OntoNotes labels under ``label_scheme: ontonotes``."""
    n_before = len(problems)
    for key in ("name", "description", "label_scheme"):
        if not isinstance(manifest[key], str) or not manifest[key].strip():
            problems.add(path, None, f"{key} should be a non-empty string, got {manifest[key]!r}")
    version = manifest["version"]
    if not (isinstance(version, str) and version.strip()) and type(version) is not int:
        problems.add(path, None, f'version should be a string (quote it: "1.10"), got {version!r}')
    for key in ("guidelines", "text_root"):
        if manifest.get(key) is not None and not isinstance(manifest[key], str):
            problems.add(path, None, f"{key} should be a string, got {manifest[key]!r}")
    labels = manifest["labels"]
    if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
        problems.add(path, None, "labels must be a list of strings")
    elif manifest["label_scheme"] == "ontonotes":
        unknown = sorted(set(labels) - set(ONTONOTES_LABELS))
        if unknown:
            problems.add(path, None, f"labels {unknown} are not OntoNotes labels")
    return len(problems) == n_before


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


def document_files(root: Path, problems: Problems) -> list[Path]:
    """The document files (``*.json``) of the goldset folder, in name order; a file that is a
    link leading out of the folder, or a folder, is a problem (a dangling or looping link is
    one when it is read)."""
    area = Area([root])
    files = []
    entries = sorted((e for e in os.scandir(root) if e.name.endswith(".json")), key=_name)
    for entry in entries:
        f = root / entry.name
        if entry.is_symlink() and area.outside(f):
            problems.add(f, None, "is a symbolic link leading outside the goldset folder")
        elif not entry.is_symlink() and entry.is_dir():
            problems.add(f, None, "is a folder, not a document file")
        else:
            files.append(f)
    return files


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


class _DocumentCheck:
    """Reads and validates the document files of one goldset folder, one at a time."""

    def __init__(
        self, locator: TextLocator, manifest: Mapping[str, Any], problems: Problems
    ) -> None:
        self.locator = locator
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
        if not isinstance(rec["id"], str):
            self.problems.add(where, None, f"id should be a string, got {_short(rec['id'])}")
            return None
        if rec["id"] != path.stem:
            self.problems.add(
                where, None, f"id {rec['id']!r} does not match the file name {path.stem!r}"
            )
            return None
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
        """The text the record points to, when it can be read (:class:`TextLocator`), has the
        recorded hash and is UTF-8. A hash mismatch shows the expected hash only: the hash of
        a file the goldset should not have named is nobody's business."""
        expected = rec["text_sha256"]
        if not (isinstance(expected, str) and _SHA256.fullmatch(expected)):
            self.problems.add(
                where, None, f"text_sha256 should be 64 hex digits, got {_short(expected)}"
            )
            return None
        text_file, problem = self.locator.find(rec["text_path"])
        raw = None
        if text_file is not None:
            raw, problem = read_checked(text_file)
            problem = problem and f"text_path {rec['text_path']!r}: {text_file}: {problem}"
        if raw is None:
            self.problems.add(where, None, problem or "text not found")
            return None
        if hashlib.sha256(raw).hexdigest() != expected.lower():
            self.problems.add(
                where,
                None,
                f"text {rec['text_path']} does not match text_sha256 (expected {expected}): "
                "the text changed, or text_path names another file; re-check the annotations",
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
            if not isinstance(e["label"], str):
                self.problems.add(ew, None, f"label should be a string, got {_short(e['label'])}")
            elif e["label"] not in self.labels:
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
            elif _has_fields(s, SPEAKER_REQUIRED, sw, self.problems):
                self.speaker(s, sw)
        return speakers

    def speaker(self, s: Mapping[str, Any], sw: str) -> None:
        for key in ("name", "type"):
            if not isinstance(s[key], str):
                self.problems.add(sw, None, f"{key} should be a string, got {_short(s[key])}")
        if not (isinstance(s["aliases"], list) and all(isinstance(a, str) for a in s["aliases"])):
            self.problems.add(sw, None, "aliases must be a list of strings")

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
        if q["speaker"] is not None and not isinstance(q["speaker"], str):
            self.problems.add(
                qw, None, f"speaker should be a speaker id or null, got {_short(q['speaker'])}"
            )
        elif q["speaker"] is not None and q["speaker"] not in speakers:
            self.problems.add(
                qw,
                None,
                f"speaker {q['speaker']!r} is not in the speakers registry "
                f"(known: {sorted(speakers)})",
            )
        for part in ("speaker_span", "cue"):
            if q[part] is not None:
                _check_span(q[part], SPAN_REQUIRED, text, f"{qw}.{part}", self.problems)


_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (``json`` keeps the last one silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} is given twice in one object; keep one")
        out[key] = value
    return out


def _read_json(path: Path, problems: Problems) -> Any:
    """The JSON value of a document file, or ``None`` with its problem recorded."""
    data = read_file(path, problems)
    if data is None:
        return None
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(path, None, f"not valid UTF-8 (byte {exc.start}: {exc.reason})")
        return None
    try:
        value = json.loads(raw, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        problems.add(
            path, None, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
        return None
    except ValueError as exc:  # a duplicate key
        problems.add(path, None, str(exc))
        return None
    except RecursionError:
        problems.add(path, None, "JSON nested too deeply")
        return None
    bad = _unpaired_surrogate(value)
    if bad is not None:
        problems.add(path, None, f"{bad}: holds an unpaired surrogate escape (not Unicode text)")
        return None
    return value


def _unpaired_surrogate(value: Any, where: str = "") -> str | None:
    """Where a string of the JSON value holds a lone ``\\udXXX`` escape (which no UTF-8 text
    can hold), or ``None``. One quick C-speed check first; the walk only to say where."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    if isinstance(value, str):
        return where or "(top level)"
    children: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        children = [(f"{where}.{k}" if where else str(k), v) for k, v in value.items()]
        children += [(f"key {k!r}", k) for k in value]
    elif isinstance(value, list):
        children = [(f"{where}[{i}]", v) for i, v in enumerate(value)]
    for w, v in children:
        found = _unpaired_surrogate(v, w)
        if found is not None:
            return found
    return None


# ---- texts and hashes ------------------------------------------------------------------------


#: ``"text_path": "..."`` in a document file, read without parsing the whole JSON (a miss, e.g.
#: an escaped character, falls back to parsing it).
_TEXT_PATH = re.compile(rb'"text_path"\s*:\s*"([^"\\]*)"')


def _text_path(raw: bytes) -> str:
    m = _TEXT_PATH.search(raw)
    if m:
        return m.group(1).decode("utf-8")
    value = json.loads(raw)["text_path"]
    if not isinstance(value, str):
        raise TypeError("text_path is not a string")  # the document's validation says so
    return value


def _hashes(root: Path, locator: TextLocator) -> tuple[str, str]:
    """``(sha256, documents_hash)`` in one pass over the files: the sha256 of the manifest and
    every document file (names and bytes, in name order), and a hash of that and of the bytes of
    every text (the documents depend on the texts, not on where they lie). A file that cannot
    be read is hashed as a marker: :meth:`NativeFormat.read` then says what is wrong with it."""
    # plain strings and os calls: pathlib's overhead was a third of the cost for small files
    folder = os.fspath(root)
    scratch = Problems(root)
    h = hashlib.sha256()
    texts = hashlib.sha256()
    manifest = read_file(os.path.join(folder, MANIFEST), scratch) or b"unreadable"
    h.update(MANIFEST.encode() + b"\0" + manifest + b"\0")
    for f in document_files(root, scratch):
        raw = read_file(f, scratch)
        h.update(f.name.encode() + b"\0" + (raw or b"unreadable") + b"\0")
        texts.update(f.name.encode() + b"\0")
        text = _text_bytes(raw, locator, scratch)
        texts.update(hashlib.sha256(text).digest() if text is not None else b"missing\0")
    for problem in scratch.items:  # a goldset with a problem is never served from the cache
        h.update(problem.encode("utf-8", "replace") + b"\0")
    sha256 = h.hexdigest()
    return sha256, hashlib.sha256(sha256.encode() + texts.digest()).hexdigest()


def _text_bytes(raw: bytes | None, locator: TextLocator, scratch: Problems) -> bytes | None:
    """The bytes of the text a document file (``raw``) names, or ``None``."""
    if raw is None:
        return None
    try:
        text_file, _ = locator.find(_text_path(raw))
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return None if text_file is None else read_checked(text_file)[0]


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
