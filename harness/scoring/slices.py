"""Scores by slice: how an extractor does on one outlet, on direct against indirect quotes, on
the quotes of women against those of men.

A slice is named in the config (``slices: [outlet, quote.type, speaker.gender]``) and is one of

- a **document slice**: a document metadata key the goldset declares (``outlet``, ``section``;
  ``document.outlet`` says so explicitly). Each value's documents are scored on their own, every
  score of the run, with bootstrap intervals of the headline scores (documents resampled within
  the slice). A document without the key falls in the value ``(none)``;
- a **quote slice**: ``quote.type``, or ``speaker.<attribute>`` for a speaker registry attribute
  the goldset declares (``speaker.gender``) or the speaker's ``type`` (``speaker.type``). A
  quote slice is a set of *gold quotes*, so only the scores computed over gold quotes are
  defined on it: the recall of quotes at each matching (``quotes.exact.r``,
  ``quotes.overlap@0.3.r``...), speaker accuracy over its matched quotes whose speaker is known
  (``speakers.accuracy``) and end-to-end attribution recall (``attribution.r``). A predicted
  quote belongs to no slice (it has no gold attribute), so precision is not defined. Matching
  is the scorer's, over the whole document (a slice does not change which quotes are paired),
  so a slice's recall for ``quote.type = direct`` equals the run's ``quotes.<m>.direct.r``.
  Quotes without a speaker fall in the value ``(no speaker)``, speakers without the attribute in
  ``(none)``. Intervals: documents resampled (a document's quotes stay together).

The per-slice counts add up like every count in the harness, so the bootstrap works on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

import numpy as np

from harness.errors import ConfigError, did_you_mean
from harness.model import Document, Prediction, Quote
from harness.scoring.bootstrap import summarise_matrix
from harness.scoring.evaluate import ScoringPlan
from harness.scoring.extra import Score, Totals
from harness.scoring.metrics import Better, Metric
from harness.scoring.prf import CountMatrix, Counts, FloatArray
from harness.scoring.quotes import QUOTE_METRICS, SPEAKER_THRESHOLD, match_quotes, overlap_name
from harness.scoring.speakers import attribution_is_correct, speaker_is_right

SliceKind = Literal["document", "quote"]
QUOTE_TYPE = "quote.type"
NONE = "(none)"
NO_SPEAKER = "(no speaker)"
#: Counts kept for a document slice besides its headline scores.
DOCUMENT_COUNTS = (
    "entities.n_gold", "entities.n_pred", "quotes.n_gold", "quotes.n_pred", "speakers.n_matched",
)  # fmt: skip


@dataclass(frozen=True)
class SliceSpec:
    """One slice of the config: its name, kind and the key it reads."""

    name: str
    kind: SliceKind
    #: The metadata key (document slice), ``type`` (``quote.type``) or the speaker attribute.
    key: str

    def document_value(self, doc: Document) -> str:
        value = doc.metadata.get(self.key)
        return NONE if value is None else str(value)

    def quote_value(self, doc: Document, q: Quote) -> str:
        if self.name == QUOTE_TYPE:
            return q.type
        speaker = doc.speaker(q.speaker) if q.speaker else None
        if speaker is None:
            return NO_SPEAKER
        value = speaker.type if self.key == "type" else speaker.attributes.get(self.key)
        return NONE if value is None else str(value)


def parse_slice(raw: object, where: str) -> SliceSpec:
    """The slice named ``raw`` (syntax only: :func:`check_slices` checks it against a
    goldset)."""
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(f"{where}: {raw!r} is not a slice name (e.g. outlet, quote.type)")
    name = raw.strip()
    if name == QUOTE_TYPE:
        return SliceSpec(name, "quote", "type")
    head, dot, rest = name.partition(".")
    if dot and head == "speaker" and rest:
        return SliceSpec(name, "quote", rest)
    if dot and head == "document" and rest:
        return SliceSpec(name, "document", rest)
    if dot:
        raise ConfigError(
            f"{where}: {name!r}: expected a document metadata key (outlet, document.outlet), "
            "quote.type or speaker.<attribute>"
        )
    return SliceSpec(name, "document", name)


def check_slices(
    names: Sequence[str], metadata_keys: Sequence[str], speaker_attributes: Sequence[str],
    where: str,
) -> list[SliceSpec]:  # fmt: skip
    """The slices of ``names`` on a goldset that declares ``metadata_keys`` and
    ``speaker_attributes``; :class:`ConfigError` naming what it does not declare."""
    specs = [parse_slice(n, where) for n in names]
    for s in specs:
        if s.kind == "document" and s.key not in metadata_keys:
            known = ", ".join(metadata_keys) or "none"
            raise ConfigError(
                f"{where}: {s.name!r} is not a metadata key of the goldset."
                f"{did_you_mean(s.key, metadata_keys)} It declares: {known}"
            )
        attrs = ("type", *speaker_attributes)
        if s.kind == "quote" and s.name != QUOTE_TYPE and s.key not in attrs:
            raise ConfigError(
                f"{where}: {s.name!r}: speakers have no attribute {s.key!r}."
                f"{did_you_mean(s.key, attrs)} They have: {', '.join(attrs)}"
            )
    return specs


# ---- quote slices: counts of gold quotes -------------------------------------------------------


def _rates(totals: Totals) -> dict[str, FloatArray]:
    """Recall of quotes, speaker accuracy and attribution recall (NaN when undefined)."""

    def ratio(key: str, part: int) -> FloatArray:
        num, den = totals[key][0], totals[key][part]
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    out: dict[str, FloatArray] = {}
    for m in QUOTE_METRICS:
        key = f"slice.quotes.{m}"
        if key in totals:
            out[f"{key}.r"] = ratio(key, 2)
            out["slice.quotes.n_gold"] = totals[key][2]
    if "slice.speakers" in totals:
        out["slice.speakers.accuracy"] = ratio("slice.speakers", 2)
        out["slice.speakers.n_matched"] = totals["slice.speakers"][2]
    if "slice.attribution" in totals:
        out["slice.attribution.r"] = ratio("slice.attribution", 2)
    return out


def _not_counted(gold: Document, pred: Prediction) -> Counts:
    raise RuntimeError("quote-slice counts are made by quote_slice_counts")


def _metric(key: str, title: str, better: Better | None = "higher") -> Metric:
    return Metric(
        f"slice.{key}", "quotes", title, f"{title} over the slice's gold quotes", False, better
    )


#: The summary of quote slices (an internal :class:`Score`: never registered).
QUOTE_SLICE = Score(
    "slice",
    "quotes",
    _not_counted,
    (
        *(_metric(f"quotes.{m}.r", f"quotes {m} R") for m in QUOTE_METRICS),
        _metric("quotes.n_gold", "gold quotes", None),
        _metric("speakers.accuracy", "speaker accuracy"),
        _metric("speakers.n_matched", "quotes matched", None),
        _metric("attribution.r", "attribution R"),
    ),
    _rates,
)
#: The rates of a quote slice (bootstrap intervals are computed for them).
QUOTE_SLICE_RATES = tuple(m.key for m in QUOTE_SLICE.metrics if m.better is not None)


def _add(counts: Counts, key: str, hit: bool, both_sides: bool) -> None:
    """One gold quote more in ``counts[key]``, ``hit`` or not; ``both_sides``: counted as
    evaluated on the predicted side too (speaker accuracy's convention)."""
    m, p, g = counts.get(key, (0.0, 0.0, 0.0))
    counts[key] = (m + hit, p + both_sides, g + 1)


def n_gold(counts: Counts) -> int:
    """The gold quotes of one document's counts for a slice value."""
    key = (
        "slice.attribution" if "slice.attribution" in counts else f"slice.quotes.{QUOTE_METRICS[0]}"
    )
    return int(counts[key][2]) if key in counts else 0


def quote_slice_counts(
    doc: Document, pred: Prediction, specs: Sequence[SliceSpec], tasks: Sequence[str]
) -> dict[tuple[str, str], Counts]:
    """Counts of one document's gold quotes, by ``(slice name, value)``.

    Keys: ``slice.quotes.<metric>`` = ``(matched, 0, gold quotes)`` per quote metric (task
    ``quotes``), ``slice.speakers`` = ``(right, evaluated, evaluated)`` over matched quotes with
    a known speaker and ``slice.attribution`` = ``(correct, 0, gold quotes)`` (task
    ``speakers``)."""
    if not doc.quotes or not specs:
        return {}
    agree = partial(attribution_is_correct, doc)
    matches = match_quotes(doc.text, doc.quotes, pred.quotes, agree)
    matched = {m: {id(g) for g, _ in pairs} for m, pairs in matches.items()}
    partner = {id(g): p for g, p in matches[overlap_name(SPEAKER_THRESHOLD)]}
    out: dict[tuple[str, str], Counts] = {}
    for q in doc.quotes:
        p = partner.get(id(q))
        for spec in specs:
            c = out.setdefault((spec.name, spec.quote_value(doc, q)), {})
            if "quotes" in tasks:
                for m in QUOTE_METRICS:
                    _add(c, f"slice.quotes.{m}", id(q) in matched[m], False)
            if "speakers" in tasks:
                _add(c, "slice.attribution", p is not None and agree(q, p), False)
                if p is not None and q.speaker is not None:
                    _add(c, "slice.speakers", speaker_is_right(doc, q, p), True)
    return out


# ---- scoring -----------------------------------------------------------------------------------


@dataclass
class SliceScores:
    """The scores of one value of a slice: ``n`` documents (document slice) or gold quotes
    (quote slice)."""

    n: int
    scores: dict[str, float]
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "scores": self.scores,
            "intervals": {k: list(v) for k, v in self.intervals.items()},
        }


