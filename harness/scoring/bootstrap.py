"""Document-level bootstrap: confidence intervals and the paired significance test.

Documents, not mentions, are the sampling unit (mentions of one article are not independent).
Counts are laid out as a ``documents x (keys * 3)`` matrix; a replicate is a vector of document
multiplicities drawn with replacement, so all replicates' totals are one matrix product, and every
score is computed for all replicates at once by :func:`scores_from_totals`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from harness.scoring.extra import Score
from harness.scoring.prf import CountMatrix, Counts, CountSource, FloatArray
from harness.scoring.prf import count_matrix as _matrix
from harness.scoring.summary import Scores, scores_from_totals, summarise

_MAX_CELLS = 4_000_000  # replicates x documents per chunk of the weight matrix


def _weights(rng: np.random.Generator, n: int, n_docs: int) -> Iterator[FloatArray]:
    """Chunks of the ``(n, n_docs)`` matrix of document multiplicities of ``n`` replicates."""
    chunk = max(1, _MAX_CELLS // max(n_docs, 1))
    for first in range(0, n, chunk):
        rows = min(chunk, n - first)
        idx = rng.integers(0, n_docs, size=(rows, n_docs))
        idx += n_docs * np.arange(rows)[:, None]  # in place: one array of draws at a time
        times = np.bincount(idx.ravel(), minlength=rows * n_docs)
        del idx
        w = times.reshape(rows, n_docs).astype(np.float64)
        del times
        yield w
        del w


def _scores(
    keys: list[str], totals: FloatArray, labels: Sequence[str], extra: Sequence[Score] = ()
) -> Scores:
    """Scores of replicates from a ``(replicates, keys, 3)`` array of totals."""
    columns = {
        key: (totals[:, i, 0], totals[:, i, 1], totals[:, i, 2]) for i, key in enumerate(keys)
    }
    return scores_from_totals(columns, labels, extra)


#: A run's counts, read again on each call: ``(documents, keys, 3)`` chunks in document order.
ChunkReader = Callable[[], Iterable[FloatArray]]
#: Counts of at most this many bytes (float64) are read once and kept for every replicate; larger
#: ones are read from their source a chunk at a time for each chunk of replicates.
KEEP_BYTES = 64 * 2**20


def _replicates(
    per_doc_runs: Sequence[Sequence[Counts]], labels: Sequence[str], n: int, seed: int,
    extra: Sequence[Score] = (),
) -> tuple[list[Scores], list[Scores]]:  # fmt: skip
    """Point scores and ``n`` replicate scores of each run, all runs resampled together."""
    n_docs = len(per_doc_runs[0])
    if n_docs == 0:
        raise ValueError("cannot bootstrap over zero documents")
    if any(len(run) != n_docs for run in per_doc_runs):
        raise ValueError("paired runs must score the same documents in the same order")
    keys, mats = _matrix(per_doc_runs)
    return _replicates_of(keys, [_kept([m]) for m in mats], n_docs, labels, n, seed, extra)


def _kept(chunks: list[FloatArray]) -> ChunkReader:
    return lambda: chunks


def _reader(source: CountSource, keys: Sequence[str]) -> ChunkReader:
    """How the bootstrap reads ``source``: kept in memory when small (or already there),
    else read again from the source for each chunk of replicates (from the dense copy the
    source spills, when it can: ``spilled(keys)``, see :class:`harness.perdoc.CountsFile`)."""
    if isinstance(source, CountMatrix) or source.n_docs * len(keys) * 24 <= KEEP_BYTES:
        return _kept(list(source.chunks(keys, max(source.n_docs, 1))))
    spilled = getattr(source, "spilled", None)
    if spilled is not None:
        read: ChunkReader = spilled(keys)
        return read
    return lambda: source.chunks(keys)


def _total(read: ChunkReader) -> FloatArray:
    """The ``(keys, 3)`` sums over every document."""
    total: FloatArray | None = None
    for chunk in read():
        part = chunk.sum(axis=0)
        total = part if total is None else total + part
    assert total is not None
    return total


def _weighted(w: FloatArray, read: ChunkReader) -> FloatArray:
    """``w @ counts``: each replicate's totals (``(replicates, keys * 3)``), chunk by chunk."""
    out: FloatArray | None = None
    first = 0
    for chunk in read():
        last = first + len(chunk)
        part = w[:, first:last] @ chunk.reshape(len(chunk), -1)
        out = part if out is None else out + part
        first = last
    assert out is not None
    return out


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS on one thread: the replicates' products are long and thin, and a second BLAS
    thread spinning on a core that the extractor or another job needs made the bootstrap of
    100,000 documents 7x slower on a busy 2-core machine (31 s against 4.5 s)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a core dependency
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _replicates_of(
    keys: list[str], runs: Sequence[ChunkReader], n_docs: int, labels: Sequence[str], n: int,
    seed: int, extra: Sequence[Score] = (),
) -> tuple[list[Scores], list[Scores]]:  # fmt: skip
    """:func:`_replicates` from each run's chunks of ``(documents, keys, 3)`` counts."""
    point = [_scores(keys, _total(read)[None], labels, extra) for read in runs]
    chunks: list[list[FloatArray]] = [[] for _ in runs]
    with _one_blas_thread():
        for w in _weights(np.random.default_rng(seed), n, n_docs):
            for i, read in enumerate(runs):
                chunks[i].append(_weighted(w, read))
    reps = [
        _scores(keys, np.concatenate(c).reshape(n, len(keys), 3), labels, extra) for c in chunks
    ]
    return point, reps


