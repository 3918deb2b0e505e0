"""Run extractors over a goldset: goldset x extractors -> predictions (cached) -> scores.

The runner is the only place where plugins and scorers meet; neither knows the other.
Per extractor, :func:`run_extractor` takes named steps: resolve the label maps and the scoring
plan (:func:`scoring_plan`), then one pass over the goldset a batch at a time - predictions from
the cache or the extractor (:class:`_Predictor`, which hands the batches the cache cannot answer
to an executor: the run's process, worker processes or Ray, :mod:`harness.executors`), prepared
for scoring (:meth:`harness.scoring.ScoringPlan.prepare`: label maps, scored labels, tasks; all
drops counted), written to the run's predictions file, and counted (:class:`_Counting`: in line,
or in a worker process when that helps) into its counts file - and finally the summary, read
back from the counts file (:mod:`harness.perdoc`). Memory is bounded by the batch, not the
goldset.

An extractor that raises on a document is retried document by document, the failure is recorded
with the document id, and that document is scored with empty predictions (so a crash can never
raise a score); ``fail_fast`` stops at the first failure instead
(:func:`harness.extraction.call_extractor`).
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from .background import CALL_TIMEOUT, Worker, WorkerMode, worker_mode, worth_a_worker
from .cache import PredictionCache, code_fingerprint, extractor_key
from .config import ExtractorConfig, RunConfig
from .diagnostics import DiagnosticsTally
from .execution import Execution, make_executor
from .executors import Executor, ExtractorSpec, InProcess
from .extraction import DocError
from .extractors import Extractor
from .goldset import Goldset, load_goldset
from .model import Document, Prediction, Task, TextDoc
from .perdoc import (
    CountsFile,
    CountsWriter,
    PredictionsFile,
    PredictionsWriter,
    RunFiles,
    write_jsonl_lines,
)
from .plugin_calls import create
from .plugins import Plugins, get_plugins
from .runcache import RunCache, run_key
from .schemes import resolve_label_maps
from .scoring import Counts, Metrics, Scored, ScoringPlan, Tally
from .scoring.slices import SliceScores, SliceSpec, check_slices, score_slices
from .spool import pack_record, unpack_record

__all__ = ["DocError", "ExtractorRun", "RunResult", "run", "run_extractor", "scoring_plan"]

Progress = Callable[[str, int, int], None]
#: Batches between two releases of the goldset's memory pages (:meth:`Goldset.release`).
RELEASE_EVERY = 16


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
    #: The scored predictions, in goldset order, read back from the run's predictions file.
    predictions: Sequence[Prediction] = field(default_factory=list)
    errors: list[DocError] = field(default_factory=list)
    unmapped_pred_labels: Counter[str] = field(default_factory=Counter)
    ignored_pred_labels: Counter[str] = field(default_factory=Counter)
    unmapped_gold_labels: Counter[str] = field(default_factory=Counter)
    #: Per-document counts in goldset order, read back from the run's counts file.
    per_doc: Sequence[Counts] = field(default_factory=list)
    #: The extractor's own per-document diagnostics and their totals (harness.diagnostics).
    diagnostics: DiagnosticsTally = field(default_factory=DiagnosticsTally)
    scores: dict[str, float] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: Scores by slice (config ``slices:``): ``{slice name: {value: SliceScores}}``.
    slices: dict[str, dict[str, SliceScores]] = field(default_factory=dict)
    cached_docs: int = 0
    #: Cache entries found unusable (reported in ``warnings``, recomputed).
    cache_rejected: int = 0
    #: Problems that cost time, not results (a cache that cannot be written...): one sentence each.
    warnings: list[str] = field(default_factory=list)
    #: Where extraction ran: ``{"executor": "local" | "ray", "workers": n, "timeout": s}``.
    execution: dict[str, Any] = field(default_factory=dict)
    #: The per-document files: ``{"predictions": path, "counts": path}``.
    files: dict[str, Path] = field(default_factory=dict)
    seconds_setup: float = 0.0
    seconds_extract: float = 0.0
    seconds_total: float = 0.0

    @property
    def documents(self) -> int:
        return len(self.per_doc)


@dataclass
class RunResult:
    config: RunConfig
    goldset: Goldset
    extractors: list[ExtractorRun]
    seconds: float
    #: The folder of the per-document files until :func:`harness.results.write_run` moves them.
    files: RunFiles | None = None

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


#: What :meth:`_Predictor.batches` yields: a batch's documents, each one's prediction (``None``:
#: failed), the failures by document id, and the documents extracted now (not cached).
Predicted = tuple[list[TextDoc], list["Prediction | None"], dict[str, DocError], int]


class _Predictor:
    """Predictions of each batch: from the cache, else from the executor (which checked them
    where they entered, :mod:`harness.extraction`), then cached. Failures are recorded in
    ``run`` (the executor raised already with ``fail_fast``)."""

    def __init__(self, cache: PredictionCache, executor: Executor, run: ExtractorRun) -> None:
        self.cache, self.executor, self.run = cache, executor, run

    def batches(self, batches: Iterable[list[TextDoc]]) -> Iterator[Predicted]:
        """Each batch with its predictions, in order; the executor gets only what the cache
        did not have (and may work ahead on it)."""
        waiting: deque[tuple[list[TextDoc], list[Prediction | None], list[int]]] = deque()

        def to_extract() -> Iterator[list[TextDoc]]:
            for docs in batches:
                preds = self.cache.get_many(docs)
                todo = [i for i, p in enumerate(preds) if p is None]
                waiting.append((docs, preds, todo))
                yield [docs[i] for i in todo]

        for result in self.executor.map(to_extract()):
            docs, preds, todo = waiting.popleft()
            self.run.cached_docs += len(docs) - len(todo)
            self.run.seconds_extract += result.seconds
            errors = {e.doc_id: e for e in result.errors}
            fresh: list[tuple[TextDoc, Prediction]] = []
            for i, pred in zip(todo, result.predictions, strict=True):
                if pred is not None:  # checked where it entered (harness.extraction)
                    preds[i] = pred
                    fresh.append((docs[i], pred))
            self.cache.put_many(fresh)
            self.run.errors.extend(errors.values())
            self._tally_diagnostics(preds, todo, errors)
            yield docs, preds, errors, len(todo)

    def _tally_diagnostics(
        self, preds: Sequence[Prediction | None], extracted: list[int],
        errors: dict[str, DocError],
    ) -> None:  # fmt: skip
        """Count the batch's diagnostics; ``extracted``: slots made now (the rest: cache)."""
        fresh = set(extracted)
        for i, pred in enumerate(preds):
            if pred is not None and pred.diagnostics:
                self.run.diagnostics.add(pred.doc_id, pred.diagnostics, fresh=i in fresh)
        for e in errors.values():
            self.run.diagnostics.add(e.doc_id, e.diagnostics, fresh=True)


