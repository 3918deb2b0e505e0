"""Label Studio JSON export (the "JSON" export of a text labelling project).

A task is ``{"id": .., "data": {"text": ..}, "annotations": [{"result": [...]}]}``. In a result:

- ``labels`` regions (``value: {start, end, text, labels: [L]}``) are entities, or attribution
  roles when ``L`` is ``Content``, ``Source`` or ``Cue`` (configurable);
- ``relation`` items link a Content to its Source and its Cue: each Content becomes a quote;
- ``choices`` on a Content region (per-region classification) give its quote type.

Label Studio counts offsets in UTF-16 code units (JavaScript strings); they are converted to code
points (``offsets: codepoints`` if a tool wrote code points). A task with several annotations is an
error unless ``annotation: first`` or ``last`` says which to use; cancelled ones are skipped.
``predictions`` are not gold and are not read. The whole JSON file is parsed at once: for very
large projects, export one file per batch of tasks and give the folder as path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import GoldsetError, Problems
from ..model import Document
from .attribution import Links, Region, Roles, assemble
from .base import CommonOptions, Format, GoldsetView, decode_utf8


@dataclass(frozen=True)
class LabelStudioOptions(CommonOptions):
    #: Key of the text in each task's ``data``.
    text_key: str = "text"
    #: Key of the document id in ``data`` (default: ``doc_id`` if present, else ``task-<id>``).
    id_key: str = "doc_id"
    source_label: str = "Source"
    cue_label: str = "Cue"
    content_label: str = "Content"
    #: Which annotation of a task is the gold: the only one (else an error), the first or last.
    annotation: Literal["only", "first", "last"] = "only"
    offsets: Literal["utf16", "codepoints"] = "utf16"
    #: Labels, relation labels or ``from_name`` of results to skip on purpose.
    ignore_types: tuple[str, ...] = ()


def utf16_to_codepoints(text: str) -> list[int] | None:
    """Map UTF-16 offsets to code-point offsets; ``None`` when they are the same (BMP text)."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    table: list[int] = []
    for i, c in enumerate(text):
        table.append(i)
        if ord(c) >= 0x10000:
            table.append(i)  # the low surrogate: not a valid boundary, maps to the character
    table.append(len(text))
    return table


def codepoints_to_utf16(text: str, i: int) -> int:
    return i + sum(1 for c in text[:i] if ord(c) >= 0x10000)


class _Lines:
    """Line numbers of result ids in the raw JSON, for error messages."""

    def __init__(self, raw: str) -> None:
        self.raw = raw

    def of(self, rid: Any, key: str = "id") -> int | None:
        m = re.search(f'"{key}"' + r"\s*:\s*" + re.escape(json.dumps(rid)), self.raw)
        return None if m is None else self.raw.count("\n", 0, m.start()) + 1


