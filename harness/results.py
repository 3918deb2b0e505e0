"""The results of a run: a summary file, per-document files beside it, and their reader.

A run folder holds::

    results.json                       the summary (schema ``harness.results/2``, below)
    per_document/<run>-<n>.predictions.arrow   each extractor's predictions, errors and
    per_document/<run>-<n>.counts.arrow        diagnostics, and its per-document counts and
                                       findings (what each gold and predicted item came to)
                                       (Arrow IPC, schemas in :mod:`harness.perdoc`)
    predictions.jsonl                  the predictions again, in the gold span format, one line
                                       per extractor and document (for the ``replay`` extractor
                                       and other tools)

``results.json`` (schema ``harness.results/2``) stays small whatever the goldset's size (it
loads in milliseconds); the per-document data is in the Arrow files it names, read
memory-mapped (:func:`load_run`)::

    {
      "schema": "harness.results/2",
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
                     "cache_rejected",               # cache entries found unusable, recomputed
                     "unmapped_prediction_labels",   # mapped to null by the label maps
                     "ignored_prediction_labels",    # not among the scored labels
                     "unmapped_gold_labels"},         # mapped to null by the gold label map
          "errors": [{"doc_id", "error", "message"}],
          "warnings": [str],                        # what cost time, not results (a cache
                                                    # that could not be written...)
          "execution": {"executor", "workers", "timeout"},  # where extraction ran
          "files": {"predictions": path, "counts": path},   # relative to the run folder
          "per_document": {doc_id: {count key: [matched, n_pred, n_gold]}},  # instead of
                                                    # "files" in a self-contained copy (a
                                                    # committed baseline: :func:`embedded`)
          "slices": {name: {value: {"n", "scores", "intervals"}}},  # scores by slice
          "timing": {"setup", "extract", "total"},  # seconds
          "diagnostics": {"total", "this_run", "per_document"}  # only when the extractor
        }                                           # reported any: see harness.diagnostics
      }
    }

Schema 1 (harness 0.1) had ``per_document`` inline in every results file and no ``files``;
this module reads both. :func:`read_results` returns the summary as a dict, with
``per_document`` filled in (lazily, from the counts file) for code written for schema 1;
:func:`load_run` is the reader for new code: the summary plus each extractor's per-document
tables, memory-mapped and read only when asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_chunks, write_json
from .codec import prediction_to_dict
from .errors import OutputError, ResultsError, os_problem
from .perdoc import CountsFile, PredictionsFile, jsonl_with_label
from .runner import RunResult, slice_specs
from .scoring.prf import CountMatrix, Counts

SCHEMA = "harness.results/2"
#: Schemas this harness reads.
READABLE = ("harness.results/1", SCHEMA)
RESULTS_FILE = "results.json"
PREDICTIONS_FILE = "predictions.jsonl"
PER_DOCUMENT_DIR = "per_document"
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
    """The summary of ``result`` (what ``results.json`` holds); each extractor's
    ``per_document`` counts are there too, read lazily from the run's counts file
    (:class:`PerDocument`), for code written for schema 1 (``write_run`` names the files
    instead)."""
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
                "documents": len(r.per_doc),
                "cached_documents": r.cached_docs,
                "errors": len(r.errors),
                "cache_rejected": r.cache_rejected,
                "unmapped_prediction_labels": dict(r.unmapped_pred_labels),
                "ignored_prediction_labels": dict(r.ignored_pred_labels),
                "unmapped_gold_labels": dict(r.unmapped_gold_labels),
            },
            "errors": [
                {k: v for k, v in e.to_dict().items() if k != "traceback"} for e in r.errors
            ],
            "warnings": list(r.warnings),
            "execution": r.execution,
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
        if r.files:
            extractors[r.label]["per_document"] = PerDocument(r.per_doc)
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


def check_output(output: Path) -> None:
    """Refuse, before a run, an output folder that could not take its results: a file where the
    folder should be, a folder that cannot be created or written (no permission, a read-only or
    full disk). Creates the folder (and removes what it created when the check fails)."""
    if output.exists() and not output.is_dir():
        raise OutputError(f"output {output} is a file, not a folder: choose a folder")
    created = [p for p in (output, *output.parents) if not p.exists()]
    try:
        output.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".harness-write-test-", dir=output)
        try:
            os.write(fd, b"harness")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        reason = os_problem(exc).removeprefix(f"{output}: ")
        raise OutputError(f"output folder {output} cannot be written: {reason}") from exc


def _move(src: Path, dest: Path) -> None:
    """Move a per-document file into the run folder (a rename on the same file system); a
    file already placed in another run folder (a run saved elsewhere after a failed write) is
    copied, so the results there keep their files."""
    if src.parent.name == PER_DOCUMENT_DIR:
        shutil.copyfile(src, dest)
        return
    try:
        os.replace(src, dest)
    except OSError:
        shutil.copyfile(src, dest)
        src.unlink(missing_ok=True)


def _place_files(result: RunResult, output: Path) -> dict[str, dict[str, str]]:
    """Move each extractor's per-document files into ``output/per_document`` under names of
    their own (a new run never overwrites the files an older ``results.json`` names); return
    ``{label: {kind: path relative to output}}``."""
    run_id = uuid.uuid4().hex[:12]
    folder = output / PER_DOCUMENT_DIR
    placed: dict[str, dict[str, str]] = {}
    for n, r in enumerate(result.extractors):
        if not r.files:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        placed[r.label] = {}
        for kind, src in r.files.items():
            if kind not in ("predictions", "counts"):
                continue
            dest = folder / f"{run_id}-{n}.{kind}.arrow"
            _move(src, dest)
            r.files[kind] = dest
            placed[r.label][kind] = dest.relative_to(output).as_posix()
        r.predictions = PredictionsFile(r.files["predictions"])
        r.per_doc = CountsFile(r.files["counts"])
    return placed


def _jsonl_lines(result: RunResult) -> Iterator[str]:
    """The lines of ``predictions.jsonl``: each extractor's own lines (made with its files),
    labelled."""
    for r in result.extractors:
        lines = r.files.get("jsonl")
        if lines is not None and lines.is_file():
            yield from jsonl_with_label(lines, r.label)
            continue
        errors = {e.doc_id: e.message for e in r.errors}  # a run made without files
        for p in r.predictions:
            record = {"extractor": r.label, **prediction_to_dict(p), "error": errors.get(p.doc_id)}
            yield json.dumps(record, ensure_ascii=False) + "\n"


def _remove_stale(output: Path, keep: set[str]) -> None:
    """Per-document files of earlier runs in ``output`` that no results file names now."""
    folder = output / PER_DOCUMENT_DIR
    if not folder.is_dir():
        return
    for f in folder.glob("*.arrow"):
        if f"{PER_DOCUMENT_DIR}/{f.name}" not in keep:
            f.unlink(missing_ok=True)


def write_run(result: RunResult, output: Path) -> Path:
    """Write the run into ``output``: the per-document files, then ``results.json`` (each
    written atomically; ``results.json`` names only files already in place, so a run stopped
    half-way leaves the previous results intact), then ``predictions.jsonl`` (derived from the
    files). Returns the path of ``results.json``.

    The results go before the predictions file: a predictions file that does not fit never
    costs the scores. When it cannot be written, an older predictions.jsonl in the folder
    (another run's) is removed, so the folder never pairs these results with other
    predictions. OS errors (a full or read-only disk, a file size limit) raise
    :class:`OutputError` naming the path and what was written.
    """
    path = output / RESULTS_FILE
    try:
        if output.exists() and not output.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(output))
        output.mkdir(parents=True, exist_ok=True)
        placed = _place_files(result, output)
        data = build_results(result)
        for label, ex in data["extractors"].items():
            ex.pop("per_document", None)
            if label in placed:
                ex["files"] = placed[label]
        write_json(path, data)
    except OSError as exc:
        raise OutputError(f"cannot write the results: {os_problem(exc)}") from exc
    _remove_stale(output, {f for files in placed.values() for f in files.values()})
    predictions = output / PREDICTIONS_FILE
    try:
        write_chunks(predictions, _jsonl_lines(result))
    except OSError as exc:
        predictions.unlink(missing_ok=True)
        raise OutputError(
            f"cannot write the predictions: {os_problem(exc)} ({path} was written; "
            f"{predictions.name} is missing)"
        ) from exc
    if result.files is not None:
        result.files.cleanup()
    return path


# ---- reading ----------------------------------------------------------------------------------


def _results_path(path: str | Path) -> Path:
    p = Path(path)
    if p.is_dir():
        p = p / RESULTS_FILE
    if not p.is_file():
        raise ResultsError(f"results file {str(p)!r} does not exist")
    return p


def _read_summary(p: Path) -> dict[str, Any]:
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{p}: not a valid results file ({exc})") from exc
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema not in READABLE:
        raise ResultsError(
            f"{p}: unsupported results schema {schema!r} (this harness reads "
            f"{', '.join(map(repr, READABLE))})"
        )
    return data


class PerDocument(Mapping[str, list[list[float]]]):
    """``{doc_id: {count key: [matched, n_pred, n_gold]}}`` read from a counts file on first
    use (the ``per_document`` of schema 1)."""

    def __init__(self, counts: Any) -> None:
        self._counts = counts

    @cached_property
    def _data(self) -> dict[str, dict[str, list[float]]]:
        if isinstance(self._counts, CountsFile):
            items = read_counts(self._counts).items()
            return {d: {k: list(v) for k, v in c.items()} for d, c in items}
        return {}

    def __getitem__(self, doc_id: str) -> Any:
        return self._data[doc_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def read_counts(counts: CountsFile) -> dict[str, Counts]:
    """``{doc_id: counts}`` of a counts file; :class:`ResultsError` when it cannot be read."""
    try:
        return counts.by_document()
    except (OSError, ValueError, KeyError) as exc:  # pyarrow's errors are among these
        hint = ""
        if not counts.path.exists():
            hint = (
                f"; it is named by {counts.path.parent.parent / RESULTS_FILE}: copy a run "
                f"folder whole ({RESULTS_FILE} with its {PER_DOCUMENT_DIR}/ folder)"
            )
        raise ResultsError(
            f"per-document counts {str(counts.path)!r}: cannot be read ({exc}){hint}"
        ) from None


def read_results(path: str | Path) -> dict[str, Any]:
    """Read a results file (or the results.json inside a run folder) and check its schema.

    For code written for schema 1, each extractor's ``per_document`` counts are there whatever
    the schema (read from the counts file when first used); new code should use
    :func:`load_run`.
    """
    p = _results_path(path)
    data = _read_summary(p)
    extractors = data.get("extractors")
    if extractors is not None and not isinstance(extractors, Mapping):
        raise ResultsError(
            f"{p}: 'extractors' should map extractor labels to their results, got "
            f"{type(extractors).__name__}"
        )
    for info in (extractors or {}).values():
        files = info.get("files") if isinstance(info, dict) else None
        counts = files.get("counts") if isinstance(files, Mapping) else None
        if isinstance(counts, str) and counts and "per_document" not in info:
            info["per_document"] = PerDocument(CountsFile(p.parent / counts))
    return data


class EmbeddedCounts(CountMatrix):
    """The counts a results file holds inline (``per_document``), as a count source with the
    documents' ids."""

    def __init__(self, per_document: Mapping[str, Mapping[str, Any]]) -> None:
        super().__init__()
        self.ids = list(per_document)
        self._per_doc = [
            {k: (float(v[0]), float(v[1]), float(v[2])) for k, v in c.items()}
            for c in per_document.values()
        ]
        self.add(self._per_doc)

    def doc_ids(self) -> list[str]:
        return self.ids

    def __len__(self) -> int:
        return len(self._per_doc)

    def __getitem__(self, i: int) -> Counts:
        return self._per_doc[i]

    def __iter__(self) -> Iterator[Counts]:
        return iter(self._per_doc)


@dataclass(frozen=True)
class ExtractorResults:
    """One extractor of a run: its summary (``info``) and, on demand, its per-document
    tables."""

    label: str
    info: Mapping[str, Any]
    folder: Path

    def _file(self, kind: str) -> Path | None:
        files = self.info.get("files")
        if not isinstance(files, Mapping) or not files.get(kind):
            return None
        path = self.folder / str(files[kind])
        if not path.is_file():
            raise ResultsError(
                f"{self.folder / RESULTS_FILE}: extractor {self.label!r}: its {kind} file "
                f"{str(path)!r} is missing"
            )
        return path

    def counts(self) -> CountsFile | EmbeddedCounts | None:
        """The per-document counts: a :class:`harness.perdoc.CountsFile` (memory-mapped; a
        :class:`harness.scoring.prf.CountSource` and a sequence of per-document dicts, with
        ``doc_ids()``), or the inline counts of a self-contained results file; ``None`` when
        the results hold none."""
        path = self._file("counts")
        if path is not None:
            return CountsFile(path)
        inline = self.info.get("per_document")
        return EmbeddedCounts(inline) if isinstance(inline, Mapping) else None

    def predictions(self) -> PredictionsFile | None:
        """The predictions, failures and diagnostics of every document
        (:class:`harness.perdoc.PredictionsFile`: iterate it, or ``.table()`` for the Arrow
        table); ``None`` when the results hold none (read ``predictions.jsonl`` then)."""
        path = self._file("predictions")
        return None if path is None else PredictionsFile(path)


@dataclass(frozen=True)
class Run:
    """A run read back by :func:`load_run`."""

    #: The ``results.json`` file.
    path: Path
    #: Its content as written (no per-document data of schema 2 in it).
    summary: Mapping[str, Any]
    extractors: Mapping[str, ExtractorResults] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.parent


def load_run(path: str | Path) -> Run:
    """Read a run (its ``results.json``, or the folder holding it): the summary now, each
    extractor's per-document tables (``run.extractors[label].counts()``,
    ``.predictions()``) memory-mapped when asked for."""
    p = _results_path(path)
    summary = _read_summary(p)
    extractors = {
        str(label): ExtractorResults(str(label), info, p.parent)
        for label, info in (summary.get("extractors") or {}).items()
        if isinstance(info, Mapping)
    }
    return Run(p, summary, extractors)


def embedded(path: str | Path) -> dict[str, Any]:
    """The results at ``path`` as one self-contained dict: each extractor's per-document counts
    inline (``per_document``) instead of the files (what a committed baseline holds)."""
    run = load_run(path)
    data = json.loads(json.dumps(run.summary))
    for label, ex in run.extractors.items():
        counts = ex.counts()
        info = data["extractors"][label]
        info.pop("files", None)
        if isinstance(counts, CountsFile):
            info["per_document"] = {
                d: {k: list(v) for k, v in c.items()} for d, c in read_counts(counts).items()
            }
    return data
