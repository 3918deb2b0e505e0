"""From summed counts to the flat score dictionary (shared by point estimates and the bootstrap).

:func:`scores_from_totals` works on numpy arrays, so the same code computes one score (0-d arrays,
:func:`summarise`) or thousands of bootstrap replicates at once (1-d arrays). Keys:

- ``entities.<scheme>.micro.{p,r,f1}``, ``entities.<scheme>.macro.{p,r,f1}`` and
  ``entities.<scheme>.<LABEL>.{p,r,f1}`` for ``scheme`` in strict, exact, partial, type;
  ``entities.n_gold``, ``entities.n_pred``, ``entities.n_ignored``,
  ``entities.<LABEL>.n_gold``, ``entities.<LABEL>.n_pred``.
  Macro = unweighted mean of the per-label scores over the labels that occur in gold *or*
  predictions (seqeval's and scikit-learn's union of labels); labels seen in neither are left out.
- ``quotes.<metric>.{p,r,f1}`` and ``quotes.<metric>.<type>.{p,r,f1}`` for ``metric`` in exact,
  overlap@0.3, overlap@0.8; ``quotes.n_gold``, ``quotes.n_pred``, ``quotes.<type>.n_gold``,
  ``quotes.<type>.n_pred``.
- ``speakers.accuracy``, ``speakers.n_matched`` (gold quotes matched at overlap@0.3 whose speaker
  is known: the denominator of the accuracy), ``attribution.{p,r,f1}``.

A score whose count has neither predictions nor gold items is undefined: NaN here, and left out
of :func:`summarise`'s result (spaCy reports ``None``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from harness.model import QUOTE_TYPES
from harness.scoring.entities import SCHEMES
from harness.scoring.extra import Score
from harness.scoring.prf import GOLD_SIDE, PRED_SIDE, Counts, FloatArray, prf_arrays, sum_counts
from harness.scoring.quotes import QUOTE_METRICS

__all__ = ["QUOTE_METRICS", "Scores", "Totals", "scores_from_totals", "summarise"]

Totals = Mapping[str, tuple[FloatArray, FloatArray, FloatArray]]
Scores = dict[str, FloatArray]


def _classes(keys: Iterable[str], prefix: str, known: Sequence[str]) -> list[str]:
    """Known classes in their order, then classes found in ``<prefix><class>|pred`` keys, sorted."""
    found = {k[len(prefix) : -len(PRED_SIDE)] for k in keys if k.startswith(prefix)}
    found = {c for c in found if f"{prefix}{c}{PRED_SIDE}" in keys}
    return [*known, *sorted(found - set(known))]


def _put_prf(out: Scores, prefix: str, p: FloatArray, r: FloatArray, f1: FloatArray) -> None:
    out[f"{prefix}.p"], out[f"{prefix}.r"], out[f"{prefix}.f1"] = p, r, f1


def _nanmean(arrays: list[FloatArray], like: FloatArray) -> FloatArray:
    if not arrays:
        return np.full_like(like, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "Mean of empty slice" -> NaN
        return np.nanmean(np.stack(arrays), axis=0)


class _Reader:
    def __init__(self, totals: Totals) -> None:
        self.totals = totals
        self.zero = np.zeros_like(next(iter(totals.values()))[0]) if totals else np.float64(0)

    def __call__(self, key: str) -> tuple[FloatArray, FloatArray, FloatArray]:
        return self.totals.get(key, (self.zero, self.zero, self.zero))


def _by_class(out: Scores, get: _Reader, prefix: str, classes: Sequence[str]) -> list[Scores]:
    """Per-class P/R/F1 under ``<prefix>.<class>``; returns the (p, r, f1) of each class."""
    per_class = []
    for cls in classes:
        p_score, n_pred, _ = get(f"{prefix}.{cls}{PRED_SIDE}")
        r_score, _, n_gold = get(f"{prefix}.{cls}{GOLD_SIDE}")
        p, r, f1 = prf_arrays(p_score, n_pred, r_score, n_gold)
        _put_prf(out, f"{prefix}.{cls}", p, r, f1)
        per_class.append({"p": p, "r": r, "f1": f1})
    return per_class


def _entity_scores(out: Scores, get: _Reader, labels: Sequence[str]) -> None:
    keys = get.totals.keys()
    classes = _classes(keys, "entities.strict.", labels)
    for scheme in SCHEMES:
        score, n_pred, n_gold = get(f"entities.{scheme}")
        _put_prf(out, f"entities.{scheme}.micro", *prf_arrays(score, n_pred, score, n_gold))
        per_label = _by_class(out, get, f"entities.{scheme}", classes)
        for part in ("p", "r", "f1"):
            out[f"entities.{scheme}.macro.{part}"] = _nanmean(
                [s[part] for s in per_label], get.zero
            )
    _, out["entities.n_pred"], out["entities.n_gold"] = get("entities.strict")
    out["entities.n_ignored"] = get("entities.n_ignored")[1]
    for label in classes:
        out[f"entities.{label}.n_pred"] = get(f"entities.strict.{label}{PRED_SIDE}")[1]
        out[f"entities.{label}.n_gold"] = get(f"entities.strict.{label}{GOLD_SIDE}")[2]


def _quote_scores(out: Scores, get: _Reader) -> None:
    types = _classes(get.totals.keys(), "quotes.exact.", QUOTE_TYPES)
    for metric in QUOTE_METRICS:
        score, n_pred, n_gold = get(f"quotes.{metric}")
        _put_prf(out, f"quotes.{metric}", *prf_arrays(score, n_pred, score, n_gold))
        _by_class(out, get, f"quotes.{metric}", types)
    _, out["quotes.n_pred"], out["quotes.n_gold"] = get("quotes.exact")
    for qtype in types:
        out[f"quotes.{qtype}.n_pred"] = get(f"quotes.exact.{qtype}{PRED_SIDE}")[1]
        out[f"quotes.{qtype}.n_gold"] = get(f"quotes.exact.{qtype}{GOLD_SIDE}")[2]


def _speaker_scores(out: Scores, get: _Reader) -> None:
    right, _, matched = get("speakers")
    accuracy = prf_arrays(right, matched, right, matched)[0]  # NaN when nothing was matched
    out["speakers.accuracy"], out["speakers.n_matched"] = accuracy, matched
    score, n_pred, n_gold = get("attribution")
    _put_prf(out, "attribution", *prf_arrays(score, n_pred, score, n_gold))


def scores_from_totals(
    totals: Totals, labels: Sequence[str], extra: Sequence[Score] = ()
) -> Scores:
    """All flat scores from summed counts ``{key: (score, n_pred, n_gold)}`` of numpy arrays.

    Only the tasks present in ``totals`` are scored (``entities.strict``, ``quotes.exact`` and
    ``speakers`` mark them); each of the ``extra`` scores summarises its own count keys.
    """
    get = _Reader(totals)
    out: Scores = {}
    if "entities.strict" in totals:
        _entity_scores(out, get, labels)
    if "quotes.exact" in totals:
        _quote_scores(out, get)
    if "speakers" in totals:
        _speaker_scores(out, get)
    for score in extra:
        out.update(score.scores(totals))
    return out


def summarise(
    per_doc: Sequence[Counts], labels: Sequence[str], extra: Sequence[Score] = ()
) -> dict[str, float]:
    """Sum the documents' counts and return the flat scores (undefined scores left out)."""
    totals = {
        key: (np.float64(s), np.float64(n_pred), np.float64(n_gold))
        for key, (s, n_pred, n_gold) in sum_counts(per_doc).items()
    }
    scores = scores_from_totals(totals, labels, extra)
    return {key: float(value) for key, value in scores.items() if not np.isnan(value)}
