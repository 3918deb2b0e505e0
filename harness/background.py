"""Transport only: keep an object in a worker process and call its methods there, in order.

The runner uses it to count a run's batches in a second process while the extractor works on
the next batch (:class:`harness.scoring.Tally`, fed through :mod:`harness.runner`); nothing here
knows what is computed. It is the standard library's :class:`concurrent.futures.ProcessPoolExecutor`
with one worker, started with ``spawn`` (a fresh interpreter: no forked locks or threads of the
extractor), whose initializer builds the object; calls run in submission order.

- The worker ignores Ctrl-C (the caller stops it) and runs numpy on one thread: a BLAS spinning
  up threads on the core the extractor needs made the bootstrap twice as slow.
- It never runs the caller's script: ``spawn`` would import the ``__main__`` module again in the
  worker (a script without an ``if __name__ == "__main__"`` guard would run its evaluation a
  second time there), so the worker is started while ``__main__`` is a blank module; what it
  runs is named by importable modules only.
- A worker that stops answering (stopped with ``SIGSTOP``, stuck) must not hang the caller:
  wait for each call at most :data:`CALL_TIMEOUT` seconds, then :meth:`Worker.close` (which
  kills what does not stop) and do the work in line.
- :func:`worker_mode` says whether a worker may help (``HARNESS_SCORING_WORKER=0`` turns it
  off), :func:`worth_a_worker` whether the measured costs say it will; whoever uses one must be
  able to do the work again in line if it fails.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Literal

#: ``0``: always score in line; ``always``: in a worker whenever there are several batches;
#: default: in a worker when :func:`worth_a_worker` says so.
ENV_WORKER = "HARNESS_SCORING_WORKER"
#: Seconds a worker takes to start (a fresh interpreter importing numpy, pyarrow, datasets and
#: the scorers: measured 2.5 s at load 5 on 2 cores, about 1 s on a quiet machine).
STARTUP_SECONDS = 1.5
#: Seconds a call on the worker may take before the worker is taken for hung (stopped, or stuck)
#: and the caller falls back to doing the work in line. A call counts one batch of documents.
CALL_TIMEOUT = 60.0
WorkerMode = Literal["never", "auto", "always"]
_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_object: Any = None  # the worker's object (set in the worker process only)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _load() -> float:
    """Runnable processes, averaged over the last minute (0 where the OS does not say)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def worker_mode(n_docs: int, batch_size: int) -> WorkerMode:
    """``never`` with one batch, one CPU, ``HARNESS_SCORING_WORKER=0``, or no idle CPU (load
    average above CPUs - 1: on a busy machine the worker only competes with the extractor);
    ``always`` with ``HARNESS_SCORING_WORKER=always``; else ``auto``: decide from the first
    batch's costs (:func:`worth_a_worker`)."""
    setting = os.environ.get(ENV_WORKER, "1").strip()
    if setting == "0" or n_docs <= batch_size or _cpus() < 2:
        return "never"
    if setting == "always":
        return "always"
    return "auto" if _load() <= _cpus() - 1 else "never"


def worth_a_worker(made: float, counted: float, n_batch: int, remaining: int) -> bool:
    """Whether a worker saves time, from the first batch: ``made`` seconds to produce its
    ``n_batch`` predictions, ``counted`` seconds to count them, ``remaining`` documents to go.

    With a worker the run takes what producing the predictions takes, as long as the worker
    keeps up: it starts in :data:`STARTUP_SECONDS`, then counts faster than predictions come
    (a replayed or cached run produces them faster than they are counted: no worker).
    """
    if n_batch <= 0 or remaining <= 0:
        return False
    per_doc_made, per_doc_counted = made / n_batch, counted / n_batch
    return remaining * (per_doc_made - per_doc_counted) > STARTUP_SECONDS


def exit_with_parent() -> None:
    """In a worker process: exit as soon as the process that started it is gone (killed by
    SIGTERM or ``kill -9``, or crashed), instead of waiting forever on a queue whose other end
    it holds itself. A daemon thread waits on the parent's sentinel."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="harness-exit-with-parent", daemon=True).start()


def _start(factory: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _object
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C and stops us
    exit_with_parent()
    _object = factory(*args)


def _call(method: str, args: tuple[Any, ...]) -> Any:
    return getattr(_object, method)(*args)


def _ping() -> None:
    """Nothing: the first call, which starts the process."""


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """``values`` in ``os.environ`` while the worker process starts (it copies them)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def _blank_main() -> Iterator[None]:
    """A ``__main__`` without a file while the worker process starts, so that ``spawn`` does not
    import the caller's script there."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class Worker:
    """``factory(*args)`` built in a worker process; :meth:`call` runs one of its methods there.

    Calls run one at a time, in the order they were made. Raises when no process can be started
    or ``factory`` and ``args`` cannot be pickled (the caller then does the work in line).
    """

    def __init__(self, factory: Callable[..., Any], *args: Any) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(factory, args),
        )
        try:
            with _environment(_ONE_THREAD), _blank_main():  # the process starts now
                self._pool.submit(_ping)
        except BaseException:
            self.close()
            raise

    def call(self, method: str, *args: Any) -> Future[Any]:
        """Run ``method(*args)`` on the worker's object; the future holds what it returns."""
        return self._pool.submit(_call, method, args)

    def close(self) -> None:
        """Stop the worker at once, dropping calls not yet run (safe to call twice). A worker
        that does not stop when asked (it may be stopped: ``SIGSTOP``) is killed."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join()
