"""The one-to-one matching primitives (harness.scoring.matching)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from harness.scoring.matching import greedy_match, merge_match, overlapping_pairs


def test_merge_match_hand_worked() -> None:
    gold = [1, 2, 2, 5]
    pred = [2, 2, 2, 3, 5]
    pairs, gold_rest, pred_rest = merge_match(gold, pred, range(4), range(5))
    # 2 pairs with 2 twice, 5 with 5; the third predicted 2 and the 3 stay unmatched, gold 1 too
    assert pairs == [(1, 0), (2, 1), (3, 4)]
    assert (gold_rest, pred_rest) == ([0], [2, 3])


@given(st.lists(st.integers(0, 6)), st.lists(st.integers(0, 6)))
def test_merge_match_is_a_maximum_matching_of_equal_keys(gold: list[int], pred: list[int]) -> None:
    gold.sort()
    pred.sort()
    pairs, gold_rest, pred_rest = merge_match(gold, pred, range(len(gold)), range(len(pred)))
    assert all(gold[g] == pred[p] for g, p in pairs)
    assert len(pairs) == sum((Counter(gold) & Counter(pred)).values())
    assert sorted([g for g, _ in pairs] + gold_rest) == list(range(len(gold)))
    assert sorted([p for _, p in pairs] + pred_rest) == list(range(len(pred)))


def test_overlapping_pairs() -> None:
    gold = [(0, 5), (10, 12)]
    pred = [(4, 11), (5, 10), (0, 1)]
    # (0,5)-(4,11): 1 char; (0,5)-(0,1): 1 char; (10,12)-(4,11): 1 char; (5,10) touches, no overlap
    found = sorted(overlapping_pairs(gold, pred, range(2), range(3)))
    assert found == [(0, 0, 1), (0, 2, 1), (1, 0, 1)]
    assert overlapping_pairs(gold, pred, [1], [1, 2]) == []  # only free items are considered


def test_greedy_match_best_first_and_one_to_one() -> None:
    # the best candidate (key -5) takes gold 0 and pred 1; then gold 1 can only take pred 0
    pairs = greedy_match([((-3,), 0, 0), ((-5,), 0, 1), ((-4,), 1, 1), ((-1,), 1, 0)])
    assert pairs == [(0, 1), (1, 0)]
