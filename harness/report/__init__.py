"""Self-contained HTML error-analysis report of a run, plus its charts as SVG files.

:func:`write_report` reads ``results.json`` and ``predictions.jsonl`` of a run folder, reloads the
goldset the run was scored on (refusing one whose content changed), classifies every error with the
scorer's own matching (missed, spurious, wrong label, wrong boundary, wrong speaker) and writes
``report.html`` - no network assets, works from ``file://`` - ``report.md`` (the same numbers in
Markdown, for pull requests and CI summaries) and ``plots/*.svg``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from harness.atomic import write_text
from harness.model import TASKS
from harness.report.charts import build_charts
from harness.report.classify import DocAnalysis, classify_document
from harness.report.documents import document_index, document_section
from harness.report.load import RunData, load_run
from harness.report.markdown import render_markdown
from harness.report.page import legend, page
from harness.report.svg import bar_chart
from harness.report.tables import (
    added_metrics,
    added_table,
    class_tables,
    confusion_table,
    detail_tables,
    headline_metrics,
    headline_table,
    provenance_table,
)

REPORT_FILE = "report.html"
MARKDOWN_FILE = "report.md"
PLOTS_DIR = "plots"

__all__ = ["MARKDOWN_FILE", "REPORT_FILE", "analyse", "load_run", "render_report", "write_report"]


def analyse(run: RunData) -> dict[str, list[DocAnalysis]]:
    """``{extractor label: [analysis of each gold document, in goldset order]}``."""
    return {
        x.label: [
            classify_document(x.gold(d), x.prediction(d.id), x.tasks, x.labels)
            for d in run.goldset.documents
        ]
        for x in run.extractors
    }


def _confusion(analyses: list[DocAnalysis]) -> Counter[tuple[str, str]]:
    total: Counter[tuple[str, str]] = Counter()
    for a in analyses:
        total.update(a.confusion())
    return total


def _tasks(run: RunData) -> list[str]:
    return [t for t in TASKS if t in (run.results.get("tasks") or TASKS)]


def render_report(
    run: RunData, analyses: dict[str, list[DocAnalysis]] | None = None
) -> tuple[str, dict[str, str]]:
    """The report's HTML and its charts ``{file stem: svg}``."""
    tasks = _tasks(run)
    xs = run.extractors
    analyses = analyse(run) if analyses is None else analyses
    kind_counts = {
        x.label: Counter(k for a in analyses[x.label] for f in a.errors() for k in f.kinds)
        for x in xs
    }
    doc_errors = {(x.label, a.gold.id): len(a.errors()) for x in xs for a in analyses[x.label]}
    headline = headline_metrics(run.results, tasks)
    charts = build_charts(xs, tasks, kind_counts, headline)
    svgs = {stem: bar_chart(c) for stem, c in charts.items()}
    sections = [
        (
            "scores",
            "Scores",
            '<p class="meta">95% bootstrap confidence intervals (documents resampled) in '
            'brackets where recorded; more scores under <a href="#details">details</a>.</p>'
            + headline_table(xs, headline)
            + "<h3>Extractors</h3>"
            + provenance_table(xs),
        ),
        (
            "charts",
            "Charts",
            '<div class="charts">'
            + "".join(f'<figure data-chart="{s}">{svg}</figure>' for s, svg in svgs.items())
            + "</div>",
        ),
    ]
    if "entities" in tasks:
        confusion = "".join(
            confusion_table(x, _confusion(analyses[x.label])) for x in xs if "entities" in x.tasks
        )
        sections.append(
            (
                "confusion",
                "Entity label confusion",
                '<p class="meta">Gold label (rows) against predicted label (columns) over '
                "overlapping pairs (partial matching); the last column counts missed gold "
                "entities, the last row spurious predictions.</p>" + confusion,
            )
        )
    docs = run.goldset.documents
    sections.append(
        (
            "documents",
            "Documents",
            legend()
            + document_index(docs, xs, doc_errors)
            + "".join(
                document_section(i, d, [(x, analyses[x.label][i]) for x in xs])
                for i, d in enumerate(docs)
            ),
        )
    )
    sections.append(
        (
            "details",
            "Detailed scores",
            detail_tables(xs, tasks)
            + added_table(xs, added_metrics(run.results, tasks))
            + class_tables(xs, tasks),
        )
    )
    return page(run.results, xs, tasks, sections), svgs


def write_report(run_dir: Path, out: Path | None = None) -> Path:
    """Write the HTML report of the run in ``run_dir`` (default ``run_dir/report.html``), its
    Markdown version ``run_dir/report.md`` and its charts as ``run_dir/plots/*.svg``; return the
    HTML path.

    Raises :class:`harness.errors.ResultsError` when the run cannot be read, or when its goldset
    cannot be loaded or changed since the run.
    """
    run_dir = Path(run_dir)
    run = load_run(run_dir)
    analyses = analyse(run)
    html, svgs = render_report(run, analyses)
    plots = run_dir / PLOTS_DIR
    plots.mkdir(parents=True, exist_ok=True)
    for stem, svg in svgs.items():
        write_text(plots / f"{stem}.svg", svg + "\n")
    charts = [f"{PLOTS_DIR}/{stem}.svg" for stem in svgs]
    write_text(run_dir / MARKDOWN_FILE, render_markdown(run, _tasks(run), analyses, charts))
    path = Path(out) if out is not None else run_dir / REPORT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, html)
    return path
