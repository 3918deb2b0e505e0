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
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from harness.perdoc import _numbers
from harness.report import jsontext as jt
from harness.report.classify import KINDS, MISSED, SPURIOUS
from harness.report.data import ExtractorTotals, Totals
from harness.report.load import ExtractorView, RunData
from harness.report.page import ScriptSafe, script_text

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


def _numpy(array: pa.Array, fill: int = -1) -> np.ndarray:
    return jt.filled(array, fill)


def _offsets(lists: pa.ListArray) -> np.ndarray:
    off = _numbers(lists.offsets).astype(np.int64)
    return off - off[0]


def _fields(struct: pa.Array) -> dict[str, pa.Array]:
    return dict(zip((f.name for f in struct.type), struct.flatten(), strict=True))


def _dumps(value: Any) -> str:
    """JSON text, safe in a ``<script>`` element (as the page's :func:`script_json`)."""
    return script_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _strings(array: pa.Array, default: str | None = None) -> jt.Cells:
    return jt.strings(array, default, script_text)


def _quote_cells(q: dict[str, pa.Array], speaker: jt.Cells) -> list[jt.Cells]:
    """``[start, end, type, speaker, mention start, mention end, cue start, cue end]``."""
    sp, cue = _fields(q["speaker_span"]), _fields(q["cue"])
    return [
        jt.ints(_numpy(q["start"])), jt.ints(_numpy(q["end"])), _strings(q["type"], "direct"),
        speaker, jt.ints(_numpy(sp["start"])), jt.ints(_numpy(sp["end"])),
        jt.ints(_numpy(cue["start"])), jt.ints(_numpy(cue["end"])),
    ]  # fmt: skip


