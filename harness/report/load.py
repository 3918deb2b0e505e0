"""Read a run folder back: results.json, predictions.jsonl and the goldset they were scored on.

The report needs the gold documents, so the goldset recorded in ``results["goldset"]["path"]`` is
loaded again and checked against the recorded sha256: a report drawn against a goldset that
changed since the run would classify errors that the scores never saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.codec import read_predictions
from harness.errors import HarnessError, ResultsError
from harness.goldset import Goldset, load_goldset
from harness.model import TASKS, Document, Prediction, Task
from harness.results import PREDICTIONS_FILE, RESULTS_FILE, read_results
from harness.schemes import map_gold, resolve_gold_map


@dataclass(frozen=True)
class ExtractorView:
    """One extractor of a run as the report sees it."""

    label: str
    info: Mapping[str, Any]  # results["extractors"][label]
    tasks: tuple[Task, ...]
    labels: tuple[str, ...]  # entity labels it was scored on (after the gold label map)
    gold_map: Mapping[str, str | None]
    predictions: Mapping[str, Prediction]  # by document id
    failed: Mapping[str, str]  # document id -> error message

    def prediction(self, doc_id: str) -> Prediction:
        return self.predictions.get(doc_id, Prediction(doc_id))

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


def _read_predictions(path: Path) -> dict[str, dict[str, Prediction]]:
    if not path.is_file():
        raise ResultsError(f"predictions file {str(path)!r} does not exist; cannot report")
    out: dict[str, dict[str, Prediction]] = {}
    for lineno, rec, pred in read_predictions(path, ResultsError):
        if "extractor" not in rec:
            raise ResultsError(f"{path}, line {lineno}: malformed prediction (no 'extractor')")
        out.setdefault(str(rec["extractor"]), {})[pred.doc_id] = pred
    return out


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


def load_run(run_dir: Path) -> RunData:
    """Load a run folder; raise :class:`ResultsError` when any part of it cannot be used."""
    run_dir = Path(run_dir)
    results = read_results(run_dir)
    goldset = _load_goldset(results, run_dir)
    preds = _read_predictions(run_dir / PREDICTIONS_FILE)
    run_tasks = set(results.get("tasks") or TASKS)
    views = []
    for label, info in (results.get("extractors") or {}).items():
        gold_map = _gold_map(label, info, results, goldset.label_scheme)
        labels = tuple(dict.fromkeys(v for v in (gold_map.get(x, x) for x in goldset.labels) if v))
        tasks = tuple(t for t in TASKS if t in run_tasks and t in (info.get("tasks") or ()))
        failed = {str(e.get("doc_id")): str(e.get("message")) for e in info.get("errors") or ()}
        views.append(
            ExtractorView(label, info, tasks, labels, gold_map, preds.get(label, {}), failed)
        )
    return RunData(run_dir, results, goldset, tuple(views))
