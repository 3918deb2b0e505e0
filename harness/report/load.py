"""Read a run folder back for the report: the results summary, each extractor's predictions (one
document at a time), and the goldset they were scored on.

This module is the report's only reader of a run's files, so a change of their layout is made
here: today ``results.json`` (its per-document counts are skipped: the report does not need
them, and a run of 10,000 documents holds millions of them) and ``predictions.jsonl`` (indexed by
byte offset, each prediction read when its document is reported, so memory does not grow with
the goldset).

The report needs the gold documents, so the goldset recorded in ``results["goldset"]["path"]`` is
loaded again and checked against the recorded sha256: a report drawn against a goldset that
changed since the run would classify errors that the scores never saw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from harness.codec import prediction_from_dict
from harness.errors import HarnessError, ResultsError
from harness.goldset import Goldset, load_goldset
from harness.model import TASKS, Document, Prediction, Task
from harness.results import PREDICTIONS_FILE, RESULTS_FILE
from harness.results_check import check_results
from harness.schemes import map_gold, resolve_gold_map

#: results.json files larger than this are read without their per-document counts.
LARGE_RESULTS = 8 * 2**20
#: The start of a line of predictions.jsonl as harness writes it.
_HEAD = re.compile(rb'\{"extractor": ("(?:[^"\\]|\\.)*"), "doc_id": ("(?:[^"\\]|\\.)*")')


@dataclass
class PredictionFile:
    """``predictions.jsonl`` of a run, indexed: ``(extractor, document id) -> byte offset``."""

    path: Path
    offsets: dict[tuple[str, str], int] = field(default_factory=dict)
    _handle: IO[bytes] | None = None

    _indexed: bool = False

    @classmethod
    def index(cls, path: Path) -> PredictionFile:
        """The file, indexed when a prediction is first asked for (a report made from the
        run's per-document files never asks)."""
        if not path.is_file():
            raise ResultsError(f"predictions file {str(path)!r} does not exist; cannot report")
        return cls(path)

    def _index(self) -> None:
        self._indexed = True
        with self.path.open("rb") as f:
            pos = 0
            for lineno, line in enumerate(f, 1):
                if line.strip():
                    self._index_line(line, lineno, pos)
                pos += len(line)

    def _index_line(self, line: bytes, lineno: int, pos: int) -> None:
        head = _HEAD.match(line)  # the two keys harness writes first, read without parsing
        if head is not None:
            key = (json.loads(head.group(1)), json.loads(head.group(2)))
        else:
            rec = self._parse(line, lineno)
            if "extractor" not in rec or "doc_id" not in rec:
                raise ResultsError(
                    f"{self.path}, line {lineno}: malformed prediction (no 'extractor')"
                )
            key = (str(rec["extractor"]), str(rec["doc_id"]))
        self.offsets[key] = pos

    def _parse(self, line: bytes, lineno: int) -> dict[str, Any]:
        try:
            rec = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ResultsError(f"{self.path}, line {lineno}: not valid JSON ({exc})") from exc
        if not isinstance(rec, dict):
            raise ResultsError(f"{self.path}, line {lineno}: expected a JSON object")
        return rec

    def get(self, label: str, doc_id: str) -> Prediction | None:
        if not self._indexed:
            self._index()
        pos = self.offsets.get((label, doc_id))
        if pos is None:
            return None
        if self._handle is None:
            self._handle = self.path.open("rb")
        self._handle.seek(pos)
        rec = self._parse(self._handle.readline(), 0)
        try:
            return prediction_from_dict(rec)
        except (KeyError, TypeError, ValueError) as exc:
            raise ResultsError(
                f"{self.path}: malformed prediction of {label!r} for {doc_id!r}: {exc}"
            ) from exc

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


@dataclass(frozen=True)
class ExtractorView:
    """One extractor of a run as the report sees it."""

    label: str
    info: Mapping[str, Any]  # results["extractors"][label], without its per-document counts
    tasks: tuple[Task, ...]
    labels: tuple[str, ...]  # entity labels it was scored on (after the gold label map)
    gold_map: Mapping[str, str | None]
    failed: Mapping[str, str]  # document id -> error message
    predictions: PredictionFile | None = None
    #: ``""`` for the reported run, ``"baseline"`` for the run it is compared with.
    run: str = ""
    #: The extractor's label in its own run (``label`` is made unique across runs).
    own_label: str = ""

    def prediction(self, doc_id: str) -> Prediction:
        found = None
        if self.predictions is not None:
            found = self.predictions.get(self.own_label or self.label, doc_id)
        return found if found is not None else Prediction(doc_id)

    def gold(self, doc: Document) -> Document:
        """``doc`` with its entity labels mapped the way the scorer mapped them."""
        return map_gold(doc, self.gold_map)


@dataclass(frozen=True)
class RunData:
    """Everything a report is drawn from."""

    run_dir: Path
    results: Mapping[str, Any]
    goldset: Goldset
    extractors: tuple[ExtractorView, ...] = field(default_factory=tuple)
    #: The run it is compared with (``load_run(..., against)``), if any.
    against: Path | None = None

    def documents(self) -> Iterator[Document]:
        """The gold documents in goldset order (read in batches, never all at once)."""
        return iter(self.goldset)

    def close(self) -> None:
        for x in self.extractors:
            if x.predictions is not None:
                x.predictions.close()


def _load_goldset(results: Mapping[str, Any], run_dir: Path) -> Goldset:
    info = results.get("goldset") or {}
    path = info.get("path")
    if not path:
        raise ResultsError(f"{run_dir / RESULTS_FILE}: no goldset path recorded; cannot report")
    root = Path(path)
    if not root.is_absolute() and not root.is_dir():
        root = run_dir / root
    try:  # in the format and with the options it was read with (any format, native included)
        goldset = load_goldset(root, info.get("format"), dict(info.get("options") or {}))
    except HarnessError as exc:
        raise ResultsError(
            f"cannot load the goldset {str(path)!r} this run was scored on: {exc}"
        ) from exc
    expected = info.get("sha256")
    if expected and goldset.sha256 != expected:
        raise ResultsError(
            f"goldset {str(path)!r} changed since the run (sha256 {goldset.sha256[:12]}..., "
            f"the run recorded {str(expected)[:12]}...): re-run the evaluation before reporting"
        )
    return goldset


def _gold_map(
    label: str, info: Mapping[str, Any], results: Mapping[str, Any], scheme: str
) -> dict[str, str | None]:
    recorded = (info.get("label_maps") or {}).get("gold")
    if isinstance(recorded, Mapping):  # the map the run applied, as results.json records it
        return dict(recorded)
    name = info.get("gold_label_map")  # older results files: resolve it again
    if not name:
        return {}
    spec: Any = name
    if name == "custom":  # an explicit mapping: read it back from the recorded config
        for item in (results.get("config") or {}).get("extractors") or []:
            if isinstance(item, Mapping) and str(item.get("label", item.get("name"))) == label:
                spec = item.get("gold_label_map")
    if not isinstance(spec, (str, Mapping)):
        return {}
    try:
        return resolve_gold_map(spec, scheme, f"{RESULTS_FILE}: extractors[{label}]")[1]
    except HarnessError as exc:
        raise ResultsError(str(exc)) from exc


_KEY = b'"per_document": {'
_BLOCK = 4 * 2**20


class _Stripper:
    """Copies a results file but its ``"per_document"`` blocks, a block of bytes at a time."""

    def __init__(self) -> None:
        self.out: list[bytes] = []
        self.buf = b""
        self.closing: bytes | None = None  # the line that ends the block being skipped

    def feed(self, data: bytes) -> None:
        self.buf += data
        while self._step():
            pass

    def _step(self) -> bool:
        if self.closing is not None:
            end = self.buf.find(self.closing)
            if end < 0:  # keep only what may be the start of the closing line
                self.buf = self.buf[-len(self.closing) :]
                return False
            self.buf = self.buf[end + len(self.closing) :]
            self.closing = None
            return True
        at = self.buf.find(_KEY)
        if at < 0:
            cut = self.buf.rfind(b"\n") + 1  # the current line stays: it holds the indent
            self.out.append(self.buf[:cut])
            self.buf = self.buf[cut:]
            return False
        if at + len(_KEY) == len(self.buf):  # what follows the key is in the next block
            return False
        line = self.buf.rfind(b"\n", 0, at) + 1
        indent, after = self.buf[line:at], self.buf[at + len(_KEY) : at + len(_KEY) + 1]
        if indent.strip(b" ") or after in (b"}", b""):  # not a block opening its own line
            self.out.append(self.buf[: at + len(_KEY)])
        else:
            self.out.append(self.buf[:at] + b'"per_document": {}')
            self.closing = b"\n" + indent + b"}"
        self.buf = self.buf[at + len(_KEY) :]
        return True


def _without_per_document(path: Path) -> str:
    """The text of a large ``results.json`` without its ``"per_document"`` blocks.

    ``results.json`` is written with two-space indentation: an extractor's block is the line
    ``"per_document": {`` and everything up to the first later line that closes it at the same
    indentation. The file is read a block at a time (a run of 10,000 documents writes hundreds
    of megabytes of counts); one that does not look like that is read whole.
    """
    strip = _Stripper()
    with path.open("rb") as f:
        while block := f.read(_BLOCK):
            strip.feed(block)
    if strip.closing is not None:  # a block that never closes: not written by harness
        return path.read_text(encoding="utf-8")
    return (b"".join(strip.out) + strip.buf).decode("utf-8")


def read_summary(run_dir: Path) -> dict[str, Any]:
    """``results.json`` of a run, checked, without per-document counts."""
    path = run_dir / RESULTS_FILE if run_dir.is_dir() else run_dir
    if not path.is_file():
        raise ResultsError(f"results file {str(path)!r} does not exist")
    try:
        if path.stat().st_size > LARGE_RESULTS:
            data = json.loads(_without_per_document(path))
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path}: not a valid results file ({exc})") from exc
    from harness import results as results_file

    readable = getattr(results_file, "READABLE", (results_file.SCHEMA,))
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema not in readable:
        raise ResultsError(
            f"{path}: unsupported results schema {schema!r} (this harness reads "
            f"{', '.join(map(repr, readable))})"
        )
    check_results(data, path)
    for info in data["extractors"].values():
        info.pop("per_document", None)
    return data


