"""Per-document sections: gold and predicted annotations side by side, and the error list.

Each (document, extractor) block shows the article twice - gold on the left, the extractor's
predictions on the right - with entities as coloured backgrounds (colour = status), quotes
underlined and bracketed, speaker mentions outlined and cues in italics. Hovering a quote lights up
its speaker mention and its matched counterpart in the other pane; clicking shows the details.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from html import escape

from harness.model import Document, Entity, Quote
from harness.report.classify import KIND_TITLES, DocAnalysis, Finding
from harness.report.highlight import Annotation, render, render_infos
from harness.report.load import ExtractorView

QUOTE_TASKS = ("quotes", "speakers")
TASK_ORDER = ("entities", "quotes", "speakers")


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status(findings: Sequence[Finding], tasks: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """(status for colouring, all error kinds) of one item from its findings."""
    kinds = tuple(k for f in findings if f.task in tasks for k in f.kinds)
    return (kinds[0] if kinds else "ok"), kinds


def _verdict(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        if f.kinds:
            what = ", ".join(KIND_TITLES[k] for k in f.kinds)
            lines.append(f"{f.task}: {what}" + (f" ({f.detail})" if f.detail else ""))
        else:
            lines.append(f"{f.task}: correct" + (f" ({f.detail})" if f.detail else ""))
    return "\n".join(lines)


class _Block:
    """Builds the annotations of one (document, extractor) block."""

    def __init__(self, a: DocAnalysis, prefix: str, tasks: Sequence[str]) -> None:
        self.a, self.prefix, self.tasks = a, prefix, tasks
        self.doc: Document = a.gold
        self.by_item: dict[tuple[str, str, int], list[Finding]] = defaultdict(list)
        for f in a.findings:
            group = "e" if f.task == "entities" else "q"
            if f.gold is not None:
                self.by_item[(group, "g", f.gold)].append(f)
            if f.pred is not None:
                self.by_item[(group, "p", f.pred)].append(f)

    def aid(self, side: str, group: str, i: int, part: str = "") -> str:
        return f"{self.prefix}-{side}{group}{i}{part}"

    def _partners(self, side: str, group: str, findings: Sequence[Finding]) -> tuple[str, ...]:
        other = "p" if side == "g" else "g"
        out = []
        for f in findings:
            j = f.pred if side == "g" else f.gold
            if j is not None:
                out.append(self.aid(other, group, j))
        return tuple(dict.fromkeys(out))

    def entities(self, side: str, items: Sequence[Entity]) -> list[Annotation]:
        who = "gold" if side == "g" else "predicted"
        out = []
        for i, e in enumerate(items):
            fs = self.by_item[("e", side, i)]
            status, kinds = _status(fs, ("entities",))
            text = self.doc.text[e.start : e.end]
            info = f"{who} {e.label} “{shorten(text, 60)}” [{e.start}-{e.end}]\n{_verdict(fs)}"
            out.append(
                Annotation(
                    e.start,
                    e.end,
                    "ent",
                    self.aid(side, "e", i),
                    (f"ent-{status}", *(f"ek-{k}" for k in kinds)),
                    tag=e.label,
                    info=info.strip(),
                    links=self._partners(side, "e", fs),
                )
            )
        return out

    def speaker_name(self, side: str, q: Quote) -> str:
        if side == "g":
            s = self.doc.speaker(q.speaker)
            return s.name if s else "unknown"
        if q.speaker:
            return q.speaker
        if q.speaker_span:
            return self.doc.text[q.speaker_span.start : q.speaker_span.end]
        return "none"

    def quotes(self, side: str, items: Sequence[Quote]) -> list[Annotation]:
        who = "gold" if side == "g" else "predicted"
        out = []
        for i, q in enumerate(items):
            fs = self.by_item[("q", side, i)]
            span_status, span_kinds = _status(fs, ("quotes",))
            if "quotes" not in self.tasks:  # speakers only: missed/spurious are speaker findings
                span_status, span_kinds = _status(
                    [f for f in fs if f.gold is None or f.pred is None], ("speakers",)
                )
            spk_kinds = tuple(
                k for f in fs if f.task == "speakers" for k in f.kinds if k == "speaker"
            )
            qid = self.aid(side, "q", i)
            speaker = self.speaker_name(side, q)
            sp = q.speaker_span
            mention = f" via “{self.doc.text[sp.start : sp.end]}”" if sp else ""
            cue = ""
            if q.cue:
                cue = f", cue “{self.doc.text[q.cue.start : q.cue.end]}”"
            sid = f" ({q.speaker})" if side == "g" and q.speaker else ""
            quoted = shorten(self.doc.text[q.start : q.end], 70)
            info = (
                f"{who} {q.type} quote [{q.start}-{q.end}] “{quoted}”\n"
                f"speaker: {speaker}{sid}{mention}{cue}\n{_verdict(fs)}"
            )
            links = [self.aid(side, "q", i, "s"), self.aid(side, "q", i, "c")]
            # the matched quote(s) in the other pane, with their speaker mentions and cues
            links += [
                f"{p}{part}" for p in self._partners(side, "q", fs) for part in ("", "s", "c")
            ]
            classes = (
                f"q-{span_status}",
                *(f"qk-{k}" for k in span_kinds),
                *(f"sk-{k}" for k in spk_kinds),
            )
            out.append(
                Annotation(
                    q.start,
                    q.end,
                    "q",
                    qid,
                    classes,
                    tag=f"{q.type} ← {speaker}",
                    info=info.strip(),
                    links=tuple(links),
                )
            )
            if q.speaker_span:
                sp = q.speaker_span
                wrong = ("spk-wrong",) if spk_kinds else ()
                out.append(
                    Annotation(
                        sp.start,
                        sp.end,
                        "spk",
                        self.aid(side, "q", i, "s"),
                        wrong,
                        info=f"speaker mention “{self.doc.text[sp.start : sp.end]}” ({speaker}) "
                        f"of {who} quote “{shorten(self.doc.text[q.start : q.end], 50)}”",
                        links=(qid,),
                    )
                )
            if q.cue:
                out.append(
                    Annotation(
                        q.cue.start,
                        q.cue.end,
                        "cue",
                        self.aid(side, "q", i, "c"),
                        info=f"cue “{self.doc.text[q.cue.start : q.cue.end]}” of {who} quote",
                        links=(qid,),
                    )
                )
        return out

    def pane(self, side: str) -> str:
        anns: list[Annotation] = []
        if "entities" in self.tasks:
            anns += self.entities(side, self.doc.entities if side == "g" else self.a.entities)
        if any(t in self.tasks for t in QUOTE_TASKS):
            anns += self.quotes(side, self.doc.quotes if side == "g" else self.a.quotes)
        return f'<div class="text">{render(self.doc.text, anns)}</div>{render_infos(anns)}'

    def describe(self, side: str, task: str, i: int | None) -> str:
        if i is None:
            return "&mdash;"
        if task == "entities":
            e = (self.doc.entities if side == "g" else self.a.entities)[i]
            text = self.doc.text[e.start : e.end]
            return (
                f"“{esc(shorten(text, 60))}” <b>{esc(e.label)}</b> <small>{e.start}-{e.end}</small>"
            )
        q = (self.doc.quotes if side == "g" else self.a.quotes)[i]
        out = (
            f"“{esc(shorten(self.doc.text[q.start : q.end], 90))}” <b>{esc(q.type)}</b> "
            f"<small>{q.start}-{q.end}</small>"
        )
        if task == "speakers":
            out += f"<br>speaker: <b>{esc(self.speaker_name(side, q))}</b>"
        return out

    def position(self, f: Finding) -> tuple[int, int]:
        """Sort key of a finding: task, then where it is in the text."""
        ents = f.task == "entities"
        if f.gold is not None:
            item: Entity | Quote = (self.doc.entities if ents else self.doc.quotes)[f.gold]
        else:
            item = (self.a.entities if ents else self.a.quotes)[f.pred or 0]
        return TASK_ORDER.index(f.task), item.start

    def error_rows(self, label: str) -> str:
        rows = []
        for f in sorted(self.a.errors(), key=self.position):
            group = "e" if f.task == "entities" else "q"
            targets = []
            if f.gold is not None:
                targets.append(self.aid("g", group, f.gold))
            if f.pred is not None:
                targets.append(self.aid("p", group, f.pred))
            badges = "".join(
                f'<span class="kind kind-{k}">{esc(KIND_TITLES[k])}</span>' for k in f.kinds
            )
            info = f"{', '.join(KIND_TITLES[k] for k in f.kinds)} ({f.task}): {f.detail}"
            rows.append(
                f'<tr class="err" data-extractor="{esc(label)}" data-task="{f.task}" '
                f'data-kinds="{" ".join(f.kinds)}" data-target="{esc(" ".join(targets))}" '
                f'data-info="{esc(info)}"><td>{badges}</td><td>{f.task}</td>'
                f"<td>{self.describe('g', f.task, f.gold)}</td>"
                f"<td>{self.describe('p', f.task, f.pred)}</td><td>{esc(f.detail)}</td></tr>"
            )
        return "".join(rows)


def document_block(a: DocAnalysis, x: ExtractorView, prefix: str) -> str:
    """The HTML block of one document as seen by one extractor."""
    b = _Block(a, prefix, x.tasks)
    failed = ""
    if a.gold.id in x.failed:
        failed = (
            f'<div class="failed">the extractor failed on this document and was scored as if '
            f"it predicted nothing: {esc(x.failed[a.gold.id])}</div>"
        )
    if not x.tasks:
        return ""
    n_err = len(a.errors())
    rows = b.error_rows(x.label)
    none = '<tr class="none"><td colspan="5">no errors</td></tr>'
    return (
        f'<div class="docx" data-extractor="{esc(x.label)}" id="{prefix}">'
        f"<h4>{esc(x.label)} &mdash; {n_err} error{'s' if n_err != 1 else ''}</h4>{failed}"
        f'<div class="panes"><div class="pane gold"><h5>gold</h5>'
        f"{b.pane('g')}</div>"
        f'<div class="pane pred"><h5>predicted by {esc(x.label)}</h5>'
        f"{b.pane('p')}</div></div>"
        f'<table class="errors"><tr><th>error</th><th>task</th><th>gold</th>'
        f"<th>predicted</th><th>detail</th></tr>{rows}{none}</table></div>"
    )


def document_section(
    index: int, doc: Document, analyses: Sequence[tuple[ExtractorView, DocAnalysis]]
) -> str:
    blocks = "".join(document_block(a, x, f"d{index}x{j}") for j, (x, a) in enumerate(analyses))
    return (
        f'<article class="doc" id="d{index}"><h3>{esc(doc.id)}</h3>'
        f'<div class="meta">{len(doc.entities)} gold entities, {len(doc.quotes)} gold quotes, '
        f"{len(doc.text)} characters</div>{blocks}</article>"
    )


def document_index(
    docs: Sequence[Document],
    extractors: Sequence[ExtractorView],
    errors: dict[tuple[str, str], int],
) -> str:
    head = "".join(
        f'<th data-extractor="{esc(x.label)}">{esc(x.label)} errors</th>' for x in extractors
    )
    rows = []
    for i, d in enumerate(docs):
        cells = "".join(
            f'<td data-extractor="{esc(x.label)}">{errors.get((x.label, d.id), 0)}</td>'
            for x in extractors
        )
        rows.append(
            f'<tr><td class="l"><a href="#d{i}">{esc(d.id)}</a></td><td>{len(d.entities)}</td>'
            f"<td>{len(d.quotes)}</td>{cells}</tr>"
        )
    return (
        '<table class="doc-index"><tr><th class="l">document</th><th>gold entities</th>'
        f"<th>gold quotes</th>{head}</tr>{''.join(rows)}</table>"
    )
