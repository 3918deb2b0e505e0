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

from .model import (
    QUOTE_TYPES,
    TASKS,
    Entity,
    Prediction,
    Quote,
    Span,
    Task,
    TextDoc,
    span_problem,
    spans_fine,
)


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


def validate_prediction(pred: Prediction, doc: TextDoc) -> list[str]:
    """Problems with one document's predictions (document id, offsets, quote types), as sentences.

    Offsets are checked by :func:`harness.model.span_problem`, as the gold's are. Labels are not
    checked here: labels outside the goldset's scheme are ignored and counted by the runner, as
    the score definitions require.
    """
    if pred.doc_id == doc.id and _all_fine(pred, doc.text):  # the common case, in one sweep
        return []
    problems = []
    if pred.doc_id != doc.id:
        problems.append(f"prediction is for document {pred.doc_id!r}, expected {doc.id!r}")
    for i, e in enumerate(pred.entities):
        problems.extend(_span_problems(f"entity #{i}", e, doc.text))
    for i, q in enumerate(pred.quotes):
        problems.extend(_quote_problems(f"quote #{i}", q, doc.text))
    return problems


def _quote_parts(q: Quote) -> Iterable[tuple[str, Span]]:
    """The spans of a quote's attribution that it has: ``speaker_span`` and ``cue``."""
    for part in ("speaker_span", "cue"):
        span = getattr(q, part)
        if span is not None:
            yield part, span


def _all_fine(pred: Prediction, text: str) -> bool:
    quotes = pred.quotes
    return (
        spans_fine(pred.entities, text)
        and spans_fine(quotes, text)
        and spans_fine((s for q in quotes for _, s in _quote_parts(q)), text)
        and all(q.type in QUOTE_TYPES for q in quotes)
    )


def _span_problems(kind: str, span: Entity | Quote | Span, text: str) -> list[str]:
    problem = span_problem(span.start, span.end, text)
    return [] if problem is None else [f"{kind}: {problem}"]


def _quote_problems(kind: str, q: Quote, text: str) -> list[str]:
    problems = _span_problems(kind, q, text)
    if q.type not in QUOTE_TYPES:
        problems.append(f"{kind}: unknown type {q.type!r} (allowed: {list(QUOTE_TYPES)})")
    for part, span in _quote_parts(q):
        problems.extend(_span_problems(f"{kind} {part}", span, text))
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
