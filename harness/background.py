"""Score batches of documents in this process, or in a worker process while extraction goes on.

Scoring a document (turning its gold rows into a :class:`~harness.model.Document`, matching,
counting) takes well under a millisecond. Next to a slow extractor that is nothing, but a fast one
(regular expressions, replayed predictions) needs only a few milliseconds a document, so scoring
in line adds a sixth to the run. :class:`BatchScorer` can hand each batch to a worker process
instead, which scores it while this process extracts the next one.

- The worker is a fresh interpreter (``python -m harness.background``), not a fork and not a
  ``multiprocessing`` child: it shares no threads or locks with the extractor and never
  re-imports the caller's ``__main__``. It ignores Ctrl-C; this process stops it.
- This process only writes to the worker: each batch goes down its stdin as an Arrow IPC buffer
  (the gold rows) and the record of plain tuples that the prediction spool has just written
  (:func:`harness.spool.pack_record`), so nothing is pickled twice. The worker appends its
  counts to a temporary file that is read once, at the end, so no thread of this process
  competes with the extractor for the interpreter lock. The worker reads its input in a thread
  with a bounded queue, so a slow worker holds back the writer instead of filling memory.
- Scoring is a pure function (:class:`ScoringJob`) of the rows and the predictions, so the counts
  are the same wherever they are computed (a test checks it).
- Whatever goes wrong in the worker (it cannot start, dies, or scoring raises there), every
  batch is scored again in line from ``replay`` (the goldset and the spooled predictions): a
  scoring error is then raised here, exactly as without a worker, and a dead worker costs time,
  not results.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .model import Prediction, Task
from .rows import documents_from_arrow
from .schemes import map_gold
from .scoring import Counts, count_document
from .scoring.bootstrap import summarise_matrix
from .scoring.prf import CountMatrix
from .spool import pack_record, unpack_record

#: Set to ``0`` to always score in line (default ``1``: in a worker when it can help).
ENV_WORKER = "HARNESS_SCORING_WORKER"
#: How the worker is started: ``[sys.executable, *WORKER_ARGS, results_file]``.
WORKER_ARGS: tuple[str, ...] = ("-m", "harness.background")

BatchCounts = tuple[list[Counts], Counter[str]]
Scores = dict[str, float]
Intervals = dict[str, tuple[float, float]]
#: Batches to score again, in order, if the worker fails: ``(rows, predictions)`` pairs.
Replay = Callable[[], Iterable[tuple[Any, Sequence[Prediction]]]]


@dataclass(frozen=True)
class ScoringJob:
    """Everything scoring needs besides the batch: a picklable, pure function of the batch."""

    tasks: tuple[Task, ...]
    labels: tuple[str, ...]
    gold_map: Mapping[str, str | None] = field(default_factory=dict)
    #: Scores that get bootstrap intervals (those that are defined), and the bootstrap's
    #: samples (0: no intervals) and seed.
    headline: tuple[str, ...] = ()
    samples: int = 0
    seed: int = 0

    def __call__(self, rows: Any, preds: Sequence[Prediction]) -> BatchCounts:
        """Counts of each document of ``rows`` (a ``pyarrow.Table`` of goldset rows) against its
        prediction, and the gold labels that ``gold_map`` could not map."""
        unmapped: Counter[str] = Counter()
        out: list[Counts] = []
        for gold, pred in zip(documents_from_arrow(rows), preds, strict=True):
            if self.gold_map:
                gold = map_gold(gold, self.gold_map, unmapped)
            counts = count_document(gold, pred, self.tasks, self.labels)
            # one copy of each key string, not one per document
            out.append({sys.intern(k): v for k, v in counts.items()})
        return out, unmapped

    def summarise(self, counts: CountMatrix) -> tuple[Scores, Intervals]:
        """The run's scores and the bootstrap intervals of its headline scores."""
        return summarise_matrix(counts, self.labels, self.headline, n=self.samples, seed=self.seed)


