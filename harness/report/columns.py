"""The report's document records made column-wise from a run's per-document files.

A run of schema 2 leaves, per extractor, its scored predictions and the findings the scorer
recorded while counting (:mod:`harness.scoring.findings`) in Arrow files
(:mod:`harness.perdoc`). The records of :mod:`harness.report.data` are then made from columns,
a chunk of documents at a time - the goldset's Arrow rows, each extractor's predictions and
findings - with no matching, no :class:`~harness.model.Document` and no per-item objects: the
same records (byte for byte in the page) as the classification of :mod:`harness.report.classify`,
in a fraction of the time. The totals are added up with numpy.

:func:`column_source` says whether a run can be read so (every extractor has both files and its
counts file has findings); otherwise the report classifies documents one at a time as before.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from harness.perdoc import _numbers
from harness.report.classify import KINDS, MISSED, SPURIOUS
from harness.report.data import ExtractorTotals, Totals
from harness.report.load import ExtractorView, RunData

_TASKS = ("entities", "quotes", "speakers")
_FIELDS = ("task", "gold", "pred", "kinds", "flags")


def _files(run: RunData, x: ExtractorView) -> tuple[Path, Path] | None:
    files = x.info.get("files")
    if not isinstance(files, dict) or not files.get("predictions") or not files.get("counts"):
        return None
    root = run.run_dir
    if x.run and run.against is not None:
        root = run.against
    if not root.is_dir():
        root = root.parent
    preds, counts = root / str(files["predictions"]), root / str(files["counts"])
    return (preds, counts) if preds.is_file() and counts.is_file() else None


class _Rows:
    """An Arrow IPC file read ``size`` rows at a time (not memory-mapped: the pages read are
    not kept in the process's memory)."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._source = pa.OSFile(str(path))
        self._reader = ipc.open_file(self._source)
        self.schema = self._reader.schema
        self._columns = list(columns)
        self._next = 0
        self._pending: list[pa.RecordBatch] = []
        self._rows = 0

    def has(self, column: str) -> bool:
        return self.schema.get_field_index(column) >= 0

    def take(self, n: int) -> pa.Table:
        while self._rows < n and self._next < self._reader.num_record_batches:
            batch = self._reader.get_batch(self._next).select(self._columns)
            self._next += 1
            self._pending.append(batch)
            self._rows += batch.num_rows
        table = pa.Table.from_batches(self._pending, self.schema_of())
        head, rest = table.slice(0, n), table.slice(n)
        self._pending = rest.to_batches()
        self._rows = rest.num_rows
        return head.combine_chunks()

    def schema_of(self) -> pa.Schema:
        return pa.schema([self.schema.field(c) for c in self._columns])

    def close(self) -> None:
        self._source.close()


def column_source(run: RunData) -> list[tuple[_Rows, _Rows] | None] | None:
    """Readers of each extractor's predictions and findings (``None`` for one that scored no
    task), or ``None`` when the run lacks them (the report then classifies documents)."""
    out: list[tuple[_Rows, _Rows] | None] = []
    try:
        for x in run.extractors:
            if not x.tasks:
                out.append(None)
                continue
            files = _files(run, x)
            if files is None:
                raise LookupError
            counts = _Rows(files[1], ["doc_id", "findings"]) if _has(files[1]) else None
            if counts is None:
                raise LookupError
            preds = _Rows(files[0], ["doc_id", "entities", "quotes"])
            out.append((preds, counts))
    except (LookupError, OSError, pa.ArrowException):
        close_source(out)
        return None
    return out


def _has(path: Path) -> bool:
    with pa.OSFile(str(path)) as f:
        return ipc.open_file(f).schema.get_field_index("findings") >= 0


def close_source(source: Sequence[tuple[_Rows, _Rows] | None]) -> None:
    for pair in source:
        if pair is not None:
            pair[0].close()
            pair[1].close()


def _ints(array: pa.Array, fill: int = -1) -> list[int]:
    if array.null_count:
        array = pc.fill_null(array, fill)
    return _numbers(array).tolist()


def _offsets(lists: pa.ListArray) -> list[int]:
    off = _numbers(lists.offsets)
    return (off - off[0]).tolist()


def _fields(struct: pa.Array) -> dict[str, pa.Array]:
    return dict(zip((f.name for f in struct.type), struct.flatten(), strict=True))


def _quote_rows(lists: pa.ListArray, speaker: list[Any] | None = None) -> list[list[Any]]:
    q = _fields(lists.flatten())
    sp, cue = _fields(q["speaker_span"]), _fields(q["cue"])
    types = [t or "direct" for t in q["type"].to_pylist()]
    who = speaker if speaker is not None else q["speaker"].to_pylist()
    return [
        list(r)
        for r in zip(
            _ints(q["start"]), _ints(q["end"]), types, who, _ints(sp["start"]), _ints(sp["end"]),
            _ints(cue["start"]), _ints(cue["end"]), strict=True,
        )
    ]  # fmt: skip


def _meta(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def _split(rows: list[Any], offsets: list[int]) -> list[list[Any]]:
    return [rows[a:b] for a, b in zip(offsets, offsets[1:], strict=False)]


class _Gold:
    """The gold part of a chunk of records, from the goldset's Arrow rows."""

    def __init__(self, table: pa.Table, keys: Sequence[str]) -> None:
        self.ids: list[str] = table.column("id").to_pylist()
        self.n = len(self.ids)
        self.metadata = [_meta(m) for m in table.column("metadata").to_pylist()]
        e_lists = table.column("entities").combine_chunks()
        e = _fields(e_lists.flatten())
        self.e_off = _offsets(e_lists)
        self.labels: list[str] = e["label"].to_pylist()
        self.entities = [list(r) for r in zip(_ints(e["start"]), _ints(e["end"]), self.labels)]
        s_lists = table.column("speakers").combine_chunks()
        s = _fields(s_lists.flatten())
        s_off = _offsets(s_lists)
        s_ids = s["id"].to_pylist()
        speakers = [
            [i, name, t, _meta(a)]
            for i, name, t, a in zip(
                s_ids, s["name"].to_pylist(), s["type"].to_pylist(), s["attributes"].to_pylist()
            )
        ]
        q_lists = table.column("quotes").combine_chunks()
        q_off = _offsets(q_lists)
        q_speaker = _fields(q_lists.flatten())["speaker"].to_pylist()
        self.quote_speaker = q_speaker
        positions: list[int] = []
        for d in range(self.n):
            where = {sid: i for i, sid in enumerate(s_ids[s_off[d] : s_off[d + 1]])}
            positions += [
                where.get(sp, -1) if sp else -1 for sp in q_speaker[q_off[d] : q_off[d + 1]]
            ]
        quotes = _quote_rows(q_lists, positions)
        texts = table.column("text").to_pylist()
        self.q_off = q_off
        self.records = [
            {
                "id": doc_id,
                "t": text,
                "m": [meta.get(k) for k in keys],
                "e": ents,
                "q": qs,
                "s": sps,
            }
            for doc_id, text, meta, ents, qs, sps in zip(
                self.ids, texts, self.metadata, _split(self.entities, self.e_off),
                _split(quotes, q_off), _split(speakers, s_off), strict=True,
            )
        ]  # fmt: skip


def _kind_names(bits: int) -> tuple[str, ...]:
    return tuple(k for i, k in enumerate(KINDS) if bits & (1 << i))


def _kept(gold: _Gold, gold_map: dict[str, str | None]) -> tuple[np.ndarray, list[str | None]]:
    """For a gold label map: each gold entity's mapped label (``None``: dropped), and the
    position within its document of each kept entity, in order (flat over the chunk)."""
    mapped = [gold_map.get(label, label) for label in gold.labels]
    keep = np.array([m is not None for m in mapped], dtype=bool)
    starts = np.repeat(np.array(gold.e_off[:-1]), np.diff(gold.e_off))
    local = np.arange(len(mapped)) - starts
    return local[keep], mapped


def _extractor_records(
    x: ExtractorView, gold: _Gold, preds: pa.Table, found: pa.Table, totals: ExtractorTotals
) -> list[dict[str, Any]]:
    """One extractor's part of each record of a chunk; ``totals`` updated."""
    n = gold.n
    e_lists = preds.column("entities").combine_chunks()
    e = _fields(e_lists.flatten())
    e_off = _offsets(e_lists)
    labels = e["label"].to_pylist()
    ents = list(zip(_ints(e["start"]), _ints(e["end"]), labels, strict=True))
    if "entities" in x.tasks:
        allowed = set(x.labels)
        if not all(label in allowed for label in labels):  # not scored: left out, as classify
            keep = [label in allowed for label in labels]
            kept_off = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)]).tolist()
            e_off = [kept_off[o] for o in e_off]
            ents = [r for r, k in zip(ents, keep, strict=True) if k]
            labels = [r[2] for r in ents]
        ent_rows = [list(r) for r in ents]
    else:
        ents, labels, e_off, ent_rows = [], [], [0] * (n + 1), []
    if "quotes" in x.tasks or "speakers" in x.tasks:
        q_lists = preds.column("quotes").combine_chunks()
        quotes, q_off = _quote_rows(q_lists), _offsets(q_lists)
    else:
        quotes, q_off = [], [0] * (n + 1)
    f_lists = found.column("findings").combine_chunks()
    f = _fields(f_lists.flatten())
    f_off = np.array(_offsets(f_lists))
    cols = {name: _numbers(f[name]).astype(np.int64) for name in _FIELDS}
    doc = np.repeat(np.arange(n), np.diff(f_off))
    task, g, p, kinds, flags = (cols[k] for k in _FIELDS)
    ent = task == 0
    mapped_labels: list[str | None] = gold.labels
    gl_changed: list[bool] = [False] * n
    if x.gold_map:
        kept_local, mapped_labels = _kept(gold, dict(x.gold_map))
        # map gold indices (into the mapped gold) back to the document's own entities
        kept_counts = np.array(
            [sum(1 for m in mapped_labels[a:b] if m is not None) for a, b in _pairs(gold.e_off)]
        )
        kept_start = np.concatenate([[0], np.cumsum(kept_counts)])[:-1]
        sel = ent & (g >= 0)
        g = g.copy()
        g[sel] = kept_local[kept_start[doc[sel]] + g[sel]]
        for d, (a, b) in enumerate(_pairs(gold.e_off)):
            gl_changed[d] = mapped_labels[a:b] != gold.labels[a:b]
    _totals(totals, gold, doc, task, g, p, kinds, flags, ent, mapped_labels, labels, e_off)
    rows = np.stack([task, g, p, kinds, flags], axis=1).tolist()
    f_split = f_off.tolist()
    out = []
    for d in range(n):
        rec: dict[str, Any] = {
            "e": ent_rows[e_off[d] : e_off[d + 1]],
            "q": quotes[q_off[d] : q_off[d + 1]],
            "f": rows[f_split[d] : f_split[d + 1]],
        }
        if gl_changed[d]:
            a, b = gold.e_off[d], gold.e_off[d + 1]
            rec["gl"] = mapped_labels[a:b]
        fail = x.failed.get(gold.ids[d])
        if fail is not None:
            rec["fail"] = fail
        out.append(rec)
    return out


