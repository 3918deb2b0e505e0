"""The report's charts, built from results: headline scores with intervals, entity F1 per label,
quote F1 per type and error counts per kind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.report.classify import KIND_TITLES, KINDS
from harness.report.data import Totals
from harness.report.load import ExtractorView
from harness.report.svg import BarChart
from harness.report.tables import entity_classes, headline_metrics, quote_classes


def _score(x: ExtractorView, key: str) -> float | None:
    return (x.info.get("scores") or {}).get(key)


def build_charts(
    extractors: Sequence[ExtractorView],
    tasks: Sequence[str],
    totals: Totals,
    results: Mapping[str, Any],
) -> dict[str, BarChart]:
    """``{file stem: chart}`` for the tasks of the run (the first: its headline metrics)."""
    headline = headline_metrics(results, tasks)
    series = [x.label for x in extractors]
    charts: dict[str, BarChart] = {}
    cols = [(m.title, m.key) for m in headline]
    intervals = {}
    for x in extractors:
        for t, k in cols:
            iv = (x.info.get("intervals") or {}).get(k)
            if iv:
                intervals[(t, x.label)] = (float(iv[0]), float(iv[1]))
    charts["scores"] = BarChart(
        "Headline scores (bars) with 95% bootstrap intervals (whiskers)",
        [t for t, _ in cols],
        series,
        {(t, x.label): _score(x, k) for x in extractors for t, k in cols},
        intervals,
        chart_id="chart-scores",
    )
    if "entities" in tasks:
        labels = entity_classes(extractors)
        charts["entity_labels"] = BarChart(
            "Entity F1 per label (strict)",
            labels,
            series,
            {
                (lab, x.label): _score(x, f"entities.strict.{lab}.f1")
                for x in extractors
                for lab in labels
            },
            chart_id="chart-entity-labels",
        )
    if "quotes" in tasks:
        types = quote_classes(extractors)
        for metric in ("exact", "overlap@0.3"):
            stem = "quote_types_" + metric.replace("@", "").replace(".", "")
            charts[stem] = BarChart(
                f"Quote F1 per type ({metric})",
                types,
                series,
                {
                    (t, x.label): _score(x, f"quotes.{metric}.{t}.f1")
                    for x in extractors
                    for t in types
                },
                chart_id="chart-" + stem.replace("_", "-"),
            )
    kinds = [KIND_TITLES[k] for k in KINDS]
    charts["error_kinds"] = BarChart(
        "Errors per kind (count)",
        kinds,
        series,
        {
            (KIND_TITLES[k], label): float(totals.extractors[label].kinds.get(k, 0))
            for label in series
            for k in KINDS
        },
        maximum=None,
        value_format="{:g}",
        chart_id="chart-error-kinds",
    )
    return charts
