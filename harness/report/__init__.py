"""Self-contained HTML error-analysis report of a run, plus its charts as SVG files.

:func:`write_report` reads a run folder (:mod:`harness.report.load`), reloads the goldset the run
was scored on (refusing one whose content changed), classifies every error with the scorer's own
matching (missed, spurious, wrong label, wrong boundary, wrong speaker) and writes

- ``report.html``: no network assets, works from ``file://``. Each document is embedded once
  (:mod:`harness.report.data`) and rendered on demand by the page's script: a searchable,
  sortable, groupable, exportable table of every error, a document list with full-text search,
  and one view per document with the gold and every extractor's predictions side by side.
  Documents are streamed into the page, so memory does not grow with the goldset. Above
  :data:`FOLDER_DOCUMENTS` documents the data goes to a folder beside the page
  (``report_files/``), loaded by the page the same way;
  Above :data:`harness.report.parallel.PARALLEL_DOCUMENTS` documents several processes
  classify them (:mod:`harness.report.parallel`);
- ``report.md`` (the same numbers in Markdown, for pull requests and CI summaries) and
  ``plots/*.svg``.

With ``against`` (another run on the same goldset), the extractors of both runs are in the page,
paired as ``harness compare`` pairs them, with views of what got fixed and what broke.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any

from pyarrow import ArrowException

from harness.atomic import write_text
from harness.model import TASKS, Document
from harness.report.charts import build_charts
from harness.report.classify import KIND_TITLES, KINDS
from harness.report.columns import close_source, column_chunks, column_source
from harness.report.data import ExtractorTotals, Totals, document_record
from harness.report.load import RunData, load_run
from harness.report.markdown import render_markdown
from harness.report.page import (
    chunk_element,
    chunk_file,
    documents_section,
    errors_section,
    page_head,
    page_tail,
)
from harness.report.parallel import workers, write_all_chunks
from harness.report.sections import changes_presets, reconciliation, static_sections
from harness.report.svg import bar_chart

REPORT_FILE = "report.html"
MARKDOWN_FILE = "report.md"
PLOTS_DIR = "plots"
#: Above this many documents the data goes to a folder beside the page.
FOLDER_DOCUMENTS = 2000
#: Documents per data chunk (an element of the page, or a file of the folder).
CHUNK = 100
FOLDER_CHUNK = 250

__all__ = ["FOLDER_DOCUMENTS", "MARKDOWN_FILE", "REPORT_FILE", "load_run", "write_report"]


def _tasks(run: RunData) -> list[str]:
    return [t for t in TASKS if t in (run.results.get("tasks") or TASKS)]


def meta_keys(run: RunData) -> list[str]:
    """The document metadata keys the goldset declares (columns, filters and groups)."""
    declared = getattr(run.goldset, "metadata_keys", None)
    return list(declared or ())


def speaker_attributes(run: RunData) -> list[str]:
    declared = getattr(run.goldset, "speaker_attributes", None)
    return list(declared or ())


def _batches(docs: Iterator[Document], size: int) -> Iterator[list[Document]]:
    while batch := list(islice(docs, size)):
        yield batch


class _Chunks:
    """Where the data chunks go: a scratch file (spliced into the page) or a folder."""

    def __init__(self, page: Path, folder: bool) -> None:
        self.folder = folder
        self.count = 0
        self.name = f"{page.stem}_files"
        self.dir: Path | None = None
        self.scratch: IO[str] | None = None
        if folder:
            self.dir = Path(tempfile.mkdtemp(prefix=f".{self.name}.", dir=page.parent))
            self.dir.chmod(0o755)
        else:
            self.scratch = tempfile.TemporaryFile("w+", encoding="utf-8")

    def add(self, records: Sequence[Any] | str) -> None:
        """One chunk of the page (chunk files are written by :mod:`harness.report.parallel`)."""
        assert self.scratch is not None
        self.scratch.write(chunk_element(records))
        self.count += 1

    def add_file(self, records: Sequence[Any] | str) -> None:
        """One chunk file of the folder."""
        assert self.dir is not None
        path = self.dir / f"chunk-{self.count:04d}.js"
        path.write_text(chunk_file(self.count, records), encoding="utf-8")
        self.count += 1

    def reset(self) -> None:
        """Forget the chunks written so far."""
        self.count = 0
        if self.scratch is not None:
            self.scratch.seek(0)
            self.scratch.truncate()
        if self.dir is not None:
            for f in self.dir.iterdir():
                f.unlink()

    def copy_into(self, out: IO[str]) -> None:
        if self.scratch is not None:
            self.scratch.seek(0)
            shutil.copyfileobj(self.scratch, out, 1 << 20)

    def finish(self, page: Path) -> None:
        """Move the folder into place (replacing an older one)."""
        if self.dir is None:
            return
        final = page.parent / self.name
        if final.exists():
            shutil.rmtree(final)
        os.replace(self.dir, final)

    def close(self) -> None:
        if self.scratch is not None:
            self.scratch.close()
        if self.dir is not None and self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)


def _stream_columns(run: RunData, keys: Sequence[str], chunks: _Chunks) -> Totals | None:
    """The records made column-wise from the findings the run recorded
    (:mod:`harness.report.columns`); ``None`` when the run has none."""
    source = column_source(run)
    if source is None:
        return None
    totals = Totals({x.label: ExtractorTotals() for x in run.extractors})
    try:
        size = FOLDER_CHUNK if chunks.folder else CHUNK
        for records in column_chunks(run, keys, size, source, totals):
            if chunks.dir is not None:
                chunks.add_file(records)
            else:
                chunks.add(records)
    except (LookupError, ArrowException):  # files not in goldset order, or unreadable: the
        chunks.reset()  # documents are classified from predictions.jsonl instead
        return None
    finally:
        close_source(source)
    return totals


def _stream_documents(run: RunData, keys: Sequence[str], chunks: _Chunks) -> Totals:
    fast = _stream_columns(run, keys, chunks)
    if fast is not None:
        return fast
    if chunks.dir is not None:  # chunk files: in several processes for a large goldset
        totals, chunks.count = write_all_chunks(
            run, keys, chunks.dir, FOLDER_CHUNK, workers(len(run.goldset))
        )
        return totals
    xs = run.extractors
    totals = Totals({x.label: ExtractorTotals() for x in xs})
    size = FOLDER_CHUNK if chunks.folder else CHUNK
    index = 0
    for batch in _batches(run.documents(), size):
        records = []
        for doc in batch:
            records.append(document_record(doc, index, xs, keys, totals))
            index += 1
        chunks.add(records)
    return totals


def _meta(run: RunData, keys: Sequence[str], chunks: _Chunks) -> dict[str, Any]:
    return {
        "extractors": [
            {"label": x.label, "own": x.own_label or x.label, "run": x.run, "tasks": list(x.tasks)}
            for x in run.extractors
        ],
        "tasks": _tasks(run),
        "metaKeys": list(keys),
        "speakerAttrs": speaker_attributes(run),
        "kinds": list(KINDS),
        "kindTitles": KIND_TITLES,
        "chunks": chunks.count,
        "folder": f"{chunks.name}/" if chunks.folder else None,
    }


def _sections(run: RunData, totals: Totals, svgs: dict[str, str]) -> list[tuple[str, str, str]]:
    tasks = _tasks(run)
    head, tail = static_sections(run, tasks, totals, svgs)
    return [
        *head,
        (
            "errors",
            "Errors",
            errors_section(changes_presets(run.extractors), reconciliation(run.extractors, totals)),
        ),
        ("documents", "Documents", documents_section()),
        *tail,
    ]


def _write_page(
    path: Path, run: RunData, sections: list[tuple[str, str, str]], chunks: _Chunks,
    meta: dict[str, Any],
) -> None:  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(page_head(run.results, run.extractors, _tasks(run), sections, chunks.folder))
            chunks.copy_into(out)
            out.write(page_tail(meta))
        os.chmod(tmp, 0o644)
        chunks.finish(path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(run: RunData, path: Path, folder: bool | None = None) -> tuple[Totals, dict[str, str]]:
    """Write the page of ``run`` to ``path``; return the totals and the charts ``{stem: svg}``."""
    keys = meta_keys(run)
    split = len(run.goldset) > FOLDER_DOCUMENTS if folder is None else folder
    path.parent.mkdir(parents=True, exist_ok=True)
    chunks = _Chunks(path, split)
    try:
        totals = _stream_documents(run, keys, chunks)
        charts = build_charts(run.extractors, _tasks(run), totals, run.results)
        svgs = {stem: bar_chart(c) for stem, c in charts.items()}
        _write_page(path, run, _sections(run, totals, svgs), chunks, _meta(run, keys, chunks))
    finally:
        chunks.close()
    return totals, svgs


def write_report(
    run_dir: Path,
    out: Path | None = None,
    *,
    against: Path | None = None,
    folder: bool | None = None,
) -> Path:
    """Write the HTML report of the run in ``run_dir`` (default ``run_dir/report.html``), its
    Markdown version ``run_dir/report.md`` and its charts as ``run_dir/plots/*.svg``; return the
    HTML path. ``against``: a run to compare with (same goldset). ``folder``: data in a folder
    beside the page (default: above :data:`FOLDER_DOCUMENTS` documents).

    Raises :class:`harness.errors.ResultsError` when the run cannot be read, or when its goldset
    cannot be loaded or changed since the run.
    """
    run_dir = Path(run_dir)
    run = load_run(run_dir, against)
    try:
        path = Path(out) if out is not None else run_dir / REPORT_FILE
        totals, svgs = render(run, path, folder)
    finally:
        run.close()
    plots = run_dir / PLOTS_DIR
    plots.mkdir(parents=True, exist_ok=True)
    for stem, svg in svgs.items():
        write_text(plots / f"{stem}.svg", svg + "\n")
    charts = [f"{PLOTS_DIR}/{stem}.svg" for stem in svgs]
    write_text(run_dir / MARKDOWN_FILE, render_markdown(run, _tasks(run), totals, charts))
    return path
