"""A misbehaving third-party plugin for the probes of issue #19 (``issue19.py``).

One extractor, ``probe``, whose ``mode`` option chooses how it misbehaves on the document named
by ``on`` (every other document gets a valid prediction). ``issue19.py`` installs it as an
entry-point plugin by writing a ``.dist-info`` folder next to it on ``PYTHONPATH``.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import hookimpl
from harness.extractors import Extractor
from harness.model import Entity, Prediction, Quote, TextDoc

if os.environ.get("PROBE_PRINT_AT_IMPORT"):
    print("PROBE-PLUGIN-NOISE at import")


@dataclass(frozen=True)
class ProbeOptions:
    mode: str = "ok"
    on: str = "doc2"
    #: Seconds to sleep per document (for the signal probes: a run that takes a while).
    sleep: float = 0.0
    #: A file touched when extraction starts (the signal probes wait for it).
    started: str = ""


def _good(doc: TextDoc) -> Prediction:
    return Prediction(doc.id, (Entity(0, 4, "PERSON"),))


def _bad(mode: str, doc: TextDoc) -> Any:
    """What the extractor hands back for the chosen document in ``mode``."""
    table: dict[str, Callable[[], Any]] = {
        "none": lambda: None,
        "dict": lambda: {"doc_id": doc.id, "entities": []},
        "list_label": lambda: Prediction(doc.id, (Entity(0, 4, ["PERSON"]),)),  # type: ignore[arg-type]
        "tuple_span": lambda: Prediction(doc.id, ((0, 4, "PERSON"),)),  # type: ignore[arg-type]
        "tuple_speaker_span": lambda: Prediction(
            doc.id,
            (),
            (Quote(0, 4, "direct", "X", (0, 4)),),  # type: ignore[arg-type]
        ),
        "str_entities": lambda: Prediction(doc.id, "PERSON"),  # type: ignore[arg-type]
        "float_offsets": lambda: Prediction(doc.id, (Entity(0.0, 4.0, "PERSON"),)),  # type: ignore[arg-type]
        "int_doc_id": lambda: Prediction(7, (Entity(0, 4, "PERSON"),)),  # type: ignore[arg-type]
        "nan_diagnostic": lambda: Prediction(doc.id, (), (), {"tokens": math.nan}),
        "bad_quote_type": lambda: Prediction(doc.id, (), (Quote(0, 4, "shouted"),)),  # type: ignore[arg-type]
        "int_speaker": lambda: Prediction(doc.id, (), (Quote(0, 4, "direct", 5),)),  # type: ignore[arg-type]
    }
    return table[mode]()


class Probe(Extractor):
    name = "probe"
    version = "1"
    tasks = frozenset({"entities", "quotes", "speakers"})
    Options = ProbeOptions

    def __init__(self, options: Any = None, tasks: Any = None) -> None:
        super().__init__(options, tasks)
        if self.options.mode == "init_raise":
            raise ValueError("probe: broken constructor")
        if self.options.mode == "init_exit":
            sys.exit(4)

    def setup(self) -> None:
        if self.options.mode == "setup_exit0":
            sys.exit(0)
        if self.options.mode == "setup_raise":
            raise OSError("probe: model file missing")

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        mode = self.options.mode
        if mode == "returns_none":
            return None  # type: ignore[return-value]
        if mode == "wrong_count":
            return iter([_good(docs[0])] * (len(docs) + 1))
        return self._each(docs, mode)

    def _each(self, docs: Sequence[TextDoc], mode: str) -> Iterator[Prediction]:
        if self.options.started:
            Path(self.options.started).touch()
        for doc in docs:
            time.sleep(self.options.sleep)
            if mode == "print":
                print(f"PROBE-PLUGIN-NOISE {doc.id}")
            if doc.id != self.options.on or mode in ("ok", "print"):
                yield _good(doc)
            elif mode == "exit3":
                sys.exit(3)
            elif mode == "raise":
                raise RuntimeError("probe: boom")
            elif mode == "hang":
                time.sleep(10**6)
            else:
                yield _bad(mode, doc)


@hookimpl
def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
    register(Probe)
