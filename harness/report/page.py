"""Assemble the self-contained HTML page: header, filters, tables, charts, documents, script."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from harness.model import TASKS
from harness.report.assets import CSS, ENTITY_COLOURS, JS, QUOTE_COLOURS
from harness.report.classify import KIND_TITLES, KINDS
from harness.report.load import ExtractorView


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def filters(extractors: Sequence[ExtractorView], tasks: Sequence[str]) -> str:
    def group(name: str, legend: str, items: Sequence[tuple[str, str]]) -> str:
        boxes = "".join(
            f'<label><input type="checkbox" name="{name}" value="{esc(v)}" checked> '
            f"{esc(t)}</label>"
            for v, t in items
        )
        return f'<fieldset id="filter-{name}"><legend>{esc(legend)}</legend>{boxes}</fieldset>'

    return (
        '<nav id="filters">'
        + group("extractor", "Extractor", [(x.label, x.label) for x in extractors])
        + group("task", "Task", [(t, t) for t in TASKS if t in tasks])
        + group("kind", "Error", [(k, KIND_TITLES[k]) for k in KINDS])
        + '<span id="shown-count"></span></nav>'
    )


def legend() -> str:
    ents = "".join(
        f'<span class="a ent ent-{s}">entity {esc(KIND_TITLES.get(s, "correct"))}</span>'
        for s in ENTITY_COLOURS
    )
    quotes = "".join(
        f'<span class="a q q-{s}">quote {esc(KIND_TITLES.get(s, "correct"))}</span>'
        for s in QUOTE_COLOURS
    )
    return (
        f'<div class="legend">{ents}</div><div class="legend">{quotes}'
        '<span class="a q q-ok sk-speaker">quote with wrong speaker (dashed)</span>'
        '<span class="a spk">speaker mention</span><span class="a cue">cue</span></div>'
        '<p class="meta">Hover a quote to light up its speaker mention and its match in the other '
        "pane; click any highlight or error row for details. Filters can be preset in the URL, "
        "e.g. <code>#kind=missed,spurious&amp;task=entities</code>.</p>"
    )


def page(
    results: Mapping[str, Any],
    extractors: Sequence[ExtractorView],
    tasks: Sequence[str],
    sections: Sequence[tuple[str, str, str]],
) -> str:
    """The whole document; ``sections`` are ``(id, title, html)``."""
    g = results.get("goldset") or {}
    title = f"Error analysis - goldset {g.get('name', '?')} v{g.get('version', '?')}"
    complete = "complete" if results.get("complete") else "INCOMPLETE (some documents failed)"
    meta = (
        f"{g.get('documents', '?')} documents, goldset sha256 {str(g.get('sha256', ''))[:12]} "
        f"&middot; run {esc(results.get('created', ''))} &middot; {complete} &middot; "
        f"harness {esc(results.get('harness_version', ''))} &middot; "
        f"config {esc(results.get('config_path') or '')}"
    )
    toc = " &middot; ".join(f'<a href="#{sid}">{esc(t)}</a>' for sid, t, _ in sections)
    body = "\n".join(
        f'<section id="{sid}"><h2>{esc(t)}</h2>\n{html}</section>' for sid, t, html in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
        f'<body><header><h1>{esc(title)}</h1><div class="meta">{meta}</div>'
        f'<div class="meta">{toc}</div></header>\n'
        f"{filters(extractors, tasks)}\n<main>{body}</main>\n"
        f'<div id="infobox" hidden></div>\n<script>{JS}</script></body></html>\n'
    )
