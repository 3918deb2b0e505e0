"""One tag sequence per document for attribution: source, cue and content spans as IOB2 tags.

Attributions in PolNeAR (and in the project's gold format) are *univocal*: a word is part of at
most one role of one attribution. A document's quotes therefore become one tag per word:

- ``CONTENT``: the quote's content span (one span per quote; a quote interrupted by its
  attribution is two quotes, hence two spans);
- ``SOURCE``: the mention tied to the cue (the quote's ``speaker_span``);
- ``CUE``: the cue of a quote that has a source, and ``NSCUE`` the cue of a quote without one
  ("it was reported that ...", "asked whether ..."). The model learns which cues have no source;
  the linker (:mod:`.linking`) then gives those quotes no speaker instead of borrowing the source
  of a neighbouring quote, the main error of a distance rule alone (measured in
  :mod:`.linking`).

Words are the CoNLL-like words of :mod:`harness_transformers.words`; a word takes the role of a
span when it overlaps it. Conflicts (a word inside two spans of different roles, which univocal
annotations do not have) keep the first role in the order content, cue, source, and are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.model import Quote

Role = Literal["SOURCE", "CUE", "NSCUE", "CONTENT"]
ROLES: tuple[Role, ...] = ("SOURCE", "CUE", "NSCUE", "CONTENT")

#: IOB2 tag set in a fixed order; the index is the class id of the model head.
ATTRIBUTION_TAGS: tuple[str, ...] = ("O", *(f"{p}-{r}" for r in ROLES for p in ("B", "I")))


@dataclass(frozen=True)
class RoleSpan:
    """A span of one role, in characters (end-exclusive), with the tagger's confidence.

    ``score`` is the mean over the span's words of the probability of the span's role (its B-
    and I- tags together); it does not take part in equality.
    """

    role: Role
    start: int
    end: int
    score: float = field(default=1.0, compare=False)


def quote_role_spans(quotes: Sequence[Quote]) -> list[RoleSpan]:
    """The role spans of a document's quotes: contents, cues (with or without source), sources.

    A cue or source shared by several quotes is one span; a cue is ``CUE`` when any of its quotes
    has a source.
    """
    contents = [RoleSpan("CONTENT", q.start, q.end) for q in quotes]
    cues: dict[tuple[int, int], bool] = {}
    sources: set[tuple[int, int]] = set()
    for q in quotes:
        if q.cue is not None:
            key = (q.cue.start, q.cue.end)
            cues[key] = cues.get(key, False) or q.speaker_span is not None
        if q.speaker_span is not None:
            sources.add((q.speaker_span.start, q.speaker_span.end))
    spans = contents
    spans += [RoleSpan("CUE" if has else "NSCUE", s, e) for (s, e), has in cues.items()]
    spans += [RoleSpan("SOURCE", s, e) for s, e in sorted(sources)]
    return spans


def word_tags(words: Sequence[tuple[int, int]], spans: Sequence[RoleSpan]) -> tuple[list[str], int]:
    """IOB2 tag of each word for ``spans`` (in priority order), and the number of conflicts.

    A word belongs to a span when they overlap; the first word of each span is ``B-``.
    """
    import bisect

    starts = [s for s, _ in words]
    tags = ["O"] * len(words)
    owner: list[int] = [-1] * len(words)
    conflicts = 0
    for k, span in enumerate(spans):
        first = max(0, bisect.bisect_right(starts, span.start) - 1)
        covered = [
            i
            for i in range(first, bisect.bisect_left(starts, span.end))
            if words[i][0] < span.end and words[i][1] > span.start
        ]
        if any(owner[i] != -1 for i in covered):
            conflicts += 1
        covered = [i for i in covered if owner[i] == -1]
        for n, i in enumerate(covered):
            tags[i] = f"{'B' if n == 0 else 'I'}-{span.role}"
            owner[i] = k
    return tags, conflicts


def decode_role_spans(
    text: str,
    words: Sequence[tuple[int, int]],
    tags: Sequence[str | None],
    word_probs: Any = None,
) -> list[RoleSpan]:
    """Role spans in characters from word tags (``None`` = O), trimmed of whitespace.

    With ``word_probs`` (``(n_words, len(ATTRIBUTION_TAGS))``) each span gets its confidence.
    """
    from harness_transformers.decode import decode_spans, trim_span

    out: list[RoleSpan] = []
    for first, last, kind in decode_spans(tags):
        if kind not in ROLES:
            continue
        start, end = trim_span(text, words[first][0], words[last - 1][1])
        if end <= start:
            continue
        score = 1.0
        if word_probs is not None:
            b, i = ATTRIBUTION_TAGS.index(f"B-{kind}"), ATTRIBUTION_TAGS.index(f"I-{kind}")
            rows = word_probs[first:last]
            score = float((rows[:, b] + rows[:, i]).mean())
        out.append(RoleSpan(kind, start, end, score))  # type: ignore[arg-type]
    return out


def merge_contents(text: str, spans: Sequence[RoleSpan]) -> list[RoleSpan]:
    """M1: content spans separated only by whitespace and punctuation that does not end a
    sentence (no letter, digit, line break, ``.``, ``!`` or ``?``, and the first does not end with
    one) are one content, as the gold conversion joins such fragments of one attribution (C2).

    A tagger that breaks one quote at a comma or a dash ("[We will win], [and we will]") then
    gives one quote, not two; two quotes in a row ("[A.] “[B]") stay two. The merged span's
    score is the mean of the parts', weighted by length.
    """
    contents = sorted((s for s in spans if s.role == "CONTENT"), key=lambda s: (s.start, s.end))
    merged: list[RoleSpan] = []
    for span in contents:
        if merged:
            last = merged[-1]
            gap = text[last.end : span.start]
            ends_sentence = text[last.start : last.end].rstrip("\"'”’»)").endswith((".", "!", "?"))
            joined = not ends_sentence and not any(c.isalnum() or c in "\n.!?" for c in gap)
            if span.start >= last.end and joined:
                n1, n2 = last.end - last.start, span.end - span.start
                score = (last.score * n1 + span.score * n2) / (n1 + n2)
                merged[-1] = RoleSpan("CONTENT", last.start, span.end, score)
                continue
        merged.append(span)
    return merged + [s for s in spans if s.role != "CONTENT"]