class _GoldTally:
    """A :class:`~harness.scoring.Tally` that reads each batch's gold documents by position and
    writes the counts to ``path`` (the same code in line and in a worker process, which gets the
    goldset's documents once)."""

    def __init__(self, plan: ScoringPlan, gold: Sequence[Document], path: Path) -> None:
        self.writer = CountsWriter(path)
        self.tally = Tally(plan, sink=self.writer)
        self.gold = gold
        self._batches = 0

    def add(self, start: int, preds: Sequence[Prediction]) -> None:
        self.tally.add(self.gold[start : start + len(preds)], preds)
        self._batches += 1
        if self._batches % RELEASE_EVERY == 0:
            release = getattr(self.gold, "release", None)
            if release is not None:
                release()

    def add_record(self, start: int, record: bytes) -> None:
        """:meth:`add` of predictions packed by :func:`harness.spool.pack_record`."""
        self.add(start, unpack_record(record))

    def close(self) -> Counter[str]:
        """Finish the counts file; return the gold labels the gold label map dropped."""
        self.writer.close()
        return self.tally.unmapped_gold


class _Counting:
    """Counts batches in line, or in a worker process while the next batch is extracted, into
    the counts file ``path``; :meth:`finish` summarises it (in this process).

    ``mode`` (:func:`harness.background.worker_mode`): ``never``; ``always`` (a worker from the
    start); ``auto``: the first batch is counted in line, and a worker is started, and sent that
    batch again, when the first batch's costs say it will save time
    (:func:`harness.background.worth_a_worker`: not for a cached or replayed run, whose
    predictions come faster than they are counted, nor for a short run).

    If the worker fails in any way - it raises, dies, or does not answer a call within
    :data:`harness.background.CALL_TIMEOUT` seconds (stopped, hung) - it is killed and every
    batch is counted again in line from ``replay`` (the run's predictions file): a scoring error
    is then raised here, as without a worker, and a failed worker costs time, not results.
    """

    def __init__(
        self, plan: ScoringPlan, gold: Sequence[Document], path: Path, mode: WorkerMode
    ) -> None:
        self._plan, self._gold, self.path = plan, gold, path
        self._worker: Worker | None = None
        self._pending: list[Future[Any]] = []
        self._undecided = mode == "auto"
        self._inline: _GoldTally | None = None
        if mode == "always":
            self._start_worker([])
        if self._worker is None:
            self._inline = _GoldTally(plan, gold, path)

    def _start_worker(self, sent: list[tuple[int, bytes]]) -> None:
        try:
            self._worker = Worker(_GoldTally, self._plan, self._gold, self.path)
        except Exception:  # no process here, or a plan that cannot be pickled (a score
            return  # defined in a notebook): count in line
        if self._inline is not None:
            self._inline.writer.close()
            self._inline = None
        self._pending = [self._worker.call("add_record", start, rec) for start, rec in sent]

    def add(
        self, start: int, preds: Sequence[Prediction], record: bytes | None = None,
        made: float = 0.0, remaining: int = 0,
    ) -> None:  # fmt: skip
        """Count a batch; ``record``: the batch packed by :func:`harness.spool.pack_record`
        (made here when not given), ``made``: the seconds it took to produce, ``remaining``:
        documents still to come (for the decision of an ``auto`` counting)."""
        if self._worker is not None:
            record = record if record is not None else pack_record(preds)
            self._pending.append(self._worker.call("add_record", start, record))
            return
        assert self._inline is not None
        t0 = time.perf_counter()
        self._inline.add(start, preds)
        if self._undecided:
            self._undecided = False
            counted = time.perf_counter() - t0
            if worth_a_worker(made, counted, len(preds), remaining):
                record = record if record is not None else pack_record(preds)
                self._start_worker([(start, record)])

    def _from_worker(self) -> Counter[str] | None:
        """The worker's counts, or ``None`` when it failed (then it is stopped)."""
        assert self._worker is not None
        try:
            for f in self._pending:
                f.result(timeout=CALL_TIMEOUT)
            return self._worker.call("close").result(timeout=CALL_TIMEOUT)
        except Exception:  # raised, died, or no answer in time: count everything here
            self.close()
            return None

    def finish(self, replay: Callable[[], Iterable[tuple[int, list[Prediction]]]]) -> Scored:
        unmapped = self._from_worker() if self._worker is not None else None
        if unmapped is None and self._inline is None:
            self._inline = _GoldTally(self._plan, self._gold, self.path)
            for start, preds in replay():
                self._inline.add(start, preds)
        if self._inline is not None:
            unmapped = self._inline.close()
        assert unmapped is not None
        counts = CountsFile(self.path)
        scores, intervals = self._plan.summarise(counts)
        return Scored(counts, unmapped, scores, intervals)

    @property
    def in_worker(self) -> bool:
        return self._worker is not None

    def close(self) -> None:
        """Stop the worker at once (after an error or an interrupt); safe to call twice."""
        if self._worker is not None:
            self._worker.close()
            self._worker = None
        if self._inline is not None:
            self._inline.writer.close()


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
    writer: PredictionsWriter,
    counting: _Counting,
    plan: ScoringPlan,
    goldset: Goldset,
    batch_size: int,
    progress: Progress | None,
) -> Scored:
    """One pass over the goldset, a batch at a time: predict, prepare, write, count."""
    done = 0
    if progress:
        progress(run.label, done, len(goldset))
    t0 = time.perf_counter()
    for docs, preds, errors, _ in predictor.batches(_text_batches(goldset, batch_size)):
        finals = _prepare(plan, docs, preds, run)
        writer.write(
            finals,
            {d: (e.error, e.message) for d, e in errors.items()},
            [None if p is None else p.diagnostics for p in preds],
        )
        done += len(docs)
        if (done // batch_size) % RELEASE_EVERY == 0:
            goldset.release()
        setup = predictor.executor.seconds_setup * (done == len(docs))
        made = time.perf_counter() - t0 - setup
        counting.add(done - len(docs), finals, made=made, remaining=len(goldset) - done)
        if progress:
            progress(run.label, done, len(goldset))
        t0 = time.perf_counter()

    def replay() -> Iterator[tuple[int, list[Prediction]]]:
        writer.close()
        start = 0
        for preds in PredictionsFile(writer.path).batches():
            yield start, preds
            start += len(preds)

    return counting.finish(replay)


def run_extractor(
    ec: ExtractorConfig,
    goldset: Goldset,
    config: RunConfig,
    *,
    use_cache: bool = True,
    fail_fast: bool = False,
    progress: Progress | None = None,
    files: RunFiles | None = None,
) -> ExtractorRun:
    """Predict with one extractor of the config on the goldset and score it; the per-document
    files go to ``files`` (a new :class:`~harness.perdoc.RunFiles` when not given). With the
    cache, a run whose inputs did not change is reused whole (:mod:`harness.runcache`)."""
    t_start = time.perf_counter()
    plugins = get_plugins()
    cls = plugins.extractor(ec.name)
    tasks = tuple(t for t in config.tasks if t in cls.tasks)
    run = _new_run(ec, cls, plugins, tasks)
    if not tasks:
        run.seconds_total = time.perf_counter() - t_start
        return run
    extractor = create(cls, ec.parsed_options, frozenset(tasks))
    plan = scoring_plan(ec, extractor, goldset, config, tasks, plugins)
    _record_plan(run, plan)
    files = files or RunFiles()
    run.files = {k: files.path(ec.label, k) for k in ("predictions", "counts", "jsonl")}
    folder = config.cache if use_cache else None
    code = code_fingerprint(cls.__module__) if folder else ""
    key = extractor_key(cls.name, cls.version, ec.parsed_options, code)
    runs = RunCache(folder, key, run_key(goldset, key, plan), run.warnings.append)
    execution = (ec.execution or config.execution).resolved(config.execution)
    stored = runs.load(run.files) if folder else None
    if stored is not None:
        _reused(run, stored, execution)
        if progress:
            progress(run.label, 0, len(goldset))
            progress(run.label, len(goldset), len(goldset))
    else:
        cache = PredictionCache(
            folder, cls.name, cls.version, ec.parsed_options, code, warn=run.warnings.append
        )
        scored = _extract_and_score(ec, cls, extractor, run, plan, goldset, config, cache,
                                    execution, fail_fast, progress)  # fmt: skip
        run.scores, run.intervals = scored.scores, scored.intervals
        run.unmapped_gold_labels.update(scored.unmapped_gold_labels)
        write_jsonl_lines(PredictionsFile(run.files["predictions"]), run.files["jsonl"])
        if folder and not run.errors:
            runs.store(run.files, _stored(run, len(goldset)))
    # the files' readers keep the run's folder alive as long as anyone reads them
    run.predictions = PredictionsFile(run.files["predictions"], owner=files)
    run.per_doc = CountsFile(run.files["counts"], owner=files)
    specs = slice_specs(config, goldset)
    run.slices = score_slices(plan, specs, goldset, run.predictions, run.per_doc)
    run.seconds_total = time.perf_counter() - t_start
    return run


def _extract_and_score(
    ec: ExtractorConfig, cls: type[Extractor], extractor: Extractor, run: ExtractorRun,
    plan: ScoringPlan, goldset: Goldset, config: RunConfig, cache: PredictionCache,
    execution: Execution, fail_fast: bool, progress: Progress | None,
) -> Scored:  # fmt: skip
    """The pass over the goldset: predictions (cache or executor), counts, the summary."""
    spec = ExtractorSpec(cls, ec.parsed_options, frozenset(run.tasks))
    executor = make_executor(spec, extractor, execution, fail_fast)
    run.execution = execution.describe()
    batch_size = ec.batch_size or config.batch_size
    mode = worker_mode(len(goldset), batch_size) if isinstance(executor, InProcess) else "never"
    writer = PredictionsWriter(run.files["predictions"])
    counting = _Counting(plan, goldset.documents, run.files["counts"], mode)
    # Whatever stops the run (fail-fast, Ctrl-C, SIGTERM), every batch already cached is kept:
    # the cache writes each batch when it is made.
    try:
        predictor = _Predictor(cache, executor, run)
        return _predict_and_count(
            run, predictor, writer, counting, plan, goldset, batch_size, progress
        )
    finally:
        counting.close()
        executor.close()
        cache.close()
        writer.close()
        run.seconds_setup = executor.seconds_setup
        run.cache_rejected = cache.rejected


def _stored(run: ExtractorRun, n_docs: int) -> dict[str, Any]:
    """What the run cache keeps of a run besides its files."""
    return {
        "documents": n_docs,
        "scores": run.scores,
        "intervals": {k: list(v) for k, v in run.intervals.items()},
        "unmapped_pred_labels": dict(run.unmapped_pred_labels),
        "ignored_pred_labels": dict(run.ignored_pred_labels),
        "unmapped_gold_labels": dict(run.unmapped_gold_labels),
        "diagnostics": {
            "per_document": run.diagnostics.per_document,
            "total": dict(run.diagnostics.total),
        },
    }


def _reused(run: ExtractorRun, stored: dict[str, Any], execution: Execution) -> None:
    """Fill ``run`` from a run cache entry (nothing extracted, nothing counted)."""
    run.scores = dict(stored["scores"])
    run.intervals = {k: (v[0], v[1]) for k, v in stored["intervals"].items()}
    run.unmapped_pred_labels.update(stored["unmapped_pred_labels"])
    run.ignored_pred_labels.update(stored["ignored_pred_labels"])
    run.unmapped_gold_labels.update(stored["unmapped_gold_labels"])
    run.diagnostics.per_document.update(stored["diagnostics"]["per_document"])
    run.diagnostics.total.update(stored["diagnostics"]["total"])
    run.cached_docs = int(stored["documents"])
    run.execution = {**execution.describe(), "reused": True}


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
    files = RunFiles()
    try:
        runs = []
        for ec in config.extractors:
            runs.append(
                run_extractor(
                    ec,
                    goldset,
                    config,
                    use_cache=use_cache,
                    fail_fast=fail_fast,
                    progress=progress,
                    files=files,
                )
            )
    except BaseException:
        files.cleanup()
        raise
    return RunResult(config, goldset, runs, time.perf_counter() - t0, files)