def _check_keys(keys: Sequence[str], scores: Scores) -> None:
    unknown = [k for k in keys if k not in scores]
    if unknown:
        raise KeyError(f"unknown score key(s) {unknown}; known: {sorted(scores)}")


def bootstrap(
    per_doc: Sequence[Counts], keys: Sequence[str], labels: Sequence[str],
    n: int = 1000, seed: int = 0, alpha: float = 0.05, extra: Sequence[Score] = (),
) -> dict[str, tuple[float, float]]:  # fmt: skip
    """Percentile ``1 - alpha`` confidence interval of each score in ``keys``.

    Documents are resampled with replacement ``n`` times (``numpy.random.default_rng(seed)``).
    Replicates in which a score is undefined (no gold and no predicted item) are skipped; a key
    undefined in every replicate is left out. Unknown keys raise :class:`KeyError`.
    """
    _, (reps,) = _replicates([per_doc], labels, n, seed, extra)
    _check_keys(keys, reps)
    return _intervals(reps, keys, alpha)


def _intervals(reps: Scores, keys: Sequence[str], alpha: float) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for key in keys:
        values = reps[key][~np.isnan(reps[key])]
        if values.size:
            lo, hi = np.percentile(values, [100 * alpha / 2, 100 * (1 - alpha / 2)])
            out[key] = (float(lo), float(hi))
    return out


def summarise_with_intervals(
    per_doc: Sequence[Counts], labels: Sequence[str], keys: Sequence[str],
    n: int = 1000, seed: int = 0, alpha: float = 0.05, extra: Sequence[Score] = (),
) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:  # fmt: skip
    """:func:`~harness.scoring.summarise` and the :func:`bootstrap` intervals of those of ``keys``
    that are defined, from one layout of the counts (the runner's path: half the work).

    With ``n == 0``, no documents or no ``keys`` there are no intervals.
    """
    matrix = CountMatrix()
    matrix.add(per_doc)
    return summarise_matrix(matrix, labels, keys, n, seed, alpha, extra)


def summarise_matrix(
    matrix: CountSource, labels: Sequence[str], keys: Sequence[str],
    n: int = 1000, seed: int = 0, alpha: float = 0.05, extra: Sequence[Score] = (),
) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:  # fmt: skip
    """:func:`summarise_with_intervals` of the counts in ``matrix`` (in memory, or a run's
    counts file read a chunk at a time)."""
    if not matrix.n_docs:
        return summarise([], labels, extra), {}
    names = matrix.keys()
    read = _reader(matrix, names)
    if not n or not keys:
        point = _scores(names, _total(read)[None], labels, extra)
        return {k: float(v[0]) for k, v in point.items() if not np.isnan(v[0])}, {}
    (point,), (reps,) = _replicates_of(names, [read], matrix.n_docs, labels, n, seed, extra)
    scores = {key: float(v[0]) for key, v in point.items() if not np.isnan(v[0])}
    return scores, _intervals(reps, [k for k in keys if k in scores], alpha)


def paired_bootstrap_sources(
    a: CountSource, b: CountSource, keys: Sequence[str], labels: Sequence[str],
    n: int = 1000, seed: int = 0, extra: Sequence[Score] = (),
) -> dict[str, float]:  # fmt: skip
    """:func:`paired_bootstrap` of two runs' counts sources (in memory or counts files read a
    chunk at a time), documents in the same order in both."""
    if a.n_docs == 0:
        raise ValueError("cannot bootstrap over zero documents")
    if a.n_docs != b.n_docs:
        raise ValueError("paired runs must score the same documents in the same order")
    names = sorted(set(a.keys()) | set(b.keys()))
    (point_a, point_b), (reps_a, reps_b) = _replicates_of(
        names, [_reader(a, names), _reader(b, names)], a.n_docs, labels, n, seed, extra
    )
    return _p_values(keys, point_a, point_b, reps_a, reps_b)


def paired_bootstrap(
    per_doc_a: Sequence[Counts], per_doc_b: Sequence[Counts], keys: Sequence[str],
    labels: Sequence[str], n: int = 1000, seed: int = 0, extra: Sequence[Score] = (),
) -> dict[str, float]:  # fmt: skip
    """Two-sided p-value of the difference ``b - a`` of each score, by paired bootstrap.

    Both runs are resampled with the same documents. With ``delta`` the observed difference and
    ``delta*`` the replicates' differences, the bootstrap distribution is shifted to the null
    (Efron & Tibshirani 1993, ch. 16) and ``p = (1 + #{|delta* - delta| >= |delta|}) / (m + 1)``
    over the ``m`` replicates where the score is defined in both runs. Identical runs give 1.
    Keys undefined on the full data of either run are left out.
    """
    (point_a, point_b), (reps_a, reps_b) = _replicates(
        [per_doc_a, per_doc_b], labels, n, seed, extra
    )
    return _p_values(keys, point_a, point_b, reps_a, reps_b)


def _p_values(
    keys: Sequence[str], point_a: Scores, point_b: Scores, reps_a: Scores, reps_b: Scores
) -> dict[str, float]:
    _check_keys(keys, reps_a)
    out: dict[str, float] = {}
    for key in keys:
        delta = float(point_b[key][0] - point_a[key][0])
        deltas = reps_b[key] - reps_a[key]
        deltas = deltas[~np.isnan(deltas)]
        if np.isnan(delta) or not deltas.size:
            continue
        extreme = np.abs(deltas - delta) >= abs(delta) - 1e-12
        out[key] = float((1 + extreme.sum()) / (deltas.size + 1))
    return out
