"""HTML tables of a run: headline scores with confidence intervals, per-metric details,
per-label and per-quote-type scores, extractor provenance and the entity-label confusion table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from harness.model import QUOTE_TYPES
from harness.report.classify import MISSED, SPURIOUS
from harness.report.load import ExtractorView
from harness.scoring.entities import SCHEMES
from harness.scoring.metrics import BUILTIN, Metric, Metrics
from harness.scoring.summary import QUOTE_METRICS


def added_metrics(results: Mapping[str, Any], tasks: Sequence[str]) -> list[Metric]:
    """The metrics of the run's tasks that plugins added (declared in the results file)."""
    builtin = Metrics(BUILTIN)
    wanted = set(tasks)
    return [m for m in Metrics.from_results(results) if m.key not in builtin and m.task in wanted]


def added_table(extractors: Sequence[ExtractorView], metrics: Sequence[Metric]) -> str:
    """Every score plugins added, one column each (empty when there is none)."""
    if not metrics:
        return ""
    head = "".join(f'<th title="{esc(m.description)}">{esc(m.title)}</th>' for m in metrics)
    rows = [_xrow(x, [_value_cell(x.info, m) for m in metrics]) for x in extractors]
    return (
        '<h3>Scores added by plugins</h3><table class="scores added"><tr>'
        f'<th class="l">extractor</th>{head}</tr>{"".join(rows)}</table>'
    )


def _value_cell(info: Mapping[str, Any], m: Metric) -> str:
    if m.better is not None:
        return score_cell(info, m.key)
    n = (info.get("scores") or {}).get(m.key)  # a count
    return '<td class="na">n/a</td>' if n is None else f'<td data-key="{esc(m.key)}">{n:g}</td>'


def headline_metrics(results: Mapping[str, Any], tasks: Sequence[str]) -> list[Metric]:
    """The headline metrics of the run's tasks, as the results file declares them (plugins'
    scores included): the columns of the headline table, chart and Markdown summary."""
    return Metrics.from_results(results).headline(tasks)


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def score_cell(info: Mapping[str, Any], key: str) -> str:
    """``<td>`` with the score and, when recorded, its bootstrap 95% interval."""
    scores, intervals = info.get("scores") or {}, info.get("intervals") or {}
    if key not in scores:
        return '<td class="na">n/a</td>'
    cell = f"{scores[key]:.3f}"
    if key in intervals:
        lo, hi = intervals[key]
        cell += f' <span class="ci">[{lo:.2f}&ndash;{hi:.2f}]</span>'
    return f'<td data-key="{esc(key)}">{cell}</td>'


def _xrow(x: ExtractorView, cells: Sequence[str], first: str | None = None) -> str:
    head = f'<td class="l">{esc(first if first is not None else x.label)}</td>'
    return f'<tr data-extractor="{esc(x.label)}">{head}{"".join(cells)}</tr>'


def headline_table(extractors: Sequence[ExtractorView], headline: Sequence[Metric]) -> str:
    head = "".join(f'<th title="{esc(m.description)}">{esc(m.title)}</th>' for m in headline)
    rows = [_xrow(x, [score_cell(x.info, m.key) for m in headline]) for x in extractors]
    return (
        f'<table class="scores headline"><tr><th class="l">extractor</th>{head}</tr>'
        f"{''.join(rows)}</table>"
    )


def _prf_table(extractors: Sequence[ExtractorView], metrics: Sequence[tuple[str, str]]) -> str:
    rows = []
    for x in extractors:
        for title, prefix in metrics:
            cells = [score_cell(x.info, f"{prefix}.{part}") for part in ("p", "r", "f1")]
            rows.append(_xrow(x, cells, f"{x.label} - {title}"))
    return (
        '<table class="scores prf"><tr><th class="l">extractor - metric</th><th>precision</th>'
        f"<th>recall</th><th>F1</th></tr>{''.join(rows)}</table>"
    )


