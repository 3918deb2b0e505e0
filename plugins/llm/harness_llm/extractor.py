"""The ``llm`` extractor: entities, quotes and speakers from any OpenAI-compatible server.

For a batch of documents, every request (a task for a chunk of a document) is sent at once
through a pool of ``concurrency`` threads, each answer looked up first in the response cache.
Answers are checked against the task's JSON Schema, their strings aligned to the text, and
chunks merged. A document whose answer is malformed, truncated or refused, or whose request
failed after its retries, raises :class:`harness.errors.ExtractorError` for that document only
(the runner records it and goes on).

Every prediction carries diagnostics (see ``harness.diagnostics``): items generated, aligned at
each level, unaligned, rejected, merged; requests, retries, cached answers, and tokens spent
(``prompt_tokens``, ``completion_tokens``) or read from the cache (``cached_*``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import ConfigError, ExtractorError
from harness.errors import did_you_mean as _did_you_mean
from harness.extractors import Extractor
from harness.model import ONTONOTES_LABELS, Entity, Prediction, Quote, Task, TextDoc

from . import __version__
from .align import Aligner
from .assemble import (
    Tally,
    entities_of,
    merge_chunks,
    numbered,
    quotes_of,
    shift_quotes,
    with_speakers,
)
from .cache import ResponseCache, request_key
from .chunking import Chunk, split
from .client import ChatClient, RequestError, UnsupportedFormat
from .options import LLMOptions
from .prompts import Prompt, label_lines
from .schema import QUOTES_SCHEMA, SPEAKERS_SCHEMA, OutputError, entities_schema, parse_answer

log = logging.getLogger("harness_llm")

#: Diagnostics whose ratio is reported (``harness.extractors.Extractor.diagnostic_rates``).
RATES = {"unaligned_rate": ("unaligned", "generated")}


@dataclass
class Job:
    """One request: a task on a chunk of a document, and what came back."""

    doc: int
    chunk_no: int
    chunk: Chunk
    task: str
    values: dict[str, str]
    key: str = ""
    response: dict[str, Any] | None = None
    error: Exception | None = None
    fresh: bool = False
    attempts: int = 0
    answer: dict[str, Any] | None = field(default=None, repr=False)


class LLMExtractor(Extractor):
    """Prompted language model behind an OpenAI-compatible chat-completions API."""

    name = "llm"
    version = __version__
    tasks = frozenset({"entities", "quotes", "speakers"})
    label_scheme = "ontonotes"
    labels = ONTONOTES_LABELS
    Options = LLMOptions
    diagnostic_rates = RATES

    def __init__(self, options: Any = None, tasks: frozenset[Task] | None = None) -> None:
        super().__init__(options, tasks)
        opts: LLMOptions = self.options
        #: The ``label_map`` option, handed to the runner's label maps (which count its drops).
        self.label_map = dict(opts.label_map)
        self.prompts = {
            t: Prompt(p["id"], p["system"], p["user"]) for t, p in opts.resolved_prompts.items()
        }
        self._client: ChatClient | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._cache = ResponseCache(None)
        self._memo: dict[str, Job | Exception] = {}
        self._lock = threading.Lock()
        self._mode = "json_schema" if opts.structured_output == "auto" else opts.structured_output
        self._schemas = {
            "entities": entities_schema(opts.labels),
            "quotes": QUOTES_SCHEMA,
            "speakers": SPEAKERS_SCHEMA,
        }
        self._schema_text = {
            t: json.dumps(schema, separators=(",", ":")) for t, schema in self._schemas.items()
        }
        self._labels_text = label_lines(opts.labels, opts.label_descriptions)

    # -- set-up -----------------------------------------------------------------------------

    def setup(self) -> None:
        opts: LLMOptions = self.options
        try:
            key = opts.api_key()
        except ValueError as exc:
            raise ConfigError(f"llm extractor: {exc}") from exc
        self._client = ChatClient(
            opts.base_url,
            api_key=key,
            timeout=opts.timeout,
            concurrency=opts.concurrency,
            max_retries=opts.max_retries,
            backoff=opts.backoff,
            max_backoff=opts.max_backoff,
            max_retry_wait=opts.max_retry_wait,
        )
        self._pool = ThreadPoolExecutor(opts.concurrency, thread_name_prefix="harness-llm")
        self._cache = ResponseCache(Path(opts.cache_dir) if opts.cache_dir else None)
        if opts.structured_output == "auto" and self._cache.get_meta(self._format_key()):
            self._mode = "prompt"
        if opts.check_server:
            self._check_server()

    def _check_server(self) -> None:
        assert self._client is not None
        try:
            models = self._client.models()
        except RequestError as exc:
            raise ConfigError(f"llm extractor: {exc}") from exc
        if models is not None and self.options.model not in models:
            raise ConfigError(
                f"llm extractor: the server at {self.options.base_url} has no model "
                f"{self.options.model!r}.{_did_you_mean(self.options.model, models)}"
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        if self._client is not None:
            self._client.close()
        self._cache.close()

    def __del__(self) -> None:  # the runner has no teardown hook: free threads and sockets
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def _format_key(self) -> str:
        return f"no-json-schema {self.options.base_url.rstrip('/')} {self.options.model}"

    # -- requests ---------------------------------------------------------------------------

    def _body(self, job: Job, mode: str) -> dict[str, Any]:
        opts: LLMOptions = self.options
        schema = self._schemas[job.task]
        values = {**job.values, "schema": self._schema_text[job.task]}
        body: dict[str, Any] = {
            **opts.extra_body,
            "model": opts.model,
            "messages": self.prompts[job.task].render(**values),
            "temperature": opts.temperature,
            "max_tokens": opts.max_tokens,
        }
        if opts.seed is not None:
            body["seed"] = opts.seed
        if mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": job.task, "strict": True, "schema": schema},
            }
        elif mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _lookup(self, job: Job) -> tuple[str, dict[str, Any]] | None:
        """Fill ``job`` from this run's memo or the cache; else ``(mode, request body)``."""
        mode = self._mode
        body = self._body(job, mode)
        job.key = request_key(self.options.base_url, body)
        with self._lock:
            memo = self._memo.get(job.key)
        if isinstance(memo, Exception):
            job.error = memo
            return None
        if memo is not None:
            job.response, job.fresh, job.attempts = memo.response, memo.fresh, memo.attempts
            return None
        cached = self._cache.get(job.key)
        if cached is not None:
            job.response = cached
            return None
        return mode, body

    def _fetch(self, job: Job) -> None:
        """Fill ``job`` with its answer: from this run's memo, the cache, or the server."""
        assert self._client is not None
        request = self._lookup(job)
        if request is None:
            return
        mode, body = request
        try:
            reply = self._client.chat(body)
        except UnsupportedFormat as exc:
            if self.options.structured_output == "auto" and mode == "json_schema":
                self._fall_back(str(exc))
                return self._fetch(job)
            job.error = RequestError(
                f"{exc} (the server does not take this response_format: "
                "set structured_output: prompt)"
            )
        except RequestError as exc:
            job.error = exc
        else:
            job.response, job.fresh, job.attempts = reply.response, True, reply.attempts
            self._cache.put(job.key, self.options.model, reply.response)
        with self._lock:
            self._memo[job.key] = job.error if job.error is not None else job
        return None

    def _fall_back(self, why: str) -> None:
        with self._lock:
            if self._mode == "json_schema":
                log.warning("server refused JSON-schema output (%s); using plain JSON prompts", why)
                self._mode = "prompt"
                self._cache.set_meta(self._format_key(), why)

    def _run(self, jobs: Sequence[Job]) -> None:
        """Answer every job: those in the memo or the cache here (a cached re-run starts no
        thread), the others through the pool of ``concurrency`` threads."""
        assert self._pool is not None
        pending = [job for job in jobs if self._lookup(job) is not None]
        list(self._pool.map(self._fetch, pending))

    # -- answers ----------------------------------------------------------------------------

    def _answer(self, job: Job) -> dict[str, Any]:
        """The checked JSON answer of ``job``; :class:`OutputError` or the request's error."""
        if job.answer is not None:
            return job.answer
        where = f"{job.task} request for chunk {job.chunk_no + 1}"
        if job.error is not None:
            raise OutputError(f"{where} failed: {job.error}")
        r = job.response or {}
        if r.get("refusal"):
            raise OutputError(f"{where}: the model refused: {str(r['refusal'])[:200]}")
        if r.get("finish_reason") == "length":
            raise OutputError(
                f"{where}: answer truncated at max_tokens={self.options.max_tokens} "
                "(raise max_tokens or lower chunk_chars)"
            )
        try:
            job.answer = parse_answer(r.get("content"), self._schemas[job.task])
        except OutputError as exc:
            raise OutputError(f"{where}: {exc}") from None
        return job.answer

    def _aligner(self, chunk: Chunk) -> Aligner:
        return Aligner(chunk.text, self.options.fuzzy_threshold, self.options.fuzzy_min_chars)

    def _plan(self, docs: Sequence[TextDoc]) -> tuple[list[list[Chunk]], list[Job]]:
        opts: LLMOptions = self.options
        want = self.tasks_requested
        tasks = (["entities"] if "entities" in want else []) + (
            ["quotes"] if want & {"quotes", "speakers"} else []
        )
        chunks = [split(d.text, opts.chunk_chars, opts.chunk_overlap) for d in docs]
        jobs = [
            Job(i, n, c, t, {"text": c.text, "labels": self._labels_text})
            for i, cs in enumerate(chunks)
            for n, c in enumerate(cs)
            for t in tasks
        ]
        return chunks, jobs

    def _speaker_jobs(self, jobs: Sequence[Job]) -> list[Job]:
        """Second pass: who said each quote found in a chunk (chunks with quotes only)."""
        out = []
        for job in jobs:
            if job.task != "quotes" or job.error is not None:
                continue
            try:
                quotes = quotes_of(self._answer(job), job.chunk, self._aligner(job.chunk), Tally())
            except OutputError:
                continue  # reported when the document is assembled
            if quotes:
                values = {"text": job.chunk.text, "quotes": numbered(quotes)}
                out.append(Job(job.doc, job.chunk_no, job.chunk, "speakers", values))
        return out

    # -- documents --------------------------------------------------------------------------

    def _assemble(
        self, doc: TextDoc, n_chunks: int, jobs: Sequence[Job], tally: Tally
    ) -> Prediction:
        opts: LLMOptions = self.options
        tally["chunks"] = n_chunks
        entities: list[tuple[int, Entity]] = []
        quotes: list[tuple[int, Quote]] = []
        speakers = {j.chunk_no: j for j in jobs if j.task == "speakers"}
        for job in jobs:
            if job.task == "speakers":
                continue
            answer = self._answer(job)
            aligner = self._aligner(job.chunk)
            if job.task == "entities":
                found = entities_of(answer, job.chunk, aligner, opts.labels, tally)
                entities += [(job.chunk_no, e) for e in found]
                continue
            chunk_quotes = quotes_of(answer, job.chunk, aligner, tally)
            if job.chunk_no in speakers and chunk_quotes:
                extra = self._answer(speakers[job.chunk_no])
                chunk_quotes = with_speakers(chunk_quotes, extra, aligner, tally)
            quotes += [(job.chunk_no, q) for q in shift_quotes(chunk_quotes, job.chunk)]
        ents, quots = merge_chunks(entities, quotes, tally)
        return Prediction(doc.id, ents, quots)

    def _count_requests(self, jobs: Sequence[Job], tally: Tally, claimed: set[str]) -> None:
        """Requests, retries, cache hits and tokens of one document's jobs; an answer fetched in
        this run is spent by the first document that reports it (``claimed``)."""
        for job in jobs:
            usage = (job.response or {}).get("usage") or {}
            if job.fresh and job.key not in claimed:
                claimed.add(job.key)
                tally["requests"] += job.attempts
                tally["retries"] += job.attempts - 1
                tally["prompt_tokens"] += usage.get("prompt_tokens", 0)
                tally["completion_tokens"] += usage.get("completion_tokens", 0)
            elif job.response is not None:
                tally["cached_responses"] += 1
                tally["cached_prompt_tokens"] += usage.get("prompt_tokens", 0)
                tally["cached_completion_tokens"] += usage.get("completion_tokens", 0)
            else:
                tally["failed_requests"] += 1

    def extract(self, docs: Sequence[TextDoc]) -> Iterable[Prediction]:
        if self._client is None:
            self.setup()
        chunks, jobs = self._plan(docs)
        self._run(jobs)
        if "speakers" in self.tasks_requested and self.options.speaker_pass:
            extra = self._speaker_jobs(jobs)
            self._run(extra)
            jobs = [*jobs, *extra]
        by_doc: list[list[Job]] = [[] for _ in docs]
        for job in jobs:
            by_doc[job.doc].append(job)
        preds: list[Prediction] = []
        failures: list[tuple[str, str, dict[str, float]]] = []
        claimed: set[str] = set()
        for doc, doc_chunks, doc_jobs in zip(docs, chunks, by_doc, strict=True):
            tally = Tally()
            self._count_requests(doc_jobs, tally, claimed)
            try:
                pred = self._assemble(doc, len(doc_chunks), doc_jobs, tally)
            except OutputError as exc:
                failures.append((doc.id, str(exc), tally.as_dict()))
                continue
            preds.append(Prediction(pred.doc_id, pred.entities, pred.quotes, tally.as_dict()))
        if failures:
            doc_id, message, diagnostics = failures[0]
            if len(docs) > 1:  # the runner retries each document alone: answers stay memoised
                more = f" (and {len(failures) - 1} more in this batch)" if len(failures) > 1 else ""
                raise ExtractorError(self.name, doc_id, message + more)
            self._forget(jobs)
            raise ExtractorError(self.name, doc_id, message, diagnostics=diagnostics)
        self._forget(jobs)
        return preds

    def _forget(self, jobs: Sequence[Job]) -> None:
        """Drop the batch's answers from the memo once their documents are reported."""
        with self._lock:
            for job in jobs:
                self._memo.pop(job.key, None)