@dataclass
class _Collector:
    """The counts of each slice value while the documents go by."""

    specs: Sequence[SliceSpec]
    tasks: Sequence[str]
    documents: dict[tuple[str, str], CountMatrix] = field(default_factory=dict)
    quotes: dict[tuple[str, str], dict[int, Counts]] = field(default_factory=dict)
    n: Counter[tuple[str, str]] = field(default_factory=Counter)
    n_docs: int = 0

    def add(self, doc: Document, pred: Prediction, counts: Counts) -> None:
        quote_specs = [s for s in self.specs if s.kind == "quote"]
        for s in self.specs:
            if s.kind == "document":
                key = (s.name, s.document_value(doc))
                self.documents.setdefault(key, CountMatrix()).add([counts])
                self.n[key] += 1
        for key, c in quote_slice_counts(doc, pred, quote_specs, self.tasks).items():
            self.quotes.setdefault(key, {})[self.n_docs] = c
            self.n[key] += n_gold(c)
        self.n_docs += 1

    def quote_matrix(self, key: tuple[str, str]) -> CountMatrix:
        """Every document's counts for one quote-slice value (documents without its quotes
        count zero: they are resampled too)."""
        rows = self.quotes[key]
        matrix = CountMatrix()
        matrix.add([rows.get(i, {}) for i in range(self.n_docs)])
        return matrix


