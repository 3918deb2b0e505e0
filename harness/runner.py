"""Run extractors over a goldset: goldset x extractors -> predictions (cached) -> scores.

The runner is the only place where plugins and scorers meet; neither knows the other.
An extractor that raises on a document is retried document by document, the failure is recorded
with the document id, and that document is scored with empty predictions (so a crash can never
raise a score); ``fail_fast`` stops at the first failure instead.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from itertools import islice
from typing import Any

from .background import BatchScorer, ScoringJob, worker_helps
from .cache import PredictionCache, code_fingerprint
from .config import ExtractorConfig, RunConfig
from .diagnostics import DiagnosticsTally
from .errors import ExtractorError, HarnessError
from .extractors import Extractor, map_labels, validate_prediction
from .goldset import Goldset, load_goldset
from .model import Entity, Prediction, Task, TextDoc
from .plugins import get_plugins
from .schemes import SCHEMES, bridge_schemes, resolve_gold_map
from .scoring import Counts
from .spool import PredictionSpool

#: Scores that get bootstrap confidence intervals (when the task is evaluated).
HEADLINE_KEYS: dict[str, tuple[str, ...]] = {
    "entities": (
        "entities.strict.micro.f1",
        "entities.partial.micro.f1",
        "entities.strict.macro.f1",
    ),
    "quotes": ("quotes.exact.f1", "quotes.overlap@0.3.f1", "quotes.overlap@0.8.f1"),
    "speakers": ("speakers.accuracy", "attribution.f1"),
}

Progress = Callable[[str, int, int], None]


@dataclass
class DocError:
    doc_id: str
    error: str
    message: str
    traceback: str = ""
    #: ``ExtractorError.diagnostics`` of the failure (counted in ``ExtractorRun.diagnostics``).
    diagnostics: dict[str, float] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if k != "diagnostics"}


@dataclass
class ExtractorRun:
    """Everything one extractor produced in a run."""

    label: str
    name: str
    version: str
    plugin: str
    plugin_version: str
    tasks: tuple[Task, ...]
    options: dict[str, Any]
    label_scheme: str
    gold_label_map: str | None
    prediction_label_map: str | None = None
    labels: tuple[str, ...] = ()
    #: The scored predictions, in goldset order, spilled to a temporary file as they are made.
    predictions: PredictionSpool = field(default_factory=PredictionSpool)
    errors: list[DocError] = field(default_factory=list)
    unmapped_pred_labels: Counter[str] = field(default_factory=Counter)
    ignored_pred_labels: Counter[str] = field(default_factory=Counter)
    unmapped_gold_labels: Counter[str] = field(default_factory=Counter)
    per_doc: list[Counts] = field(default_factory=list)
    #: The extractor's own per-document diagnostics and their totals (harness.diagnostics).
    diagnostics: DiagnosticsTally = field(default_factory=DiagnosticsTally)
    scores: dict[str, float] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    cached_docs: int = 0
    seconds_setup: float = 0.0
    seconds_extract: float = 0.0
    seconds_total: float = 0.0


@dataclass
class RunResult:
    config: RunConfig
    goldset: Goldset
    extractors: list[ExtractorRun]
    seconds: float

    @property
    def complete(self) -> bool:
        return not any(r.errors for r in self.extractors)


def _options_dict(options: Any) -> dict[str, Any]:
    return asdict(options) if is_dataclass(options) else dict(options or {})


def _extract_batch(
    extractor: Extractor, batch: Sequence[TextDoc], fail_fast: bool
) -> tuple[list[Prediction | None], list[DocError]]:
    """Run one batch; on failure retry document by document to isolate the culprit."""
    try:
        preds = list(extractor.extract(batch))
        if len(preds) != len(batch):
            raise ExtractorError(
                extractor.name,
                None,
                f"returned {len(preds)} predictions for {len(batch)} documents",
            )
        return list(preds), []
    except Exception as exc:
        if fail_fast or len(batch) == 1:
            if fail_fast:
                doc_id = batch[0].id if len(batch) == 1 else None
                if isinstance(exc, ExtractorError):
                    raise
                raise ExtractorError(
                    extractor.name, doc_id, f"{type(exc).__name__}: {exc}"
                ) from exc
            return [None], [
                DocError(
                    batch[0].id,
                    type(exc).__name__,
                    str(exc),
                    traceback.format_exc(limit=5),
                    dict(getattr(exc, "diagnostics", None) or {}),
                )
            ]
    out: list[Prediction | None] = []
    errors: list[DocError] = []
    for doc in batch:
        preds, errs = _extract_batch(extractor, [doc], fail_fast)
        out.extend(preds)
        errors.extend(errs)
    return out, errors


def _setup(extractor: Extractor) -> float:
    """Run the extractor's one-time set-up; return the seconds it took."""
    t0 = time.perf_counter()
    try:
        extractor.setup()
    except HarnessError:
        raise
    except Exception as exc:
        raise ExtractorError(
            extractor.name, None, f"setup failed: {type(exc).__name__}: {exc}"
        ) from exc
    return time.perf_counter() - t0


