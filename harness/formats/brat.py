"""brat standoff: texts and ``.ann`` files, entities and attribution (PARC/PolNeAR style) as quotes.

Read (``goldset: {format: brat, path: folder}``).

Layout. Every ``.ann`` under the folder is read with its text, found as (1) ``<doc>.txt`` next to
it (brat's own layout), (2) ``<doc>.txt`` next to ``<doc>_<annotator>.ann``, or (3) in a separate
text folder: ``texts: <folder>`` or, by default, a ``text``, ``texts`` or ``txt`` folder of the
goldset folder (PolNeAR: ``train/text/<doc>.txt`` + ``train/attributions/<doc>_<annotator>.ann``).
A document annotated several times is read once, as ``annotator`` says: ``only`` (default: several
files are an error that lists them), ``first`` (the first annotator id in sorted order), a named
annotator (only the documents that annotator did), or ``each`` (``harness goldset import`` writes
one goldset per annotator).

Lines (brat standoff format; any other line is an error naming the file and line):

- ``T`` text-bound annotations. Labels ``Content``, ``Source``, ``Cue`` (configurable) are
  attribution roles; labels in ``attribution_types`` are event triggers; the others are entities.
  A covered text that runs over several lines is read whole. A discontinuous Content becomes
  quotes by the conversion conventions; a discontinuous Source or Cue is joined into one span; a
  discontinuous entity is refused (the gold format has none).
- ``E`` events ``Attribution:T4 Source:T1 Cue:T2 Content:T3``: one attribution. Roles may be
  numbered (``Content2``), any may be missing but Content. The trigger is the cue when the event
  has no Cue role, and is never an entity.
- ``R`` relations Content-Source and Content-Cue (another way to say the same).
- ``A``/``M`` attribute ``QuoteType`` on a Content gives its type; ``N`` normalisations
  ``speaker:<id>`` give a Content's speaker; ``#`` AnnotatorNotes are comments, except the
  ``harness-speakers`` note in which the harness stores a document's speaker registry;
  ``*`` equivalence lines (``*\tCoref T1 T5``) say which Source mentions are one speaker.
- Types listed in ``ignore_types`` (for PolNeAR: ``Discard``, ``Discuss``) are skipped on purpose.

Files with a ``harness-speakers`` note were written by the harness and are read exactly. Others
are converted by the conventions of ``goldsets/GUIDELINES.md`` ("Converting other corpora"):
every change goes to the conversion report (:mod:`.conversion`).

Write (``harness goldset export --to brat``): ``<doc>.txt`` + ``<doc>.ann`` + ``annotation.conf``,
with quote types as attributes, speaker ids as normalisations and the registry (names, types,
aliases) in a note, so native -> brat -> native gives the same documents.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote as _pct
from urllib.parse import unquote

from ..errors import ConfigError, GoldsetError, Problems
from ..model import Document, Speaker
from . import conversion
from .attribution import EventLink, Links, Region, Roles, assemble
from .base import (
    CommonOptions,
    Format,
    GoldsetInfo,
    GoldsetView,
    decode_utf8,
    files_hash,
    read_file,
)
from .metadata import Table, read_table

_T = re.compile(r"^(T\d+\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$", re.DOTALL)
#: The start of an annotation line: an id (letter or ``#``, number, optional tail) or ``*``.
_START = re.compile(r"^(?:[TRENAM]\d+[^\t\s]*|#\d*[^\t\s]*|\*)\t")
REGISTRY_NOTE = "harness-speakers"
SPEAKER_DB = "speaker"
TEXT_FOLDERS = ("text", "texts", "txt")
PRESETS: dict[str, dict[str, Any]] = {
    "none": {},
    # PolNeAR: Discard marks boilerplate, Discuss marks spans the annotators meant to discuss
    "polnear": {
        "ignore_types": ("Discard", "Discuss"),
        "annotator": "first",
        "metadata_id": "filename",
    },
}


@dataclass(frozen=True)
class BratOptions(CommonOptions):
    #: Label of the regions that mention a quote's source (speaker span).
    source_label: str = "Source"
    #: Label of the regions that are a quote's cue.
    cue_label: str = "Cue"
    #: Label of the regions that are a quote's content.
    content_label: str = "Content"
    #: Event trigger types whose events are attributions (``E1\tAttribution:T4 Source:T3 ...``).
    attribution_types: tuple[str, ...] = ("Attribution", "Attribution-no-source")
    #: Attribute (``A``/``M`` line) giving a Content's quote type.
    quote_type_attribute: str = "QuoteType"
    #: Types of regions, relations, events, attributes or normalisations to skip on purpose
    #: (default: the preset's, else none). Every skipped record is in the conversion report.
    ignore_types: tuple[str, ...] | None = None
    #: Quote type when no attribute gives one: from the quotation marks, or fixed.
    default_quote_type: Literal["auto", "direct", "indirect", "mixed"] = "auto"
    #: Folder of the texts, relative to the goldset folder, when they are not next to the .ann
    #: files (default: a ``text``, ``texts`` or ``txt`` folder if there is one).
    texts: str | None = None
    #: Which annotation of a document annotated several times: ``only`` (several are an
    #: error), ``first``, ``each`` (one goldset per annotator) or an annotator id.
    #: Default: the preset's, else ``only``.
    annotator: str | None = None
    #: What separates the document name from the annotator id in ``<doc>_<annotator>.ann``.
    annotator_separator: str = "_"
    #: Apply the conversion conventions of goldsets/GUIDELINES.md (files the harness wrote are
    #: always read exactly).
    conventions: bool = True
    #: An attribution without a Source: ``drop`` (not a quote, rule C8) or ``keep`` (a quote
    #: with no speaker).
    sourceless: Literal["drop", "keep"] = "drop"
    #: Defaults for a known corpus: ``polnear`` = ignore_types [Discard, Discuss], annotator first.
    preset: Literal["none", "polnear"] = "none"
    #: A table of document metadata (TSV or CSV with a header row; a path relative to the
    #: goldset folder, e.g. PolNeAR's ``../metadata.tsv``): its columns become the documents'
    #: metadata, to slice scores by (``slices: [publisher]``). Every document needs a row.
    metadata: str | None = None
    #: The table's column of document ids (default: the preset's, else the first column).
    metadata_id: str | None = None
    #: The columns kept as metadata (default: every column but the id).
    metadata_columns: tuple[str, ...] | None = None

    def resolved(self) -> BratOptions:
        """These options with the preset's defaults filled in."""
        preset = PRESETS[self.preset]
        return replace(
            self,
            ignore_types=self.ignore_types
            if self.ignore_types is not None
            else preset.get("ignore_types", ()),
            annotator=self.annotator or preset.get("annotator", "only"),
            metadata_id=self.metadata_id or preset.get("metadata_id"),
        )