class LabelStudioFormat(Format):
    name = "labelstudio"
    description = "Label Studio JSON export: labels regions, Content/Source/Cue relations as quotes"
    version = "1"
    label_scheme = "custom"
    Options = LabelStudioOptions

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        opts: LabelStudioOptions = options
        problems = Problems(str(path))
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        if not files:
            raise GoldsetError(f"{path}: no Label Studio .json files")
        for f in files:
            yield from self._read_file(f, opts, problems)
        problems.raise_if_any()

    def _read_file(
        self, f: Path, opts: LabelStudioOptions, problems: Problems
    ) -> Iterator[Document]:
        raw = decode_utf8(f.read_bytes(), f, problems)
        if raw is None:
            return
        try:
            tasks = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.add(f, exc.lineno, f"malformed JSON (column {exc.colno}): {exc.msg}")
            return
        if isinstance(tasks, Mapping):
            tasks = [tasks]
        if not isinstance(tasks, list):
            problems.add(f, 1, "expected a list of tasks")
            return
        lines = _Lines(raw)
        for i, task in enumerate(tasks):
            doc = self._task(task, i, f, lines, opts, problems)
            if doc is not None:
                yield doc

    def _task(
        self,
        task: Any,
        index: int,
        f: Path,
        lines: _Lines,
        opts: LabelStudioOptions,
        problems: Problems,
    ) -> Document | None:
        tid = task.get("id", index) if isinstance(task, Mapping) else index
        line = lines.of(tid)
        data = task.get("data") if isinstance(task, Mapping) else None
        if not isinstance(data, Mapping) or not isinstance(data.get(opts.text_key), str):
            problems.add(f, line, f"task {tid}: no text at data.{opts.text_key}")
            return None
        text: str = data[opts.text_key]
        doc_id = str(data.get(opts.id_key) or f"task-{tid}")
        annotations = [
            a
            for a in task.get("annotations") or []
            if isinstance(a, Mapping) and not a.get("was_cancelled")
        ]
        if len(annotations) > 1 and opts.annotation == "only":
            problems.add(
                f,
                line,
                f"task {tid} has {len(annotations)} annotations; set the option "
                "annotation: first or last to choose one",
            )
            return None
        chosen = annotations[-1 if opts.annotation == "last" else 0] if annotations else {}
        n_before = len(problems)
        table = utf16_to_codepoints(text) if opts.offsets == "utf16" else None
        regions: list[Region] = []
        links = Links()
        ignore = set(opts.ignore_types)
        for item in chosen.get("result") or []:
            self._item(item, tid, text, table, ignore, regions, links, f, lines, problems)
        if len(problems) > n_before:
            return None
        roles = Roles(opts.source_label, opts.cue_label, opts.content_label)
        ents, quotes, speakers = assemble(text, regions, links, roles, f, problems)
        if len(problems) > n_before:
            return None
        return Document(doc_id, text, ents, quotes, speakers)

    def _item(
        self,
        item: Any,
        tid: Any,
        text: str,
        table: list[int] | None,
        ignore: set[str],
        regions: list[Region],
        links: Links,
        f: Path,
        lines: _Lines,
        problems: Problems,
    ) -> None:
        if not isinstance(item, Mapping):
            problems.add(f, None, f"task {tid}: result item {item!r} is not an object")
            return
        kind, rid = item.get("type"), item.get("id")
        line = lines.of(rid) if rid is not None else None
        value = item.get("value") or {}
        if item.get("from_name") in ignore:
            return
        if kind == "relation":
            line = lines.of(item.get("to_id"), "to_id")
            labels = item.get("labels") or []
            if any(lab in ignore for lab in labels):
                return
            links.pairs.append((str(item.get("from_id")), str(item.get("to_id")), line))
        elif kind == "labels":
            labels = value.get("labels") or []
            if len(labels) != 1:
                problems.add(f, line, f"task {tid}: region {rid} has labels {labels}; expected one")
                return
            if labels[0] in ignore:
                return
            start, end = value.get("start"), value.get("end")
            if not (isinstance(start, int) and isinstance(end, int)):
                problems.add(f, line, f"task {tid}: region {rid} has no integer start/end")
                return
            limit = len(table) - 1 if table is not None else len(text)
            if not (0 <= start < end <= limit):
                problems.add(
                    f, line, f"task {tid}: region {rid} {start}..{end} outside the text ({limit})"
                )
                return
            if table is not None:
                start, end = table[start], table[end]
            covered = value.get("text")
            if covered is not None and covered != text[start:end]:
                problems.add(
                    f,
                    line,
                    f"task {tid}: region {rid} text {covered!r} differs from the covered "
                    f"characters {text[start:end]!r} (offsets option: utf16 or codepoints?)",
                )
                return
            regions.append(Region(str(rid), labels[0], start, end, line))
        elif kind == "choices" and rid is not None:
            choices = value.get("choices") or []
            if len(choices) != 1:
                problems.add(f, line, f"task {tid}: choices {choices} on {rid}; expected one")
                return
            links.types[str(rid)] = (choices[0], line)
        else:
            problems.add(
                f,
                line,
                f"task {tid}: result of type {kind!r} ({item.get('from_name')}) is not imported; "
                "list its from_name in ignore_types to skip it",
            )

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        opts: LabelStudioOptions = options
        stats = {"documents": 0, "entities": 0, "quotes": 0, "speakers_without_span": 0}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            out.write("[\n")
            for i, doc in enumerate(goldset):
                task, lost = task_of(doc, i + 1, opts)
                out.write(("" if i == 0 else ",\n") + json.dumps(task, ensure_ascii=False))
                stats["documents"] += 1
                stats["entities"] += len(doc.entities)
                stats["quotes"] += len(doc.quotes)
                stats["speakers_without_span"] += lost
            out.write("\n]\n")
        tmp.replace(path)
        return stats


def task_of(doc: Document, tid: int, opts: LabelStudioOptions) -> tuple[dict[str, Any], int]:
    """One Label Studio task holding the document's annotations."""
    t = doc.text
    u = (lambda i: codepoints_to_utf16(t, i)) if opts.offsets == "utf16" else (lambda i: i)
    result: list[dict[str, Any]] = []
    n = 0

    def region(label: str, start: int, end: int) -> str:
        nonlocal n
        n += 1
        rid = f"r{n}"
        value = {"start": u(start), "end": u(end), "text": t[start:end], "labels": [label]}
        result.append(
            {"id": rid, "type": "labels", "from_name": "label", "to_name": "text", "value": value}
        )
        return rid

    def relation(a: str, b: str, label: str) -> None:
        result.append(
            {"type": "relation", "from_id": a, "to_id": b, "direction": "right", "labels": [label]}
        )

    for e in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        region(e.label, e.start, e.end)
    lost = 0
    for q in sorted(doc.quotes, key=lambda q: (q.start, q.end)):
        c = region(opts.content_label, q.start, q.end)
        result.append(
            {
                "id": c,
                "type": "choices",
                "from_name": "quote_type",
                "to_name": "text",
                "value": {"start": u(q.start), "end": u(q.end), "choices": [q.type]},
            }
        )
        if q.speaker_span is not None:
            sp = q.speaker_span
            relation(c, region(opts.source_label, sp.start, sp.end), "source")
        elif q.speaker is not None:
            lost += 1
        if q.cue is not None:
            relation(c, region(opts.cue_label, q.cue.start, q.cue.end), "cue")
    task = {
        "id": tid,
        "data": {opts.text_key: t, opts.id_key: doc.id},
        "annotations": [{"id": tid, "result": result, "was_cancelled": False}],
    }
    return task, lost
