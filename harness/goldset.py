"""Load and validate goldsets in the native format (``goldset.yaml`` + one JSON per document).

Everything that reads a goldset goes through :func:`load_goldset`, which validates every file and
raises one :class:`GoldsetError` listing every problem found, each naming the file, the record and
what is wrong. A valid goldset is exposed as a Hugging Face :class:`datasets.Dataset` with declared
features (so large goldsets stream from Arrow files) and as :class:`harness.model.Document` objects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from .codec import entity_from_dict, quote_from_dict
from .errors import GoldsetError
from .model import ONTONOTES_LABELS, QUOTE_TYPES, Document, Speaker

MANIFEST = "goldset.yaml"
MANIFEST_REQUIRED = ("name", "version", "description", "label_scheme", "labels")
DOC_REQUIRED = ("id", "text_path", "text_sha256", "entities", "speakers", "quotes")
ENTITY_REQUIRED = ("start", "end", "label", "text")
QUOTE_REQUIRED = ("start", "end", "text", "type", "speaker", "speaker_span", "cue")
SPEAKER_REQUIRED = ("name", "type", "aliases")
SPAN_REQUIRED = ("start", "end", "text")
MAX_LISTED = 50


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
                }
            ),
        }
    )


def row_to_document(row: Mapping[str, Any]) -> Document:
    """Turn a dataset row (or a validated JSON record plus its text) into a :class:`Document`."""
    speakers = row["speakers"]
    if isinstance(speakers, Mapping):  # JSON form: {id: {...}}
        speakers = [{"id": k, **v} for k, v in speakers.items()]
    return Document(
        id=row["id"],
        text=row["text"],
        entities=tuple(entity_from_dict(e) for e in row["entities"]),
        quotes=tuple(quote_from_dict(q) for q in row["quotes"]),
        speakers=tuple(
            Speaker(s["id"], s["name"], s["type"], tuple(s["aliases"] or ())) for s in speakers
        ),
        text_path=row.get("text_path", ""),
        text_sha256=row.get("text_sha256", ""),
    )


def document_to_row(doc: Document) -> dict[str, Any]:
    from .codec import entity_to_dict, quote_to_dict

    return {
        "id": doc.id,
        "text": doc.text,
        "text_path": doc.text_path,
        "text_sha256": doc.text_sha256,
        "entities": [entity_to_dict(e) for e in doc.entities],
        "quotes": [quote_to_dict(q) for q in doc.quotes],
        "speakers": [
            {"id": s.id, "name": s.name, "type": s.type, "aliases": list(s.aliases)}
            for s in doc.speakers
        ],
    }


@dataclass
class Problems:
    """Collects validation problems; each names a file and a record."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self, root: Path) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_LISTED]
        more = len(self.items) - len(shown)
        lines = "\n".join(f"  - {p}" for p in shown)
        tail = f"\n  ... and {more} more" if more else ""
        raise GoldsetError(
            f"goldset {root} is invalid ({len(self.items)} problem"
            f"{'s' if len(self.items) != 1 else ''}):\n{lines}{tail}",
        )


@dataclass(frozen=True)
class Goldset:
    """A validated goldset: its manifest, its documents and a content hash."""

    root: Path
    name: str
    version: str
    description: str
    label_scheme: str
    labels: tuple[str, ...]
    guidelines: str | None
    documents: tuple[Document, ...]
    sha256: str

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    @cached_property
    def dataset(self) -> Any:
        """The goldset as a ``datasets.Dataset`` with :func:`dataset_features`."""
        import datasets

        datasets.disable_progress_bars()
        return datasets.Dataset.from_list(
            [document_to_row(d) for d in self.documents], features=dataset_features()
        )

    def provenance(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "path": str(self.root),
            "sha256": self.sha256,
            "label_scheme": self.label_scheme,
            "documents": len(self.documents),
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


def _resolve_text(text_path: str, root: Path, text_root: str | None) -> Path | None:
    if text_root is not None:
        candidate = (root / text_root / text_path).resolve()
        return candidate if candidate.is_file() else None
    for base in (root, *root.resolve().parents):
        candidate = base / text_path
        if candidate.is_file():
            return candidate
    return None


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
    text_file = _resolve_text(str(rec["text_path"]), root, manifest.get("text_root"))
    if text_file is None:
        problems.add(where, f"text_path {rec['text_path']!r} not found")
        return None
    raw = text_file.read_bytes()
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
    h = hashlib.sha256()
    for p in [root / MANIFEST, *sorted(root.glob("*.json"))]:
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def load_goldset(path: str | Path) -> Goldset:
    """Load and validate the goldset folder at ``path``; raise :class:`GoldsetError` if invalid."""
    root = Path(path)
    if not root.is_dir():
        raise GoldsetError(f"goldset folder {str(root)!r} does not exist")
    problems = Problems()
    manifest = _read_manifest(root, problems)
    problems.raise_if_any(root)
    assert manifest is not None
    files = sorted(root.glob("*.json"))
    if not files:
        problems.add(str(root), "no document files (*.json)")
    labels = set(manifest["labels"])
    docs: list[Document] = []
    for f in files:
        rec = _read_json(f, problems)
        if rec is None:
            continue
        doc = _validate_document(f, rec, manifest, root, labels, problems)
        if doc is not None:
            docs.append(doc)
    problems.raise_if_any(root)
    return Goldset(
        root=root,
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        description=str(manifest["description"]),
        label_scheme=str(manifest["label_scheme"]),
        labels=tuple(manifest["labels"]),
        guidelines=manifest.get("guidelines"),
        documents=tuple(docs),
        sha256=goldset_hash(root),
    )
