"""Locate strings a model generated in the text they came from: exact, normalised, then fuzzy.

A language model answers with strings, not offsets. Each string is looked up in three steps,
and the first that finds it wins (its level is reported, so results can say how many spans
were found each way):

1. ``exact``: the string as written (surrounding whitespace stripped).
2. ``normalised``: both sides compared after NFKC, case folding, collapsing every run of
   whitespace to one space, dropping quotation marks and apostrophes of every kind
   (``"“”„«»'‘’`´``) and unifying dashes, so ``"We will not back down."`` finds
   ``“We will not   back down.”``. Offsets are mapped back to the original characters.
3. ``fuzzy``: the word window of the normalised text most similar to the string
   (``difflib`` ratio on characters) when the ratio is at least ``threshold``; only for strings
   of at least ``min_chars`` characters (short names must match, "Iran" is not "Iraq").

When a string occurs more than once, the occurrence is chosen by an anchor: the *next* one at or
after a cursor (the end of the previous item of the same list, since the prompts ask for items in
document order), or the one *nearest* to a span (a quote's cue and speaker near the quote);
occurrences already given to an identical item are skipped. A string found nowhere is
``None``: the caller counts it as unaligned, it is never dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Level = Literal["exact", "normalised", "fuzzy"]
LEVELS: tuple[Level, ...] = ("exact", "normalised", "fuzzy")

#: Characters dropped by the normalised comparison: quotation marks and apostrophes.
QUOTE_MARKS = frozenset("\"'“”„‟«»‘’‚‛‹›`´′″")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")
_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    level: Level
    score: float = 1.0


def _normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original one."""
    out: list[str] = []
    origin: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                origin.append(i)
            space = True
            continue
        if ch in QUOTE_MARKS:
            continue
        space = False
        for c in unicodedata.normalize("NFKC", ch).casefold().translate(_DASHES):
            out.append(c)
            origin.append(i)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), origin


def normalise(text: str) -> str:
    """``text`` as the normalised comparison sees it."""
    return _normalise(text)[0]


def _occurrences(haystack: str, needle: str) -> list[int]:
    out, i = [], haystack.find(needle)
    while i >= 0:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


def choose(
    spans: list[tuple[int, int]],
    *,
    after: int | None = None,
    near: tuple[int, int] | None = None,
    taken: Collection[tuple[int, int]] = (),
    text_len: int = 0,
) -> tuple[int, int] | None:
    """The occurrence to use: not ``taken``; the first at or after ``after`` (else the nearest
    before it), or the nearest to ``near``; the first one without an anchor."""
    free = ([s for s in spans if s not in taken] or spans) if taken else spans
    if not free:
        return None
    if near is not None:
        # the nearest: fewest characters between span and anchor, a span inside the anchor
        # last, then the first (a loop, not min(key=...): it runs for every cue and speaker)
        a, b = near
        best: tuple[int, tuple[int, int]] | None = None
        for span in free:
            s, e = span
            if s >= a and e <= b and (s != a or e != b):
                d = text_len + (s - a)
            else:
                d = max(0, a - e, s - b)
            if best is None or (d, span) < best:
                best = (d, span)
        return best[1] if best is not None else None
    if after is not None:
        later = [s for s in free if s[0] >= after]
        return later[0] if later else max(free, key=lambda s: s[0])
    return free[0]


