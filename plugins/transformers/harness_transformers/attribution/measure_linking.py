"""Measure the rule-based half of the pipeline on gold tags: word tags -> spans -> links -> types.

Usage::

    python -m harness_transformers.attribution.measure_linking /work/shared/data/polnear/dev \\
        --format brat --option preset=polnear

The gold quotes (read with ``sourceless: keep``, so that cues without a source are ``NSCUE``) are
turned into word tags exactly as for training, decoded back into spans, linked by
:mod:`.linking` and typed by :mod:`.quote_types`, and then scored with the harness's scorers
against the evaluation gold (``sourceless: drop``). A perfect tagger would get these scores, so
they are the ceiling that the rules leave. Also printed: link accuracy (a gold quote whose
content span comes back with its own cue and source), and agreement of the quote types with the
gold's.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from typing import Any

from harness.model import Document, Prediction, Quote
from harness_transformers.attribution.assemble import quotes_from_tags
from harness_transformers.attribution.data import load_documents
from harness_transformers.attribution.tags import quote_role_spans, word_tags


def oracle_quotes(doc: Document) -> tuple[Quote, ...]:
    """The pipeline's quotes when the tagger is perfect (speaker = the source's words)."""
    from harness_transformers.words import split_words

    words = split_words(doc.text)
    tags, _ = word_tags(words, quote_role_spans(doc.quotes))
    return quotes_from_tags(doc.text, words, [None if t == "O" else t for t in tags])


def link_counts(gold: Sequence[Quote], pred: Sequence[Quote]) -> Counter[str]:
    """Per gold quote found with the same content span: same cue, same source."""
    by_span = {(q.start, q.end): q for q in pred}
    counts: Counter[str] = Counter()
    for g in gold:
        p = by_span.get((g.start, g.end))
        if p is None:
            counts["content lost"] += 1
            continue
        counts["quotes"] += 1
        same_cue = (g.cue and (g.cue.start, g.cue.end)) == (p.cue and (p.cue.start, p.cue.end))
        span = g.speaker_span
        same_source = (span and (span.start, span.end)) == (
            p.speaker_span and (p.speaker_span.start, p.speaker_span.end)
        )
        counts["cue right"] += bool(same_cue)
        counts["source right"] += bool(same_source)
        counts["both right"] += bool(same_cue and same_source)
        counts["type right"] += g.type == p.type
    return counts


def measure(keep: Sequence[Document], evaluation: Sequence[Document]) -> dict[str, Any]:
    """Scores of the oracle pipeline against ``evaluation`` and link accuracy on ``keep``."""
    from harness.scoring.document import count_document
    from harness.scoring.summary import summarise

    gold_by_id = {d.id: d for d in evaluation}
    per_doc = []
    links: Counter[str] = Counter()
    for doc in keep:
        pred = oracle_quotes(doc)
        links += link_counts(doc.quotes, pred)
        kept = tuple(q for q in pred if q.speaker is not None)
        gold = gold_by_id.get(doc.id)
        if gold is not None:
            prediction = Prediction(doc.id, (), kept)
            per_doc.append(count_document(gold, prediction, ("quotes", "speakers"), []))
    scores = summarise(per_doc, [])
    keys = ("quotes.exact.f1", "quotes.overlap@0.3.f1", "speakers.accuracy", "attribution.f1")
    return {"scores": {k: round(scores[k], 4) for k in keys if k in scores}, "links": dict(links)}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: print the measures as text."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("goldset")
    p.add_argument("--format", default=None)
    p.add_argument("--option", action="append", default=[], help="format option KEY=VALUE")
    a = p.parse_args(argv)
    options: dict[str, Any] = dict(o.split("=", 1) for o in a.option)
    if a.format:
        options["format"] = a.format
    keep = load_documents(a.goldset, {**options, "sourceless": "keep"})
    evaluation = load_documents(a.goldset, options)
    result = measure(keep, evaluation)
    n = result["links"].get("quotes", 0) or 1
    for key, value in result["scores"].items():
        print(f"{key:28s} {value:.4f}")
    for key, value in result["links"].items():
        share = "" if key in ("quotes", "content lost") else f"  ({value / n:.4f})"
        print(f"{key:28s} {value}{share}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