def _pairs(offsets: Sequence[int]) -> Iterator[tuple[int, int]]:
    return zip(offsets, offsets[1:], strict=False)


def _totals(
    t: ExtractorTotals, gold: _Gold, doc: np.ndarray, task: np.ndarray, g: np.ndarray,
    p: np.ndarray, kinds: np.ndarray, flags: np.ndarray, ent: np.ndarray, gold_labels: Sequence[str | None], pred_labels: Sequence[str],
    pred_off: Sequence[int],
) -> None:  # fmt: skip
    """What :meth:`ExtractorTotals.add` adds, for a chunk of findings at once."""
    err = kinds != 0
    n_kinds = len(KINDS)
    per_doc = np.zeros((gold.n, n_kinds), dtype=np.int64)
    for i, kind in enumerate(KINDS):
        has = err & ((kinds >> i) & 1).astype(bool)
        if not has.any():
            continue
        t.kinds[kind] += int(has.sum())
        for code, name in enumerate(_TASKS):
            c = int((has & (task == code)).sum())
            if c:
                t.task_kinds[(name, kind)] += c
        per_doc[:, i] = np.bincount(doc[has], minlength=gold.n)
    t.unknown_speaker += int((err & (flags & 1).astype(bool)).sum())
    errors = np.bincount(doc[err], minlength=gold.n)
    for d in np.flatnonzero(errors).tolist():
        counts = Counter({KINDS[i]: int(c) for i, c in enumerate(per_doc[d].tolist()) if c})
        t.documents.append((int(errors[d]), gold.ids[d], counts))
    # confusion: (gold label as scored, predicted label) over entity findings
    if ent.any():
        mapped = _scored_gold_labels(gold, gold_labels)
        pred_start = np.array(pred_off[:-1])
        ge, pe, de = g[ent], p[ent], doc[ent]
        gl = [SPURIOUS if i < 0 else mapped[d][i] for d, i in zip(de.tolist(), ge.tolist())]
        ps = (pred_start[de] + pe).tolist()
        pl = [MISSED if j < 0 else pred_labels[k] for j, k in zip(pe.tolist(), ps)]
        t.confusion.update(zip(gl, pl))


