"""Count accumulators and precision / recall / F1 (the spaCy ``PRFScore`` convention).

Every score of the harness is a ratio of sums, so what is kept per document is a *count*:
``(matched_score, n_pred, n_gold)``. ``matched_score`` is the (possibly fractional, for the
``partial`` scheme) number of matched items; precision is ``matched_score / n_pred`` and recall
``matched_score / n_gold``. Counts of several documents add up element-wise, which is what makes
micro-averaging and the document bootstrap cheap.

A *per-class* count (an entity label, a quote type) is stored under two keys, because matching is
global: a gold ``ORG`` matched by a predicted ``GPE`` earns credit for ``ORG`` on the gold side and
for ``GPE`` on the predicted side. ``class_keys(prefix)`` names the two halves:

- ``<prefix>|pred`` = ``(score credited to predictions of the class, n_pred of the class, 0)``
- ``<prefix>|gold`` = ``(score credited to gold items of the class, 0, n_gold of the class)``

Zero-division convention (spaCy's ``PRFScore`` / seqeval ``zero_division=0``): precision is 0 when
nothing was predicted, recall is 0 when there is no gold item, F1 is 0 when ``P + R = 0``. When
both ``n_pred`` and ``n_gold`` are 0 the score is *undefined* (spaCy's ``Scorer`` reports ``None``):
the array functions return NaN and :func:`harness.scoring.summarise` leaves the key out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from typing import Protocol

import numpy as np
import numpy.typing as npt

Count = tuple[float, float, float]
Counts = dict[str, Count]
FloatArray = npt.NDArray[np.float64]

PRED_SIDE = "|pred"
GOLD_SIDE = "|gold"


def class_keys(prefix: str) -> tuple[str, str]:
    """Return the predicted-side and gold-side count keys of a per-class count."""
    return prefix + PRED_SIDE, prefix + GOLD_SIDE


_KEY_CACHE: dict[str, dict[str, tuple[str, str]]] = {}  # prefix -> class -> keys
_KEY_CACHE_LIMIT = 4096  # classes per prefix; labels and quote types are few in practice


def _class_keys_of(prefix: str) -> dict[str, tuple[str, str]]:
    """Cached key pairs of one prefix (building key strings dominated the cost of counting)."""
    keys = _KEY_CACHE.get(prefix)
    if keys is None or len(keys) > _KEY_CACHE_LIMIT:
        keys = _KEY_CACHE[prefix] = {}
    return keys


def set_class_counts(
    counts: Counts, prefix: str, pred_credit: Mapping[str, float], gold_credit: Mapping[str, float],
    n_pred: Mapping[str, float], n_gold: Mapping[str, float],
) -> None:  # fmt: skip
    """Store one document's per-class halves for every class in ``n_pred`` or ``n_gold``.

    ``n_pred`` and ``n_gold`` must both hold every such class (0.0 when absent on that side).
    """
    cache = _class_keys_of(prefix)
    for cls in n_pred:
        pair = cache.get(cls)
        if pair is None:
            pair = cache[cls] = class_keys(f"{prefix}.{cls}")
        pred_key, gold_key = pair
        counts[pred_key] = (pred_credit.get(cls, 0.0), n_pred[cls], 0.0)
        counts[gold_key] = (gold_credit.get(cls, 0.0), 0.0, n_gold[cls])


def class_totals(
    pred_classes: Iterable[str], gold_classes: Iterable[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Number of predicted and gold items of each class, both over the union of classes."""
    n_pred = Counter(pred_classes)
    n_gold = Counter(gold_classes)
    classes = sorted(n_pred.keys() | n_gold.keys())
    return (
        {c: float(n_pred.get(c, 0)) for c in classes},
        {c: float(n_gold.get(c, 0)) for c in classes},
    )


class CountSource(Protocol):
    """Per-document counts that can be read as dense ``(documents, keys, 3)`` chunks, in
    document order: a :class:`CountMatrix` in memory, or a run's counts file
    (:class:`harness.perdoc.CountsFile`), read a chunk at a time so that memory is bounded by
    the chunk, not the goldset."""

    @property
    def n_docs(self) -> int: ...

    def keys(self) -> list[str]:
        """Every count key, sorted."""
        ...

    def chunks(self, keys: Sequence[str], max_docs: int | None = None) -> Iterator[FloatArray]:
        """Consecutive documents' counts as ``(documents, len(keys), 3)`` arrays, columns in
        the order of ``keys`` (a superset of :meth:`keys`; a missing key counts 0)."""
        ...


