"""The static sections of the page (scores, slices, charts, confusion, details) and the small
pieces of the error section drawn from the totals: how wrong speakers add up to speaker
accuracy, and the buttons that show what changed against a baseline run."""

from __future__ import annotations

import json
from collections.abc import Sequence

from harness.report.data import Totals
from harness.report.load import ExtractorView, RunData
from harness.report.page import esc
from harness.report.tables import (
    added_metrics,
    added_table,
    class_tables,
    confusion_table,
    detail_tables,
    headline_metrics,
    headline_table,
    provenance_table,
    slice_tables,
)

Section = tuple[str, str, str]


def static_sections(
    run: RunData, tasks: Sequence[str], totals: Totals, svgs: dict[str, str]
) -> tuple[list[Section], list[Section]]:
    """The sections before the error and document views, and those after them."""
    xs = run.extractors
    headline = headline_metrics(run.results, tasks)
    head: list[Section] = [
        (
            "scores",
            "Scores",
            '<p class="meta">95% bootstrap confidence intervals (documents resampled) in '
            'brackets where recorded; more scores under <a href="#details">details</a>.</p>'
            + headline_table(xs, headline)
            + "<h3>Extractors</h3>"
            + provenance_table(xs),
        ),
    ]
    slices = slice_tables(run.results, xs, headline)
    if slices:
        head.append(("slices", "Scores by slice", slices))
    head.append(
        (
            "charts",
            "Charts",
            '<div class="charts">'
            + "".join(f'<figure data-chart="{s}">{svg}</figure>' for s, svg in svgs.items())
            + "</div>",
        )
    )
    if "entities" in tasks:
        confusion = "".join(
            confusion_table(x, totals.extractors[x.label].confusion)
            for x in xs
            if "entities" in x.tasks
        )
        head.append(
            (
                "confusion",
                "Entity label confusion",
                '<p class="meta">Gold label (rows) against predicted label (columns) over '
                "overlapping pairs (partial matching); the last column counts missed gold "
                "entities, the last row spurious predictions.</p>" + confusion,
            )
        )
    tail: list[Section] = [
        (
            "details",
            "Detailed scores",
            detail_tables(xs, tasks)
            + added_table(xs, added_metrics(run.results, tasks))
            + class_tables(xs, tasks),
        )
    ]
    return head, tail


def reconciliation(xs: Sequence[ExtractorView], totals: Totals) -> str:
    """How each extractor's wrong speakers relate to its speaker accuracy."""
    lines = []
    for x in xs:
        if "speakers" not in x.tasks:
            continue
        t = totals.extractors[x.label]
        wrong = t.kinds.get("speaker", 0)
        scores = x.info.get("scores") or {}
        matched, accuracy = scores.get("speakers.n_matched"), scores.get("speakers.accuracy")
        line = (
            f"<b>{esc(x.label)}</b>: {wrong} wrong speaker{'s' if wrong != 1 else ''}, "
            f"{t.unknown_speaker} of them on gold quotes whose speaker is unknown (*)"
        )
        if matched is not None and accuracy is not None:
            errors = round(matched * (1 - accuracy))
            line += (
                f"; speaker accuracy {accuracy:.3f} over {matched:g} matched quotes = "
                f"{errors} wrong"
            )
        lines.append(f"<li>{line}</li>")
    return f'<ul class="meta">{"".join(lines)}</ul>' if lines else ""


def changes_presets(xs: Sequence[ExtractorView]) -> str:
    """Buttons showing, for each extractor also in the baseline run, what broke and what got
    fixed (errors of one side on the gold items the other gets right)."""
    from harness.compare import pair_extractors

    base = {x.own_label: i for i, x in enumerate(xs) if x.run == "baseline"}
    new = {x.label: i for i, x in enumerate(xs) if not x.run}
    if not base:
        return ""
    pairs, _ = pair_extractors(base, new)
    buttons = []
    for p in pairs:
        if p.baseline is None or p.new is None:
            continue
        b, n = base[p.baseline], new[p.new]
        broke = json.dumps({"ex": [n], "right": b})
        fixed = json.dumps({"ex": [b], "right": n})
        buttons.append(
            f'<button type="button" data-preset="{esc(broke)}">what broke: errors of '
            f"{esc(xs[n].label)} that {esc(xs[b].label)} got right</button> "
            f'<button type="button" data-preset="{esc(fixed)}">what got fixed: errors of '
            f"{esc(xs[b].label)} that {esc(xs[n].label)} gets right</button>"
        )
    return (
        '<div class="controls changes"><b>Changes against the baseline run:</b> '
        + "".join(buttons)
        + " (group by document to see them per document)</div>"
    )
