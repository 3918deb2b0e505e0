"""Calling an extractor: the one place where the harness calls ``Extractor.extract``.

:func:`call_extractor` runs one call on a batch of documents and turns whatever happens into a
:class:`CallResult`: a prediction or ``None`` per document, and a :class:`DocError` for each
document that failed. It is the same code wherever extraction runs - in the run's process, in a
worker process (``workers: N``, :mod:`harness.executors`) or in a Ray actor - so a plugin's
failures are isolated and reported the same way everywhere:

- an exception fails the batch, which is then retried document by document, so the document
  that raises is found and the others keep their predictions;
- a call that takes longer than its ``timeout`` (seconds) is stopped and every document of the
  call gets a ``Timeout`` error (not retried: a hung model would hang each retry too). In the
  run's own process the call is interrupted by ``SIGALRM`` (the main thread on a POSIX system),
  which stops Python code, sleeps and network waits, but not a C function that never returns;
  in a worker process the worker itself is killed and replaced when it does not answer
  (:mod:`harness.executors`);
- a value that is not a valid prediction is an error of its document (checked here, so in a
  worker process too);
- with ``fail_fast`` the first failure raises :class:`harness.errors.ExtractorError` instead.
"""

from __future__ import annotations

import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from . import plugin_calls
from .errors import ExtractorError, HarnessError
from .extractors import Extractor, validate_prediction
from .model import Entity, Prediction, Quote, Span, TextDoc

#: Seconds an extractor call may take when neither the extractor nor the run says otherwise.
DEFAULT_TIMEOUT = 600.0


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
class CallResult:
    """What one call on a batch gave: a prediction (or ``None``: failed) per document, the
    failures, and the seconds it took."""

    predictions: list[Prediction | None]
    errors: list[DocError] = field(default_factory=list)
    seconds: float = 0.0


class CallTimeout(BaseException):
    """Raised in the calling thread when a call runs out of time. A ``BaseException`` (like
    ``KeyboardInterrupt``), so that a plugin's ``except Exception`` does not swallow it."""


def _alarm(signum: int, frame: Any) -> None:
    raise CallTimeout


def can_interrupt() -> bool:
    """Whether a call made here can be interrupted when it runs out of time: on the main
    thread of a POSIX process whose ``SIGALRM`` nobody else handles."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    return signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`CallTimeout` in the block after ``seconds`` (when :func:`can_interrupt`)."""
    if not seconds or not can_interrupt():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def setup_extractor(extractor: Extractor) -> float:
    """Run the extractor's one-time set-up; return the seconds it took."""
    t0 = time.perf_counter()
    try:
        plugin_calls.setup(extractor)
    except HarnessError:
        raise
    except Exception as exc:
        raise ExtractorError(
            extractor.name, None, f"setup failed: {type(exc).__name__}: {exc}"
        ) from exc
    return time.perf_counter() - t0


def _extract(extractor: Extractor, batch: Sequence[TextDoc], fail_fast: bool) -> CallResult:
    """The call itself, guarded (:mod:`harness.plugin_calls`: stdout, ``sys.exit``, one value
    per document), each value checked where it enters the harness: a value that is not a valid
    prediction of its document (:func:`~harness.extractors.validate_prediction`: types, ids,
    offsets) is an ``InvalidPrediction`` error of that document, the others unaffected."""
    result = CallResult([])
    for value, doc in zip(plugin_calls.extract(extractor, batch), batch, strict=True):
        problems = validate_prediction(value, doc)
        if not problems and isinstance(value, Prediction):
            result.predictions.append(value)
            continue
        err = ExtractorError(
            extractor.name, doc.id, "invalid predictions: " + "; ".join(problems[:5])
        )
        if fail_fast:
            raise err
        result.predictions.append(None)
        result.errors.append(DocError(doc.id, "InvalidPrediction", str(err)))
    return result


def timeout_errors(batch: Sequence[TextDoc], seconds: float, why: str = "") -> list[DocError]:
    """The errors of the documents of a call that ran out of time."""
    message = (
        f"no answer within {seconds:g} s{why} (the call on {len(batch)} document(s) was "
        "stopped; raise the extractor's `timeout` if it needs longer)"
    )
    return [DocError(d.id, "Timeout", message) for d in batch]


