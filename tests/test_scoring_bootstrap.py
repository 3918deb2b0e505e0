"""Document bootstrap: confidence intervals and the paired test."""

from __future__ import annotations

import random

import numpy as np
import pytest

from harness.model import Document, Entity, Prediction
from harness.scoring import (
    bootstrap,
    count_document,
    paired_bootstrap,
    summarise,
    summarise_with_intervals,
)
from harness.scoring.bootstrap import _matrix, _scores, _weights
from harness.scoring.prf import Counts

LABELS = ("PERSON", "ORG")
KEYS = ["entities.strict.micro.f1", "entities.partial.micro.p", "entities.strict.macro.r"]


def corpus(seed: int, n_docs: int, error_rate: float) -> list[Counts]:
    """Random documents of 0-9 entities; each prediction is kept right with 1 - error_rate."""
    rng = random.Random(seed)
    per_doc = []
    for d in range(n_docs):
        gold, pred = [], []
        for i in range(rng.randint(0, 9)):
            e = Entity(10 * i, 10 * i + 5, rng.choice(LABELS))
            gold.append(e)
            r = rng.random()
            if r < error_rate / 2:
                pred.append(Entity(e.start + 1, e.end, e.label))  # boundary error
            elif r < error_rate:
                continue  # miss
            else:
                pred.append(e)
        doc = Document(str(d), " " * 100, entities=tuple(gold))
        per_doc.append(count_document(doc, Prediction(str(d), tuple(pred)), ["entities"], LABELS))
    return per_doc


def test_ci_contains_point_estimate() -> None:
    per_doc = corpus(1, 40, 0.3)
    point = summarise(per_doc, LABELS)
    ci = bootstrap(per_doc, KEYS, LABELS, n=500, seed=3)
    for key in KEYS:
        lo, hi = ci[key]
        assert lo <= point[key] <= hi
        assert lo < hi  # the documents differ, so the interval is not degenerate


def test_deterministic_under_seed() -> None:
    per_doc = corpus(2, 30, 0.3)
    assert bootstrap(per_doc, KEYS, LABELS, n=200, seed=7) == bootstrap(
        per_doc, KEYS, LABELS, n=200, seed=7
    )
    assert bootstrap(per_doc, KEYS, LABELS, n=200, seed=7) != bootstrap(
        per_doc, KEYS, LABELS, n=200, seed=8
    )


def test_degenerate_when_all_documents_identical() -> None:
    per_doc = corpus(3, 1, 0.5) * 25
    point = summarise(per_doc, LABELS)
    for key, (lo, hi) in bootstrap(per_doc, KEYS, LABELS, n=200).items():
        assert lo == pytest.approx(point[key]) and hi == pytest.approx(point[key])


def test_wider_alpha_gives_narrower_interval() -> None:
    per_doc = corpus(4, 30, 0.3)
    key = "entities.strict.micro.f1"
    lo95, hi95 = bootstrap(per_doc, [key], LABELS, n=400, alpha=0.05)[key]
    lo50, hi50 = bootstrap(per_doc, [key], LABELS, n=400, alpha=0.5)[key]
    assert lo95 <= lo50 <= hi50 <= hi95


def test_replicates_equal_summarise_on_resampled_documents() -> None:
    per_doc = corpus(5, 12, 0.4)
    keys, (mat,) = _matrix([per_doc])
    (weights,) = _weights(np.random.default_rng(0), 5, len(per_doc))
    assert (weights.sum(axis=1) == len(per_doc)).all()
    reps = _scores(keys, np.einsum("nd,dkc->nkc", weights, mat), LABELS)
    for r, w in enumerate(weights):
        resampled = [c for c, times in zip(per_doc, w, strict=True) for _ in range(int(times))]
        expected = summarise(resampled, LABELS)
        for key, value in expected.items():
            assert reps[key][r] == pytest.approx(value), key


def test_undefined_and_unknown_keys() -> None:
    per_doc = corpus(6, 10, 0.3)
    # a label never seen is undefined in every replicate and left out; a typo is an error
    assert bootstrap(per_doc, ["entities.strict.LAW.f1"], [*LABELS, "LAW"], n=50) == {}
    with pytest.raises(KeyError, match="unknown score key"):
        bootstrap(per_doc, ["entities.strict.micro.F1"], LABELS, n=50)
    with pytest.raises(ValueError, match="zero documents"):
        bootstrap([], KEYS, LABELS)


def test_paired_identical_runs_give_p_one() -> None:
    per_doc = corpus(7, 30, 0.3)
    p = paired_bootstrap(per_doc, per_doc, KEYS, LABELS, n=300)
    assert p == {key: 1.0 for key in KEYS}


def test_paired_clearly_better_run_gives_small_p() -> None:
    worse = corpus(8, 40, 0.6)
    better = corpus(8, 40, 0.05)  # same seed: same gold documents, fewer errors
    p = paired_bootstrap(worse, better, KEYS, LABELS, n=1000, seed=1)
    assert all(value < 0.01 for value in p.values()), p
    # and the test is symmetric in the sign of the difference
    assert paired_bootstrap(better, worse, KEYS, LABELS, n=1000, seed=1) == p


def test_paired_similar_runs_give_large_p() -> None:
    a = corpus(9, 40, 0.3)
    b = list(reversed(corpus(9, 40, 0.3)))  # same documents, different order: not paired
    # b differs from a in a single document (its last one scored like its first): no real change
    p = paired_bootstrap(a, [*a[:-1], a[0]], ["entities.strict.micro.f1"], LABELS, n=500)
    assert p["entities.strict.micro.f1"] > 0.2
    with pytest.raises(ValueError, match="same documents"):
        paired_bootstrap(a, b[:-1], KEYS, LABELS)


def test_bootstrap_is_fast() -> None:
    import time

    per_doc = corpus(10, 300, 0.3)
    start = time.perf_counter()
    bootstrap(per_doc, KEYS, LABELS, n=1000)
    assert time.perf_counter() - start < 5.0  # vectorised: well under a second in practice


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summarise_with_intervals_equals_summarise_and_bootstrap(seed: int) -> None:
    per_doc = corpus(seed, 25, 0.4)
    wanted = [*KEYS, "entities.type.ORG.f1", "not.a.score"]  # unknown keys are skipped here
    scores, intervals = summarise_with_intervals(per_doc, LABELS, wanted, n=300, seed=seed)
    assert scores == summarise(per_doc, LABELS)
    known = [k for k in wanted if k in scores]
    assert intervals == bootstrap(per_doc, known, LABELS, n=300, seed=seed)
    assert summarise_with_intervals(per_doc, LABELS, KEYS, n=0) == (scores, {})
    assert summarise_with_intervals([], LABELS, KEYS) == (summarise([], LABELS), {})