def _scored_gold_labels(gold: _Gold, labels: Sequence[str | None]) -> list[list[str | None]]:
    """Per document, the labels of its gold entities by their own position (mapped labels)."""
    return [list(labels[a:b]) for a, b in _pairs(gold.e_off)]


def column_chunks(
    run: RunData, keys: Sequence[str], size: int, source: list[tuple[_Rows, _Rows] | None],
    totals: Totals,
) -> Iterator[list[dict[str, Any]]]:  # fmt: skip
    """The records of every document, ``size`` at a time; ``totals`` updated.

    Raises :class:`LookupError` when a file's documents are not the goldset's, in order."""
    views = run.extractors
    for n_chunk, table in enumerate(run.goldset.row_batches(size)):
        gold = _Gold(table, keys)
        parts: list[list[dict[str, Any]] | None] = []
        for x, pair in zip(views, source, strict=True):
            if pair is None:
                parts.append(None)
                continue
            preds, found = pair[0].take(gold.n), pair[1].take(gold.n)
            for t in (preds, found):
                if t.column("doc_id").to_pylist() != gold.ids:
                    raise LookupError(f"{x.label}: documents not in goldset order")
            parts.append(_extractor_records(x, gold, preds, found, totals.extractors[x.label]))
        for d, rec in enumerate(gold.records):
            rec["x"] = [None if part is None else part[d] for part in parts]
        totals.documents += gold.n
        totals.gold_entities += len(gold.entities)
        totals.gold_quotes += len(gold.quote_speaker)
        for meta in gold.metadata:
            for k, v in meta.items():
                totals.meta_values.setdefault(k, Counter())[str(v)] += 1
        yield gold.records
        if n_chunk % 8 == 7:
            run.goldset.release()