def _failure(exc: BaseException, doc: TextDoc) -> DocError:
    return DocError(
        doc.id, type(exc).__name__, str(exc), traceback.format_exc(limit=5),
        dict(getattr(exc, "diagnostics", None) or {}),
    )  # fmt: skip


def _raise_fail_fast(name: str, batch: Sequence[TextDoc], exc: BaseException) -> None:
    doc_id = batch[0].id if len(batch) == 1 else None
    if isinstance(exc, ExtractorError):
        raise exc
    if isinstance(exc, CallTimeout):
        raise ExtractorError(name, doc_id, timeout_errors(batch, 0)[0].message) from None
    raise ExtractorError(name, doc_id, f"{type(exc).__name__}: {exc}") from exc


def _attempt(
    extractor: Extractor, batch: Sequence[TextDoc], fail_fast: bool, timeout: float | None
) -> CallResult | None:
    """One call on ``batch``; ``None`` when it raised on a batch of several documents (the
    caller then retries them one by one)."""
    try:
        with deadline(timeout):
            return _extract(extractor, batch, fail_fast)
    except CallTimeout:
        if fail_fast:
            raise ExtractorError(
                extractor.name, batch[0].id if len(batch) == 1 else None,
                timeout_errors(batch, timeout or 0)[0].message,
            ) from None  # fmt: skip
        return CallResult([None] * len(batch), timeout_errors(batch, timeout or 0))
    except Exception as exc:
        if fail_fast:
            _raise_fail_fast(extractor.name, batch, exc)
        if len(batch) == 1:
            return CallResult([None], [_failure(exc, batch[0])])
        return None


def call_extractor(
    extractor: Extractor,
    batch: Sequence[TextDoc],
    fail_fast: bool = False,
    timeout: float | None = None,
) -> CallResult:
    """Predictions of ``batch``; failures isolated document by document (see the module)."""
    t0 = time.perf_counter()
    result = _attempt(extractor, batch, fail_fast, timeout) if batch else CallResult([])
    if result is None:  # the batch raised: find the document(s) that did
        result = CallResult([])
        for doc in batch:
            one = _attempt(extractor, [doc], fail_fast, timeout)
            assert one is not None
            result.predictions.extend(one.predictions)
            result.errors.extend(one.errors)
    result.seconds = time.perf_counter() - t0
    return result


# ---- sending results between processes -------------------------------------------------------


def _pack_prediction(p: Prediction) -> tuple[Any, ...]:
    return (
        p.doc_id,
        [(e.start, e.end, e.label, e.text) for e in p.entities],
        [
            (
                q.start, q.end, q.type, q.speaker,
                None if (s := q.speaker_span) is None else (s.start, s.end, s.text),
                None if (c := q.cue) is None else (c.start, c.end, c.text),
                q.text,
            )
            for q in p.quotes
        ],
        dict(p.diagnostics) if p.diagnostics else None,
    )  # fmt: skip


def _span(t: tuple[int, int, str] | None) -> Span | None:
    return None if t is None else Span(*t)


def _unpack_prediction(t: tuple[Any, ...]) -> Prediction:
    doc_id, entities, quotes, diagnostics = t
    return Prediction(
        doc_id,
        tuple(Entity(*e) for e in entities),
        tuple(
            Quote(s, e, ty, sp, _span(ss), _span(cue), tx) for s, e, ty, sp, ss, cue, tx in quotes
        ),
        diagnostics or {},
    )


def pack_result(result: CallResult) -> tuple[Any, ...]:
    """``result`` as plain tuples (pickled several times faster than the data classes)."""
    return (
        [None if p is None else _pack_prediction(p) for p in result.predictions],
        [(e.doc_id, e.error, e.message, e.traceback, e.diagnostics) for e in result.errors],
        result.seconds,
    )


def unpack_result(packed: tuple[Any, ...]) -> CallResult:
    preds, errors, seconds = packed
    return CallResult(
        [None if p is None else _unpack_prediction(p) for p in preds],
        [DocError(*e) for e in errors],
        seconds,
    )