@dataclass
class Scored:
    """What scoring a whole run gives."""

    per_doc: list[Counts]
    unmapped_gold_labels: Counter[str]
    scores: Scores
    intervals: Intervals


def to_ipc(rows: Any) -> bytes:
    """The rows as an Arrow IPC stream (pickling a sliced table would copy its whole buffers)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, rows.schema) as writer:
        writer.write_table(rows)
    return bytes(sink.getvalue())


def from_ipc(payload: bytes) -> Any:
    import pyarrow as pa

    return pa.ipc.open_stream(payload).read_all()


def worker_helps(n_docs: int, batch_size: int) -> bool:
    """Whether a worker can overlap scoring with extraction: more than one batch, at least two
    CPUs available, and not turned off with ``HARNESS_SCORING_WORKER=0``."""
    if os.environ.get(ENV_WORKER, "1").strip() == "0" or n_docs <= batch_size:
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return cpus >= 2


#: The worker's numpy uses one thread: a BLAS spinning up threads on the core the extractor
#: needs made the bootstrap twice as slow.
_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _widen_pipe(fd: int) -> None:
    """Make the pipe hold a whole batch where the OS allows it (Linux), so that writing one
    never waits for the worker to get round to reading."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _read_counts(path: Path) -> BatchCounts:
    """Every batch's counts from the worker's file, in order."""
    per_doc: list[Counts] = []
    unmapped: Counter[str] = Counter()
    collecting = gc.isenabled()
    gc.disable()  # plain dicts and tuples, no cycles: collections here only cost time
    try:
        with path.open("rb") as f:
            while True:
                try:
                    docs, missing = pickle.load(f)
                except EOFError:
                    break
                per_doc.extend(docs)
                unmapped.update(missing)
    finally:
        if collecting:
            gc.enable()
    return per_doc, unmapped


