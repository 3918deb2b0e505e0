"""The page around the data: header, filters, the static sections, the error and document views
(filled by the script), and the script.

The page is written in three parts (:func:`page_head`, the data chunks, :func:`page_tail`) so
that the documents can be streamed into it between head and tail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from harness.model import TASKS
from harness.report.assets import CSS, ENTITY_COLOURS, JS, QUOTE_COLOURS
from harness.report.classify import KIND_TITLES, KINDS
from harness.report.load import ExtractorView


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are
    written as ``\\u003c``... so no text can close the element or open a comment, and U+2028/9
    are escaped (line terminators inside a JavaScript string before ES2019)."""
    return script_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


class ScriptSafe(str):
    """JSON text already made safe inside a ``<script>`` element (every string in it passed
    through :func:`script_text`: the rest of JSON text holds none of the characters)."""


def script_text(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element (:func:`script_json`)."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


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
        + group("ex", "Extractor", [(str(i), x.label) for i, x in enumerate(extractors)])
        + group("task", "Task", [(t, t) for t in TASKS if t in tasks])
        + group("kind", "Error", [(k, KIND_TITLES[k]) for k in KINDS])
        + '<span id="shown-count"></span></nav>'
    )


def _status_title(status: str) -> str:
    if status == "gold":
        return "in gold (no extractor chosen)"
    return KIND_TITLES.get(status, "correct")


def legend() -> str:
    ents = "".join(
        f'<span class="a ent ent-{s}">entity {esc(_status_title(s))}</span>' for s in ENTITY_COLOURS
    )
    quotes = "".join(
        f'<span class="a q q-{s}">quote {esc(_status_title(s))}</span>' for s in QUOTE_COLOURS
    )
    return (
        f'<div class="legend">{ents}</div><div class="legend">{quotes}'
        '<span class="a q q-ok sk-speaker">quote with wrong speaker (dashed)</span>'
        '<span class="a spk">speaker mention</span><span class="a cue">cue</span></div>'
        '<p class="meta">Arrows go from each speaker mention to its quote (red and dashed: the '
        "speaker is wrong). Hover a highlight to light up its speaker, its cue and what each "
        "extractor made of it; click it for details.</p>"
    )


def error_rules() -> str:
    return (
        '<div class="rule">How errors are found: with the scorer\'s own matching. Entities are '
        "paired as in the <code>partial</code> scheme (same boundaries first, then by overlap): "
        "a pair with other boundaries is a <em>wrong boundary</em>, one with another label a "
        "<em>wrong label</em>; unpaired gold entities are <em>missed</em>, unpaired predictions "
        "<em>spurious</em>. Quotes are paired at overlap@0.3 (the pairs speakers are scored on): "
        "other trimmed spans are a <em>wrong boundary</em>, another type a <em>wrong label</em>. "
        "<em>Wrong speaker</em> follows the rule of the <code>attribution</code> scores: a gold "
        "quote whose speaker is unknown is attributed correctly only by a prediction that names "
        "no speaker. <code>speakers.accuracy</code> leaves those quotes out: their wrong "
        "speakers are marked <b>*</b> and are not among the accuracy's errors. Boundary "
        'differences are exact: <span class="only-gold">in gold only</span>, '
        '<span class="only-pred">in the prediction only</span>.</div>'
    )


def errors_section(presets: str, reconciliation: str) -> str:
    return (
        error_rules()
        + reconciliation
        + presets
        + '<div class="controls"><input type="search" id="search" '
        'placeholder="search errors: text, speaker, cue, label, document" '
        'aria-label="search errors">'
        '<span id="meta-filters"></span>'
        '<label>only where <select id="right-in"></select> is right</label>'
        '<label>group by <select id="group-by"></select></label>'
        '<button type="button" id="export-csv">export CSV</button>'
        '<button type="button" id="export-jsonl">export JSONL</button></div>'
        '<div id="groups"></div><div class="pager" id="error-pager"></div>'
        '<table class="errors" id="error-table"></table>'
    )


def documents_section() -> str:
    return (
        '<div class="controls"><input type="search" id="doc-search" '
        'placeholder="search the documents\' full text" aria-label="search documents">'
        '<span id="doc-count" class="meta"></span></div>'
        '<div class="pager" id="doc-pager"></div><table class="doc-index" id="doc-table"></table>'
        '<div id="docview" hidden><h3 id="doc-title"></h3><div class="meta" id="doc-meta"></div>'
        '<div class="controls"><span id="pane-choice">columns:</span>'
        '<label>colour gold as <select id="colour-by"></select> finds it</label>'
        '<label><input type="checkbox" id="show-links" checked> speaker arrows</label></div>'
        + legend()
        + '<div class="panes" id="panes"></div><h4>Errors in this document</h4>'
        '<table class="errors" id="doc-errors"></table></div>'
    )


def _arrow_marker() -> str:
    return (
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
        '<marker id="hr-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#1c7ed6"></path></marker></defs></svg>'
    )


def page_head(
    results: Mapping[str, Any],
    extractors: Sequence[ExtractorView],
    tasks: Sequence[str],
    sections: Sequence[tuple[str, str, str]],
    folder: bool,
) -> str:
    """Everything before the data; ``sections`` are ``(id, title, html)``."""
    g = results.get("goldset") or {}
    title = f"Error analysis - goldset {g.get('name', '?')} v{g.get('version', '?')}"
    complete = "complete" if results.get("complete") else "INCOMPLETE (some documents failed)"
    meta = (
        f"{esc(g.get('documents', '?'))} documents, goldset sha256 "
        f"{esc(str(g.get('sha256', ''))[:12])} &middot; run {esc(results.get('created', ''))} "
        f"&middot; {complete} &middot; harness {esc(results.get('harness_version', ''))} "
        f"&middot; config {esc(results.get('config_path') or '')}"
    )
    toc = " &middot; ".join(f'<a href="#{sid}">{esc(t)}</a>' for sid, t, _ in sections)
    body = "\n".join(
        f'<section id="{sid}"><h2>{esc(t)}</h2>\n{html}</section>' for sid, t, html in sections
    )
    scripts = "'unsafe-inline' file: 'self'" if folder else "'unsafe-inline'"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src 'unsafe-inline'; script-src {scripts}; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
        f'<body><header><h1>{esc(title)}</h1><div class="meta">{meta}</div>'
        f'<div class="meta">{toc}</div></header>\n'
        f'{filters(extractors, tasks)}\n<div id="loading">loading the documents&hellip;</div>'
        f'\n<main>{body}</main>\n<div id="infobox" hidden></div>{_arrow_marker()}\n'
    )


def chunk_element(docs: Sequence[Mapping[str, Any]] | str) -> str:
    """A chunk of documents in the page: their records, or their JSON text (an array)."""
    return f'<script type="application/json" class="hr-chunk">{_data(docs)}</script>\n'


def chunk_file(index: int, docs: Sequence[Mapping[str, Any]] | str) -> str:
    """A chunk file of the folder: the records, or their JSON text (an array)."""
    return f"HarnessReportChunk({index},{_data(docs)});\n"


def _data(docs: Sequence[Mapping[str, Any]] | str) -> str:
    if isinstance(docs, ScriptSafe):
        return docs
    return script_text(docs) if isinstance(docs, str) else script_json(list(docs))


def page_tail(meta: Mapping[str, Any]) -> str:
    """The page's metadata and script, after the data."""
    return (
        f'<script type="application/json" id="hr-meta">{script_json(meta)}</script>\n'
        f"<script>{JS}</script></body></html>\n"
    )