def detail_tables(extractors: Sequence[ExtractorView], tasks: Sequence[str]) -> str:
    out = []
    if "entities" in tasks:
        metrics = [(f"{s} micro", f"entities.{s}.micro") for s in SCHEMES]
        metrics += [(f"{s} macro", f"entities.{s}.macro") for s in ("strict", "partial")]
        out.append("<h3>Entities</h3>" + _prf_table(extractors, metrics))
    if "quotes" in tasks:
        out.append(
            "<h3>Quotes</h3>" + _prf_table(extractors, [(m, f"quotes.{m}") for m in QUOTE_METRICS])
        )
    if "speakers" in tasks:
        rows = []
        for x in extractors:
            n = (x.info.get("scores") or {}).get("speakers.n_matched")
            cells = [
                score_cell(x.info, "speakers.accuracy"),
                f"<td>{'' if n is None else f'{n:g}'}</td>",
                *(score_cell(x.info, f"attribution.{p}") for p in ("p", "r", "f1")),
            ]
            rows.append(_xrow(x, cells))
        out.append(
            "<h3>Speakers</h3>"
            '<table class="scores speakers"><tr><th class="l">extractor</th>'
            "<th>speaker accuracy</th><th>quotes matched</th><th>attribution P</th>"
            f"<th>attribution R</th><th>attribution F1</th></tr>{''.join(rows)}</table>"
        )
    return "\n".join(out)


def _class_table(
    extractors: Sequence[ExtractorView],
    classes: Sequence[str],
    prefix: str,
    count_prefix: str,
    metrics: Sequence[str],
    what: str,
) -> str:
    head = "".join(
        f'<th data-extractor="{esc(x.label)}">{esc(x.label)} {esc(m)}</th>'
        for x in extractors
        for m in metrics
    )
    rows = []
    for c in classes:
        n_gold = max(
            ((x.info.get("scores") or {}).get(f"{count_prefix}.{c}.n_gold", 0) for x in extractors),
            default=0,
        )
        cells = []
        for x in extractors:
            for m in metrics:
                cell = score_cell(x.info, f"{prefix}.{m}.{c}.f1")
                cells.append(cell.replace("<td", f'<td data-extractor="{esc(x.label)}"', 1))
        rows.append(f'<tr><td class="l">{esc(c)}</td><td>{n_gold:g}</td>{"".join(cells)}</tr>')
    return (
        f'<table class="scores per-class"><tr><th class="l">{esc(what)}</th><th>gold</th>'
        f"{head}</tr>{''.join(rows)}</table>"
    )


def entity_classes(extractors: Sequence[ExtractorView]) -> list[str]:
    """Entity labels that occur in gold or predictions of any extractor, in scheme order."""
    seen: dict[str, None] = {}
    for x in extractors:
        scores = x.info.get("scores") or {}
        for label in x.labels:
            if scores.get(f"entities.{label}.n_gold") or scores.get(f"entities.{label}.n_pred"):
                seen[label] = None
    return list(seen)


def quote_classes(extractors: Sequence[ExtractorView]) -> list[str]:
    out = []
    for t in QUOTE_TYPES:
        if any(
            (x.info.get("scores") or {}).get(f"quotes.{t}.n_gold")
            or (x.info.get("scores") or {}).get(f"quotes.{t}.n_pred")
            for x in extractors
        ):
            out.append(t)
    return out


def class_tables(extractors: Sequence[ExtractorView], tasks: Sequence[str]) -> str:
    out = []
    if "entities" in tasks:
        out.append("<h3>Entities per label (F1)</h3>")
        out.append(
            _class_table(
                extractors,
                entity_classes(extractors),
                "entities",
                "entities",
                ("strict", "partial"),
                "label",
            )
        )
    if "quotes" in tasks:
        out.append("<h3>Quotes per type (F1)</h3>")
        out.append(
            _class_table(
                extractors, quote_classes(extractors), "quotes", "quotes", QUOTE_METRICS, "type"
            )
        )
    return "\n".join(out)


def provenance_table(extractors: Sequence[ExtractorView]) -> str:
    rows = []
    for x in extractors:
        i = x.info
        counts = i.get("counts") or {}
        timing = i.get("timing") or {}
        ignored = dict(counts.get("ignored_prediction_labels") or {})
        ignored.update(counts.get("unmapped_prediction_labels") or {})
        cells = [
            f'<td class="l">{esc(i.get("name", ""))} {esc(i.get("version", ""))}</td>',
            f'<td class="l">{esc(i.get("plugin", ""))} {esc(i.get("plugin_version", ""))}</td>',
            f'<td class="l">{esc(", ".join(x.tasks))}</td>',
            f'<td class="l">{esc(i.get("options") or {})}</td>',
            f'<td class="l">{esc(i.get("gold_label_map") or "")}</td>',
            f"<td>{counts.get('documents', 0)}</td>",
            f"<td>{counts.get('errors', 0)}</td>",
            f'<td class="l">{esc(ignored or "")}</td>',
            f"<td>{timing.get('total', 0):.2f}</td>",
        ]
        rows.append(_xrow(x, cells))
    return (
        '<table class="provenance"><tr><th class="l">extractor</th><th class="l">name</th>'
        '<th class="l">plugin</th><th class="l">tasks</th><th class="l">options</th>'
        '<th class="l">gold label map</th><th>documents</th><th>failed</th>'
        f'<th class="l">ignored labels</th><th>seconds</th></tr>{"".join(rows)}</table>'
    )


