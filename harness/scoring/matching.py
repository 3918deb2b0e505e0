"""Deterministic one-to-one matching of gold to predicted spans.

Matching is greedy over a fully ordered candidate list, so it never depends on the order in which
an extractor returns its spans: callers first put items in a canonical order (by start, end, then
label or type) and break every tie by those canonical ranks.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

Interval = tuple[int, int]


def merge_match(
    gold_keys: Sequence[Any], pred_keys: Sequence[Any],
    gold_idx: Sequence[int], pred_idx: Sequence[int],
) -> tuple[list[tuple[int, int]], list[int], list[int]]:  # fmt: skip
    """Pair equal keys one-to-one by merging two index lists sorted by key.

    ``gold_idx`` and ``pred_idx`` must list indices in ascending order of their keys. Returns the
    pairs and the unpaired gold and predicted indices (still sorted); among equal keys the first
    ones are paired. One linear pass, no hashing.
    """
    pairs: list[tuple[int, int]] = []
    gold_rest: list[int] = []
    pred_rest: list[int] = []
    i = j = 0
    n_gold, n_pred = len(gold_idx), len(pred_idx)
    while i < n_gold and j < n_pred:
        gi, pi = gold_idx[i], pred_idx[j]
        g_key, p_key = gold_keys[gi], pred_keys[pi]
        if g_key == p_key:
            pairs.append((gi, pi))
            i += 1
            j += 1
        elif g_key < p_key:
            gold_rest.append(gi)
            i += 1
        else:
            pred_rest.append(pi)
            j += 1
    gold_rest.extend(gold_idx[i:])
    pred_rest.extend(pred_idx[j:])
    return pairs, gold_rest, pred_rest


def overlapping_pairs(
    gold: Sequence[Interval], pred: Sequence[Interval],
    gold_free: Iterable[int], pred_free: Iterable[int],
) -> list[tuple[int, int, int]]:  # fmt: skip
    """All ``(gold_index, pred_index, overlap_length)`` with a positive overlap among free items.

    Predicted intervals are sorted by start and searched with bisection; the cost is
    ``O(g * p)`` only in the worst case of free spans that all overlap one another.
    """
    preds = sorted(pred_free, key=lambda i: pred[i])
    starts = [pred[i][0] for i in preds]
    out: list[tuple[int, int, int]] = []
    for gi in gold_free:
        g_start, g_end = gold[gi]
        for pi in preds[: bisect_left(starts, g_end)]:
            p_start, p_end = pred[pi]
            if p_end <= g_start:
                continue
            # min/max spelled out: this loop is the hot spot of quote and entity matching
            overlap = (g_end if g_end < p_end else p_end) - (
                g_start if g_start > p_start else p_start
            )
            if overlap > 0:
                out.append((gi, pi, overlap))
    return out


def greedy_match(candidates: Iterable[tuple[Any, int, int]]) -> list[tuple[int, int]]:
    """Accept ``(sort_key, gold_index, pred_index)`` candidates best-first, one-to-one.

    Candidates are sorted by ``(sort_key, gold_index, pred_index)``; a pair is kept when neither
    side is taken yet.
    """
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gi, pi in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return pairs