@dataclass(frozen=True)
class Pair:
    """One annotation file of one document, with its text."""

    doc_id: str
    ann: Path
    txt: Path
    annotator: str | None = None


# ---- layout ---------------------------------------------------------------------------------


def _doc_id(ann: Path, root: Path) -> str:
    rel = ann.relative_to(root).with_suffix("") if ann != root else Path(ann.stem)
    return "__".join(rel.parts)


def _texts_root(path: Path, opts: BratOptions) -> Path | None:
    if opts.texts is not None:
        root = path / opts.texts
        if not root.is_dir():
            raise GoldsetError(f"{path}: texts folder {opts.texts!r} does not exist")
        return root
    for name in TEXT_FOLDERS:
        cand = path / name
        if cand.is_dir() and not any(cand.rglob("*.ann")):
            return cand
    return None


def _text_index(root: Path, problems: Problems) -> dict[str, Path]:
    index: dict[str, Path] = {}
    for txt in sorted(root.rglob("*.txt")):
        if txt.stem in index:
            problems.add(txt, None, f"two texts named {txt.stem!r} (also {index[txt.stem]})")
        index.setdefault(txt.stem, txt)
    return index


def _pair(
    ann: Path, root: Path, index: Mapping[str, Path] | None, opts: BratOptions
) -> Pair | None:
    """The text of an annotation file, by the layouts in order; ``None`` if there is none."""
    stem, sep, who = ann.stem.rpartition(opts.annotator_separator)
    side = ann.with_suffix(".txt")
    if side.is_file():
        return Pair(_doc_id(ann, root), ann, side)
    if sep and stem and (ann.parent / f"{stem}.txt").is_file():
        return Pair(
            _doc_id(ann.with_name(f"{stem}.ann"), root), ann, ann.parent / f"{stem}.txt", who
        )
    if index is not None and ann.stem in index:
        return Pair(ann.stem, ann, index[ann.stem])
    if index is not None and sep and stem in index:
        return Pair(stem, ann, index[stem], who)
    return None


