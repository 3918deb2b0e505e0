"""Label Studio JSON export (the "JSON" export of a text labelling project).

A task is ``{"id": .., "data": {"text": ..}, "annotations": [{"result": [...]}]}``. In a result:

- ``labels`` regions (``value: {start, end, text, labels: [L]}``) are entities, or attribution
  roles when ``L`` is ``Content``, ``Source`` or ``Cue`` (configurable);
- ``relation`` items link a Content to its Source and its Cue: each Content becomes a quote;
- ``choices`` on a Content region (per-region classification) give its quote type;
- a per-region ``textarea`` named ``speaker`` on a Content gives its speaker id, and the task's
  ``data.speakers`` holds the speaker registry: such tasks (the harness writes them) are read
  exactly; other tasks are converted by the conventions of goldsets/GUIDELINES.md (quote types
  from quotation marks, complementisers, overlapping quotes) and their speakers are built from
  the Source mentions, every change going to the conversion report.

The export writes the tasks and, next to them, ``<name>.config.xml``: a labeling config that
Label Studio accepts for them (labels, relations, per-region quote type and speaker).

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
from ..model import QUOTE_TYPES, Document, Speaker
from . import conversion
from .attribution import Links, Region, Roles, assemble
from .base import CommonOptions, Format, GoldsetView, decode_utf8, read_file


@dataclass(frozen=True)
class LabelStudioOptions(CommonOptions):
    #: Key of the text in each task's ``data``.
    text_key: str = "text"
    #: Key of the document id in ``data`` (default: ``doc_id`` if present, else ``task-<id>``).
    id_key: str = "doc_id"
    #: Label of the regions that mention a quote's source (speaker span).
    source_label: str = "Source"
    #: Label of the regions that are a quote's cue.
    cue_label: str = "Cue"
    #: Label of the regions that are a quote's content.
    content_label: str = "Content"
    #: Which annotation of a task is the gold: the only one (else an error), the first or last.
    annotation: Literal["only", "first", "last"] = "only"
    #: How region offsets count: UTF-16 code units (Label Studio) or code points.
    offsets: Literal["utf16", "codepoints"] = "utf16"
    #: Labels, relation labels or ``from_name`` of results to skip on purpose.
    ignore_types: tuple[str, ...] = ()
    #: Key of the speaker registry in ``data`` (written by the harness).
    speakers_key: str = "speakers"
    #: ``from_name`` of the per-region text area that holds a Content's speaker id.
    speaker_name: str = "speaker"
    #: ``from_name`` of the per-region choices that hold a Content's quote type.
    quote_type_name: str = "quote_type"
    #: Apply the conversion conventions of goldsets/GUIDELINES.md to tasks the harness did not
    #: write.
    conventions: bool = True
    #: A Content without a Source: ``drop`` (not a quote, rule C8) or ``keep`` (no speaker).
    sourceless: Literal["drop", "keep"] = "drop"
    #: A task with no completed annotation (none, ``null``, or every one cancelled): an
    #: ``error`` (it is not gold: reading it as an empty document would score every prediction
    #: on it as wrong), or ``skip`` it, recorded in the conversion report.
    unannotated: Literal["error", "skip"] = "error"


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
        data = read_file(f, problems)
        raw = None if data is None else decode_utf8(data, f, problems)
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
        chosen = _chosen_annotation(task, tid, f, line, opts, problems)
        if chosen is None:
            return None
        conversion.file_started()
        n_before = len(problems)
        links = Links(registry=_registry(data, opts, f, line, problems))
        regions = _Results(text, tid, f, lines, opts, problems, links).read(chosen)
        if len(problems) > n_before:
            return None
        roles = Roles(opts.source_label, opts.cue_label, opts.content_label)
        ents, quotes, speakers = assemble(
            text, regions, links, roles, f, problems, doc_id=doc_id,
            conventions=opts.conventions, keep_sourceless=opts.sourceless == "keep",
        )  # fmt: skip
        if len(problems) > n_before:
            return None
        return Document(doc_id, text, ents, quotes, speakers)

    def write(self, goldset: GoldsetView, path: Path, options: Any) -> Mapping[str, int]:
        opts: LabelStudioOptions = options or LabelStudioOptions()
        stats = {"documents": 0, "entities": 0, "quotes": 0}
        labels: set[str] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            out.write("[\n")
            for i, doc in enumerate(goldset):
                task = task_of(doc, i + 1, opts)
                out.write(("" if i == 0 else ",\n") + json.dumps(task, ensure_ascii=False))
                labels.update(e.label for e in doc.entities)
                stats["documents"] += 1
                stats["entities"] += len(doc.entities)
                stats["quotes"] += len(doc.quotes)
            out.write("\n]\n")
        config_path(path).write_text(labeling_config(sorted(labels), opts), encoding="utf-8")
        tmp.replace(path)
        return stats


# ---- reading one task -----------------------------------------------------------------------


def _chosen_annotation(
    task: Mapping[str, Any],
    tid: Any,
    f: Path,
    line: int | None,
    opts: LabelStudioOptions,
    problems: Problems,
) -> Mapping[str, Any] | None:
    given = task.get("annotations")
    annotations = [
        a
        for a in (given if isinstance(given, list) else [])
        if isinstance(a, Mapping) and not a.get("was_cancelled")
    ]
    if not annotations:
        return _unannotated(task, tid, f, line, opts, problems)
    if len(annotations) > 1 and opts.annotation == "only":
        problems.add(
            f,
            line,
            f"task {tid} has {len(annotations)} annotations; set the option "
            "annotation: first or last to choose one",
        )
        return None
    return annotations[-1 if opts.annotation == "last" else 0]


def _unannotated(
    task: Mapping[str, Any],
    tid: Any,
    f: Path,
    line: int | None,
    opts: LabelStudioOptions,
    problems: Problems,
) -> None:
    """A task nobody finished annotating is not gold: an error, or skipped and reported."""
    given = task.get("annotations")
    why = (
        "no annotations"
        if not given
        else "only cancelled annotations"
        if isinstance(given, list)
        else f"annotations is {type(given).__name__}, not a list"
    )
    if opts.unannotated == "skip" and isinstance(given, list | None):
        conversion.note("dropped", "task without a completed annotation", f, line, str(tid), why)
        return None
    problems.add(
        f,
        line,
        f"task {tid}: {why}; it is not gold (set the option unannotated: skip to leave such "
        "tasks out)",
    )
    return None


def _registry(
    data: Mapping[str, Any],
    opts: LabelStudioOptions,
    f: Path,
    line: int | None,
    problems: Problems,
) -> dict[str, Speaker] | None:
    """The speaker registry the harness stored in ``data``, or ``None`` (a task made elsewhere)."""
    raw = data.get(opts.speakers_key)
    if raw is None:
        return None
    try:
        return {
            sid: Speaker(sid, s["name"], s["type"], tuple(s["aliases"])) for sid, s in raw.items()
        }
    except (KeyError, TypeError, AttributeError) as exc:
        problems.add(f, line, f"data.{opts.speakers_key} is not a speaker registry ({exc!r})")
        return None


@dataclass
class _Results:
    """Reads the result items of one annotation into regions and links."""

    text: str
    tid: Any
    f: Path
    lines: _Lines
    opts: LabelStudioOptions
    problems: Problems
    links: Links

    def read(self, annotation: Mapping[str, Any]) -> list[Region]:
        self.table = utf16_to_codepoints(self.text) if self.opts.offsets == "utf16" else None
        self.regions: list[Region] = []
        for item in annotation.get("result") or []:
            self._item(item)
        return self.regions

    def problem(self, line: int | None, message: str) -> None:
        self.problems.add(self.f, line, f"task {self.tid}: {message}")

    def _item(self, item: Any) -> None:
        if not isinstance(item, Mapping):
            self.problem(None, f"result item {item!r} is not an object")
            return
        if item.get("from_name") in self.opts.ignore_types:
            return
        kind = item.get("type")
        handler = {
            "relation": self._relation,
            "labels": self._labels,
            "choices": self._choices,
            "textarea": self._textarea,
        }.get(str(kind))
        rid = item.get("id")
        line = self.lines.of(rid) if rid is not None else None
        if handler is None or (kind != "relation" and rid is None):
            self.problem(
                line,
                f"result of type {kind!r} ({item.get('from_name')}) is not imported; "
                "list its from_name in ignore_types to skip it",
            )
            return
        handler(item, rid, line, item.get("value") or {})

    def _relation(self, item: Mapping[str, Any], rid: Any, line: int | None, value: Any) -> None:
        line = self.lines.of(item.get("to_id"), "to_id")
        if any(lab in self.opts.ignore_types for lab in item.get("labels") or []):
            return
        self.links.pairs.append((str(item.get("from_id")), str(item.get("to_id")), line))

    def _offsets(
        self, rid: Any, line: int | None, value: Mapping[str, Any]
    ) -> tuple[int, int] | None:
        start, end = value.get("start"), value.get("end")
        if not (isinstance(start, int) and isinstance(end, int)):
            self.problem(line, f"region {rid} has no integer start/end")
            return None
        limit = len(self.table) - 1 if self.table is not None else len(self.text)
        if not (0 <= start < end <= limit):
            self.problem(line, f"region {rid} {start}..{end} outside the text ({limit})")
            return None
        if self.table is not None:
            start, end = self.table[start], self.table[end]
        covered = value.get("text")
        if covered is not None and covered != self.text[start:end]:
            self.problem(
                line,
                f"region {rid} text {covered!r} differs from the covered characters "
                f"{self.text[start:end]!r} (offsets option: utf16 or codepoints?)",
            )
            return None
        return start, end

    def _labels(self, item: Mapping[str, Any], rid: Any, line: int | None, value: Any) -> None:
        labels = value.get("labels") or []
        if len(labels) != 1:
            self.problem(line, f"region {rid} has labels {labels}; expected one")
            return
        if labels[0] in self.opts.ignore_types:
            return
        span = self._offsets(rid, line, value)
        if span is not None:
            self.regions.append(Region(str(rid), labels[0], span[0], span[1], line))

    def _choices(self, item: Mapping[str, Any], rid: Any, line: int | None, value: Any) -> None:
        choices = value.get("choices") or []
        if len(choices) != 1:
            self.problem(line, f"choices {choices} on {rid}; expected one")
            return
        self.links.types[str(rid)] = (choices[0], line)

    def _textarea(self, item: Mapping[str, Any], rid: Any, line: int | None, value: Any) -> None:
        texts = value.get("text") or []
        if item.get("from_name") != self.opts.speaker_name or len(texts) != 1:
            self.problem(
                line,
                f"text area {item.get('from_name')!r} on {rid} is not imported (only "
                f"{self.opts.speaker_name!r} with one speaker id); list its from_name in "
                "ignore_types to skip it",
            )
            return
        self.links.speakers[str(rid)] = (str(texts[0]), line)


# ---- writing --------------------------------------------------------------------------------


def config_path(path: Path) -> Path:
    """Where the labeling config of an export at ``path`` goes: ``<name>.config.xml``."""
    return path.with_name(path.stem + ".config.xml")


def _xml(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def labeling_config(labels: list[str], opts: LabelStudioOptions) -> str:
    """A Label Studio labeling config for the exported tasks: entity labels and the three
    attribution roles, relations, and per-region quote type and speaker on a Content."""
    roles = [opts.content_label, opts.source_label, opts.cue_label]
    label_tags = "\n".join(f'    <Label value="{_xml(v)}"/>' for v in [*labels, *roles])
    choice_tags = "\n".join(f'    <Choice value="{t}"/>' for t in QUOTE_TYPES)
    content = _xml(opts.content_label)
    return f"""<View>
  <Labels name="label" toName="text">
{label_tags}
  </Labels>
  <Text name="text" value="${opts.text_key}"/>
  <Relations>
    <Relation value="source"/>
    <Relation value="cue"/>
  </Relations>
  <Choices name="{_xml(opts.quote_type_name)}" toName="text" perRegion="true"
           whenLabelValue="{content}">
{choice_tags}
  </Choices>
  <TextArea name="{_xml(opts.speaker_name)}" toName="text" perRegion="true"
            whenLabelValue="{content}" maxSubmissions="1"/>
