"""Extractors defined in code for the runner tests, registered as an ordinary pluggy plugin."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import hookimpl
from harness.extractors import Extractor
from harness.model import Entity, Prediction, TextDoc

CALLS: list[str] = []


@dataclass(frozen=True)
class CrashOptions:
    crash_on: str = "doc2"


class Crashy(Extractor):
    """Tags capitalised words as PERSON; raises on one chosen document."""

    name = "crashy"
    version = "1"
    tasks = frozenset({"entities"})
    Options = CrashOptions

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        for doc in docs:
            CALLS.append(doc.id)
            if doc.id == self.options.crash_on:
                raise RuntimeError("boom")
            yield Prediction(doc.id, (Entity(0, 4, "PERSON"),))


class OutOfBounds(Extractor):
    name = "outofbounds"
    version = "1"
    tasks = frozenset({"entities"})

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        for doc in docs:
            yield Prediction(doc.id, (Entity(0, len(doc.text) + 5, "PERSON"),))


class Foreign(Extractor):
    """Emits a label outside the goldset's scheme and one its label map drops."""

    name = "foreign"
    version = "1"
    tasks = frozenset({"entities"})
    label_map = {"PER": "PERSON", "JUNK": None}

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        for doc in docs:
            yield Prediction(
                doc.id, (Entity(0, 4, "PER"), Entity(5, 10, "WEIRD"), Entity(11, 12, "JUNK"))
            )


class Coarse(Extractor):
    """A CoNLL-scheme extractor: PER on the first word of each document."""

    name = "coarse"
    version = "1"
    tasks = frozenset({"entities"})
    label_scheme = "conll"
    labels = ("PER", "ORG", "LOC", "MISC")

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        for doc in docs:
            yield Prediction(doc.id, (Entity(0, 4, "PER"),))


@dataclass(frozen=True)
class SleepyOptions:
    #: Seconds per document.
    sleep: float = 0.2
    #: A file touched when the first batch starts (so a test knows the run is under way).
    started: str = ""


class Sleepy(Extractor):
    """PERSON on the first word of each document, slowly (for the signal tests)."""

    name = "sleepy"
    version = "1"
    tasks = frozenset({"entities"})
    Options = SleepyOptions

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        if self.options.started:
            Path(self.options.started).touch()
        for doc in docs:
            time.sleep(self.options.sleep)
            yield Prediction(doc.id, (Entity(0, 4, "PERSON"),))


@dataclass(frozen=True)
class TroubleOptions:
    #: The document it misbehaves on, and how: ``sleep`` (SECONDS of Python sleep), ``exit``
    #: (the process dies: only in a worker process, raises in the test's own), ``hang`` (a hang
    #: no timeout signal can stop), ``setup`` (set-up fails).
    on: str = "doc2"
    how: str = "sleep"
    seconds: float = 30.0


class Trouble(Extractor):
    """Tags the first four characters as PERSON; misbehaves on one document (see the options)."""

    name = "trouble"
    version = "1"
    tasks = frozenset({"entities"})
    Options = TroubleOptions

    def setup(self) -> None:
        if self.options.how == "setup":
            raise OSError("no model here")

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        for doc in docs:
            if doc.id == self.options.on:
                self._misbehave()
            yield Prediction(doc.id, (Entity(0, 4, "PERSON"),))

    def _misbehave(self) -> None:
        import multiprocessing
        import os
        import time

        if self.options.how == "sleep":
            time.sleep(self.options.seconds)
        elif self.options.how == "exit":
            if multiprocessing.parent_process() is None:
                raise RuntimeError("would have exited")  # never kill the test process
            os._exit(3)
        elif self.options.how == "hang":
            end = time.monotonic() + self.options.seconds
            while time.monotonic() < end:
                try:
                    time.sleep(0.05)
                except BaseException:  # swallows the timeout, as a C loop would ignore it
                    continue


@hookimpl
def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
    for cls in (Crashy, OutOfBounds, Foreign, Coarse, Sleepy, Trouble):
        register(cls)