def find_pairs(path: Path, opts: BratOptions, problems: Problems) -> list[Pair]:
    """Every annotation file under ``path`` with its text (all annotators)."""
    if path.is_file():
        root, anns = path.parent, [path.with_suffix(".ann")]
        index = None
    else:
        root, anns = path, sorted(path.rglob("*.ann"))
        texts = _texts_root(path, opts)
        index = _text_index(texts, problems) if texts is not None else None
    if not anns or not anns[0].exists():
        raise GoldsetError(f"{path}: no brat .ann files")
    pairs = []
    for ann in anns:
        pair = _pair(ann, root, index, opts)
        if pair is None:
            problems.add(
                ann,
                None,
                "no text for this file (looked for <doc>.txt next to it"
                + (" and in the texts folder)" if index is not None else ")"),
            )
        else:
            pairs.append(pair)
    if path.is_dir():
        used = {p.txt for p in pairs}
        txts = index.values() if index is not None else path.rglob("*.txt")
        for txt in sorted(set(txts) - used):
            problems.add(
                txt, None, "has no .ann file (create an empty one if it has no annotation)"
            )
    return pairs


def annotators(path: Path, options: Any) -> list[str]:
    """The annotator ids of the ``<doc>_<annotator>.ann`` files under ``path``, sorted."""
    opts = options.resolved() if isinstance(options, BratOptions) else BratOptions().resolved()
    pairs = find_pairs(path, opts, Problems(str(path)))
    return sorted({p.annotator for p in pairs if p.annotator is not None})


def choose(pairs: list[Pair], annotator: str, problems: Problems) -> list[Pair]:
    """One file per document, as the ``annotator`` option says."""
    by_doc: dict[str, list[Pair]] = {}
    for p in pairs:
        by_doc.setdefault(p.doc_id, []).append(p)
    out = []
    for doc, found in by_doc.items():
        chosen = _choose_one(doc, found, annotator, problems)
        for p in found:
            if p is not chosen:
                why = (
                    "not the chosen annotator" if chosen else f"no file of annotator {annotator!r}"
                )
                conversion.note(
                    "dropped",
                    f"annotation file of another annotator ({why})",
                    p.ann,
                    None,
                    doc,
                    f"annotator {p.annotator}",
                )
        if chosen is not None:
            out.append(chosen)
    return out


def _choose_one(doc: str, found: list[Pair], annotator: str, problems: Problems) -> Pair | None:
    if annotator not in ("only", "first"):
        return next((p for p in found if p.annotator == annotator), None)
    if len(found) == 1:
        return found[0]
    if annotator == "first":
        return min(found, key=lambda p: (p.annotator or "", str(p.ann)))
    names = ", ".join(sorted(p.ann.name for p in found))
    problems.add(
        found[0].ann.parent,
        None,
        f"document {doc!r} has {len(found)} annotation files ({names}); set the option "
        "annotator to first, to an annotator id, or to each",
    )
    return None


# ---- parsing --------------------------------------------------------------------------------


