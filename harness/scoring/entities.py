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

from collections.abc import Collection, Sequence
from typing import NamedTuple

from harness.model import Entity
from harness.scoring.matching import greedy_match, merge_match, overlapping_pairs
from harness.scoring.prf import Counts, class_totals, set_class_counts

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
PARTIAL_CREDIT = 0.5

Item = tuple[int, int, str]  # (start, end, label): all that scoring looks at
Pairs = list[tuple[int, int]]  # (gold index, pred index) into the canonical (sorted) lists
Match = tuple[Entity, Entity, float]  # (gold, pred, credit)


def _match_indices(g: Sequence[Item], p: Sequence[Item]) -> tuple[Pairs, Pairs, Pairs, Pairs]:
    """Match sorted gold and predicted items; returns ``strict`` pairs and the pairs *added* to them
    by ``exact`` (same boundaries, other label), ``type`` (overlap, same label) and ``partial``
    (overlap with other boundaries, after all exact pairs).

    So ``exact = strict + exact_extra``, ``type = strict + type_extra`` and
    ``partial = strict + exact_extra`` (credit 1) ``+ partial_extra`` (credit 0.5).
    """
    strict, g_rest, p_rest = merge_match(g, p, range(len(g)), range(len(p)))
    if not g_rest or not p_rest:
        return strict, [], [], []
    g_bounds = [(s, e) for s, e, _ in g]
    p_bounds = [(s, e) for s, e, _ in p]
    exact_extra = merge_match(g_bounds, p_bounds, g_rest, p_rest)[0]
    overlaps = overlapping_pairs(g_bounds, p_bounds, g_rest, p_rest)
    type_extra = greedy_match(((-ov,), gi, pi) for gi, pi, ov in overlaps if g[gi][2] == p[pi][2])
    exact_g = {gi for gi, _ in exact_extra}
    exact_p = {pi for _, pi in exact_extra}
    partial_extra = greedy_match(
        ((-ov, g[gi][2] != p[pi][2]), gi, pi)
        for gi, pi, ov in overlaps
        if gi not in exact_g and pi not in exact_p
    )
    return strict, exact_extra, type_extra, partial_extra


def partial_pairs(gold: Sequence[Item], pred: Sequence[Item]) -> Pairs:
    """The one-to-one pairs of the ``partial`` scheme between gold and predicted items in
    canonical order (sorted by start, end, label): pairs with the same boundaries (same label
    first), then overlapping pairs. The report classifies entity errors by them."""
    strict, exact_x, _, partial_x = _match_indices(gold, pred)
    return strict + exact_x + partial_x


def _canonical(entities: Sequence[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e.start, e.end, e.label))


def match_entities(gold: Sequence[Entity], pred: Sequence[Entity]) -> dict[str, list[Match]]:
    """Match predicted to gold entities under every scheme; ``{scheme: [(gold, pred, credit)]}``."""
    g, p = _canonical(gold), _canonical(pred)
    strict, exact_x, type_x, partial_x = _match_indices(
        [(e.start, e.end, e.label) for e in g], [(e.start, e.end, e.label) for e in p]
    )

    def entities(pairs: Pairs, credit: float) -> list[Match]:
        return [(g[gi], p[pi], credit) for gi, pi in pairs]

    return {
        "strict": entities(strict, 1.0),
        "exact": entities(strict + exact_x, 1.0),
        "partial": entities(strict + exact_x, 1.0) + entities(partial_x, PARTIAL_CREDIT),
        "type": entities(strict + type_x, 1.0),
    }


def _credits(
    base: dict[str, float], items: Sequence[Item], pairs: Pairs, side: int, credit: float
) -> dict[str, float]:
    """``base`` plus ``credit`` for the label of each pair's gold (side 0) or pred (side 1) item."""
    out = dict(base)
    for pair in pairs:
        label = items[pair[side]][2]
        out[label] = out.get(label, 0.0) + credit
    return out


class EntityMatch(NamedTuple):
    """The ``partial`` pairs of one document, for explaining its errors (the report's findings).

    ``gold_order[i]`` / ``pred_order[j]`` is the input position of the ``i``-th gold / ``j``-th
    predicted item in canonical order (the predictions with a scored label only); ``pairs``
    index the canonical lists ``gold`` and ``pred``.
    """

    gold_order: list[int]
    pred_order: list[int]
    gold: list[Item]
    pred: list[Item]
    pairs: Pairs


def _canonical_items(entities: Sequence[Entity], positions: bool) -> tuple[list[int], list[Item]]:
    """The items in canonical order (start, end, label) and, with ``positions``, their input
    positions (ties by position; without, an empty list)."""
    items = [(e.start, e.end, e.label) for e in entities]
    if not positions:
        return [], sorted(items)
    order = sorted(range(len(items)), key=items.__getitem__)
    return order, [items[i] for i in order]


def count_entities(
    gold: Sequence[Entity], pred: Sequence[Entity], labels: Collection[str]
) -> Counts:
    """Counts of one document: ``entities.<scheme>``, per-label halves, ``entities.n_ignored``.

    ``labels`` are the goldset's entity labels; predictions with another label are ignored.
    """
    return count_and_match_entities(gold, pred, labels, positions=False)[0]


def count_and_match_entities(
    gold: Sequence[Entity], pred: Sequence[Entity], labels: Collection[str],
    positions: bool = True,
) -> tuple[Counts, EntityMatch]:  # fmt: skip
    """:func:`count_entities` and the ``partial`` pairs it counted (one matching for both);
    without ``positions`` the match has no input positions (counting alone)."""
    allowed = set(labels)
    order_g, g = _canonical_items(gold, positions)
    order_p, p = _canonical_items([e for e in pred if e.label in allowed], positions)
    n_pred, n_gold = class_totals([x[2] for x in p], [x[2] for x in g])
    strict, exact_x, type_x, partial_x = _match_indices(g, p)
    base = _credits({}, g, strict, 0, 1.0)  # a strict pair has one label on both sides
    exact_g, exact_p = _credits(base, g, exact_x, 0, 1.0), _credits(base, p, exact_x, 1, 1.0)
    typed = _credits(base, g, type_x, 0, 1.0)  # same label on both sides
    credits = {
        "strict": (len(strict), base, base),
        "exact": (len(strict) + len(exact_x), exact_g, exact_p),
        "partial": (
            len(strict) + len(exact_x) + PARTIAL_CREDIT * len(partial_x),
            _credits(exact_g, g, partial_x, 0, PARTIAL_CREDIT),
            _credits(exact_p, p, partial_x, 1, PARTIAL_CREDIT),
        ),
        "type": (len(strict) + len(type_x), typed, typed),
    }
    counts: Counts = {"entities.n_ignored": (0.0, float(len(pred) - len(p)), 0.0)}
    for scheme, (total, gold_credit, pred_credit) in credits.items():
        counts[f"entities.{scheme}"] = (float(total), float(len(p)), float(len(g)))
        set_class_counts(counts, f"entities.{scheme}", pred_credit, gold_credit, n_pred, n_gold)
    return counts, EntityMatch(order_g, order_p, g, p, strict + exact_x + partial_x)
