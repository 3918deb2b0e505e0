"""PRF accumulators and the zero-division convention (harness.scoring.prf)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from harness.scoring.prf import class_keys, class_totals, prf, prf_arrays, sum_counts


def test_prf_hand_worked() -> None:
    # 3 matched of 4 predicted and 6 gold: P = 3/4 = 0.75, R = 3/6 = 0.5,
    # F1 = 2 * 0.75 * 0.5 / 1.25 = 0.6
    assert prf(3, 4, 6) == pytest.approx((0.75, 0.5, 0.6))


def test_prf_fractional_partial_credit() -> None:
    # 2.5 credit over 5 predicted, 4 gold: P = 0.5, R = 0.625, F1 = 0.625/1.125 = 0.5555...
    p, r, f1 = prf(2.5, 5, 4)
    assert (p, r) == pytest.approx((0.5, 0.625))
    assert f1 == pytest.approx(2 * 0.5 * 0.625 / 1.125)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        ((0, 0, 5), (0.0, 0.0, 0.0)),  # nothing predicted: P = 0 by convention, R = 0
        ((0, 3, 0), (0.0, 0.0, 0.0)),  # no gold: R = 0 by convention
        ((0, 0, 0), (0.0, 0.0, 0.0)),  # scalar helper: spaCy's PRFScore gives 0 everywhere
        ((0, 2, 2), (0.0, 0.0, 0.0)),  # P + R = 0 -> F1 = 0
    ],
)
def test_prf_zero_division(count: tuple[float, float, float], expected: tuple) -> None:
    assert prf(*count) == expected


def test_prf_arrays_matches_scalar_and_marks_undefined() -> None:
    score = np.array([3.0, 0.0, 0.0, 1.0])
    n_pred = np.array([4.0, 0.0, 0.0, 1.0])
    n_gold = np.array([6.0, 5.0, 0.0, 2.0])
    p, r, f1 = prf_arrays(score, n_pred, score, n_gold)
    for i in (0, 1, 3):
        assert (p[i], r[i], f1[i]) == pytest.approx(prf(score[i], n_pred[i], n_gold[i]))
    # no prediction and no gold: undefined (spaCy's Scorer reports None)
    assert math.isnan(p[2]) and math.isnan(r[2]) and math.isnan(f1[2])


def test_prf_arrays_asymmetric_credit() -> None:
    # predicted side: 1 credit over 2 predictions (P = 0.5); gold side: 2 credits over 2 gold (R = 1)
    p, r, f1 = prf_arrays(np.float64(1), np.float64(2), np.float64(2), np.float64(2))
    assert (float(p), float(r), float(f1)) == pytest.approx((0.5, 1.0, 2 / 3))


def test_sum_counts_adds_elementwise_and_fills_missing_keys() -> None:
    a = {"x": (1.0, 2.0, 3.0), "y": (0.5, 1.0, 1.0)}
    b = {"x": (2.0, 2.0, 2.0)}
    assert sum_counts([a, b]) == {"x": (3.0, 4.0, 5.0), "y": (0.5, 1.0, 1.0)}
    assert sum_counts([]) == {}


def test_class_keys_and_totals() -> None:
    assert class_keys("entities.strict.ORG") == (
        "entities.strict.ORG|pred",
        "entities.strict.ORG|gold",
    )
    n_pred, n_gold = class_totals(["A", "A", "B"], ["B", "C"])
    assert n_pred == {"A": 2.0, "B": 1.0, "C": 0.0}
    assert n_gold == {"A": 0.0, "B": 1.0, "C": 1.0}
