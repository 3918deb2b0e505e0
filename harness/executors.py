"""Where extraction runs: in the run's process, in worker processes, or on a Ray cluster.

An executor takes the batches of documents to extract (the cache has already answered for the
rest) and gives back one :class:`~harness.extraction.CallResult` per batch, **in the order the
batches came**, whatever order the work finished in, so a run's predictions, scores and files
are the same with any executor. Every executor calls the extractor through
:func:`harness.extraction.call_extractor` (failures isolated per document, timeouts), and loads
the model (``Extractor.setup``) only when there is something to extract: a cached re-run starts
no worker and loads no model.

- :class:`InProcess` (the default): the run's own process. A call that runs out of time is
  interrupted where Python can be (:func:`harness.extraction.deadline`).
- :class:`WorkerPool` (``workers: N``): N ``spawn`` processes, each building the extractor and
  loading its model once, then extracting batches as they are handed out (up to ``2 N``
  batches ahead). A worker that does not answer within the timeout is killed and replaced
  (its documents get a ``Timeout`` error); one that dies (a crash in a C extension, ``os._exit``)
  is replaced and its batch retried one document at a time, so the document that kills a worker
  gets the error and the others their predictions.
- :mod:`harness.ray_executor` (``executor: {kind: ray}``): Ray Data batches over actors.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from . import plugin_calls
from .background import _blank_main, _cpus, _environment, exit_with_parent
from .errors import ExtractorError
from .extraction import (
    CallResult,
    DocError,
    call_extractor,
    pack_result,
    setup_extractor,
    timeout_errors,
    unpack_result,
)
from .extractors import Extractor
from .model import Task, TextDoc

RAY_MISSING = (
    "executor kind 'ray' needs Ray, which is not installed: pip install 'harness[ray]' "
    "(or pip install 'ray[data]')"
)
#: Seconds a worker may overrun its call's timeout (the worker stops the call itself at the
#: timeout; this is for one that cannot, hung in C code) before it is killed.
GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class ExtractorSpec:
    """What builds an extractor anywhere (picklable): its class, parsed options and tasks."""

    cls: type[Extractor]
    options: Any
    tasks: frozenset[Task]

    def build(self) -> Extractor:
        return plugin_calls.create(self.cls, self.options, self.tasks)


class Executor(Protocol):
    """Runs extractor calls; see the module."""

    #: Seconds the (first) model load took, 0 until a model was loaded.
    seconds_setup: float

    def map(self, batches: Iterable[Sequence[TextDoc]]) -> Iterator[CallResult]:
        """One result per batch, in the order of ``batches`` (an empty batch: empty result)."""
        ...

    def close(self) -> None:
        """Stop whatever the executor started (safe to call twice)."""
        ...


class InProcess:
    """Extraction in the run's process, one call at a time."""

    def __init__(
        self, extractor: Extractor, timeout: float | None = None, fail_fast: bool = False
    ) -> None:
        self.extractor, self.timeout, self.fail_fast = extractor, timeout, fail_fast
        self.seconds_setup = 0.0
        self._ready = False

    def map(self, batches: Iterable[Sequence[TextDoc]]) -> Iterator[CallResult]:
        for batch in batches:
            if not batch:
                yield CallResult([])
                continue
            if not self._ready:
                self.seconds_setup = setup_extractor(self.extractor)
                self._ready = True
            yield call_extractor(self.extractor, batch, self.fail_fast, self.timeout)

    def close(self) -> None:
        """Nothing to stop."""


# ---- worker processes -------------------------------------------------------------------------


