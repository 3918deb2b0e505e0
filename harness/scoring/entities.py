"""Entity scores: the four SemEval-2013 9.1 schemes of nervaluate, one-to-one.

- ``strict``  same start, end and label (equals seqeval's strict IOB2 score on flat spans);
- ``exact``   same start and end, any label;
- ``partial`` overlapping span, any label: 1 for the same boundaries, 0.5 otherwise;
- ``type``    overlapping span with the same label.

Each scheme has its own one-to-one matching. Pairs with identical boundaries are matched first
(same label before different label), then overlapping pairs by decreasing overlap length, ties
broken by the canonical order of the spans (start, end, label), so scores do not depend on the
order of the input.

Per-label counts credit a matched pair to the gold label on the recall side and to the predicted
label on the precision side (they differ only for ``exact`` and ``partial``); see
:mod:`harness.scoring.prf`. Predicted entities whose label is not one of the goldset's labels are
ignored and counted under ``entities.n_ignored``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from harness.model import Entity
from harness.scoring.matching import boundary_match, greedy_match, overlapping_pairs
from harness.scoring.prf import Counts, add_class_count

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
PARTIAL_CREDIT = 0.5

Match = tuple[Entity, Entity, float]  # (gold, pred, credit)


def _canonical(entities: Sequence[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e.start, e.end, e.label))


def match_entities(gold: Sequence[Entity], pred: Sequence[Entity]) -> dict[str, list[Match]]:
    """Match predicted to gold entities under every scheme; ``{scheme: [(gold, pred, credit)]}``."""
    g, p = _canonical(gold), _canonical(pred)
    strict = boundary_match(
        [(e.start, e.end, e.label) for e in g], [(e.start, e.end, e.label) for e in p],
        range(len(g)), range(len(p)),
    )  # fmt: skip
    matched_g = {gi for gi, _ in strict}
    matched_p = {pi for _, pi in strict}
    g_rest = [i for i in range(len(g)) if i not in matched_g]
    p_rest = [i for i in range(len(p)) if i not in matched_p]
    exact, typed, partial_overlap = list(strict), list(strict), []
    if g_rest and p_rest:
        exact += boundary_match(
            [(e.start, e.end) for e in g], [(e.start, e.end) for e in p], g_rest, p_rest
        )
        overlaps = overlapping_pairs(
            [(e.start, e.end) for e in g], [(e.start, e.end) for e in p], g_rest, p_rest
        )
        typed += greedy_match(
            ((-ov,), gi, pi) for gi, pi, ov in overlaps if g[gi].label == p[pi].label
        )
        exact_g = {gi for gi, _ in exact}
        exact_p = {pi for _, pi in exact}
        partial_overlap = greedy_match(
            ((-ov, g[gi].label != p[pi].label), gi, pi)
            for gi, pi, ov in overlaps
            if gi not in exact_g and pi not in exact_p
        )
    return {
        "strict": [(g[gi], p[pi], 1.0) for gi, pi in strict],
        "exact": [(g[gi], p[pi], 1.0) for gi, pi in exact],
        "partial": [(g[gi], p[pi], 1.0) for gi, pi in exact]
        + [(g[gi], p[pi], PARTIAL_CREDIT) for gi, pi in partial_overlap],
        "type": [(g[gi], p[pi], 1.0) for gi, pi in typed],
    }


def count_entities(
    gold: Sequence[Entity], pred: Sequence[Entity], labels: Collection[str]
) -> Counts:
    """Counts of one document: ``entities.<scheme>``, per-label halves, ``entities.n_ignored``.

    ``labels`` are the goldset's entity labels; predictions with another label are ignored.
    """
    allowed = set(labels)
    kept = [e for e in pred if e.label in allowed]
    n_gold = Counter(e.label for e in gold)
    n_pred = Counter(e.label for e in kept)
    counts: Counts = {"entities.n_ignored": (0.0, float(len(pred) - len(kept)), 0.0)}
    for scheme, matches in match_entities(gold, kept).items():
        pred_credit: Counter[str] = Counter()
        gold_credit: Counter[str] = Counter()
        total = 0.0
        for g, p, credit in matches:
            total += credit
            gold_credit[g.label] += credit
            pred_credit[p.label] += credit
        counts[f"entities.{scheme}"] = (total, float(len(kept)), float(len(gold)))
        add_class_count(counts, f"entities.{scheme}", pred_credit, gold_credit, n_pred, n_gold)
    return counts