def logical_lines(body: str) -> Iterator[tuple[int, str]]:
    """``(line number, line)``; a covered text that runs over several lines is one line."""
    pending: tuple[int, str] | None = None
    for n, raw in enumerate(body.split("\n"), 1):
        line = raw.rstrip("\r")
        if _START.match(line):
            if pending is not None:
                yield pending
            pending = (n, line)
        elif pending is not None and pending[1].startswith("T"):
            pending = (pending[0], pending[1] + "\n" + line)
        elif line.strip():
            if pending is not None:
                yield pending
                pending = None
            yield n, line
    if pending is not None:
        yield pending


@dataclass
class _Parse:
    """The state of reading one ``.ann`` file."""

    text: str
    ann: Path
    doc_id: str
    opts: BratOptions
    roles: Roles
    problems: Problems
    regions: dict[str, Region] = field(default_factory=dict)
    links: Links = field(default_factory=Links)
    events: list[tuple[int, str, list[tuple[str, str]]]] = field(default_factory=list)
    #: Regions of ignored types: dropped, unless an event gives them a role.
    set_aside: dict[str, Region] = field(default_factory=dict)
    #: Line of each equivalence class in ``links.classes``.
    class_lines: list[int] = field(default_factory=list)

    def problem(self, line: int, message: str) -> None:
        self.problems.add(self.ann, line, message)

    def note(self, action: str, reason: str, line: int | None, detail: str) -> None:
        conversion.note(action, reason, self.ann, line, self.doc_id, detail)  # type: ignore[arg-type]


def _fragments(p: _Parse, n: int, key: str, spans: str) -> list[tuple[int, int]] | None:
    parts = [(int(a), int(b)) for a, b in (s.split() for s in spans.split(";"))]
    bad = [(s, e) for s, e in parts if not 0 <= s < e <= len(p.text)]
    if bad:
        p.problem(
            n,
            f"{key}: offsets {bad[0][0]}..{bad[0][1]} outside the text "
            f"(length {len(p.text)} of {p.ann.with_suffix('.txt').name})",
        )
        return None
    return parts


def _covered_ok(
    p: _Parse, n: int, key: str, parts: list[tuple[int, int]], covered: str | None
) -> bool:
    if covered is None:
        return True  # brat always writes it; tolerate tools that do not
    want = " ".join(covered.split())
    for order in (parts, sorted(parts)):
        if " ".join(" ".join(p.text[s:e] for s, e in order).split()) == want:
            return True
    shown = " ".join(p.text[s:e] for s, e in parts)
    p.problem(n, f"{key}: text {covered[:80]!r} differs from the covered characters {shown[:80]!r}")
    return False


def _region(p: _Parse, n: int, line: str, ignored: bool = False) -> None:
    m = _T.match(line)
    if not m:
        p.problem(n, f"malformed text-bound line {line[:60]!r}")
        return
    key, label, spans, covered = m.groups()
    parts = _fragments(p, n, key, spans)
    if parts is None or not _fragments_allowed(p, n, key, label, spans, parts, ignored):
        return
    if not _covered_ok(p, n, key, parts, covered):
        return
    if key in p.regions or key in p.set_aside:
        p.problem(n, f"{key} is defined twice")
        return
    region = Region(key, label, min(s for s, _ in parts), max(e for _, e in parts), n)
    if ignored:
        p.set_aside[key] = region
    elif len(parts) > 1 and p.roles.of(label) == "content":
        p.regions[key] = replace(region, fragments=tuple(sorted(parts)), given_order=tuple(parts))
    else:
        p.regions[key] = region


def _fragments_allowed(
    p: _Parse, n: int, key: str, label: str, spans: str, parts: list[tuple[int, int]], ignored: bool
) -> bool:
    """A discontinuous Content is cut by the conventions; a discontinuous Source, Cue or trigger
    is joined into one span; a discontinuous entity is refused."""
    role = p.roles.of(label)
    if len(parts) == 1 or role == "content" or ignored:
        return True
    if role is not None or label in p.opts.attribution_types:
        start, end = min(s for s, _ in parts), max(e for _, e in parts)
        p.note(
            "repaired",
            f"discontinuous {label} joined into one span",
            n,
            f"{key} {spans} -> {start}..{end}",
        )
        return True
    p.problem(
        n,
        f"{key}: discontinuous span {spans!r} is only supported for "
        f"{p.roles.content} regions (the gold format has no discontinuous entities)",
    )
    return False


