"""Run extractors over a goldset: goldset x extractors -> predictions (cached) -> scores.

The runner is the only place where plugins and scorers meet; neither knows the other.
Per extractor, :func:`run_extractor` takes named steps: resolve the label maps and the scoring
plan (:func:`scoring_plan`), then one pass over the goldset a batch at a time - predictions from
the cache or the extractor (:class:`_Predictor`), prepared for scoring
(:meth:`harness.scoring.ScoringPlan.prepare`: label maps, scored labels, tasks; all drops
counted), spooled, and counted (:class:`_Counting`: in line, or in a worker process when that
helps) - and finally the summary.

An extractor that raises on a document is retried document by document, the failure is recorded
with the document id, and that document is scored with empty predictions (so a crash can never
raise a score); ``fail_fast`` stops at the first failure instead.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, is_dataclass
from itertools import islice
from typing import Any

from .background import Worker, WorkerMode, worker_mode, worth_a_worker
from .cache import PredictionCache, code_fingerprint
from .config import ExtractorConfig, RunConfig
from .diagnostics import DiagnosticsTally
from .errors import ExtractorError, HarnessError
from .extractors import Extractor, validate_prediction
from .goldset import Goldset, load_goldset
from .model import Document, Prediction, Task, TextDoc
from .plugins import Plugins, get_plugins
from .schemes import resolve_label_maps
from .scoring import Counts, Metrics, Scored, ScoringPlan, Tally
from .scoring.slices import SliceScores, SliceSpec, check_slices, score_slices
from .spool import PredictionSpool, unpack_record

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
    #: The label maps applied: ``{"gold": {...}, "prediction": {...}}``.
    label_maps: dict[str, dict[str, str | None]] = field(default_factory=dict)
    #: Declarations of the scores it was given (built-in and plugins').
    metrics: Metrics = field(default_factory=lambda: Metrics(()))
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
    #: Scores by slice (config ``slices:``): ``{slice name: {value: SliceScores}}``.
    slices: dict[str, dict[str, SliceScores]] = field(default_factory=dict)
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
    def metrics(self) -> Metrics:
        """Declarations of every score of the run (built-in and plugins')."""
        out = Metrics().for_tasks(self.config.tasks)
        for r in self.extractors:
            out = out.merged(r.metrics)
        return out

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


class _Predictor:
    """Predictions of a batch: from the cache, else from the extractor (set up on first use),
    checked and cached. Failures and invalid predictions are recorded in ``run`` (or raised
    with ``fail_fast``)."""

    def __init__(
        self, extractor: Extractor, cache: PredictionCache, run: ExtractorRun, fail_fast: bool
    ) -> None:
        self.extractor, self.cache, self.run, self.fail_fast = extractor, cache, run, fail_fast
        self._ready = False

    def predict(self, docs: Sequence[TextDoc]) -> list[Prediction | None]:
        preds: list[Prediction | None] = [self.cache.get(d) for d in docs]
        todo = [i for i, p in enumerate(preds) if p is None]
        self.run.cached_docs += len(docs) - len(todo)
        if todo:
            if not self._ready:
                self.run.seconds_setup = _setup(self.extractor)
                self._ready = True
            made = self._extract([docs[i] for i in todo])
            for i, pred in zip(todo, made, strict=True):
                if pred is not None:
                    preds[i] = pred
                    self.cache.put(docs[i], pred)
        self._tally_diagnostics(preds, todo)
        return preds

    def _tally_diagnostics(self, preds: Sequence[Prediction | None], extracted: list[int]) -> None:
        """Count the batch's diagnostics; ``extracted``: slots made now (the rest: cache)."""
        fresh = set(extracted)
        for i, pred in enumerate(preds):
            if pred is not None and pred.diagnostics:
                self.run.diagnostics.add(pred.doc_id, pred.diagnostics, fresh=i in fresh)

    def _extract(self, batch: list[TextDoc]) -> list[Prediction | None]:
        t0 = time.perf_counter()
        out, errors = _extract_batch(self.extractor, batch, self.fail_fast)
        self.run.seconds_extract += time.perf_counter() - t0
        self.run.errors.extend(errors)
        for e in errors:
            self.run.diagnostics.add(e.doc_id, e.diagnostics, fresh=True)
        return [None if p is None else self._checked(p, d) for d, p in zip(batch, out, strict=True)]

    def _checked(self, pred: Prediction, doc: TextDoc) -> Prediction | None:
        problems = validate_prediction(pred, doc)
        if not problems:
            return pred
        err = ExtractorError(
            self.extractor.name, doc.id, "invalid predictions: " + "; ".join(problems[:5])
        )
        if self.fail_fast:
            raise err
        self.run.errors.append(DocError(doc.id, "InvalidPrediction", str(err)))
        return None


class _GoldTally:
    """A :class:`~harness.scoring.Tally` that reads each batch's gold documents by position
    (the same code in line and in a worker process, which gets the goldset's documents once)."""

    def __init__(self, plan: ScoringPlan, gold: Sequence[Document]) -> None:
        self.tally = Tally(plan)
        self.gold = gold

    def add(self, start: int, preds: Sequence[Prediction]) -> None:
        self.tally.add(self.gold[start : start + len(preds)], preds)

    def add_record(self, start: int, record: bytes) -> None:
        """:meth:`add` of predictions packed by :func:`harness.spool.pack_record`."""
        self.add(start, unpack_record(record))

    def finish(self) -> Scored:
        return self.tally.finish()


class _Counting:
    """Counts batches in line, or in a worker process while the next batch is extracted.

    ``mode`` (:func:`harness.background.worker_mode`): ``never``; ``always`` (a worker from the
    start); ``auto``: the first batch is counted in line, and a worker is started, and sent that
    batch again, when the first batch's costs say it will save time
    (:func:`harness.background.worth_a_worker`: not for a cached or replayed run, whose
    predictions come faster than they are counted, nor for a short run).

    If the worker fails in any way, every batch is counted again in line from ``replay``
    (the spooled predictions): a scoring error is then raised here, as without a worker, and
    a dead worker costs time, not results.
    """

    def __init__(self, plan: ScoringPlan, gold: Sequence[Document], mode: WorkerMode) -> None:
        self._plan, self._gold = plan, gold
        self._worker: Worker | None = None
        self._pending: list[Future[Any]] = []
        self._undecided = mode == "auto"
        self._inline: _GoldTally | None = _GoldTally(plan, gold)
        if mode == "always":
            self._start_worker([])

    def _start_worker(self, sent: list[tuple[int, bytes]]) -> None:
        try:
            self._worker = Worker(_GoldTally, self._plan, self._gold)
        except Exception:  # no process here, or a plan that cannot be pickled (a score
            return  # defined in a notebook): count in line
        self._inline = None
        self._pending = [self._worker.call("add_record", start, rec) for start, rec in sent]

    def add(
        self, start: int, preds: Sequence[Prediction], record: bytes, made: float = 0.0,
        remaining: int = 0,
    ) -> None:  # fmt: skip
        """Count a batch; ``made``: the seconds it took to produce, ``remaining``: documents
        still to come (for the decision of an ``auto`` counting)."""
        if self._worker is not None:
            self._pending.append(self._worker.call("add_record", start, record))
            return
        assert self._inline is not None
        t0 = time.perf_counter()
        self._inline.add(start, preds)
        if self._undecided:
            self._undecided = False
            counted = time.perf_counter() - t0
            if worth_a_worker(made, counted, len(preds), remaining):
                self._start_worker([(start, record)])

    def finish(self, replay: Callable[[], Iterator[tuple[int, list[Prediction]]]]) -> Scored:
        if self._worker is not None:
            try:
                for f in self._pending:
                    f.result()
                return self._worker.call("finish").result()
            except Exception:  # the worker failed: count everything again, here
                self.close()
                self._inline = _GoldTally(self._plan, self._gold)
                for start, preds in replay():
                    self._inline.add(start, preds)
        assert self._inline is not None
        return self._inline.finish()

    @property
    def in_worker(self) -> bool:
        return self._worker is not None

    def close(self) -> None:
        """Stop the worker at once (after an error or an interrupt); safe to call twice."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def _new_run(
    ec: ExtractorConfig, cls: type[Extractor], plugins: Plugins, tasks: tuple[Task, ...]
) -> ExtractorRun:
    """The run's provenance, before anything is extracted."""
    owner = plugins.extractors.owner(ec.name)
    return ExtractorRun(
        label=ec.label,
        name=cls.name,
        version=cls.version,
        plugin=owner,
        plugin_version=plugins.info[owner].version if owner in plugins.info else "?",
        tasks=tasks,
        options=_options_dict(ec.parsed_options),
        label_scheme=cls.label_scheme,
        gold_label_map=None,
        diagnostics=DiagnosticsTally(dict(cls.diagnostic_rates)),
    )


def scoring_plan(
    ec: ExtractorConfig,
    extractor: Extractor,
    goldset: Goldset,
    config: RunConfig,
    tasks: tuple[Task, ...],
    plugins: Plugins | None = None,
) -> ScoringPlan:
    """How ``extractor`` is scored on ``goldset``: its label maps (its own, the scheme bridge,
    the config's ``gold_label_map``), the plugins' scores of the tasks, the bootstrap."""
    plugins = plugins or get_plugins()
    maps = resolve_label_maps(
        goldset.label_scheme, goldset.labels, extractor.label_scheme, extractor.label_map,
        ec.gold_label_map, entities="entities" in tasks,
        where=f"{config.path or 'config'}: extractors[{ec.label}]",
    )  # fmt: skip
    scores = tuple(s for _, s in plugins.scores.items() if s.task in tasks)
    return ScoringPlan(
        tasks, maps, scores, samples=config.bootstrap_samples, seed=config.bootstrap_seed
    )


def slice_specs(config: RunConfig, goldset: Goldset) -> list[SliceSpec]:
    """The config's slices, checked against what the goldset declares."""
    where = f"{config.path or 'config'}: slices"
    return check_slices(config.slices, goldset.metadata_keys, goldset.speaker_attributes, where)


def _record_plan(run: ExtractorRun, plan: ScoringPlan) -> None:
    maps = plan.label_maps
    run.labels = maps.labels
    run.gold_label_map, run.prediction_label_map = maps.gold_name, maps.prediction_name
    run.label_maps = {"gold": dict(maps.gold), "prediction": dict(maps.prediction)}
    run.metrics = plan.metrics


def _text_batches(goldset: Goldset, size: int) -> Iterator[list[TextDoc]]:
    """The goldset's ids and texts, ``size`` documents at a time."""
    for rows in goldset.row_batches(size):
        ids, texts = rows.column("id").to_pylist(), rows.column("text").to_pylist()
        yield list(map(TextDoc, ids, texts))


def _prepare(
    plan: ScoringPlan,
    docs: Sequence[TextDoc],
    preds: Sequence[Prediction | None],
    run: ExtractorRun,
) -> list[Prediction]:
    """The predictions as they are scored (a failed document as if nothing was predicted);
    what the label maps drop and the labels outside the scored ones are counted in ``run``."""
    out = []
    for doc, pred in zip(docs, preds, strict=True):
        prepared = plan.prepare(pred or Prediction(doc.id))
        run.unmapped_pred_labels.update(prepared.unmapped)
        run.ignored_pred_labels.update(prepared.ignored)
        out.append(prepared.prediction)
    return out


def _predict_and_count(
    run: ExtractorRun,
    predictor: _Predictor,
    counting: _Counting,
    plan: ScoringPlan,
    goldset: Goldset,
    batch_size: int,
    progress: Progress | None,
) -> Scored:
    """One pass over the goldset, a batch at a time: predict, prepare, spool, count."""
    done = 0
    if progress:
        progress(run.label, done, len(goldset))
    for docs in _text_batches(goldset, batch_size):
        t0 = time.perf_counter()
        finals = _prepare(plan, docs, predictor.predict(docs), run)
        record = run.predictions.extend(finals)
        made = time.perf_counter() - t0 - run.seconds_setup * (done == 0)
        done += len(docs)
        counting.add(done - len(docs), finals, record, made, len(goldset) - done)
        if progress:
            progress(run.label, done, len(goldset))

    def replay() -> Iterator[tuple[int, list[Prediction]]]:
        spooled = iter(run.predictions)
        for start in range(0, len(goldset), batch_size):
            yield start, list(islice(spooled, batch_size))

    return counting.finish(replay)


def run_extractor(
    ec: ExtractorConfig,
    goldset: Goldset,
    config: RunConfig,
    *,
    use_cache: bool = True,
    fail_fast: bool = False,
    progress: Progress | None = None,
) -> ExtractorRun:
    """Predict with one extractor of the config on the goldset and score it."""
    t_start = time.perf_counter()
    plugins = get_plugins()
    cls = plugins.extractor(ec.name)
    tasks = tuple(t for t in config.tasks if t in cls.tasks)
    run = _new_run(ec, cls, plugins, tasks)
    if not tasks:
        run.seconds_total = time.perf_counter() - t_start
        return run
    extractor = cls(ec.parsed_options, frozenset(tasks))
    plan = scoring_plan(ec, extractor, goldset, config, tasks, plugins)
    _record_plan(run, plan)
    folder = config.cache if use_cache else None
    code = code_fingerprint(cls.__module__) if folder else ""
    cache = PredictionCache(folder, cls.name, cls.version, ec.parsed_options, code)
    batch_size = ec.batch_size or config.batch_size
    counting = _Counting(plan, goldset.documents, worker_mode(len(goldset), batch_size))
    # The cache is saved even when the run stops early (fail-fast, Ctrl-C): work done is kept.
    try:
        scored = _predict_and_count(
            run, _Predictor(extractor, cache, run, fail_fast), counting, plan, goldset,
            batch_size, progress,
        )  # fmt: skip
    finally:
        counting.close()
        cache.save()
    run.per_doc, run.scores, run.intervals = scored.per_doc, scored.scores, scored.intervals
    run.unmapped_gold_labels.update(scored.unmapped_gold_labels)
    specs = slice_specs(config, goldset)
    run.slices = score_slices(plan, specs, goldset, run.predictions, run.per_doc)
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
    slice_specs(config, goldset)  # a slice the goldset cannot give fails before any work
    runs = [
        run_extractor(
            ec, goldset, config, use_cache=use_cache, fail_fast=fail_fast, progress=progress
        )
        for ec in config.extractors
    ]
    return RunResult(config, goldset, runs, time.perf_counter() - t0)
