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

Diagnostics: an extractor may report numbers about how it made each prediction in
``Prediction.diagnostics`` (``{"unaligned": 2, "generated": 40, "prompt_tokens": 812}``), and
for a document it fails on, in ``ExtractorError(..., diagnostics=...)``. Values are finite
numbers; the runner sums each name over the documents and writes the per-document values and
the totals to ``results.json`` (``extractors.<label>.diagnostics``, see
:mod:`harness.diagnostics`) and the report. Ratios are declared, not summed:
``diagnostic_rates = {"unaligned_rate": ("unaligned", "generated")}`` adds
``unaligned / generated`` to each document and to the totals. Diagnostics are cached with the
predictions, so a cached re-run reports them too (``this_run`` sums only the documents the
extractor actually ran on).
"""

from __future__ import annotations

import math
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
    #: Ratios of diagnostics reported per document and over the run:
    #: ``{rate name: (numerator diagnostic, denominator diagnostic)}`` (see the module docs).
    diagnostic_rates: ClassVar[Mapping[str, tuple[str, str]]] = {}

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
    for rate, parts in dict(getattr(cls, "diagnostic_rates", {}) or {}).items():
        pair = isinstance(parts, tuple) and len(parts) == 2
        if not (pair and all(isinstance(p, str) for p in parts)):
            problems.append(
                f"{cls.__qualname__}.diagnostic_rates[{rate!r}] should be a pair of diagnostic "
                f"names (numerator, denominator), got {parts!r}"
            )
    return problems


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def diagnostics_problems(diagnostics: Mapping[str, Any]) -> list[str]:
    """Problems with a prediction's diagnostics (names must be strings, values finite numbers)."""
    return [
        f"diagnostic {k!r}: expected a finite number, got {v!r}"
        for k, v in diagnostics.items()
        if not (isinstance(k, str) and _number(v))
    ]


@dataclass(frozen=True)
class NotAPrediction:
    """What an extractor handed back in a document's place when it was not a
    :class:`~harness.model.Prediction` (``None``, a dict...); :func:`validate_prediction`
    reports it as that document's error (see :mod:`harness.plugin_calls`)."""

    value: object


def describe_value(value: object) -> str:
    """A value's type and the start of its repr, for messages: ``dict {'doc_id': 'd1'}``."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def validate_prediction(pred: Prediction | NotAPrediction, doc: TextDoc) -> list[str]:
    """Problems with one document's predictions, as sentences (empty when they are usable).

    Everything an extractor hands back is checked here, where it enters the harness: the
    value itself (a :class:`~harness.model.Prediction`, not ``None`` or a dict), the type of
    every field (tuples of :class:`~harness.model.Entity` and :class:`~harness.model.Quote`,
    string labels, :class:`~harness.model.Span` parts, speakers that are strings or ``None``),
    the document id, offsets (by :func:`harness.model.span_problem`, as the gold's are), quote
    types and diagnostics. Labels are not compared with a scheme here: labels outside the
    goldset's scheme are ignored and counted by the runner, as the score definitions require.
    """
    if isinstance(pred, Prediction) and pred.doc_id == doc.id and _all_fine(pred, doc.text):
        return []  # the common case, in one sweep
    if not isinstance(pred, Prediction):
        value = pred.value if isinstance(pred, NotAPrediction) else pred
        return [f"expected a harness.model.Prediction, got {describe_value(value)}"]
    problems = _container_problems(pred)
    if problems:
        return problems
    problems = diagnostics_problems(pred.diagnostics)
    if pred.doc_id != doc.id:
        problems.append(f"prediction is for document {pred.doc_id!r}, expected {doc.id!r}")
    for i, e in enumerate(pred.entities):
        problems.extend(_entity_problems(f"entity #{i}", e, doc.text))
    for i, q in enumerate(pred.quotes):
        problems.extend(_quote_problems(f"quote #{i}", q, doc.text))
    return problems


def _container_problems(pred: Prediction) -> list[str]:
    """Problems with the fields that hold the others (when any, nothing inside is looked at)."""
    problems = []
    if type(pred.doc_id) is not str:
        problems.append(f"doc_id should be a string, got {describe_value(pred.doc_id)}")
    for name in ("entities", "quotes"):
        value = getattr(pred, name)
        if type(value) is not tuple:
            problems.append(f"{name} should be a tuple, got {describe_value(value)}")
    if not isinstance(pred.diagnostics, Mapping):
        problems.append(f"diagnostics should be a mapping, got {describe_value(pred.diagnostics)}")
    return problems


def _quote_parts(q: Quote) -> Iterable[tuple[str, Span]]:
    """The spans of a quote's attribution that it has: ``speaker_span`` and ``cue``."""
    for part in ("speaker_span", "cue"):
        span = getattr(q, part)
        if span is not None:
            yield part, span


def _all_fine(pred: Prediction, text: str) -> bool:
    entities, quotes = pred.entities, pred.quotes
    return (
        type(entities) is tuple
        and type(quotes) is tuple
        and all(type(e) is Entity and _entity_fields_fine(e) for e in entities)
        and spans_fine(entities, text)
        and all(type(q) is Quote and _quote_fields_fine(q) for q in quotes)
        and spans_fine(quotes, text)
        and spans_fine((s for q in quotes for _, s in _quote_parts(q)), text)
        and isinstance(pred.diagnostics, Mapping)
        and not (pred.diagnostics and diagnostics_problems(pred.diagnostics))
    )


def _entity_fields_fine(e: Entity) -> bool:
    return type(e.label) is str and bool(e.label) and type(e.text) is str


def _quote_fields_fine(q: Quote) -> bool:
    return (
        type(q.type) is str
        and q.type in QUOTE_TYPES
        and (q.speaker is None or type(q.speaker) is str)
        and (q.speaker_span is None or type(q.speaker_span) is Span)
        and (q.cue is None or type(q.cue) is Span)
        and type(q.text) is str
    )


def _span_problems(kind: str, span: Entity | Quote | Span, text: str) -> list[str]:
    problem = span_problem(span.start, span.end, text)
    problems = [] if problem is None else [f"{kind}: {problem}"]
    if not isinstance(span.text, str):
        problems.append(f"{kind}: text should be a string, got {describe_value(span.text)}")
    return problems


def _entity_problems(kind: str, e: object, text: str) -> list[str]:
    if not isinstance(e, Entity):
        return [f"{kind}: expected a harness.model.Entity, got {describe_value(e)}"]
    problems = _span_problems(kind, e, text)
    if not (isinstance(e.label, str) and e.label):
        problems.append(
            f"{kind}: label should be a non-empty string, got {describe_value(e.label)}"
        )
    return problems


def _quote_problems(kind: str, q: object, text: str) -> list[str]:
    if not isinstance(q, Quote):
        return [f"{kind}: expected a harness.model.Quote, got {describe_value(q)}"]
    problems = _span_problems(kind, q, text)
    if not (isinstance(q.type, str) and q.type in QUOTE_TYPES):
        problems.append(f"{kind}: unknown type {q.type!r} (allowed: {list(QUOTE_TYPES)})")
    if not (q.speaker is None or isinstance(q.speaker, str)):
        problems.append(
            f"{kind}: speaker should be a name (string) or None, got {describe_value(q.speaker)}"
        )
    for part in ("speaker_span", "cue"):
        span = getattr(q, part)
        if span is None:
            continue
        if not isinstance(span, Span):
            problems.append(
                f"{kind} {part}: expected a harness.model.Span or None, got {describe_value(span)}"
            )
        else:
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
    return Prediction(pred.doc_id, tuple(out), pred.quotes, pred.diagnostics), dropped