def _child(conn: Connection, spec: ExtractorSpec) -> None:
    """A worker process: build the extractor, load its model, then answer calls until told to
    stop (``None``) or the run's process goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: it stops us
    exit_with_parent()  # even in the middle of a call (a hung model)
    try:
        extractor = spec.build()
        conn.send(("ready", setup_extractor(extractor)))
    except BaseException as exc:
        conn.send(("setup_failed", _message(exc)))
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        call_id, items, fail_fast, timeout = msg
        docs = [TextDoc(i, t) for i, t in items]
        try:
            result = call_extractor(extractor, docs, fail_fast, timeout)
        except ExtractorError as exc:  # fail-fast: the run stops
            conn.send(("failed", call_id, (exc.doc_id, exc.message)))
            continue
        conn.send(("result", call_id, pack_result(result)))


def _message(exc: BaseException) -> str:
    if isinstance(exc, ExtractorError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


@dataclass
class _Part:
    """Documents of one batch handed to a worker (a whole batch, or one document of a batch
    retried alone after its worker died)."""

    job: int
    offset: int
    docs: Sequence[TextDoc]


@dataclass
class _Job:
    """One batch of :meth:`WorkerPool.map`: its parts' results gathered in place."""

    docs: Sequence[TextDoc]
    result: CallResult
    pending: int = 0


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    part: _Part | None = None
    call_id: int = 0
    deadline: float | None = None
    started: float = field(default_factory=time.monotonic)


