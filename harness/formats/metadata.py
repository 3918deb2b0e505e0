"""Declared document metadata and speaker attributes, and their checks.

A goldset declares the metadata its documents carry (``outlet``, ``date``, ``section``...) and the
attributes of its speakers (``gender``...), in the native manifest::

    metadata:
      outlet: {description: publisher of the article, required: true}
      section: {description: desk, values: [politics, business, world]}
    speaker_attributes:
      gender: {description: as reported by the article, values: [female, male, unknown]}

or, for other formats, through their options (brat: a metadata table). Every document's metadata
and every speaker's attributes are checked against the declaration like everything else: an
undeclared key (with "did you mean"), a required key missing, a value that is not a string,
number or boolean, a value outside the declared ``values``. Scores are sliced by them (config
``slices: [outlet, speaker.gender]``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problems, did_you_mean
from ..model import MetaValue

FIELD_KEYS = ("description", "required", "values")
#: Names that cannot be metadata keys (they name other slices, see harness.scoring.slices).
RESERVED = ("quote", "speaker", "document")


@dataclass(frozen=True)
class Field:
    """One declared metadata key or speaker attribute."""

    name: str
    description: str = ""
    required: bool = False
    #: The allowed values (``None``: any string, number or boolean).
    values: tuple[MetaValue, ...] | None = None

    def to_manifest(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.description:
            out["description"] = self.description
        if self.required:
            out["required"] = True
        if self.values is not None:
            out["values"] = list(self.values)
        return out


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and value == value  # NaN is not a value


def _field_problems(name: Any, spec: Any, where: str) -> Iterator[str]:
    if not isinstance(name, str) or not name or "." in name or name in RESERVED:
        yield f"{where}: {name!r} is not a usable name (a word without dots, not {RESERVED})"
    if spec is None:
        return
    if not isinstance(spec, Mapping):
        yield f"{where}.{name}: expected a mapping with keys {', '.join(FIELD_KEYS)}"
        return
    for key in spec:
        if key not in FIELD_KEYS:
            yield f"{where}.{name}: unknown key {key!r}.{did_you_mean(str(key), FIELD_KEYS)}"
    if not isinstance(spec.get("description", ""), str):
        yield f"{where}.{name}.description: expected a string"
    if not isinstance(spec.get("required", False), bool):
        yield f"{where}.{name}.required: expected true or false"
    values = spec.get("values")
    if values is not None and not (isinstance(values, list) and all(map(_scalar, values))):
        yield f"{where}.{name}.values: expected a list of strings, numbers or booleans"


def parse_fields(raw: Any, where: str) -> tuple[dict[str, Field], list[str]]:
    """The declared fields of a manifest section (``None``: none), and its problems."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [f"{where}: expected a mapping of names to {{description, required, values}}"]
    problems = [p for name, spec in raw.items() for p in _field_problems(name, spec, where)]
    if problems:
        return {}, problems
    fields = {}
    for name, spec in raw.items():
        spec = spec or {}
        values = spec.get("values")
        fields[name] = Field(
            name,
            spec.get("description", ""),
            spec.get("required", False),
            None if values is None else tuple(values),
        )
    return fields, []


def value_problems(values: Any, fields: Mapping[str, Field], what: str) -> list[str]:
    """What is wrong with a document's metadata (or a speaker's attributes): ``what`` names it
    in the messages (``metadata``, ``speaker 'ann-lee'``)."""
    if not isinstance(values, Mapping):
        return [f"{what}: expected a mapping of keys to values, got {values!r}"]
    out = []
    for key, value in values.items():
        field = fields.get(key)
        if field is None:
            known = ", ".join(fields) or "none (declare them in the manifest)"
            out.append(
                f"{what}: {key!r} is not declared.{did_you_mean(str(key), fields)} "
                f"Declared: {known}"
            )
        elif value is not None and not _scalar(value):
            out.append(f"{what}: {key}: expected a string, number or boolean, got {value!r}")
        elif field.values is not None and value is not None and value not in field.values:
            out.append(
                f"{what}: {key}: {value!r} is not one of the declared values {list(field.values)}"
            )
    for field in fields.values():
        if field.required and values.get(field.name) is None:
            out.append(f"{what}: {field.name!r} is required and missing")
    return out


def to_manifest(fields: Mapping[str, Field]) -> dict[str, Any]:
    return {name: f.to_manifest() or None for name, f in fields.items()}


# ---- the native format's manifest and document files ------------------------------------------