def _relation(p: _Parse, n: int, head: list[str]) -> None:
    args = dict(a.split(":", 1) for a in head[1:] if ":" in a)
    if len(args) != 2:
        p.problem(n, f"relation needs two arguments, got {head[1:]}")
        return
    a, b = args.values()
    p.links.pairs.append((a, b, n))


def _event(p: _Parse, n: int, head: list[str]) -> None:
    trigger = head[0].split(":", 1)
    args = [a.split(":", 1) for a in head[1:]]
    if len(trigger) != 2 or any(len(a) != 2 for a in args):
        p.problem(n, f"malformed event {' '.join(head)[:60]!r}")
        return
    p.events.append((n, trigger[1], [(r, k) for r, k in args]))


def _attribute(p: _Parse, n: int, type_: str, head: list[str]) -> None:
    if type_ != p.opts.quote_type_attribute or len(head) != 3:
        p.problem(
            n,
            f"attribute {type_!r} is not imported (only {p.opts.quote_type_attribute} "
            "with a value); list it in ignore_types to skip it",
        )
        return
    p.links.types[head[1]] = (head[2], n)


def _normalization(p: _Parse, n: int, head: list[str]) -> None:
    ref = head[2].split(":", 1) if len(head) == 3 else []
    if len(ref) != 2 or ref[0] != SPEAKER_DB:
        p.problem(
            n,
            f"normalization {' '.join(head[1:])[:60]!r} is not imported (only "
            f"{SPEAKER_DB}:<id> on a {p.roles.content}); list {head[0]!r} in "
            "ignore_types to skip it",
        )
        return
    p.links.speakers[head[1]] = (unquote(ref[1]), n)