class WorkerPool:
    """Extraction in ``workers`` processes (see the module). ``timeout``: seconds per call."""

    def __init__(
        self,
        spec: ExtractorSpec,
        workers: int,
        timeout: float | None = None,
        fail_fast: bool = False,
        threads: int | None = None,
    ) -> None:
        self.spec, self.n, self.timeout, self.fail_fast = spec, workers, timeout, fail_fast
        self.threads = threads or max(1, _cpus() // workers)
        self.seconds_setup = 0.0
        self._workers: list[_Worker | None] = [None] * workers
        self._queue: deque[_Part] = deque()
        self._jobs: dict[int, _Job] = {}
        self._calls = 0
        #: Workers started (replacements included), for tests and the benchmark.
        self.started = 0

    # -- workers -------------------------------------------------------------------------------

    def _start(self, slot: int) -> _Worker:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_child, args=(child, self.spec), daemon=True)
        n = str(self.threads)
        env = {"OMP_NUM_THREADS": n, "OPENBLAS_NUM_THREADS": n, "MKL_NUM_THREADS": n}
        with _environment(env), _blank_main():
            process.start()
        child.close()
        self.started += 1
        worker = self._workers[slot] = _Worker(process, parent)
        return worker

    def _stop(self, slot: int, kill: bool = False) -> None:
        worker = self._workers[slot]
        if worker is None:
            return
        self._workers[slot] = None
        if not kill:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                kill = True
        worker.process.join(timeout=None if not kill else 0)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def close(self) -> None:
        for slot, worker in enumerate(self._workers):
            if worker is not None:
                self._stop(slot, kill=worker.part is not None)

    # -- handing out work ----------------------------------------------------------------------

    def _dispatch(self) -> None:
        for slot in range(self.n):
            if not self._queue:
                return
            worker = self._workers[slot]
            if worker is None:
                worker = self._start(slot)
            if worker.part is not None:
                continue
            part = self._queue.popleft()
            self._calls += 1
            worker.part, worker.call_id = part, self._calls
            worker.deadline = self._deadline() if worker.ready else None
            items = [(d.id, d.text) for d in part.docs]
            worker.conn.send((worker.call_id, items, self.fail_fast, self.timeout))

    def _deadline(self) -> float | None:
        return None if not self.timeout else time.monotonic() + self.timeout + GRACE_SECONDS

    def _settle(self, part: _Part, result: CallResult) -> None:
        job = self._jobs[part.job]
        for i, pred in enumerate(result.predictions):
            job.result.predictions[part.offset + i] = pred
        job.result.errors.extend(result.errors)
        job.result.seconds += result.seconds
        job.pending -= 1

    # -- what comes back -------------------------------------------------------------------------

    def _receive(self, slot: int) -> None:
        worker = self._workers[slot]
        assert worker is not None
        try:
            msg = worker.conn.recv()
        except (EOFError, OSError):
            self._died(slot)
            return
        kind = msg[0]
        if kind == "ready":
            worker.ready = True
            self.seconds_setup = self.seconds_setup or msg[1]
            if worker.part is not None:
                worker.deadline = self._deadline()
        elif kind == "setup_failed":
            raise ExtractorError(self.spec.cls.name, None, f"setup failed: {msg[1]}")
        elif kind == "failed":
            raise ExtractorError(self.spec.cls.name, *msg[2])
        elif kind == "result" and worker.part is not None and msg[1] == worker.call_id:
            part, worker.part, worker.deadline = worker.part, None, None
            self._settle(part, unpack_result(msg[2]))

    def _died(self, slot: int) -> None:
        """A worker died: its part is retried a document at a time (a document that kills a
        worker on its own gets the error)."""
        worker = self._workers[slot]
        assert worker is not None
        part = worker.part
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        self._stop(slot, kill=True)
        if not worker.ready and part is None:
            raise ExtractorError(
                self.spec.cls.name, None, f"setup failed: the worker process died (exit {code})"
            )
        if part is None:
            return
        if len(part.docs) > 1:
            job = self._jobs[part.job]
            job.pending += len(part.docs) - 1
            singles = [_Part(part.job, part.offset + i, [d]) for i, d in enumerate(part.docs)]
            self._queue.extendleft(reversed(singles))
            return
        doc = part.docs[0]
        message = f"the worker process died (exit code {code}) while extracting this document"
        if self.fail_fast:
            raise ExtractorError(self.spec.cls.name, doc.id, message)
        self._settle(part, CallResult([None], [DocError(doc.id, "WorkerDied", message)]))

    def _expire(self, slot: int) -> None:
        """A worker ran past its deadline: kill it; its documents time out."""
        worker = self._workers[slot]
        assert worker is not None and worker.part is not None
        part = worker.part
        self._stop(slot, kill=True)
        errors = timeout_errors(part.docs, self.timeout or 0, " (the worker was stopped)")
        if self.fail_fast:
            raise ExtractorError(self.spec.cls.name, part.docs[0].id, errors[0].message)
        self._settle(part, CallResult([None] * len(part.docs), errors))

    def _wait(self) -> None:
        busy = {w.conn: slot for slot, w in enumerate(self._workers) if w and w.part is not None}
        if not busy:
            return
        deadlines = [w.deadline for w in self._workers if w and w.deadline is not None]
        now = time.monotonic()
        wait_for = None if not deadlines else max(0.0, min(deadlines) - now)
        for conn in wait(list(busy), timeout=wait_for):
            self._receive(busy[conn])  # type: ignore[index]
        now = time.monotonic()
        for slot, w in enumerate(self._workers):
            if w and w.part is not None and w.deadline is not None and now > w.deadline:
                self._expire(slot)

    def map(self, batches: Iterable[Sequence[TextDoc]]) -> Iterator[CallResult]:
        source = iter(batches)
        exhausted, added, done = False, 0, 0
        ahead = 2 * self.n
        try:
            while True:
                while not exhausted and added - done < ahead:
                    batch = next(source, None)
                    if batch is None:
                        exhausted = True
                        break
                    self._add(added, batch)
                    added += 1
                while done < added and self._jobs[done].pending == 0:
                    yield self._jobs.pop(done).result
                    done += 1
                if exhausted and done == added:
                    return
                self._dispatch()
                self._wait()
        except BaseException:
            self.close()
            raise

    def _add(self, seq: int, batch: Sequence[TextDoc]) -> None:
        job = _Job(batch, CallResult([None] * len(batch)))
        if batch:
            job.pending = 1
            self._queue.append(_Part(seq, 0, batch))
        self._jobs[seq] = job


def default_workers() -> int:
    """The workers of ``workers: auto``: one per CPU this process may use."""
    return max(1, _cpus())