def _views(
    results: Mapping[str, Any], goldset: Goldset, preds: PredictionFile, run: str = ""
) -> list[ExtractorView]:
    run_tasks = set(results.get("tasks") or TASKS)
    views = []
    for label, info in (results.get("extractors") or {}).items():
        gold_map = _gold_map(label, info, results, goldset.label_scheme)
        labels = tuple(dict.fromkeys(v for v in (gold_map.get(x, x) for x in goldset.labels) if v))
        tasks = tuple(t for t in TASKS if t in run_tasks and t in (info.get("tasks") or ()))
        failed = {str(e.get("doc_id")): str(e.get("message")) for e in info.get("errors") or ()}
        shown = f"{label} (baseline)" if run else label
        views.append(ExtractorView(shown, info, tasks, labels, gold_map, failed, preds, run, label))
    return views


def load_run(run_dir: Path, against: Path | None = None) -> RunData:
    """Load a run folder (and, with ``against``, the run it is compared with: same goldset);
    raise :class:`ResultsError` when any part of it cannot be used."""
    run_dir = Path(run_dir)
    results = read_summary(run_dir)
    goldset = _load_goldset(results, run_dir)
    views = _views(results, goldset, PredictionFile.index(run_dir / PREDICTIONS_FILE))
    if against is not None:
        base_dir = Path(against)
        base = read_summary(base_dir)
        if base["goldset"].get("sha256") != results["goldset"].get("sha256"):
            raise ResultsError(
                f"{base_dir}: scored on another goldset than {run_dir} (sha256 differs): "
                "per-document differences need the same documents"
            )
        base_root = base_dir if base_dir.is_dir() else base_dir.parent
        views += _views(
            base, goldset, PredictionFile.index(base_root / PREDICTIONS_FILE), "baseline"
        )
    return RunData(run_dir, results, goldset, tuple(views), Path(against) if against else None)
