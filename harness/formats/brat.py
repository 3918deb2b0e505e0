"""brat standoff: ``<doc>.txt`` + ``<doc>.ann`` pairs, entities and attribution relations.

Read (``goldset: {format: brat, path: folder}``): every ``.ann`` under the folder with its ``.txt``.

- ``T`` lines are regions. Those labelled ``Content``, ``Source`` or ``Cue`` (configurable) are
  attribution roles; the others are entities (no nesting, no discontinuous spans). A
  discontinuous Content (``T6\tContent 10 25;40 61\t...``, a quote interrupted by its
  attribution) becomes one quote per part, each with the Content's Source and Cue.
- ``R`` lines (``Source Arg1:T6 Arg2:T3``) and ``E`` lines (``Attribution:T4 Source:T3
  Content:T6``, PARC style; a trigger labelled ``Cue`` or with an attribution type is the cue) link
  a Content to its Source and Cue: each Content becomes a quote with its speaker span and cue.
- ``A``/``M`` lines named ``QuoteType`` (configurable) on a Content give the quote type; without
  one the type is guessed from quotation marks around the span.
- ``#`` notes are comments. Any other line, and any annotation the harness cannot hold, is an
  error naming the file and line, unless its type is listed in ``ignore_types``.

Write (``harness goldset export --to brat``): the same shape, plus an ``annotation.conf``.
Speakers are derived from their Source spans, so a quote whose speaker has no span in the text
cannot be written with its speaker (counted in the export summary).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from ..errors import GoldsetError, Problems
from ..model import Document
from .attribution import Links, Region, Roles, assemble
from .base import CommonOptions, Format, GoldsetView, decode_utf8

_T = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")


@dataclass(frozen=True)
class BratOptions(CommonOptions):
    source_label: str = "Source"
    cue_label: str = "Cue"
    content_label: str = "Content"
    #: Event types whose trigger is the cue (``E1\tAttribution:T4 Source:T3 Content:T6``).
    attribution_types: tuple[str, ...] = ("Attribution",)
    #: Attribute (``A``/``M`` line) giving a Content's quote type.
    quote_type_attribute: str = "QuoteType"
    #: Types of regions, relations, events, attributes or normalisations to skip on purpose.
    ignore_types: tuple[str, ...] = ()
    #: Quote type when no attribute gives one: guessed from quotation marks, or fixed.
    default_quote_type: Literal["auto", "direct", "indirect", "mixed"] = "auto"


def _doc_id(ann: Path, root: Path) -> str:
    rel = ann.relative_to(root).with_suffix("") if ann != root else Path(ann.stem)
    return "__".join(rel.parts)


class BratFormat(Format):
    name = "brat"
    description = "brat standoff (.txt + .ann): entities, Source/Cue/Content attribution as quotes"
    version = "1"
    label_scheme = "custom"
    Options = BratOptions

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        opts: BratOptions = options
        problems = Problems(str(path))
        if path.is_file():
            anns, root = [path.with_suffix(".ann")], path.parent
        else:
            anns, root = sorted(path.rglob("*.ann")), path
            for txt in sorted(path.rglob("*.txt")):
                if not txt.with_suffix(".ann").is_file():
                    problems.add(
                        txt, None, "has no .ann file (create an empty one if it has no annotation)"
                    )
        if not anns:
            raise GoldsetError(f"{path}: no brat .ann files")
        for ann in anns:
            doc = self._read_pair(ann, root, opts, problems)
            if doc is not None:
                yield doc
        problems.raise_if_any()

    def _read_pair(
        self, ann: Path, root: Path, opts: BratOptions, problems: Problems
    ) -> Document | None:
        txt = ann.with_suffix(".txt")
        n_before = len(problems)
        if not txt.is_file():
            problems.add(ann, None, f"its text {txt.name} is missing")
            return None
        if not ann.is_file():
            problems.add(ann, None, "missing .ann file")
            return None
        text = decode_utf8(txt.read_bytes(), txt, problems)
        body = decode_utf8(ann.read_bytes(), ann, problems)
        if text is None or body is None:
            return None
        roles = Roles(opts.source_label, opts.cue_label, opts.content_label)
        regions, links = self._parse(body, text, ann, opts, roles, problems)
        if len(problems) > n_before:
            return None
        default = None if opts.default_quote_type == "auto" else opts.default_quote_type
        ents, quotes, speakers = assemble(text, regions, links, roles, ann, problems, default)
        if len(problems) > n_before:
            return None
        return Document(_doc_id(ann, root), text, ents, quotes, speakers)

    def _parse(
        self,
        body: str,
        text: str,
        ann: Path,
        opts: BratOptions,
        roles: Roles,
        problems: Problems,
    ) -> tuple[list[Region], Links]:
        regions: dict[str, Region] = {}
        links = Links()
        events: list[tuple[int, str, str, list[tuple[str, str]]]] = []
        ignore = set(opts.ignore_types)
        for n, line in enumerate(body.split("\n"), 1):
            line = line.rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            kind = line[0]
            fields = line.split("\t")
            head = fields[1].split() if len(fields) > 1 else []
            if not head:
                problems.add(ann, n, f"malformed line {line[:60]!r}")
                continue
            type_ = head[0].split(":")[0]
            if type_ in ignore:
                continue
            if kind == "T":
                m = _T.match(line)
                if not m:
                    problems.add(ann, n, f"malformed text-bound line {line[:60]!r}")
                    continue
                key, label, spans, covered = m.groups()
                parts: list[tuple[int, int]] = []
                for part in spans.split(";"):
                    a, b = part.split()
                    parts.append((int(a), int(b)))
                if len(parts) > 1 and roles.of(label) != "content":
                    problems.add(
                        ann,
                        n,
                        f"{key}: discontinuous span {spans!r} is only supported for "
                        f"{roles.content} regions (each part becomes a quote)",
                    )
                    continue
                bad = [(s, e) for s, e in parts if not 0 <= s < e <= len(text)]
                if bad:
                    problems.add(
                        ann,
                        n,
                        f"{key}: offsets {bad[0][0]}..{bad[0][1]} outside the text "
                        f"(length {len(text)} of {ann.with_suffix('.txt').name})",
                    )
                    continue
                if any(b[0] < a[1] for a, b in pairwise(parts)):
                    problems.add(ann, n, f"{key}: parts of {spans!r} overlap or are out of order")
                    continue
                pieces = " ".join(text[s:e] for s, e in parts)
                if " ".join(pieces.split()) != " ".join(covered.split()):
                    problems.add(
                        ann,
                        n,
                        f"{key}: text {covered!r} differs from the covered characters {pieces!r}",
                    )
                    continue
                if key in regions:
                    problems.add(ann, n, f"{key} is defined twice")
                    continue
                fragments = tuple(parts) if len(parts) > 1 else ()
                regions[key] = Region(key, label, parts[0][0], parts[-1][1], n, fragments)
            elif kind == "R":
                args = dict(a.split(":", 1) for a in head[1:] if ":" in a)
                if len(args) != 2:
                    problems.add(ann, n, f"relation needs two arguments, got {head[1:]}")
                    continue
                a, b = args.values()
                links.pairs.append((a, b, n))
            elif kind == "E":
                trigger = head[0].split(":", 1)
                if len(trigger) != 2:
                    problems.add(ann, n, f"malformed event {line[:60]!r}")
                    continue
                args = [tuple(a.split(":", 1)) for a in head[1:] if ":" in a]
                events.append((n, trigger[0], trigger[1], args))  # type: ignore[arg-type]
            elif kind in "AM":
                if type_ != opts.quote_type_attribute or len(head) != 3:
                    problems.add(
                        ann,
                        n,
                        f"attribute {type_!r} is not imported (only {opts.quote_type_attribute} "
                        "with a value); list it in ignore_types to skip it",
                    )
                    continue
                links.types[head[1]] = (head[2], n)
            else:
                problems.add(
                    ann,
                    n,
                    f"{kind} annotations ({type_}) are not imported; "
                    "list the type in ignore_types to skip them",
                )
        for n, etype, trig, args in events:
            self._event(n, etype, trig, args, regions, links, roles, opts, ann, problems)
        return list(regions.values()), links

    def _event(
        self,
        n: int,
        etype: str,
        trig: str,
        args: list[tuple[str, str]],
        regions: dict[str, Region],
        links: Links,
        roles: Roles,
        opts: BratOptions,
        ann: Path,
        problems: Problems,
    ) -> None:
        by_role: dict[str, list[str]] = {}
        for role, ref in args:
            by_role.setdefault(re.sub(r"\d+$", "", role).lower(), []).append(ref)
        contents = by_role.pop(roles.content.lower(), [])
        if len(contents) != 1:
            problems.add(ann, n, f"event {etype} needs exactly one {roles.content} argument")
            return
        content = contents[0]
        trig_region = regions.get(trig)
        if trig_region is None:
            problems.add(ann, n, f"event trigger {trig} is not defined")
            return
        if trig_region.label in opts.attribution_types:
            regions[trig] = Region(trig, roles.cue, trig_region.start, trig_region.end, n)
            links.pairs.append((content, trig, n))
        elif roles.of(trig_region.label) in ("cue", "source"):
            links.pairs.append((content, trig, n))
        for role, refs in by_role.items():
            if role not in (roles.source.lower(), roles.cue.lower()):
                problems.add(ann, n, f"event role {role!r} is not imported")
                continue
            for ref in refs:
                links.pairs.append((content, ref, n))

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        opts: BratOptions = options
        if path.exists() and any(path.iterdir()):
            raise GoldsetError(f"{path}: output folder is not empty; choose a new folder")
        path.mkdir(parents=True, exist_ok=True)
        stats = {"documents": 0, "entities": 0, "quotes": 0, "speakers_without_span": 0}
        labels: set[str] = set()
        for doc in goldset:
            lines, lost = ann_lines(doc, opts)
            (path / f"{doc.id}.txt").write_bytes(doc.text.encode("utf-8"))
            (path / f"{doc.id}.ann").write_text("".join(lines), encoding="utf-8", newline="\n")
            labels.update(e.label for e in doc.entities)
            stats["documents"] += 1
            stats["entities"] += len(doc.entities)
            stats["quotes"] += len(doc.quotes)
            stats["speakers_without_span"] += lost
        (path / "annotation.conf").write_text(_conf(sorted(labels), opts), encoding="utf-8")
        return stats


def ann_lines(doc: Document, opts: BratOptions) -> tuple[list[str], int]:
    """The ``.ann`` lines of a document, and how many speakers could not be written."""
    lines: list[str] = []
    counter = {"T": 0, "R": 0, "A": 0}

    def new(kind: str) -> str:
        counter[kind] += 1
        return f"{kind}{counter[kind]}"

    def region(label: str, start: int, end: int) -> str:
        key = new("T")
        covered = doc.text[start:end].replace("\n", " ")
        lines.append(f"{key}\t{label} {start} {end}\t{covered}\n")
        return key

    for e in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        region(e.label, e.start, e.end)
    lost = 0
    for q in sorted(doc.quotes, key=lambda q: (q.start, q.end)):
        c = region(opts.content_label, q.start, q.end)
        lines.append(f"{new('A')}\t{opts.quote_type_attribute} {c} {q.type}\n")
        if q.speaker_span is not None:
            s = region(opts.source_label, q.speaker_span.start, q.speaker_span.end)
            lines.append(f"{new('R')}\t{opts.source_label} Arg1:{c} Arg2:{s}\n")
        elif q.speaker is not None:
            lost += 1
        if q.cue is not None:
            k = region(opts.cue_label, q.cue.start, q.cue.end)
            lines.append(f"{new('R')}\t{opts.cue_label} Arg1:{c} Arg2:{k}\n")
    return lines, lost


def _conf(labels: list[str], opts: BratOptions) -> str:
    ents = "\n".join([*labels, opts.content_label, opts.source_label, opts.cue_label])
    c, s, k = opts.content_label, opts.source_label, opts.cue_label
    return (
        f"[entities]\n{ents}\n\n[relations]\n"
        f"{s}\tArg1:{c}, Arg2:{s}\n{k}\tArg1:{c}, Arg2:{k}\n\n"
        f"[events]\n\n[attributes]\n"
        f"{opts.quote_type_attribute}\tArg:{c}, Value:direct|indirect|mixed\n"
    )