class _Worker:
    """A ``python -m harness.background RESULTS`` process fed through its stdin."""

    def __init__(self, job: ScoringJob) -> None:
        fd, name = tempfile.mkstemp(prefix="harness-scores-", suffix=".pickle")
        os.close(fd)
        self.results = Path(name)
        # the worker must import what this process imports (sys.path may be changed at run time)
        path = os.pathsep.join(p for p in sys.path if p)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, *WORKER_ARGS, name],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path, **_ONE_THREAD},
            )
        except OSError:
            self.results.unlink(missing_ok=True)
            raise
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._stdin: IO[bytes] = self._proc.stdin
        self._stdout: IO[bytes] = self._proc.stdout
        _widen_pipe(self._stdin.fileno())
        self.alive = True
        self.send(job)

    def send(self, message: object) -> None:
        if not self.alive:
            return
        try:
            pickle.dump(message, self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._stdin.flush()
        except OSError:  # the worker is gone (broken pipe): finish() will see it
            self.alive = False

    def finish(self, expected: int) -> Scored | None:
        """End the input and collect everything (``None`` if the worker failed). The worker says
        when the counts are all written, and summarises while they are read here."""
        try:
            self._stdin.close()
        except OSError:
            pass
        try:
            if pickle.load(self._stdout) != _COUNTED:
                return None
            per_doc, unmapped = _read_counts(self.results)
            scores, intervals = pickle.load(self._stdout)
        except (EOFError, pickle.UnpicklingError, OSError, ValueError):
            return None
        finally:
            self._stdout.close()
            returncode = self._proc.wait()
        if returncode != 0 or len(per_doc) != expected:
            return None
        return Scored(per_doc, unmapped, scores, intervals)

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        for pipe in (self._stdin, self._stdout):
            try:
                pipe.close()
            except OSError:
                pass
        self._proc.wait()

    def remove(self) -> None:
        self.results.unlink(missing_ok=True)


class BatchScorer:
    """Scores batches in submission order; :meth:`finish` returns every document's counts."""

    def __init__(self, job: ScoringJob, *, background: bool) -> None:
        self._job = job
        self._per_doc: list[Counts] = []
        self._counts = CountMatrix()
        self._unmapped: Counter[str] = Counter()
        self._sent = 0
        self._worker: _Worker | None = None
        if background:
            try:
                self._worker = _Worker(job)
            except OSError:  # cannot start a process here: score in line
                self._worker = None

    @property
    def in_background(self) -> bool:
        return self._worker is not None

    def submit(self, rows: Any, preds: Sequence[Prediction], record: bytes | None = None) -> None:
        """Score ``rows`` (a ``pyarrow.Table`` of goldset rows) against ``preds``; ``record`` is
        ``preds`` already packed by :func:`harness.spool.pack_record`, if the caller has it."""
        if self._worker is None:
            self._add(self._job(rows, preds))
        else:
            self._worker.send((to_ipc(rows), pack_record(preds) if record is None else record))
            self._sent += len(preds)

    def _add(self, result: BatchCounts) -> None:
        per_doc, unmapped = result
        self._per_doc.extend(per_doc)
        self._counts.add(per_doc)
        self._unmapped.update(unmapped)

    def finish(self, replay: Replay) -> Scored:
        """Every document's counts in order, the gold labels that could not be mapped, the
        scores and their intervals.

        If the worker failed, every batch is scored again in line from ``replay()``.
        """
        if self._worker is not None:
            worker, self._worker = self._worker, None
            try:
                result = worker.finish(self._sent)
            finally:
                worker.remove()
            if result is not None:
                return result
            for rows, preds in replay():
                self._add(self._job(rows, preds))
        scores, intervals = self._job.summarise(self._counts)
        return Scored(self._per_doc, self._unmapped, scores, intervals)

    def close(self) -> None:
        """Stop the worker at once (after an error or an interrupt); safe to call twice."""
        if self._worker is not None:
            self._worker.kill()
            self._worker.remove()
            self._worker = None


_END = object()
_COUNTED = "counted"


def _serve(stdin: IO[bytes], counts: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker's loop: a job, then ``(rows, predictions record)`` messages until EOF; the
    counts of each batch are appended to ``counts``. At EOF it says on ``stdout`` that the counts
    are complete, then sends the run's scores and intervals. Input is read ahead by a thread
    into a bounded queue, so the sender rarely waits and never waits long."""
    job: ScoringJob = pickle.load(stdin)
    inbox: queue.Queue[Any] = queue.Queue(maxsize=8)

    def read() -> None:
        try:
            while True:
                inbox.put(pickle.load(stdin))
        except EOFError:
            inbox.put(_END)
        except BaseException as exc:  # a broken message: the worker must fail, not hang
            inbox.put(exc)

    threading.Thread(target=read, daemon=True).start()
    matrix = CountMatrix()  # laid out batch by batch, while the extractor runs
    while (message := inbox.get()) is not _END:
        if isinstance(message, BaseException):
            raise message
        payload, record = message
        result = job(from_ipc(payload), unpack_record(record))
        pickle.dump(result, counts, protocol=pickle.HIGHEST_PROTOCOL)
        matrix.add(result[0])
        if matrix.n_docs == len(result[0]):
            # summarise once, now, while waiting for the next batch, and throw the result away:
            # the first call is twice as slow (numpy's and the BLAS's start-up), and the one at
            # the end is what the run waits for
            job.summarise(matrix)
    counts.flush()
    pickle.dump(_COUNTED, stdout)
    stdout.flush()
    pickle.dump(job.summarise(matrix), stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    sys.setswitchinterval(0.0005)  # let the reading thread in often: the sender never waits
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the pipe
    try:
        with open(sys.argv[1], "wb") as counts:
            _serve(sys.stdin.buffer, counts, stdout)
        stdout.close()
    except Exception:
        # the parent scores everything again in line, where the same error is raised and shown
        os._exit(1)
    os._exit(0)  # all is written and closed; skip the interpreter's slow shutdown


if __name__ == "__main__":
    main()
