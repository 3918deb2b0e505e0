"""The documents of a large report classified by several processes.

Classifying every document against every extractor is most of the cost of a report (the
scorer's matching, in Python, for each document and extractor). Above
:data:`PARALLEL_DOCUMENTS` documents, when the data goes to a folder of chunk files, the chunks
are split into contiguous parts: the writing process makes the first part and ``spawn`` workers
the others, each loading the run on its own and writing its chunk files; their totals are added
in document order. ``HARNESS_REPORT_WORKERS`` sets the number of processes (``1``: none). A part
whose worker fails is made again by the writing process: a worker costs time, never the report.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import pairwise
from pathlib import Path

from harness.background import _blank_main
from harness.report.data import ExtractorTotals, Totals, document_record
from harness.report.load import RunData, load_run
from harness.report.page import chunk_file

#: Below this many documents one process writes the report.
PARALLEL_DOCUMENTS = 2000
#: At most this many processes.
MAX_WORKERS = 4


def workers(n_documents: int) -> int:
    """How many processes classify ``n_documents`` (the environment can say)."""
    env = os.environ.get("HARNESS_REPORT_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    if n_documents < PARALLEL_DOCUMENTS:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def write_chunks(
    run: RunData, keys: Sequence[str], folder: Path, size: int, first: int, last: int
) -> Totals:
    """Write the chunk files ``first`` to ``last - 1`` (``size`` documents each) of ``run``."""
    totals = Totals({x.label: ExtractorTotals() for x in run.extractors})
    docs = run.goldset.documents
    for chunk in range(first, last):
        start = chunk * size
        batch = docs[start : min(start + size, len(docs))]
        records = [
            document_record(d, start + i, run.extractors, keys, totals) for i, d in enumerate(batch)
        ]
        (folder / f"chunk-{chunk:04d}.js").write_text(chunk_file(chunk, records), encoding="utf-8")
    return totals


def _part(
    run_dir: str, against: str | None, keys: Sequence[str], folder: str, size: int, first: int,
    last: int,
) -> Totals:  # fmt: skip
    """A worker's part: the run loaded again in this process."""
    run = load_run(Path(run_dir), Path(against) if against else None)
    try:
        return write_chunks(run, keys, Path(folder), size, first, last)
    finally:
        run.close()


def _parts(n_chunks: int, n: int) -> list[tuple[int, int]]:
    """``n`` contiguous ranges of chunk indices, as even as can be."""
    bounds = [round(i * n_chunks / n) for i in range(n + 1)]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def write_all_chunks(
    run: RunData, keys: Sequence[str], folder: Path, size: int, n_workers: int
) -> tuple[Totals, int]:
    """Every chunk file of ``run`` in ``folder``; returns the totals and the number of chunks."""
    n_chunks = -(-len(run.goldset) // size)
    parts = _parts(n_chunks, max(1, n_workers))
    if len(parts) <= 1:
        return write_chunks(run, keys, folder, size, 0, n_chunks), n_chunks
    context = multiprocessing.get_context("spawn")
    against = str(run.against) if run.against else None
    with ProcessPoolExecutor(len(parts) - 1, mp_context=context) as pool:
        with _blank_main():  # the processes start now: never with the caller's script
            futures: list[Future[Totals]] = [
                pool.submit(_part, str(run.run_dir), against, list(keys), str(folder), size, a, b)
                for a, b in parts[1:]
            ]
        totals = write_chunks(run, keys, folder, size, *parts[0])
        for (a, b), future in zip(parts[1:], futures, strict=True):
            try:
                part = future.result()
            except Exception:  # the worker failed: make its part here
                part = write_chunks(run, keys, folder, size, a, b)
            totals.merge(part)
    return totals, n_chunks
