"""What each gold and predicted item of a document came to, from the scorer's own matching.

:func:`harness.scoring.document.score_document` returns them beside the counts, made from the
same pairs (no second matching); a run records them in its counts file
(:mod:`harness.perdoc`) so that the report (:mod:`harness.report`) explains the scores without
matching anything again. A finding is a row of five integers::

    (task, gold index or -1, prediction index or -1, kinds, flags)

``task`` is 0 (entities), 1 (quotes) or 2 (speakers). Indices point into the document's gold
entities or quotes (after the gold label map) and into the *scored* predicted entities (those
with a scored label, in their order) or quotes. ``kinds`` is a bit mask over :data:`KINDS`
(0: correct): entities are paired as in the ``partial`` scheme, a pair with other boundaries a
*wrong boundary*, with another label a *wrong label*; quotes are paired at overlap@0.3, other
trimmed spans a *wrong boundary*, another type a *wrong label*, and (task ``speakers``) a pair
whose attribution is not correct a *wrong speaker*; unpaired items are *missed* or *spurious*.
``flags`` bit 1 (:data:`UNKNOWN_SPEAKER`): the gold quote's speaker is unknown (the finding
counts in the attribution scores, not in ``speakers.accuracy``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

from harness.model import Document, Quote
from harness.scoring.entities import EntityMatch
from harness.scoring.quotes import trim_span
from harness.scoring.speakers import attribution_is_correct

Kind = Literal["missed", "spurious", "label", "boundary", "speaker"]
KINDS: tuple[Kind, ...] = ("missed", "spurious", "label", "boundary", "speaker")
MISSED, SPURIOUS, LABEL, BOUNDARY, SPEAKER = (1 << i for i in range(len(KINDS)))
TASK_CODES: dict[str, int] = {"entities": 0, "quotes": 1, "speakers": 2}
UNKNOWN_SPEAKER = 1

Finding = tuple[int, int, int, int, int]


def _kinds(same_span: bool, same_label: bool) -> int:
    return (0 if same_span else BOUNDARY) | (0 if same_label else LABEL)


def _unpaired(task: int, n_gold: int, n_pred: int, gold: set[int], pred: set[int]) -> list[Finding]:
    out = [(task, i, -1, MISSED, 0) for i in range(n_gold) if i not in gold]
    out += [(task, -1, i, SPURIOUS, 0) for i in range(n_pred) if i not in pred]
    return out


def entity_findings(m: EntityMatch) -> list[Finding]:
    """The findings of one document's entities: its ``partial`` pairs, then the missed gold and
    spurious predicted entities (by position)."""
    out: list[Finding] = []
    for cg, cp in m.pairs:
        a, b = m.gold[cg], m.pred[cp]
        kinds = _kinds(a[0] == b[0] and a[1] == b[1], a[2] == b[2])
        out.append((0, m.gold_order[cg], m.pred_order[cp], kinds, 0))
    paired_g = {m.gold_order[cg] for cg, _ in m.pairs}
    paired_p = {m.pred_order[cp] for _, cp in m.pairs}
    return out + _unpaired(0, len(m.gold), len(m.pred), paired_g, paired_p)


def _positions(items: Sequence[Quote]) -> dict[int, list[int]]:
    """Positions of each quote object (by identity; a list, as one object may occur twice)."""
    out: dict[int, list[int]] = {}
    for i, x in enumerate(items):
        out.setdefault(id(x), []).append(i)
    return out


def quote_findings(
    doc: Document, pred: Sequence[Quote], pairs: Sequence[tuple[Quote, Quote]],
    tasks: Collection[str],
) -> list[Finding]:  # fmt: skip
    """The findings of one document's quotes (tasks ``quotes`` and/or ``speakers``) from its
    overlap@0.3 ``(gold, pred)`` pairs: for each pair a ``quotes`` finding and a ``speakers``
    finding, then the missed and spurious quotes (under ``quotes``, or ``speakers`` alone)."""
    text, gold = doc.text, doc.quotes
    gi, pi = _positions(gold), _positions(pred)
    out: list[Finding] = []
    paired_g: set[int] = set()
    paired_p: set[int] = set()
    for g, p in pairs:
        i, j = gi[id(g)].pop(0), pi[id(p)].pop(0)
        paired_g.add(i)
        paired_p.add(j)
        if "quotes" in tasks:
            same = trim_span(text, g.start, g.end) == trim_span(text, p.start, p.end)
            out.append((1, i, j, _kinds(same, g.type == p.type), 0))
        if "speakers" in tasks:
            right = attribution_is_correct(doc, g, p)
            flag = UNKNOWN_SPEAKER if g.speaker is None else 0
            out.append((2, i, j, 0 if right else SPEAKER, flag))
    task = 1 if "quotes" in tasks else 2
    return out + _unpaired(task, len(gold), len(pred), paired_g, paired_p)
