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
- :func:`worker_helps` says when a worker is worth starting (``HARNESS_SCORING_WORKER=0``
  turns it off); whoever uses one must be able to do the work again in line if it fails.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

#: Set to ``0`` to always score in line (default ``1``: in a worker when it can help).
ENV_WORKER = "HARNESS_SCORING_WORKER"
#: Documents below which a worker costs more (starting an interpreter) than it saves.
MIN_DOCUMENTS = 500
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


def worker_helps(n_docs: int, batch_size: int) -> bool:
    """Whether a worker can overlap the work with extraction: several batches and at least
    :data:`MIN_DOCUMENTS` documents (starting an interpreter costs about a second), two or more
    CPUs of which one is idle (load average at most CPUs - 1: on a busy machine the worker only
    competes with the extractor), and not turned off with ``HARNESS_SCORING_WORKER=0``.
    ``HARNESS_SCORING_WORKER=always`` skips the size and load tests."""
    setting = os.environ.get(ENV_WORKER, "1").strip()
    if setting == "0" or n_docs <= batch_size or _cpus() < 2:
        return False
    if setting == "always":
        return True
    return n_docs >= MIN_DOCUMENTS and _load() <= _cpus() - 1


def _start(factory: Callable[..., Any], args: tuple[Any, ...]) -> None:
    global _object
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C and stops us
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
        """Stop the worker at once, dropping calls not yet run (safe to call twice)."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