def _meta(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


def _entity_lists(e: dict[str, pa.Array], offsets: np.ndarray) -> list[str]:
    """``[[start, end, label], ...]`` of each document."""
    cells = [jt.ints(_numpy(e["start"])), jt.ints(_numpy(e["end"])), _strings(e["label"])]
    return jt.lists(*jt.rows(cells), offsets)


class _Gold:
    """The gold part of a chunk of records, from the goldset's Arrow rows, as JSON text."""

    def __init__(self, table: pa.Table, keys: Sequence[str]) -> None:
        self.ids: list[str] = table.column("id").to_pylist()
        self.n = n = len(self.ids)
        self.metadata = [_meta(m) for m in table.column("metadata").to_pylist()]
        e_lists = table.column("entities").combine_chunks()
        e = _fields(e_lists.flatten())
        self.e_off = _offsets(e_lists)
        self.vocab, self.codes = _codes(e["label"])  # each gold entity's label
        entities = _entity_lists(e, self.e_off)
        s_lists = table.column("speakers").combine_chunks()
        s = _fields(s_lists.flatten())
        s_off = _offsets(s_lists).tolist()
        s_ids = s["id"].to_pylist()
        rows = list(
            zip(s_ids, s["name"].to_pylist(), s["type"].to_pylist(),
                [_meta(a) for a in s["attributes"].to_pylist()], strict=True)
        )  # fmt: skip
        speakers = [_dumps(rows[a:b]) for a, b in pairwise(s_off)]
        q_lists = table.column("quotes").combine_chunks()
        q_off = _offsets(q_lists)
        q = _fields(q_lists.flatten())
        said = q["speaker"].to_pylist()
        self.n_quotes = len(said)
        positions: list[int] = []
        bounds = q_off.tolist()
        for d in range(n):
            where = {sid: i for i, sid in enumerate(s_ids[s_off[d] : s_off[d + 1]])}
            positions += [where.get(x, -1) if x else -1 for x in said[bounds[d] : bounds[d + 1]]]
        cells = _quote_cells(q, jt.ints(np.array(positions, dtype=np.int64)))
        quotes = jt.lists(*jt.rows(cells), q_off)
        texts = table.column("text").to_pylist()
        self.heads = [
            f'{{"id":{_dumps(i)},"t":{_dumps(t)},"m":{_dumps([m.get(k) for k in keys])},'
            f'"e":{es},"q":{qs},"s":{ss},"x":['
            for i, t, m, es, qs, ss in zip(
                self.ids, texts, self.metadata, entities, quotes, speakers, strict=True
            )
        ]


def _codes(labels: pa.Array) -> tuple[list[str | None], np.ndarray]:
    """The distinct labels (``None`` last, for nulls) and each item's index among them."""
    encoded = pc.dictionary_encode(labels)
    vocab: list[str | None] = [*encoded.dictionary.to_pylist(), None]
    return vocab, jt.filled(encoded.indices, len(vocab) - 1).astype(np.intp)


def _scored_entities(
    x: ExtractorView, e: dict[str, pa.Array], offsets: np.ndarray
) -> tuple[dict[str, pa.Array], np.ndarray, list[str | None], np.ndarray]:
    """The predicted entities with a scored label (the others are left out, as the scorer
    leaves them out), their offsets, and their labels (:func:`_codes`)."""
    allowed = set(x.labels)
    vocab, codes = _codes(e["label"])
    keep = np.array([v in allowed for v in vocab])[codes]
    if keep.all():  # the usual case: the run wrote the scored predictions
        return e, offsets, vocab, codes
    kept = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
    mask = pa.array(keep)
    return {k: v.filter(mask) for k, v in e.items()}, kept[offsets], vocab, codes[keep]


def _extractor_parts(
    x: ExtractorView, gold: _Gold, preds: pa.Table, found: pa.Table, totals: ExtractorTotals
) -> list[str]:
    """One extractor's part of each record of a chunk, as JSON text; ``totals`` updated."""
    n = gold.n
    none = np.zeros(n + 1, dtype=np.int64)
    if "entities" in x.tasks:
        e_lists = preds.column("entities").combine_chunks()
        e, e_off, pred_vocab, pred_codes = _scored_entities(
            x, _fields(e_lists.flatten()), _offsets(e_lists)
        )
        entities = _entity_lists(e, e_off)
    else:
        entities, e_off = ["[]"] * n, none
        pred_vocab, pred_codes = [None], np.zeros(0, dtype=np.intp)
    if "quotes" in x.tasks or "speakers" in x.tasks:
        q_lists = preds.column("quotes").combine_chunks()
        q = _fields(q_lists.flatten())
        quotes = jt.lists(*jt.rows(_quote_cells(q, _strings(q["speaker"]))), _offsets(q_lists))
    else:
        quotes = ["[]"] * n
    f_lists = found.column("findings").combine_chunks()
    f = _fields(f_lists.flatten())
    f_off = _offsets(f_lists)
    task, g, p, kinds, flags = (_numbers(f[k]).astype(np.int64) for k in _FIELDS)
    doc = np.repeat(np.arange(n), np.diff(f_off))
    ent = task == 0
    # the gold labels as scored: mapped by the gold label map (None: the entity is dropped)
    gold_map = dict(x.gold_map)
    mapped_vocab = [None if v is None else gold_map.get(v, v) for v in gold.vocab]
    gl: list[str] = [""] * n
    if gold_map:  # gold indices point into the mapped gold: back to the document's own
        kept = np.array([v is not None for v in mapped_vocab])[gold.codes]
        starts = np.repeat(gold.e_off[:-1], np.diff(gold.e_off))
        kept_local = (np.arange(len(kept)) - starts)[kept]
        kept_start = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])[gold.e_off[:-1]]
        sel = ent & (g >= 0)
        g = g.copy()
        g[sel] = kept_local[kept_start[doc[sel]] + g[sel]]
        changed = np.array([m != v for m, v in zip(mapped_vocab, gold.vocab, strict=True)])
        entity_doc = np.repeat(np.arange(n), np.diff(gold.e_off))
        for d in np.unique(entity_doc[changed[gold.codes]]).tolist():
            a, b = gold.e_off[d], gold.e_off[d + 1]
            gl[d] = f',"gl":{_dumps([mapped_vocab[c] for c in gold.codes[a:b].tolist()])}'
    _totals(totals, gold, doc, task, g, p, kinds, flags, ent, mapped_vocab, pred_vocab,
            pred_codes, e_off)  # fmt: skip
    cells = [jt.ints(task), jt.ints(g), jt.ints(p), jt.ints(kinds), jt.ints(flags)]
    findings = jt.lists(*jt.rows(cells), f_off)
    out = []
    for d in range(n):
        fail = x.failed.get(gold.ids[d])
        tail = gl[d] + ("" if fail is None else f',"fail":{_dumps(fail)}')
        out.append(f'{{"e":{entities[d]},"q":{quotes[d]},"f":{findings[d]}{tail}}}')
    return out