def confusion_table(x: ExtractorView, counts: Counter[tuple[str, str]]) -> str:
    """Gold label (rows) against predicted label (columns) over paired entities; the last column
    counts missed gold entities and the last row spurious predictions."""
    present = {g for g, _ in counts} | {p for _, p in counts}
    labels = [lab for lab in x.labels if lab in present]
    labels += sorted(present - set(labels) - {MISSED, SPURIOUS})
    cols = [*labels, MISSED]
    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    rows = []
    for g in [*labels, SPURIOUS]:
        cells = []
        for p in cols:
            n = counts.get((g, p), 0)
            if g == SPURIOUS and p == MISSED:
                cls = "na"
            elif not n:
                cls = ""
            else:
                cls = "diag" if g == p else "off"
            cells.append(f'<td class="{cls}">{n if n else ""}</td>')
        rows.append(f'<tr><th class="l">{esc(g)}</th>{"".join(cells)}</tr>')
    return (
        f'<div class="confusion-wrap" data-extractor="{esc(x.label)}"><h4>{esc(x.label)}</h4>'
        f'<table class="confusion"><tr><th class="l">gold \\ predicted</th>{head}</tr>'
        f"{''.join(rows)}</table></div>"
    )


def _slice_columns(
    results: Mapping[str, Any], name: str, xs: Sequence[ExtractorView]
) -> list[Metric]:
    """The metrics of a slice's table: the declared ones its scores have, in declared order."""
    present: set[str] = set()
    for x in xs:
        for entry in ((x.info.get("slices") or {}).get(name) or {}).values():
            present |= set(entry.get("scores") or {})
    declared = Metrics.from_results(results)
    return [
        m
        for m in declared
        if m.key in present
        and (m.headline or name_is_quote(results, name))
        and m.better is not None
    ]


def name_is_quote(results: Mapping[str, Any], name: str) -> bool:
    return ((results.get("slices") or {}).get(name) or {}).get("kind") == "quote"


def slice_tables(
    results: Mapping[str, Any], xs: Sequence[ExtractorView], headline: Sequence[Metric]
) -> str:
    """One table per slice of the run: a row per (value, extractor), its headline scores with
    their intervals, and how many documents (or gold quotes) the value has."""
    declared = results.get("slices") or {}
    out = []
    for name, spec in declared.items():
        cols = _slice_columns(results, name, xs)
        unit = "gold quotes" if spec.get("kind") == "quote" else "documents"
        head = "".join(f'<th title="{esc(m.description)}">{esc(m.title)}</th>' for m in cols)
        rows = []
        for value in spec.get("values") or []:
            entries = [(x, ((x.info.get("slices") or {}).get(name) or {}).get(value)) for x in xs]
            entries = [(x, e) for x, e in entries if e is not None]
            for i, (x, entry) in enumerate(entries):
                first = (
                    f'<td class="l" rowspan="{len(entries)}">{esc(value)}</td>'
                    f'<td rowspan="{len(entries)}">{entry.get("n", 0):g}</td>'
                    if i == 0
                    else ""
                )
                cells = "".join(score_cell(entry, m.key) for m in cols)
                rows.append(
                    f'<tr data-extractor="{esc(x.label)}">{first}'
                    f'<td class="l">{esc(x.label)}</td>{cells}</tr>'
                )
        note = esc(spec.get("note") or "")
        out.append(
            f'<h3 data-slice="{esc(name)}">by {esc(name)}</h3>'
            + (f'<p class="meta">{note}</p>' if note else "")
            + f'<table class="scores slice" data-slice="{esc(name)}"><tr><th class="l">'
            f'{esc(name)}</th><th>{unit}</th><th class="l">extractor</th>{head}</tr>'
            f"{''.join(rows)}</table>"
        )
    return "\n".join(out)
