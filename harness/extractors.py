"""The extractor contract: what every built-in and third-party extractor implements.

An extractor is a class with a ``name``, a ``version``, the ``tasks`` it supports, its native
``labels`` and a ``label_map`` to a goldset's scheme, an ``Options`` dataclass validated from the
config, and a batched :meth:`Extractor.extract`. Heavy models are loaded in :meth:`setup`, which
the runner calls once before the first batch (never at import or registration time).

Minimal example::

    @dataclass(frozen=True)
    class Options:
        lowercase: bool = False

    class Shouting(Extractor):
        name = "shouting"
        version = "1.0"
        tasks = frozenset({"entities"})
        labels = ("ORG",)
        Options = Options

        def extract(self, docs):
            for doc in docs:
                found = re.finditer(r"\\b[A-Z]{3,}\\b", doc.text)
                yield Prediction(doc.id, tuple(Entity(m.start(), m.end(), "ORG") for m in found))
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from .model import QUOTE_TYPES, TASKS, Entity, Prediction, Quote, Span, Task, TextDoc


@dataclass(frozen=True)
class NoOptions:
    """Options of an extractor that takes none."""


class Extractor(ABC):
    """Base class of extractors. Subclasses set the class attributes and implement ``extract``."""

    #: Unique name used in configs (``extractors: [{name: regex}]``).
    name: ClassVar[str]
    #: Version of the extractor; part of the prediction cache key and of the results' provenance.
    version: ClassVar[str]
    #: Tasks the extractor supports: a subset of ``{"entities", "quotes", "speakers"}``.
    tasks: ClassVar[frozenset[Task]]
    #: Name of the extractor's native label scheme (``"ontonotes"``, ``"conll"``...).
    label_scheme: ClassVar[str] = "ontonotes"
    #: Native entity labels the extractor can emit.
    labels: ClassVar[tuple[str, ...]] = ()
    #: Native label -> goldset label. Labels absent from the map pass through unchanged;
    #: a label mapped to ``None`` is dropped (and counted as unmapped). The runner reads it from
    #: the instance, so an extractor may set ``self.label_map`` from its options.
    label_map: ClassVar[Mapping[str, str | None]] = {}
    #: Dataclass of the extractor's options; validated from the config before anything loads.
    Options: ClassVar[type] = NoOptions

    def __init__(self, options: Any = None, tasks: frozenset[Task] | None = None) -> None:
        self.options = options if options is not None else self.Options()
        #: The tasks this run evaluates (a subset of ``tasks``): skip work the run does not need.
        self.tasks_requested: frozenset[Task] = (
            frozenset(tasks) & self.tasks if tasks is not None else frozenset(self.tasks)
        )

    def setup(self) -> None:  # noqa: B027 - optional hook
        """Load models and other heavy resources. Called once, before the first ``extract``."""

    @abstractmethod
    def extract(self, docs: Sequence[TextDoc]) -> Iterable[Prediction]:
        """Return one :class:`Prediction` per document, in the same order as ``docs``."""

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {
            "name": cls.name,
            "version": cls.version,
            "tasks": sorted(cls.tasks, key=TASKS.index),
            "label_scheme": cls.label_scheme,
            "labels": list(cls.labels),
        }


def check_extractor_class(cls: Any) -> list[str]:
    """Problems with an extractor class, as readable sentences (empty when it is fine)."""
    problems = []
    if not (isinstance(cls, type) and issubclass(cls, Extractor)):
        return [f"{cls!r} is not a subclass of harness.extractors.Extractor"]
    for attr in ("name", "version", "tasks"):
        if not getattr(cls, attr, None):
            problems.append(f"{cls.__qualname__} has no {attr!r}")
    unknown = set(getattr(cls, "tasks", ())) - set(TASKS)
    if unknown:
        problems.append(f"{cls.__qualname__} declares unknown tasks {sorted(unknown)}")
    return problems


def _spans_fine(spans: Iterable[Entity | Quote | Span], n: int) -> bool:
    return all(
        isinstance(s.start, int) and isinstance(s.end, int) and 0 <= s.start < s.end <= n
        for s in spans
    )


def validate_prediction(pred: Prediction, doc: TextDoc) -> list[str]:  # noqa: C901
    """Problems with one document's predictions (offsets, quote types), as sentences.

    Labels are not checked here: labels outside the goldset's scheme are ignored and counted
    by the runner, as the score definitions require.
    """
    n = len(doc.text)
    quotes = pred.quotes
    parts = [s for q in quotes for s in (q.speaker_span, q.cue) if s is not None]
    if (  # the common case, checked in one sweep; the loops below say what is wrong
        pred.doc_id == doc.id
        and _spans_fine(pred.entities, n)
        and _spans_fine(quotes, n)
        and _spans_fine(parts, n)
        and all(q.type in QUOTE_TYPES for q in quotes)
    ):
        return []
    problems: list[str] = []

    def span_problem(kind: str, i: int, s: Entity | Quote | Span) -> None:
        if not (isinstance(s.start, int) and isinstance(s.end, int)):
            problems.append(f"{kind} #{i}: offsets must be integers, got {s.start!r}, {s.end!r}")
        elif s.start < 0 or s.end > n:
            problems.append(f"{kind} #{i}: offsets {s.start}..{s.end} outside the text (0..{n})")
        elif s.end <= s.start:
            problems.append(f"{kind} #{i}: end {s.end} is not after start {s.start}")

    if pred.doc_id != doc.id:
        problems.append(f"prediction is for document {pred.doc_id!r}, expected {doc.id!r}")
    for i, e in enumerate(pred.entities):
        span_problem("entity", i, e)
    for i, q in enumerate(pred.quotes):
        span_problem("quote", i, q)
        if q.type not in QUOTE_TYPES:
            problems.append(f"quote #{i}: unknown type {q.type!r} (allowed: {list(QUOTE_TYPES)})")
        for part in ("speaker_span", "cue"):
            sub = getattr(q, part)
            if sub is not None:
                span_problem(f"quote #{i} {part}", i, sub)
    return problems


def map_labels(
    pred: Prediction, label_map: Mapping[str, str | None]
) -> tuple[Prediction, list[str]]:
    """Apply ``label_map`` to the entities; return the new prediction and the dropped labels."""
    if not label_map:
        return pred, []
    out: list[Entity] = []
    dropped: list[str] = []
    for e in pred.entities:
        label = label_map.get(e.label, e.label)
        if label is None:
            dropped.append(e.label)
        else:
            out.append(Entity(e.start, e.end, label, e.text) if label != e.label else e)
    return Prediction(pred.doc_id, tuple(out), pred.quotes), dropped