def _totals(
    t: ExtractorTotals, gold: _Gold, doc: np.ndarray, task: np.ndarray, g: np.ndarray,
    p: np.ndarray, kinds: np.ndarray, flags: np.ndarray, ent: np.ndarray,
    gold_vocab: Sequence[str | None], pred_vocab: Sequence[str | None], pred_codes: np.ndarray,
    pred_off: np.ndarray,
) -> None:  # fmt: skip
    """What :meth:`ExtractorTotals.add` adds, for a chunk of findings at once."""
    err = kinds != 0
    per_doc = np.zeros((gold.n, len(KINDS)), dtype=np.int64)
    # where each kind first occurs in each document: a document's kinds are counted in that
    # order (ties of ``Counter.most_common`` keep it), a pair's boundary before its label
    first = np.zeros((gold.n, len(KINDS)), dtype=np.int64)
    for i, kind in enumerate(KINDS):
        has = err & ((kinds >> i) & 1).astype(bool)
        if not has.any():
            continue
        t.kinds[kind] += int(np.count_nonzero(has))
        by_task = np.bincount(task[has], minlength=len(_TASKS)).tolist()
        for name, c in zip(_TASKS, by_task, strict=False):
            if c:
                t.task_kinds[(name, kind)] += c
        per_doc[:, i] = np.bincount(doc[has], minlength=gold.n)
        where = np.flatnonzero(has)
        docs, at = np.unique(doc[where], return_index=True)
        first[docs, i] = 2 * where[at] + (1 if kind == "label" else 0)
    t.unknown_speaker += int(np.count_nonzero(err & (flags & 1).astype(bool)))
    errors = np.bincount(doc[err], minlength=gold.n)
    for d in np.flatnonzero(errors).tolist():
        row, order = per_doc[d].tolist(), first[d].tolist()
        present = sorted((order[i], i) for i, c in enumerate(row) if c)
        counts = Counter({KINDS[i]: row[i] for _, i in present})
        t.documents.append((int(errors[d]), gold.ids[d], counts))
    if not ent.any():
        return
    # confusion: (gold label as scored, predicted label) over the entity findings
    vocab = sorted({str(v) for v in [*gold_vocab, *pred_vocab] if v is not None})
    names = [*vocab, SPURIOUS, MISSED]
    code = {v: i for i, v in enumerate(vocab)}
    gold_codes = np.array([code.get(str(v), -1) for v in gold_vocab])[np.append(gold.codes, 0)]
    pred_all = np.array([code.get(str(v), -1) for v in pred_vocab])[np.append(pred_codes, 0)]
    ge, pe, de = g[ent], p[ent], doc[ent]
    gc = np.where(ge < 0, len(vocab), gold_codes[gold.e_off[de] + np.maximum(ge, 0)])
    pcodes = np.where(pe < 0, len(vocab) + 1, pred_all[pred_off[de] + np.maximum(pe, 0)])
    pairs, counts = np.unique(gc * len(names) + pcodes, return_counts=True)
    for pair, c in zip(pairs.tolist(), counts.tolist(), strict=True):
        t.confusion[(names[pair // len(names)], names[pair % len(names)])] += c


def column_chunks(
    run: RunData, keys: Sequence[str], size: int, source: list[tuple[_Rows, _Rows] | None],
    totals: Totals,
) -> Iterator[ScriptSafe]:  # fmt: skip
    """The records of every document as JSON text (an array, safe in a ``<script>`` element),
    ``size`` documents at a time;
    ``totals`` updated.

    Raises :class:`LookupError` when a file's documents are not the goldset's, in order."""
    views = run.extractors
    for n_chunk, table in enumerate(run.goldset.row_batches(size)):
        gold = _Gold(table, keys)
        parts: list[list[str] | None] = []
        for x, pair in zip(views, source, strict=True):
            if pair is None:
                parts.append(None)
                continue
            preds, found = pair[0].take(gold.n), pair[1].take(gold.n)
            for t in (preds, found):
                if t.column("doc_id").to_pylist() != gold.ids:
                    raise LookupError(f"{x.label}: documents not in goldset order")
            parts.append(_extractor_parts(x, gold, preds, found, totals.extractors[x.label]))
        docs = [
            head + ",".join("null" if part is None else part[d] for part in parts) + "]}"
            for d, head in enumerate(gold.heads)
        ]
        totals.documents += gold.n
        totals.gold_entities += len(gold.codes)
        totals.gold_quotes += gold.n_quotes
        for meta in gold.metadata:
            for k, v in meta.items():
                totals.meta_values.setdefault(k, Counter())[str(v)] += 1
        yield ScriptSafe("[" + ",".join(docs) + "]")
        if n_chunk % 8 == 7:
            run.goldset.release()