#: The manifest sections that declare them.
METADATA, SPEAKER_ATTRIBUTES = "metadata", "speaker_attributes"
#: The fields of a speaker entry that are not attributes.
SPEAKER_FIELDS = ("name", "type", "aliases")


def declarations(manifest: Mapping[str, Any]) -> tuple[dict[str, Field], dict[str, Field]]:
    """The declared metadata keys and speaker attributes of a (checked) manifest."""
    meta, _ = parse_fields(manifest.get(METADATA), METADATA)
    attrs, _ = parse_fields(manifest.get(SPEAKER_ATTRIBUTES), SPEAKER_ATTRIBUTES)
    return meta, attrs


def declaration_problems(manifest: Mapping[str, Any]) -> list[str]:
    _, meta = parse_fields(manifest.get(METADATA), METADATA)
    _, attrs = parse_fields(manifest.get(SPEAKER_ATTRIBUTES), SPEAKER_ATTRIBUTES)
    return meta + attrs


def attributes_of(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A speaker entry's attributes: its keys besides name, type and aliases."""
    return {k: v for k, v in entry.items() if k not in SPEAKER_FIELDS and k != "id"}


def record_problems(
    rec: Mapping[str, Any], declared: tuple[Mapping[str, Field], Mapping[str, Field]]
) -> list[str]:
    """The metadata of a document record and the attributes of its speakers, checked."""
    meta, attrs = declared
    out = value_problems(rec.get(METADATA) or {}, meta, "metadata")
    speakers = rec.get("speakers")
    if isinstance(speakers, Mapping):
        for sid, entry in speakers.items():
            if isinstance(entry, Mapping):
                found = attributes_of(entry)
                out += value_problems(found, attrs, f"speakers[{sid!r}] attributes")
    return out


def with_attributes(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A checked document record whose speakers carry their attributes under ``attributes``."""
    speakers = {
        sid: {**{k: entry[k] for k in SPEAKER_FIELDS}, "attributes": attributes_of(entry)}
        for sid, entry in rec["speakers"].items()
    }
    return {**rec, "speakers": speakers}


def document_fields(doc: Any) -> dict[str, Any]:
    """The metadata and speaker attributes of a document, as the native format writes them."""
    return {METADATA: dict(doc.metadata)} if doc.metadata else {}


# ---- a metadata table beside a goldset (brat, and any format that wants one) -------------------


@dataclass(frozen=True)
class Table:
    """Document metadata read from a table: the declared fields and each document's values."""

    path: Path
    fields: dict[str, Field]
    rows: dict[str, dict[str, MetaValue]]

    def of(self, doc_id: str) -> dict[str, MetaValue] | None:
        return self.rows.get(doc_id)


def _delimiter(path: Path, header: str) -> str:
    if path.suffix.lower() == ".tsv" or "\t" in header:
        return "\t"
    return ","


def read_table(
    path: Path, data: bytes, id_column: str | None, columns: Sequence[str] | None,
    problems: Problems,
) -> Table | None:  # fmt: skip
    """A TSV or CSV table (header row first; ``data``: its bytes, read by the format with
    :func:`harness.formats.base.read_file`) of document metadata: ``id_column`` (default: the
    first) holds the document ids, ``columns`` (default: every other column) the metadata.
    Problems (a missing column, a duplicate id, a ragged row) go to ``problems``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(path, None, f"metadata table is not valid UTF-8 (byte {exc.start})")
        return None
    lines = text.splitlines()
    if not lines:
        problems.add(path, None, "metadata table is empty (expected a header row)")
        return None
    reader = csv.reader(lines, delimiter=_delimiter(path, lines[0]))
    header = next(reader)
    key = id_column or header[0]
    wanted = list(columns) if columns is not None else [c for c in header if c != key]
    missing = [c for c in [key, *wanted] if c not in header]
    for c in missing:
        problems.add(path, 1, f"no column {c!r}.{did_you_mean(c, header)} Columns: {header}")
    if missing:
        return None
    at = {c: header.index(c) for c in header}
    rows: dict[str, dict[str, MetaValue]] = {}
    for lineno, cells in enumerate(reader, 2):
        if not cells or not any(cells):
            continue
        if len(cells) != len(header):
            problems.add(path, lineno, f"{len(cells)} cells, the header has {len(header)}")
            continue
        doc_id = cells[at[key]]
        if doc_id in rows:
            problems.add(path, lineno, f"document {doc_id!r} has a second row")
            continue
        rows[doc_id] = {c: (cells[at[c]] or None) for c in wanted}
    fields = {c: Field(c, f"column {c!r} of {path.name}") for c in wanted}
    return Table(path, fields, rows)
