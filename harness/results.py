"""The results file: a documented, versioned schema, written atomically with full provenance.

``results.json`` (schema ``harness.results/1``)::

    {
      "schema": "harness.results/1",
      "created": ISO-8601 time, "complete": bool, "seconds": float,
      "harness_version": str,
      "packages": {distribution: version},          # core dependencies and every plugin's
      "config": {...}, "config_sha256": str, "config_path": str | null,
      "goldset": {name, version, path, sha256, label_scheme, documents},
      "tasks": [task, ...],
      "metrics": {key: {task, title, description, headline, better}},  # every score's declaration
      "slices": {name: {"kind": "document" | "quote", "key", "values": [...],   # only with
                        "documents": {value: [doc_id]}}},                 # config slices:
      "extractors": {
        label: {
          "name", "version", "plugin", "plugin_version", "tasks", "options",
          "label_scheme", "gold_label_map", "prediction_label_map",
          "labels",                                 # the labels of the scoring scheme
          "label_maps": {"gold": {label: label | null}, "prediction": {label: label | null}},
          "scores": {flat key: float},              # e.g. "entities.strict.micro.f1"
          "intervals": {flat key: [low, high]},     # bootstrap 95% CI, documents resampled
          "counts": {"documents", "cached_documents", "errors",
                     "unmapped_prediction_labels",   # mapped to null by the label maps
                     "ignored_prediction_labels",    # not among the scored labels
                     "unmapped_gold_labels"},         # mapped to null by the gold label map
          "errors": [{"doc_id", "error", "message"}],
          "per_document": {doc_id: {count key: [matched, n_pred, n_gold]}},
          "slices": {name: {value: {"n", "scores", "intervals"}}},  # scores by slice
          "timing": {"setup", "extract", "total"},  # seconds
          "diagnostics": {"total", "this_run", "per_document"}  # only when the extractor
        }                                           # reported any: see harness.diagnostics
      }
    }

``predictions.jsonl``: one line per extractor and document,
``{"extractor": label, "doc_id": ..., "entities": [...], "quotes": [...], "error": null | str}``
in the gold span format, so it can be replayed with the ``replay`` extractor.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_json, write_jsonl
from .codec import prediction_to_dict
from .errors import ResultsError
from .runner import RunResult, slice_specs

SCHEMA = "harness.results/1"
RESULTS_FILE = "results.json"
PREDICTIONS_FILE = "predictions.jsonl"
CORE_PACKAGES = ("harness", "pluggy", "datasets", "pyarrow", "numpy", "typer", "rich", "pyyaml")


def package_versions(extra: list[str]) -> dict[str, str]:
    """Versions of the core's packages, the plugins' distributions and their requirements."""
    names = list(CORE_PACKAGES) + extra
    for dist in list(extra):
        try:
            for req in metadata.requires(dist) or []:
                name = req.split(";")[0].split("[")[0]
                for sep in "<>=!~ (":
                    name = name.split(sep)[0]
                names.append(name.strip())
        except metadata.PackageNotFoundError:
            continue
    out: dict[str, str] = {}
    for n in dict.fromkeys(names):
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            continue
    return dict(sorted(out.items()))


def build_results(result: RunResult) -> dict[str, Any]:
    from .plugins import get_plugins

    plugins = get_plugins()
    dists = sorted(
        {plugins.info[r.plugin].distribution for r in result.extractors if r.plugin in plugins.info}
    )
    cfg = result.config
    extractors: dict[str, Any] = {}
    for r in result.extractors:
        extractors[r.label] = {
            "name": r.name,
            "version": r.version,
            "plugin": r.plugin,
            "plugin_version": r.plugin_version,
            "tasks": list(r.tasks),
            "options": r.options,
            "label_scheme": r.label_scheme,
            "gold_label_map": r.gold_label_map,
            "prediction_label_map": r.prediction_label_map,
            "labels": list(r.labels),
            "label_maps": r.label_maps,
            "scores": r.scores,
            "intervals": {k: list(v) for k, v in r.intervals.items()},
            "counts": {
                "documents": len(r.predictions),
                "cached_documents": r.cached_docs,
                "errors": len(r.errors),
                "unmapped_prediction_labels": dict(r.unmapped_pred_labels),
                "ignored_prediction_labels": dict(r.ignored_pred_labels),
                "unmapped_gold_labels": dict(r.unmapped_gold_labels),
            },
            "errors": [
                {k: v for k, v in e.to_dict().items() if k != "traceback"} for e in r.errors
            ],
            "per_document": {
                p.doc_id: {k: list(v) for k, v in c.items()}
                for p, c in zip(r.predictions, r.per_doc, strict=True)
            },
            "timing": {
                "setup": round(r.seconds_setup, 4),
                "extract": round(r.seconds_extract, 4),
                "total": round(r.seconds_total, 4),
            },
        }
        if r.diagnostics:
            extractors[r.label]["diagnostics"] = r.diagnostics.to_dict()
        if r.slices:
            extractors[r.label]["slices"] = {
                name: {value: s.to_dict() for value, s in values.items()}
                for name, values in r.slices.items()
            }
    out = {
        "schema": SCHEMA,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "complete": result.complete,
        "seconds": round(result.seconds, 4),
        "harness_version": __version__,
        "packages": package_versions(dists),
        "config": json.loads(json.dumps(cfg.raw, default=str)),
        "config_sha256": cfg.sha256,
        "config_path": str(cfg.path) if cfg.path else None,
        "goldset": result.goldset.provenance(),
        "tasks": list(cfg.tasks),
        "metrics": result.metrics.to_dict(),
        "extractors": extractors,
    }
    if result.config.slices:
        out["slices"] = slices_section(result)
    return out


def slices_section(result: RunResult) -> dict[str, Any]:
    """What each slice of the run is: its kind, key and values, and for a document slice the
    documents of each value (what ``harness compare`` resamples per slice)."""
    specs = slice_specs(result.config, result.goldset)
    section: dict[str, Any] = {
        s.name: {"kind": s.kind, "key": s.key, "values": [], "documents": {}} for s in specs
    }
    document_specs = [s for s in specs if s.kind == "document"]
    if document_specs:
        for doc in result.goldset:
            for s in document_specs:
                section[s.name]["documents"].setdefault(s.document_value(doc), []).append(doc.id)
    for s in specs:
        seen = {v for r in result.extractors for v in r.slices.get(s.name, {})}
        section[s.name]["values"] = sorted(seen | set(section[s.name]["documents"]))
        if s.kind == "quote":
            del section[s.name]["documents"]
            section[s.name]["note"] = (
                "gold quotes by their attribute: recall, speaker accuracy and attribution recall "
                "only (a predicted quote belongs to no slice)"
            )
    return section


def write_run(result: RunResult, output: Path) -> Path:
    """Write results.json and predictions.jsonl atomically into ``output``; return results path."""
    output.mkdir(parents=True, exist_ok=True)
    errors = {(r.label, e.doc_id): e.message for r in result.extractors for e in r.errors}
    write_jsonl(
        output / PREDICTIONS_FILE,
        (
            {
                "extractor": r.label,
                **prediction_to_dict(p),
                "error": errors.get((r.label, p.doc_id)),
            }
            for r in result.extractors
            for p in r.predictions
        ),
    )
    path = output / RESULTS_FILE
    write_json(path, build_results(result))
    return path


def read_results(path: str | Path) -> dict[str, Any]:
    """Read a results file (or the results.json inside a run folder) and check its schema."""
    p = Path(path)
    if p.is_dir():
        p = p / RESULTS_FILE
    if not p.is_file():
        raise ResultsError(f"results file {str(p)!r} does not exist")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{p}: not a valid results file ({exc})") from exc
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != SCHEMA:
        raise ResultsError(
            f"{p}: unsupported results schema {schema!r} (this harness reads {SCHEMA!r})"
        )
    return data
