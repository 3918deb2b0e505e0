"""Detokenisation with exact offsets, and the matching tokenisation used on export.

:func:`join_tokens` turns the tokens of one sentence into text and records where each token
is, so entity offsets are exact (``text[start:end] == token`` for every token). In ``natural``
mode no space is put before closing punctuation or a clitic apostrophe, after opening brackets
or ``$``, or inside a pair of double quotes; in ``spaces`` mode tokens are joined by spaces.

The decision at each boundary depends only on the text before it and the next character
(:func:`glue`). :func:`tokenize` splits only at whitespace, at the entity boundaries it is given,
and at punctuation where :func:`glue` would join again, so for a text made by :func:`join_tokens`,
``join_tokens(tokenize(text))`` gives the same text back: CoNLL import -> export -> import keeps
every offset.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Sequence
from typing import Literal

Detok = Literal["natural", "spaces"]
CLOSE = frozenset(".,;:!?)]}%")
OPEN = frozenset("([{$")
_TRAIL = frozenset(",;:!?)]}%\"'")
_LEAD = frozenset('([{$"')
_CLITIC = re.compile(r"'(?:s|S|re|ve|ll|d|m)$")


def glue(prev: str, nxt: str, quote_open: bool) -> bool:
    """Whether no space goes between a token ending in ``prev`` and one starting with ``nxt``.

    ``quote_open`` is whether the text so far holds an odd number of ``"`` (an open quotation).
    """
    if nxt in CLOSE or prev in OPEN:
        return True
    if nxt == "'" and prev.isalnum():
        return True
    return quote_open and (nxt == '"' or prev == '"')


def join_tokens(tokens: Sequence[str], mode: Detok = "natural") -> tuple[str, list[int]]:
    """Text of one sentence and the start offset of each token in it."""
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    quotes = 0
    prev = ""
    for tok in tokens:
        if parts and not (mode == "natural" and glue(prev, tok[0], quotes % 2 == 1)):
            parts.append(" ")
            pos += 1
        starts.append(pos)
        parts.append(tok)
        pos += len(tok)
        quotes += tok.count('"')
        prev = tok[-1]
    return "".join(parts), starts


def _cuts(word: str, offset: int, line: str, line_start: int, mode: Detok) -> set[int]:
    """Punctuation split points inside one whitespace-delimited word (absolute offsets)."""
    if mode != "natural" or len(word) < 2:
        return set()
    cuts: set[int] = set()
    lo, hi = 0, len(word)
    while hi - lo > 1 and word[lo] in _LEAD:
        lo += 1
        cuts.add(lo)
    while hi - lo > 1 and (
        word[hi - 1] in _TRAIL
        or (hi - lo > 2 and word[hi - 1] == "." and "." not in word[lo : hi - 1])
    ):
        hi -= 1
        cuts.add(hi)
    m = _CLITIC.search(word[lo:hi])
    if m and m.start() > 0:
        cuts.add(lo + m.start())

    def ok(k: int) -> bool:
        before = line[: offset - line_start + k]
        return glue(word[k - 1], word[k], before.count('"') % 2 == 1)

    return {offset + k for k in cuts if 0 < k < len(word) and ok(k)}


def tokenize(
    text: str, boundaries: Collection[int] = (), mode: Detok = "natural"
) -> list[list[tuple[int, int]]]:
    """Sentences (lines of ``text``) as lists of ``(start, end)`` token offsets.

    Tokens are split at whitespace, at every offset in ``boundaries`` (entity starts and ends),
    and, in ``natural`` mode, off punctuation where :func:`join_tokens` would glue it back.
    Empty lines give no sentence.
    """
    sentences: list[list[tuple[int, int]]] = []
    line_start = 0
    bounds = set(boundaries)
    for line in text.split("\n"):
        tokens: list[tuple[int, int]] = []
        for m in re.finditer(r"\S+", line):
            s, e = line_start + m.start(), line_start + m.end()
            cuts = {b for b in bounds if s < b < e}
            cuts |= _cuts(m.group(), s, line, line_start, mode)
            edges = [s, *sorted(cuts), e]
            tokens.extend(itertools.pairwise(edges))
        if tokens:
            sentences.append(tokens)
        line_start += len(line) + 1
    return sentences
