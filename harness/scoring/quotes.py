"""Quote scores: ``exact`` and ``overlap@t`` (t = 0.3, 0.8), one-to-one, overall and per type.

- ``exact``: same span after trimming whitespace and punctuation (every Unicode ``P*`` character,
  which covers straight, curly and single quotes, guillemets and low quotes, plus the backtick and
  acute accent used as quote marks) at both ends of both spans.
- ``overlap@t``: ``overlap_length / gold_length >= t`` on the untrimmed spans (the Gender Gap
  Tracker's convention; a zero-length gold span counts as overlapped only by an identical span).
  Candidate pairs are matched best-first: exact pairs, then decreasing overlap ratio, overlap
  length and closeness of lengths, then same type and agreeing speaker, then canonical order.

Per type (``direct``, ``indirect``, ``mixed``) matching stays global, recall is computed over the
gold quotes of that type and precision over the predicted quotes of that *predicted* type, so a
gold ``direct`` quote found as ``indirect`` helps ``direct`` recall and ``indirect`` precision.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import lru_cache

from harness.model import Quote
from harness.scoring.matching import Interval, greedy_match, overlapping_pairs
from harness.scoring.prf import Counts, class_totals, set_class_counts

THRESHOLDS: tuple[float, ...] = (0.3, 0.8)
SPEAKER_THRESHOLD = 0.3  # speakers and attribution are scored over pairs matched at overlap@0.3
EXTRA_QUOTE_MARKS = frozenset("`´")

QuotePair = tuple[Quote, Quote]  # (gold, pred)
Agreement = Callable[[Quote, Quote], bool]


def overlap_name(threshold: float) -> str:
    """Metric name of an overlap threshold: ``overlap@0.3``."""
    return f"overlap@{threshold:g}"


#: The quote metrics: ``exact`` and one ``overlap@t`` per threshold.
QUOTE_METRICS: tuple[str, ...] = ("exact", *(overlap_name(t) for t in THRESHOLDS))


@lru_cache(maxsize=4096)
def _is_trimmable(ch: str) -> bool:
    return ch.isspace() or ch in EXTRA_QUOTE_MARKS or unicodedata.category(ch).startswith("P")


def trim_span(text: str, start: int, end: int) -> Interval:
    """Shrink ``[start, end)`` past whitespace and punctuation at both ends (clamped)."""
    start, end = max(0, start), min(len(text), end)
    while start < end and _is_trimmable(text[start]):
        start += 1
    while end > start and _is_trimmable(text[end - 1]):
        end -= 1
    return start, end


def _canonical(quotes: Sequence[Quote]) -> list[Quote]:
    def key(q: Quote) -> tuple[int, int, str, str, int, int]:
        span = q.speaker_span
        return (
            q.start,
            q.end,
            q.type,
            q.speaker or "",
            *((span.start, span.end) if span else (-1, -1)),
        )

    return sorted(quotes, key=key)


def match_quotes(
    text: str, gold: Sequence[Quote], pred: Sequence[Quote], agree: Agreement | None = None
) -> dict[str, list[QuotePair]]:
    """Match predicted to gold quotes for ``exact`` and every ``overlap@t``; ``{metric: pairs}``.

    Among candidate pairs that are equally good on the spans, pairs of the same type and then
    pairs for which ``agree(gold, pred)`` holds (the runner passes "the speaker is right") win.
    """
    g, p = _canonical(gold), _canonical(pred)
    g_trim = [trim_span(text, q.start, q.end) for q in g]
    p_trim = [trim_span(text, q.start, q.end) for q in p]

    memo: dict[tuple[int, int], tuple[bool, bool]] = {}

    def tie_break(gi: int, pi: int) -> tuple[bool, bool]:
        key = gi, pi
        if key not in memo:
            memo[key] = g[gi].type != p[pi].type, agree is not None and not agree(g[gi], p[pi])
        return memo[key]

    by_trim: defaultdict[Interval, list[int]] = defaultdict(list)
    for pi, span in enumerate(p_trim):
        by_trim[span].append(pi)
    exact = [
        (tie_break(gi, pi), gi, pi)
        for gi, span in enumerate(g_trim)
        for pi in by_trim.get(span, ())
    ]
    result = {"exact": [(g[gi], p[pi]) for gi, pi in greedy_match(exact)]}
    spans_g = [(q.start, q.end) for q in g]
    spans_p = [(q.start, q.end) for q in p]
    candidates: list[tuple[float, tuple[object, ...], int, int]] = []
    for gi, pi, overlap in overlapping_pairs(spans_g, spans_p, range(len(g)), range(len(p))):
        g_len, p_len = spans_g[gi][1] - spans_g[gi][0], spans_p[pi][1] - spans_p[pi][0]
        ratio = overlap / g_len
        key = (g_trim[gi] != p_trim[pi], -ratio, -overlap, abs(p_len - g_len), *tie_break(gi, pi))
        candidates.append((ratio, key, gi, pi))
    for gi, (g_start, g_end) in enumerate(spans_g):
        if g_start >= g_end:  # zero-length gold: only an identical span overlaps it
            candidates += [
                (1.0, (False, -1.0, 0, 0, *tie_break(gi, pi)), gi, pi)
                for pi, span in enumerate(spans_p)
                if span == spans_g[gi]
            ]
    for threshold in THRESHOLDS:
        pairs = greedy_match(
            (key, gi, pi) for ratio, key, gi, pi in candidates if ratio >= threshold
        )
        result[overlap_name(threshold)] = [(g[gi], p[pi]) for gi, pi in pairs]
    return result


def count_quotes(
    text: str, gold: Sequence[Quote], pred: Sequence[Quote], agree: Agreement | None = None
) -> tuple[Counts, list[QuotePair]]:
    """Counts of one document (``quotes.<metric>``, per-type halves) and its overlap@0.3 pairs."""
    matches = match_quotes(text, gold, pred, agree)
    n_pred, n_gold = class_totals([q.type for q in pred], [q.type for q in gold])
    counts: Counts = {}
    for metric, pairs in matches.items():
        counts[f"quotes.{metric}"] = (float(len(pairs)), float(len(pred)), float(len(gold)))
        gold_credit = Counter(gq.type for gq, _ in pairs)
        pred_credit = Counter(pq.type for _, pq in pairs)
        set_class_counts(counts, f"quotes.{metric}", pred_credit, gold_credit, n_pred, n_gold)
    return counts, matches[overlap_name(SPEAKER_THRESHOLD)]