def _note(p: _Parse, n: int, fields: list[str]) -> None:
    body = fields[2] if len(fields) > 2 else ""
    if not body.startswith(REGISTRY_NOTE + " "):
        p.note("dropped", "annotator note (a comment)", n, body[:80])
        return
    try:
        raw = json.loads(body[len(REGISTRY_NOTE) + 1 :])
        p.links.registry = {
            sid: Speaker(sid, s["name"], s["type"], tuple(s["aliases"])) for sid, s in raw.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        p.problem(n, f"{REGISTRY_NOTE} note is not a speaker registry in JSON ({exc})")


def _dispatch(p: _Parse, n: int, line: str, ignore: set[str]) -> None:
    fields = line.split("\t")
    head = fields[1].split() if len(fields) > 1 else []
    kind = line[0]
    if not head or not _START.match(line):
        p.problem(n, f"malformed line {line[:60]!r}")
        return
    type_ = head[0].split(":")[0]
    if type_ in ignore and kind == "T":
        _region(p, n, line, ignored=True)
    elif type_ in ignore:
        p.note("dropped", f"{type_} annotation (ignore_types)", n, line.split("\t", 1)[0])
    elif kind == "T":
        _region(p, n, line)
    elif kind == "R":
        _relation(p, n, head)
    elif kind == "E":
        _event(p, n, head)
    elif kind in "AM":
        _attribute(p, n, type_, head)
    elif kind == "N":
        _normalization(p, n, head)
    elif kind == "#":
        _note(p, n, fields)
    else:  # "*" equivalence
        p.links.classes.append(head[1:])
        p.class_lines.append(n)


# ---- events ---------------------------------------------------------------------------------


def _restore(p: _Parse, n: int, ref: str, role: str) -> None:
    """An event gives a region of an ignored type a role: it takes the role's label."""
    region = p.set_aside.pop(ref, None)
    if region is not None:
        p.note(
            "repaired",
            f"{region.label} region used as the {role} of an event",
            n,
            f"{ref} {region.label} {region.start}..{region.end}",
        )
        p.regions[ref] = replace(region, label=role)


def _roles_of(p: _Parse, n: int, args: list[tuple[str, str]]) -> dict[str, list[str]] | None:
    by_role: dict[str, list[str]] = {}
    for role, ref in args:
        by_role.setdefault(re.sub(r"\d+$", "", role), []).append(ref)
        _restore(p, n, ref, re.sub(r"\d+$", "", role))
    allowed = {p.roles.content, p.roles.source, p.roles.cue}
    unknown = sorted(set(by_role) - allowed)
    if unknown:
        p.problem(n, f"event role {unknown[0]!r} is not imported (roles: {sorted(allowed)})")
        return None
    for role in (p.roles.source, p.roles.cue):
        if len(by_role.get(role, [])) > 1:
            p.problem(n, f"event has {len(by_role[role])} {role} arguments; a quote has one")
            return None
    return by_role


def _trigger(p: _Parse, n: int, trig: str) -> Region | None:
    region = p.regions.get(trig)
    if region is None:
        p.problem(n, f"event trigger {trig} is not defined")
        return None
    if region.label not in p.opts.attribution_types and p.roles.of(region.label) != "cue":
        p.problem(
            n,
            f"event type {region.label!r} is not an attribution (attribution_types: "
            f"{list(p.opts.attribution_types)}); list it in ignore_types to skip it",
        )
        return None
    return region


def _resolve_event(
    p: _Parse, n: int, trig: str, args: list[tuple[str, str]], cues: set[str]
) -> None:
    trigger = _trigger(p, n, trig)
    by_role = _roles_of(p, n, args) if trigger is not None else None
    if trigger is None or by_role is None:
        return
    contents = by_role.get(p.roles.content, [])
    source = (by_role.get(p.roles.source) or [None])[0]
    cue = (by_role.get(p.roles.cue) or [None])[0]
    if not contents:
        p.note("dropped", "attribution event without a Content", n, f"trigger {trig}")
        return
    if cue is None:
        cue = trig
        cues.add(trig)
    else:
        _note_trigger(p, n, trigger, p.regions.get(cue))
    for content in contents:
        p.links.events.append(EventLink(content, source, cue, n))


def _note_trigger(p: _Parse, n: int, trigger: Region, cue: Region | None) -> None:
    if cue is not None and (cue.start, cue.end) == (trigger.start, trigger.end):
        p.note("merged", "event trigger repeats its Cue", n, f"{trigger.key} = {cue.key}")
    elif cue is not None:
        p.note(
            "dropped",
            "event trigger differs from its Cue (the Cue is the cue)",
            n,
            f"{trigger.key} {trigger.start}..{trigger.end} vs {cue.key} {cue.start}..{cue.end}",
        )


def _events_to_links(p: _Parse) -> None:
    """Events become attributions; triggers become cues or go (never entities)."""
    as_cue: set[str] = set()
    for n, trig, args in p.events:
        _resolve_event(p, n, trig, args, as_cue)
    for key, r in list(p.regions.items()):
        if key in as_cue:
            p.regions[key] = replace(r, label=p.roles.cue)
        elif r.label in p.opts.attribution_types:
            del p.regions[key]
    for key, r in p.set_aside.items():
        p.note(
            "dropped",
            f"{r.label} annotation (ignore_types)",
            r.line,
            f"{key} {r.start}..{r.end} {p.text[r.start : r.end][:60]!r}",
        )
    for cls, n in zip(p.links.classes, p.class_lines, strict=True):
        labels = {p.regions[k].label for k in cls if k in p.regions}
        if p.roles.source not in labels:
            reason = "equivalence without a Source mention (only speakers use them)"
            p.note("dropped", reason, n, " ".join(cls))


def parse(
    text: str, body: str, ann: Path, doc_id: str, opts: BratOptions, problems: Problems
) -> tuple[list[Region], Links]:
    """The regions and links of one ``.ann`` file (``opts`` resolved)."""
    roles = Roles(opts.source_label, opts.cue_label, opts.content_label)
    p = _Parse(text, ann, doc_id, opts, roles, problems)
    ignore = set(opts.ignore_types or ())
    for n, line in logical_lines(body):
        _dispatch(p, n, line, ignore)
    _events_to_links(p)
    return list(p.regions.values()), p.links


# ---- the metadata table ----------------------------------------------------------------------


def _metadata_table(path: Path, opts: BratOptions, problems: Problems) -> Table | None:
    if not opts.metadata:
        return None
    table = path / opts.metadata
    data = read_file(table, problems)  # a path the user gave: size limit and links checked
    if data is None:
        return None
    return read_table(table, data, opts.metadata_id, opts.metadata_columns, problems)


def _with_metadata(doc: Document, table: Table | None, problems: Problems) -> Document:
    """``doc`` with its row of the metadata table (a document without one is a problem)."""
    if table is None:
        return doc
    row = table.of(doc.id)
    if row is None:
        problems.add(
            table.path, None, f"no row for document {doc.id!r}: every document needs its metadata"
        )
        return doc
    return replace(doc, metadata=row)


# ---- the format -----------------------------------------------------------------------------


class BratFormat(Format):
    name = "brat"
    description = "brat standoff (.txt + .ann): entities, attribution (PolNeAR/PARC) as quotes"
    version = "2"
    label_scheme = "custom"
    Options = BratOptions

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        opts = (options or BratOptions()).resolved()
        if opts.annotator == "each":
            raise ConfigError(
                "brat option annotator=each gives one goldset per annotator: "
                "`harness goldset import SOURCE OUT --format brat -o annotator=each` writes "
                "OUT/<annotator>/; to read one annotator, give its id"
            )
        problems = Problems(str(path))
        table = _metadata_table(path, opts, problems)
        pairs = choose(find_pairs(path, opts, problems), opts.annotator or "only", problems)
        for pair in pairs:
            doc = self._read_pair(pair, opts, problems)
            if doc is not None:
                yield _with_metadata(doc, table, problems)
        problems.raise_if_any()

    def describe(self, path: Path, options: Any) -> GoldsetInfo:
        """The default description, with the metadata table's columns declared."""
        info = super().describe(path, options)
        opts = (options or BratOptions()).resolved()
        table = _metadata_table(path, opts, Problems(str(path)))
        return info if table is None else replace(info, metadata=table.fields)

    def content_hash(self, path: Path, options: Any) -> str:
        """The files under the folder, and the metadata table (which may lie outside it)."""
        own = files_hash(path)
        opts = options or BratOptions()
        if not opts.metadata:
            return own
        table = path / opts.metadata
        data = table.read_bytes() if table.is_file() else b"missing"
        return hashlib.sha256(own.encode() + b"\0" + data).hexdigest()

    def annotators(self, path: Path, options: Any) -> list[str]:
        """The annotator ids of the ``<doc>_<annotator>.ann`` files under ``path``."""
        return annotators(path, options)

    def _read_pair(self, pair: Pair, opts: BratOptions, problems: Problems) -> Document | None:
        conversion.file_started()
        n_before = len(problems)
        text_bytes, ann_bytes = read_file(pair.txt, problems), read_file(pair.ann, problems)
        if text_bytes is None or ann_bytes is None:
            return None
        text = decode_utf8(text_bytes, pair.txt, problems)
        body = decode_utf8(ann_bytes, pair.ann, problems)
        if text is None or body is None:
            return None
        regions, links = parse(text, body, pair.ann, pair.doc_id, opts, problems)
        if len(problems) > n_before:
            return None
        roles = Roles(opts.source_label, opts.cue_label, opts.content_label)
        default = None if opts.default_quote_type == "auto" else opts.default_quote_type
        ents, quotes, speakers = assemble(
            text, regions, links, roles, pair.ann, problems, default,
            doc_id=pair.doc_id, conventions=opts.conventions,
            keep_sourceless=opts.sourceless == "keep",
        )  # fmt: skip
        if len(problems) > n_before:
            return None
        return Document(pair.doc_id, text, ents, quotes, speakers)

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        opts: BratOptions = options or BratOptions()
        if path.exists() and any(path.iterdir()):
            raise GoldsetError(f"{path}: output folder is not empty; choose a new folder")
        path.mkdir(parents=True, exist_ok=True)
        stats = {"documents": 0, "entities": 0, "quotes": 0, "speakers_not_written": 0}
        labels: set[str] = set()
        for doc in goldset:
            lines, lost = ann_lines(doc, opts)
            (path / f"{doc.id}.txt").write_bytes(doc.text.encode("utf-8"))
            (path / f"{doc.id}.ann").write_text("".join(lines), encoding="utf-8", newline="\n")
            labels.update(e.label for e in doc.entities)
            stats["documents"] += 1
            stats["entities"] += len(doc.entities)
            stats["quotes"] += len(doc.quotes)
            stats["speakers_not_written"] += lost
        (path / "annotation.conf").write_text(_conf(sorted(labels), opts), encoding="utf-8")
        return stats


# ---- writing --------------------------------------------------------------------------------


@dataclass
class _Writer:
    doc: Document
    lines: list[str] = field(default_factory=list)
    counter: dict[str, int] = field(default_factory=lambda: {"T": 0, "R": 0, "A": 0, "N": 0})

    def new(self, kind: str) -> str:
        self.counter[kind] += 1
        return f"{kind}{self.counter[kind]}"

    def region(self, label: str, start: int, end: int) -> str:
        key = self.new("T")
        covered = self.doc.text[start:end].replace("\n", " ").replace("\r", " ")
        self.lines.append(f"{key}\t{label} {start} {end}\t{covered}\n")
        return key


def _registry_json(doc: Document) -> str:
    reg = {s.id: {"name": s.name, "type": s.type, "aliases": list(s.aliases)} for s in doc.speakers}
    return json.dumps(reg, ensure_ascii=False)


def ann_lines(doc: Document, opts: BratOptions) -> tuple[list[str], int]:
    """The ``.ann`` lines of a document, and how many speakers could not be written (a
    registry with no annotation in the document to attach it to)."""
    w = _Writer(doc)
    for e in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        w.region(e.label, e.start, e.end)
    for q in sorted(doc.quotes, key=lambda q: (q.start, q.end)):
        c = w.region(opts.content_label, q.start, q.end)
        w.lines.append(f"{w.new('A')}\t{opts.quote_type_attribute} {c} {q.type}\n")
        if q.speaker is not None:
            s = doc.speaker(q.speaker)
            name = " ".join((s.name if s else q.speaker).split())
            w.lines.append(
                f"{w.new('N')}\tReference {c} {SPEAKER_DB}:{_pct(q.speaker, safe='')}\t{name}\n"
            )
        if q.speaker_span is not None:
            s_key = w.region(opts.source_label, q.speaker_span.start, q.speaker_span.end)
            w.lines.append(f"{w.new('R')}\t{opts.source_label} Arg1:{c} Arg2:{s_key}\n")
        if q.cue is not None:
            k = w.region(opts.cue_label, q.cue.start, q.cue.end)
            w.lines.append(f"{w.new('R')}\t{opts.cue_label} Arg1:{c} Arg2:{k}\n")
    if w.counter["T"]:
        w.lines.append(f"#1\tAnnotatorNotes T1\t{REGISTRY_NOTE} {_registry_json(doc)}\n")
        return w.lines, 0
    return w.lines, len(doc.speakers)


def _conf(labels: list[str], opts: BratOptions) -> str:
    ents = "\n".join([*labels, opts.content_label, opts.source_label, opts.cue_label])
    c, s, k = opts.content_label, opts.source_label, opts.cue_label
    return (
        f"[entities]\n{ents}\n\n[relations]\n"
        f"{s}\tArg1:{c}, Arg2:{s}\n{k}\tArg1:{c}, Arg2:{k}\n\n"
        f"[events]\n\n[attributes]\n"
        f"{opts.quote_type_attribute}\tArg:{c}, Value:direct|indirect|mixed\n"
    )