def _extract_missing(
    extractor: Extractor,
    batch: list[TextDoc],
    slots: list[int],
    preds: list[Prediction | None],
    run: ExtractorRun,
    fail_fast: bool,
) -> None:
    """Extract ``batch`` and put each valid prediction into ``preds`` at its slot; failures and
    invalid predictions are recorded in ``run`` (or raised with ``fail_fast``)."""
    t0 = time.perf_counter()
    out, errors = _extract_batch(extractor, batch, fail_fast)
    run.seconds_extract += time.perf_counter() - t0
    run.errors.extend(errors)
    for e in errors:
        run.diagnostics.add(e.doc_id, e.diagnostics, fresh=True)
    for i, doc, pred in zip(slots, batch, out, strict=True):
        if pred is None:
            continue
        problems = validate_prediction(pred, doc)
        if problems:
            err = ExtractorError(
                extractor.name, doc.id, "invalid predictions: " + "; ".join(problems[:5])
            )
            if fail_fast:
                raise err
            run.errors.append(DocError(doc.id, "InvalidPrediction", str(err)))
            continue
        preds[i] = pred


def _tally_diagnostics(
    run: ExtractorRun, preds: Sequence[Prediction | None], extracted: Sequence[int]
) -> None:
    """Count the batch's diagnostics; ``extracted``: slots made now (the rest came from cache)."""
    fresh = set(extracted)
    for i, pred in enumerate(preds):
        if pred is not None and pred.diagnostics:
            run.diagnostics.add(pred.doc_id, pred.diagnostics, fresh=i in fresh)


def _finalise(
    pred: Prediction,
    extractor: Extractor,
    pred_map: dict[str, str | None],
    tasks: tuple[Task, ...],
    labels: tuple[str, ...],
    run: ExtractorRun,
) -> Prediction:
    """Apply the label maps, keep the entity labels scored and only the tasks evaluated."""
    pred, dropped = map_labels(pred, extractor.label_map)
    run.unmapped_pred_labels.update(dropped)
    if pred_map:
        pred, dropped = map_labels(pred, pred_map)
        run.unmapped_pred_labels.update(dropped)
    entities: tuple[Entity, ...] = ()
    if "entities" in tasks:
        entities = tuple(e for e in pred.entities if e.label in labels)
        run.ignored_pred_labels.update(e.label for e in pred.entities if e.label not in labels)
    quotes = pred.quotes if "quotes" in tasks else ()
    return Prediction(pred.doc_id, entities, quotes)