def _document_scores(plan: ScoringPlan, matrix: CountMatrix, n: int) -> SliceScores:
    scores, intervals = plan.summarise(matrix)
    keep = set(plan.interval_keys) | set(DOCUMENT_COUNTS)
    return SliceScores(n, {k: v for k, v in scores.items() if k in keep}, intervals)


def _quote_scores(plan: ScoringPlan, matrix: CountMatrix, n: int) -> SliceScores:
    scores, intervals = summarise_matrix(
        matrix, (), QUOTE_SLICE_RATES, n=plan.samples, seed=plan.seed, extra=[QUOTE_SLICE]
    )

    def plain(key: str) -> str:
        return key.removeprefix("slice.")

    return SliceScores(
        n, {plain(k): v for k, v in scores.items()}, {plain(k): v for k, v in intervals.items()}
    )


def score_slices(
    plan: ScoringPlan, specs: Sequence[SliceSpec], documents: Iterable[Document],
    predictions: Iterable[Prediction], per_doc: Iterable[Counts],
) -> dict[str, dict[str, SliceScores]]:  # fmt: skip
    """``{slice name: {value: scores}}`` of one extractor, from its gold documents, its scored
    predictions and its per-document counts (all three in goldset order)."""
    if not specs:
        return {}
    collect = _Collector(specs, plan.tasks)
    for doc, pred, counts in zip(documents, predictions, per_doc, strict=True):
        collect.add(doc, pred, counts)
    out: dict[str, dict[str, SliceScores]] = {s.name: {} for s in specs}
    for key, matrix in collect.documents.items():
        out[key[0]][key[1]] = _document_scores(plan, matrix, collect.n[key])
    if "quotes" in plan.tasks or "speakers" in plan.tasks:
        for key in collect.quotes:
            out[key[0]][key[1]] = _quote_scores(plan, collect.quote_matrix(key), collect.n[key])
    return {name: dict(sorted(values.items())) for name, values in out.items()}
