"""The run's report as Markdown (``report.md``): for pull-request comments, CI job summaries,
wikis and papers' drafts, where the HTML report cannot go.

It carries the same numbers as the HTML report (headline scores with intervals, per-label and
per-quote-type F1, error counts per kind, the documents with the most errors, the charts as
linked SVG files) but not the highlighted articles. Text from documents and plugins is escaped
for Markdown tables (``|``, line breaks, backticks and HTML-significant characters).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.compare import QUOTE_SLICE_KEYS
from harness.report.classify import KIND_TITLES, KINDS
from harness.report.data import Totals
from harness.report.load import ExtractorView, RunData
from harness.report.tables import entity_classes, headline_metrics, quote_classes
from harness.scoring.summary import QUOTE_METRICS

#: Documents listed per extractor in "Documents with the most errors".
TOP_DOCUMENTS = 10

_ESCAPES = str.maketrans(
    {"|": "\\|", "`": "\\`", "<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "}
)


def md(text: object) -> str:
    """``text`` made safe for a Markdown table cell (and inert as HTML)."""
    return str(text).translate(_ESCAPES)


def _numeric(cell: str) -> bool:
    return cell == "n/a" or cell[:1].isdigit()


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table; columns whose cells are all numbers are right-aligned."""
    align = [
        "---:" if rows and all(_numeric(r[i]) for r in rows) else "---" for i in range(len(head))
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _score(info: Mapping[str, Any], key: str, with_interval: bool = True) -> str:
    scores, intervals = info.get("scores") or {}, info.get("intervals") or {}
    if key not in scores:
        return "n/a"
    cell = f"{scores[key]:.3f}"
    if with_interval and key in intervals:
        lo, hi = intervals[key]
        cell += f" [{lo:.2f}–{hi:.2f}]"
    return cell


def _headline(run: RunData, tasks: Sequence[str]) -> list[str]:
    cols = headline_metrics(run.results, tasks)
    rows = [[md(x.label), *(_score(x.info, m.key) for m in cols)] for x in run.extractors]
    return _table(["extractor", *(md(m.title) for m in cols)], rows)


def _per_class(
    xs: Sequence[ExtractorView], classes: Sequence[str], prefix: str, metrics: Sequence[str]
) -> list[str]:
    head = ["", "gold"] + [f"{md(x.label)} {m}" for x in xs for m in metrics]
    rows = []
    for c in classes:
        n_gold = max((x.info.get("scores") or {}).get(f"{prefix}.{c}.n_gold", 0) for x in xs)
        cells = [_score(x.info, f"{prefix}.{m}.{c}.f1", False) for x in xs for m in metrics]
        rows.append([md(c), f"{n_gold:g}", *cells])
    return _table(head, rows)


def _errors(xs: Sequence[ExtractorView], totals: Totals) -> list[str]:
    rows = []
    for x in xs:
        counts = totals.extractors[x.label].task_kinds
        for task in x.tasks:
            rows.append([md(x.label), task, *(str(counts.get((task, k), 0)) for k in KINDS)])
    return _table(["extractor", "task", *(KIND_TITLES[k] for k in KINDS)], rows)


def _worst_documents(xs: Sequence[ExtractorView], totals: Totals) -> list[str]:
    rows = []
    for x in xs:
        ranked = sorted(totals.extractors[x.label].documents, key=lambda t: (-t[0], t[1]))
        for n, doc_id, kinds in ranked[:TOP_DOCUMENTS]:
            summary = ", ".join(f"{c} {KIND_TITLES[k]}" for k, c in kinds.most_common())
            rows.append([md(x.label), f"`{doc_id.replace('`', '')}`", str(n), summary])
    return _table(["extractor", "document", "errors", "kinds"], rows)


def _slices(run: RunData, tasks: Sequence[str]) -> list[str]:
    """A table per slice of the run (config ``slices:``): a row per value and extractor."""
    out: list[str] = []
    headline = headline_metrics(run.results, tasks)
    for name, spec in (run.results.get("slices") or {}).items():
        entries = {x.label: ((x.info.get("slices") or {}).get(name) or {}) for x in run.extractors}
        present = {k for vs in entries.values() for e in vs.values() for k in e.get("scores", {})}
        if spec.get("kind") == "quote":
            cols = [(k, k) for k in QUOTE_SLICE_KEYS if k in present]
            unit = "gold quotes"
        else:
            cols = [(m.key, m.title) for m in headline if m.key in present]
            unit = "documents"
        rows = [
            [md(value), f"{e.get('n', 0):g}", md(label), *(_score(e, k) for k, _ in cols)]
            for value in spec.get("values") or []
            for label, vs in entries.items()
            if (e := vs.get(value)) is not None
        ]
        out += ["", f"### By {md(name)}", ""]
        out += _table([md(name), unit, "extractor", *(md(t) for _, t in cols)], rows)
    return (["", "## Scores by slice", *out]) if out else []


def _diagnostics(xs: Sequence[ExtractorView]) -> list[str]:
    """Extractors' own diagnostics (``results.json`` ``diagnostics``): totals for the whole run
    and for the documents extracted in this run, then the documents with the highest rates."""
    out: list[str] = []
    for x in xs:
        diag = x.info.get("diagnostics") or {}
        if not diag:
            continue
        total, now = diag.get("total") or {}, diag.get("this_run") or {}
        rows = [[md(k), f"{v:g}", f"{now.get(k, 0):g}"] for k, v in total.items()]
        out += ["", f"### {md(x.label)}", ""]
        out += _table(["diagnostic", "all documents", "extracted in this run"], rows)
        per_doc = diag.get("per_document") or {}
        for rate, (num, den) in (diag.get("rates") or {}).items():
            ranked = sorted(
                ((v[rate], d, v) for d, v in per_doc.items() if v.get(rate)),
                key=lambda t: (-t[0], t[1]),
            )[:TOP_DOCUMENTS]
            if ranked:
                out += ["", f"Highest {md(rate)} ({md(num)} / {md(den)}):", ""]
                out += _table(
                    ["document", md(rate), md(num), md(den)],
                    [
                        [f"`{d.replace('`', '')}`", f"{r:.3f}", f"{v.get(num, 0):g}", f"{v[den]:g}"]
                        for r, d, v in ranked
                    ],
                )
    return (["", "## Extractor diagnostics", *out]) if out else []


def render_markdown(
    run: RunData,
    tasks: Sequence[str],
    totals: Totals,
    plots: Sequence[str] = (),
) -> str:
    """The Markdown report. ``plots`` are chart paths relative to where the file is written."""
    r, xs = run.results, run.extractors
    g = r.get("goldset") or {}
    out = [
        f"# Evaluation report: goldset {md(g.get('name', '?'))} v{md(g.get('version', '?'))}",
        "",
        f"{g.get('documents', len(run.goldset))} documents; harness {md(r.get('harness_version'))}"
        f"; run of {md(r.get('created', '?'))}; goldset sha256 `{md(g.get('sha256', '')[:12])}`"
        f"; config sha256 `{md((r.get('config_sha256') or '')[:12])}`."
        + ("" if r.get("complete", True) else " **Incomplete run: some documents failed.**"),
        "",
        "## Scores",
        "",
        "Micro-averaged; 95% bootstrap intervals (documents resampled) in brackets.",
        "",
        *_headline(run, tasks),
    ]
    out += _slices(run, tasks)
    if "entities" in tasks:
        out += ["", "## Entities per label (F1)", ""]
        out += _per_class(xs, entity_classes(xs), "entities", ("strict", "partial"))
    if "quotes" in tasks:
        out += ["", "## Quotes per type (F1)", ""]
        out += _per_class(xs, quote_classes(xs), "quotes", QUOTE_METRICS)
    out += ["", "## Errors by kind", "", *_errors(xs, totals)]
    unknown = [(x.label, totals.extractors[x.label].unknown_speaker) for x in xs]
    if any(n for _, n in unknown):
        out += [""] + [
            f"{md(label)}: {n} of the wrong speakers are on gold quotes whose speaker is "
            "unknown (counted in attribution, not in speaker accuracy)."
            for label, n in unknown
            if n
        ]
    out += ["", f"## Documents with the most errors (top {TOP_DOCUMENTS})", ""]
    out += _worst_documents(xs, totals)
    out += _diagnostics(xs)
    failed = [(x.label, d, m) for x in xs for d, m in x.failed.items() if m]
    if failed:
        out += ["", "## Failed documents", ""]
        out += _table(
            ["extractor", "document", "error"], [[md(a), md(b), md(c)] for a, b, c in failed]
        )
    if plots:
        out += ["", "## Charts", ""]
        out += [f"![{md(p.rsplit('/', 1)[-1])}]({p})" for p in plots]
    return "\n".join(out) + "\n"
