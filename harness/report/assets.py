"""The report's inline stylesheet and script (``report.css``, ``report.js``: vanilla JavaScript,
no libraries, works from file://), and the colour of each error kind.

The script never inserts markup: it builds elements and sets ``textContent`` and attributes.
"""

from __future__ import annotations

from importlib import resources

from harness.report.classify import KINDS

ENTITY_COLOURS = {
    "ok": "#c3ebcb",
    "label": "#ffd3a1",
    "boundary": "#fff08a",
    "missed": "#ffc2c2",
    "spurious": "#e2c6ff",
    "gold": "#dde3ea",
}
QUOTE_COLOURS = {
    "ok": "#2b8a3e",
    "label": "#e8590c",
    "boundary": "#d9a400",
    "missed": "#e03131",
    "spurious": "#9c36b5",
    "gold": "#495057",
}


def _read(name: str) -> str:
    return resources.files("harness.report").joinpath(name).read_text(encoding="utf-8")


def _status_css() -> str:
    rules = []
    for status, colour in ENTITY_COLOURS.items():
        rules.append(f".a.ent.ent-{status} {{ background: {colour}; }}")
    for status, colour in QUOTE_COLOURS.items():
        rules.append(f".a.q.q-{status} {{ border-bottom-color: {colour}; }}")
    # filters: hide a task's or an error kind's highlights
    rules.append(".no-task-entities .a.ent { background: none; }")
    rules.append(".no-task-entities .tag.ent { display: none; }")
    rules.append(".no-task-quotes .tag.q { display: none; }")
    for kind in KINDS:
        rules.append(
            f".no-kind-{kind} .a.ent.ek-{kind} {{ background: none; }} "
            f".no-kind-{kind} .a.q.qk-{kind} {{ border-bottom-color: transparent; }}"
        )
    return "\n".join(rules)


CSS = _read("report.css") + _status_css()
JS = _read("report.js")