class Aligner:
    """Finds strings in one text (a document or a chunk of it). Build once per text."""

    def __init__(self, text: str, threshold: float | None = 0.85, min_chars: int = 12) -> None:
        self.text = text
        self.threshold = threshold
        self.min_chars = min_chars
        self._norm: tuple[str, list[int]] | None = None
        self._words: tuple[list[str], list[int], list[int]] | None = None

    @property
    def norm(self) -> tuple[str, list[int]]:
        if self._norm is None:
            self._norm = _normalise(self.text)
        return self._norm

    def find(
        self,
        needle: str,
        *,
        after: int | None = None,
        near: tuple[int, int] | None = None,
        taken: Collection[tuple[int, int]] = (),
    ) -> Match | None:
        """Where ``needle`` is in the text (see the module docs), or ``None``."""
        needle = needle.strip()
        if not needle:
            return None
        n = len(self.text)
        if near is None and after is not None:  # the common case, without listing every one
            i = self.text.find(needle, after)
            while i >= 0 and (i, i + len(needle)) in taken:
                i = self.text.find(needle, i + 1)
            if i >= 0:
                return Match(i, i + len(needle), "exact")
        spans = [(i, i + len(needle)) for i in _occurrences(self.text, needle)]
        if spans:
            s, e = choose(spans, after=after, near=near, taken=taken, text_len=n) or spans[0]
            return Match(s, e, "exact")
        norm, origin = self.norm
        key = normalise(needle)
        if not key:
            return None
        spans = [(origin[i], origin[i + len(key) - 1] + 1) for i in _occurrences(norm, key)]
        if spans:
            s, e = choose(spans, after=after, near=near, taken=taken, text_len=n) or spans[0]
            return Match(s, e, "normalised")
        if self.threshold is None or len(key) < self.min_chars:
            return None
        return self._fuzzy(key, after=after, near=near, taken=taken)

    def _word_index(self) -> tuple[list[str], list[int], list[int]]:
        if self._words is None:
            norm = self.norm[0]
            found = list(_WORD.finditer(norm))
            self._words = (
                [m.group() for m in found],
                [m.start() for m in found],
                [m.end() for m in found],
            )
        return self._words

    def _fuzzy(
        self,
        key: str,
        *,
        after: int | None,
        near: tuple[int, int] | None,
        taken: Collection[tuple[int, int]],
    ) -> Match | None:
        """The most similar window of words, if similar enough (ties: by the anchor)."""
        assert self.threshold is not None
        words, starts, ends = self._word_index()
        target = _WORD.findall(key)
        m = len(target)
        if not words or not m:
            return None
        windows = _candidate_windows(words, target, self.threshold)
        norm, origin = self.norm
        best: list[tuple[float, tuple[int, int]]] = []
        for i, j in windows:
            ratio = SequenceMatcher(None, norm[starts[i] : ends[j - 1]], key, False).ratio()
            if ratio >= self.threshold:
                best.append((ratio, (origin[starts[i]], origin[ends[j - 1] - 1] + 1)))
        if not best:
            return None
        top = max(r for r, _ in best)
        spans = sorted({s for r, s in best if r >= top - 1e-9})
        s, e = (
            choose(spans, after=after, near=near, taken=taken, text_len=len(self.text))
            or (spans[0])
        )
        return Match(s, e, "fuzzy", round(top, 4))


def _candidate_windows(
    words: list[str], target: list[str], threshold: float, keep: int = 8
) -> list[tuple[int, int]]:
    """Word windows ``[i, j)`` whose shared-word count could reach ``threshold``: sizes within
    20% of the target's, scored by the multiset of words they share with it (a cheap upper
    bound of similarity), the best ``keep`` returned."""
    m = len(target)
    want = Counter(target)
    slack = max(1, m // 5)
    scored: list[tuple[float, int, int]] = []
    for size in range(max(1, m - slack), min(len(words), m + slack) + 1):
        have: Counter[str] = Counter(words[:size])
        common = sum((have & want).values())
        for i in range(0, len(words) - size + 1):
            if i:
                out, inn = words[i - 1], words[i + size - 1]
                if out != inn:
                    common -= have[out] <= want[out]
                    have[out] -= 1
                    have[inn] += 1
                    common += have[inn] <= want[inn]
            bound = 2 * common / (size + m)
            if bound >= threshold * 0.8:
                scored.append((bound, i, i + size))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [(i, j) for _, i, j in scored[:keep]]


def trim(text: str, start: int, end: int, chars: Collection[str] = QUOTE_MARKS) -> tuple[int, int]:
    """``start, end`` without whitespace and ``chars`` at either end (never empty)."""
    s, e = start, end
    while s < e and (text[s].isspace() or text[s] in chars):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in chars):
        e -= 1
    return (s, e) if s < e else (start, end)