def run_extractor(
    ec: ExtractorConfig,
    goldset: Goldset,
    config: RunConfig,
    *,
    use_cache: bool = True,
    fail_fast: bool = False,
    progress: Progress | None = None,
) -> ExtractorRun:
    t_start = time.perf_counter()
    plugins = get_plugins()
    cls = plugins.extractor(ec.name)
    owner = plugins.extractors.owner(ec.name)
    tasks = tuple(t for t in config.tasks if t in cls.tasks)
    where = f"{config.path or 'config'}: extractors[{ec.label}]"

    labels: tuple[str, ...] = goldset.labels
    gold_map: dict[str, str | None] = {}
    pred_map: dict[str, str | None] = {}
    map_name = pred_map_name = None
    if ec.gold_label_map is not None:
        map_name, gold_map = resolve_gold_map(ec.gold_label_map, goldset.label_scheme, where)
    elif "entities" in tasks:
        gold_map, pred_map = bridge_schemes(goldset.label_scheme, cls.label_scheme)
        map_name = cls.label_scheme if gold_map else None
        pred_map_name = f"{cls.label_scheme}->{goldset.label_scheme}" if pred_map else None
    if gold_map:
        mapped = {v for v in (gold_map.get(x, x) for x in labels) if v}
        order = SCHEMES.get(map_name or "", ())
        labels = tuple(x for x in order if x in mapped) + tuple(sorted(mapped - set(order)))

    run = ExtractorRun(
        label=ec.label,
        name=cls.name,
        version=cls.version,
        plugin=owner,
        plugin_version=plugins.info[owner].version if owner in plugins.info else "?",
        tasks=tasks,
        options=_options_dict(ec.parsed_options),
        label_scheme=cls.label_scheme,
        gold_label_map=map_name,
        prediction_label_map=pred_map_name,
        labels=labels,
        diagnostics=DiagnosticsTally(dict(cls.diagnostic_rates)),
    )
    if not tasks:
        run.seconds_total = time.perf_counter() - t_start
        return run

    extractor = cls(ec.parsed_options, frozenset(tasks))
    folder = config.cache if use_cache else None
    code = code_fingerprint(cls.__module__) if folder else ""
    cache = PredictionCache(folder, cls.name, cls.version, ec.parsed_options, code)
    batch_size = ec.batch_size or config.batch_size
    total, done, ready = len(goldset), 0, False
    job = ScoringJob(
        tasks,
        labels,
        gold_map,
        headline=tuple(k for t in tasks for k in HEADLINE_KEYS[t]),
        samples=config.bootstrap_samples,
        seed=config.bootstrap_seed,
    )
    scorer = BatchScorer(job, background=worker_helps(total, batch_size))
    if progress:
        progress(ec.label, done, total)
    # One pass over the goldset, a batch at a time: cached predictions are reused, the rest are
    # extracted, checked and cached, and the batch goes to the scorer (a worker process when it
    # helps), so scoring overlaps the extraction of the next batch.
    # The cache is saved even when the run stops early (fail-fast, Ctrl-C): work done is kept.
    try:
        for rows in goldset.row_batches(batch_size):
            docs = list(
                map(TextDoc, rows.column("id").to_pylist(), rows.column("text").to_pylist())
            )
            preds: list[Prediction | None] = [cache.get(d) for d in docs]
            todo = [i for i, p in enumerate(preds) if p is None]
            run.cached_docs += len(docs) - len(todo)
            if todo:
                if not ready:
                    run.seconds_setup = _setup(extractor)
                    ready = True
                _extract_missing(extractor, [docs[i] for i in todo], todo, preds, run, fail_fast)
                for i in todo:
                    if (made := preds[i]) is not None:
                        cache.put(docs[i], made)
            _tally_diagnostics(run, preds, todo)
            # a failed document is scored as if nothing was predicted
            finals = [
                _finalise(pred or Prediction(doc.id), extractor, pred_map, tasks, labels, run)
                for doc, pred in zip(docs, preds, strict=True)
            ]
            record = run.predictions.extend(finals)
            scorer.submit(rows, finals, record)
            done += len(docs)
            if progress:
                progress(ec.label, done, total)

        def replay() -> Iterator[tuple[Any, list[Prediction]]]:
            spooled = iter(run.predictions)
            for rows in goldset.row_batches(batch_size):
                yield rows, list(islice(spooled, rows.num_rows))

        scored = scorer.finish(replay)
    finally:
        scorer.close()
        cache.save()

    run.per_doc, run.scores, run.intervals = scored.per_doc, scored.scores, scored.intervals
    run.unmapped_gold_labels.update(scored.unmapped_gold_labels)
    run.seconds_total = time.perf_counter() - t_start
    return run


def run(
    config: RunConfig,
    *,
    use_cache: bool = True,
    fail_fast: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Evaluate every extractor of ``config`` on its goldset."""
    t0 = time.perf_counter()
    goldset = load_goldset(config.goldset)
    runs = [
        run_extractor(
            ec, goldset, config, use_cache=use_cache, fail_fast=fail_fast, progress=progress
        )
        for ec in config.extractors
    ]
    return RunResult(config, goldset, runs, time.perf_counter() - t0)