</View>
"""


def task_of(doc: Document, tid: int, opts: LabelStudioOptions) -> dict[str, Any]:
    """One Label Studio task holding the document's annotations and its speaker registry."""
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

    def per_region(rid: str, kind: str, name: str, q: Any, key: str, value: str) -> None:
        span = {"start": u(q.start), "end": u(q.end), key: [value]}
        result.append(
            {"id": rid, "type": kind, "from_name": name, "to_name": "text", "value": span}
        )

    def relation(a: str, b: str, label: str) -> None:
        result.append(
            {"type": "relation", "from_id": a, "to_id": b, "direction": "right", "labels": [label]}
        )

    for e in sorted(doc.entities, key=lambda e: (e.start, e.end)):
        region(e.label, e.start, e.end)
    for q in sorted(doc.quotes, key=lambda q: (q.start, q.end)):
        c = region(opts.content_label, q.start, q.end)
        per_region(c, "choices", opts.quote_type_name, q, "choices", q.type)
        if q.speaker is not None:
            per_region(c, "textarea", opts.speaker_name, q, "text", q.speaker)
        if q.speaker_span is not None:
            sp = q.speaker_span
            relation(c, region(opts.source_label, sp.start, sp.end), "source")
        if q.cue is not None:
            relation(c, region(opts.cue_label, q.cue.start, q.cue.end), "cue")
    registry = {
        s.id: {"name": s.name, "type": s.type, "aliases": list(s.aliases)} for s in doc.speakers
    }
    return {
        "id": tid,
        "data": {opts.text_key: t, opts.id_key: doc.id, opts.speakers_key: registry},
        "annotations": [{"id": tid, "result": result, "was_cancelled": False}],
    }