class CountMatrix:
    """Per-document counts laid out for numpy, built a batch of documents at a time.

    :meth:`add` does the per-document work (which can happen while something else is being
    waited for); :meth:`arrays` then builds the ``(documents, keys, 3)`` array in one numpy
    assignment. Several matrices may share one ``columns`` mapping, so that their arrays line up
    (a paired comparison of two runs).
    """

    def __init__(self, columns: dict[str, int] | None = None) -> None:
        self.columns: dict[str, int] = {} if columns is None else columns
        self.n_docs = 0
        self._cells: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray]] = []

    def _column(self, key: str) -> int:
        col = self.columns.get(key)
        if col is None:
            col = self.columns[key] = len(self.columns)
        return col

    def add(self, per_doc: Iterable[Counts]) -> None:
        """Append documents' counts (in document order)."""
        doc_of: list[int] = []
        key_of: list[int] = []
        values: list[Count] = []
        for counts in per_doc:
            doc_of.extend(repeat(self.n_docs, len(counts)))
            key_of.extend(map(self._column, counts))
            values.extend(counts.values())
            self.n_docs += 1
        flat = np.fromiter(chain.from_iterable(values), np.float64, count=3 * len(values))
        self._cells.append(
            (np.array(doc_of, dtype=np.intp), np.array(key_of, dtype=np.intp), flat.reshape(-1, 3))
        )

    def keys(self) -> list[str]:
        return sorted(self.columns)

    def array(self) -> FloatArray:
        """The ``(documents, keys, 3)`` array, keys in :meth:`keys` order (missing keys = 0)."""
        keys = self.keys()
        order = np.empty(len(keys), dtype=np.intp)  # column of a key -> its sorted position
        order[[self.columns[k] for k in keys]] = np.arange(len(keys))
        mat = np.zeros((self.n_docs, len(keys), 3))
        for docs, cols, values in self._cells:
            mat[docs, order[cols]] = values
        return mat

    def chunks(self, keys: Sequence[str], max_docs: int | None = None) -> Iterator[FloatArray]:
        """The :meth:`array` (one chunk: it is in memory), columns in the order of ``keys``."""
        mat = self.array()
        own = self.keys()
        if list(keys) != own:
            position = {k: i for i, k in enumerate(keys)}
            wide = np.zeros((self.n_docs, len(keys), 3))
            wide[:, [position[k] for k in own]] = mat
            mat = wide
        yield mat


def count_matrix(runs: Sequence[Sequence[Counts]]) -> tuple[list[str], list[FloatArray]]:
    """Union of the count keys (sorted) and one ``(documents, keys, 3)`` array per run of
    per-document counts (a key missing from a document counts as zero)."""
    columns: dict[str, int] = {}
    matrices = [CountMatrix(columns) for _ in runs]
    for matrix, run in zip(matrices, runs, strict=True):
        matrix.add(run)
    return sorted(columns), [m.array() for m in matrices]


def sum_counts(per_doc: Iterable[Mapping[str, Count]]) -> Counts:
    """Sum counts element-wise over documents (keys missing from a document count as zero)."""
    total: Counts = {}
    for counts in per_doc:
        for key, value in counts.items():
            old = total.get(key)
            total[key] = (
                value if old is None else (old[0] + value[0], old[1] + value[1], old[2] + value[2])
            )
    return total


def prf(score: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of one count (0 on zero division, see the module docstring)."""
    p = score / n_pred if n_pred > 0 else 0.0
    r = score / n_gold if n_gold > 0 else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f1


def safe_ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den`` element-wise, 0 where ``den`` is 0."""
    den = np.asarray(den, dtype=np.float64)
    return np.where(den > 0, np.asarray(num, dtype=np.float64) / np.where(den > 0, den, 1.0), 0.0)


def prf_arrays(
    pred_score: FloatArray, n_pred: FloatArray, gold_score: FloatArray, n_gold: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Vectorised P, R, F1; NaN where ``n_pred == n_gold == 0`` (undefined).

    ``pred_score`` is the matched score seen from the predictions (numerator of P), ``gold_score``
    the one seen from the gold items (numerator of R); they are equal for micro counts.
    """
    p = safe_ratio(pred_score, n_pred)
    r = safe_ratio(gold_score, n_gold)
    f1 = safe_ratio(2 * p * r, p + r)
    undefined = (np.asarray(n_pred) == 0) & (np.asarray(n_gold) == 0)
    nan = np.float64(np.nan)
    return np.where(undefined, nan, p), np.where(undefined, nan, r), np.where(undefined, nan, f1)
