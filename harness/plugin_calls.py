"""Calls into an extractor's code, guarded: what a plugin does to the process is contained, and
what it hands back is checked where it enters the harness.

The runner creates, sets up and calls every extractor through :func:`create`, :func:`setup`
and :func:`extract`, and nowhere else. Around each call:

- **stdout** goes to stderr: a plugin's ``print``, a library's progress line or a child
  process's output never reaches the harness's machine-readable output (``compare --format
  json``, a results table piped to a file). Both ``sys.stdout`` and file descriptor 1 are
  redirected, so output of C code and subprocesses is moved too;
- **sys.exit**: a plugin's ``sys.exit(n)`` (``SystemExit``) is a :class:`PluginFault` of that
  call, recorded like any exception the extractor raises; the harness, not the plugin, decides
  the exit code. ``KeyboardInterrupt`` passes through;
- **values**: ``extract`` must return an iterable with one value per document; a value that is
  not a :class:`~harness.model.Prediction` (``None``, a dict) is handed on as a
  :class:`NotAPrediction`, which :func:`harness.extractors.validate_prediction` reports as an
  error of that document, the other documents of the batch unaffected. Lists where the contract
  says tuples (``Prediction(id, [Entity(...)])``) are accepted and made tuples.

Plugin modules imported by the plugin manager are loaded inside :func:`plugin_output` too.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from .errors import ExtractorError
from .extractors import Extractor, NotAPrediction, describe_value
from .model import Prediction, Task, TextDoc


class PluginFault(Exception):
    """A plugin broke the contract without raising an error of its own: it called ``sys.exit``
    or returned something that is not predictions."""


@contextlib.contextmanager
def plugin_output() -> Iterator[None]:
    """Send everything written to stdout in the block to stderr (``sys.stdout`` and fd 1)."""
    saved = _point_fd(1, 2)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if saved is not None:
            _restore_fd(1, saved)


def _point_fd(fd: int, to: int) -> int | None:
    """Make ``fd`` write where ``to`` writes; return a copy of the old ``fd`` (None when the
    descriptors are not there: a closed stdout, an embedding without them)."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        saved = os.dup(fd)
    except OSError:
        return None
    try:
        os.dup2(to, fd)
    except OSError:
        os.close(saved)
        return None
    return saved


def _restore_fd(fd: int, saved: int) -> None:
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os.dup2(saved, fd)
    os.close(saved)


@contextlib.contextmanager
def _contained(what: str) -> Iterator[None]:
    """Plugin output to stderr; ``sys.exit`` in the block becomes a :class:`PluginFault`."""
    try:
        with plugin_output():
            yield
    except SystemExit as exc:
        raise PluginFault(
            f"{what} called sys.exit({exc.code!r}); an extractor reports a failure by raising "
            "an exception"
        ) from exc


def create(cls: type[Extractor], options: Any, tasks: frozenset[Task]) -> Extractor:
    """``cls(options, tasks)``; any failure is an :class:`ExtractorError` naming the class."""
    try:
        with _contained(f"{cls.__qualname__}.__init__"):
            return cls(options, tasks)
    except Exception as exc:
        raise ExtractorError(
            cls.name, None, f"could not be created: {type(exc).__name__}: {exc}"
        ) from exc


def setup(extractor: Extractor) -> None:
    """``extractor.setup()``, contained (its exceptions pass to the caller)."""
    with _contained("setup()"):
        extractor.setup()


def extract(extractor: Extractor, docs: Sequence[TextDoc]) -> list[Prediction | NotAPrediction]:
    """``extractor.extract(docs)`` as a list of one value per document, contained.

    Raises :class:`PluginFault` when the return value is not an iterable of as many values as
    there are documents (the runner then retries document by document); values that are not
    predictions come back as :class:`NotAPrediction`.
    """
    with _contained("extract()"):
        returned = extractor.extract(docs)
        if returned is None or isinstance(returned, (str, bytes, Prediction)):
            raise PluginFault(
                f"extract() returned {describe_value(returned)}; it must return or yield one "
                "Prediction per document"
            )
        values = list(returned)  # a generator runs here, inside the guard
    if len(values) != len(docs):
        raise PluginFault(f"extract() returned {len(values)} predictions for {len(docs)} documents")
    return [_entered(v) for v in values]


def _entered(value: Any) -> Prediction | NotAPrediction:
    if not isinstance(value, Prediction):
        return NotAPrediction(value)
    if type(value.entities) is list or type(value.quotes) is list:
        return replace(value, entities=_tuple(value.entities), quotes=_tuple(value.quotes))
    return value


def _tuple(items: Any) -> Any:
    return tuple(items) if type(items) is list else items
