"""Split raw text into CoNLL-like words with exact character offsets.

The model was trained on CoNLL tokens (punctuation split off, hyphenated compounds and
abbreviations such as ``N.Z.`` kept whole), labelled on their first sub-word. At inference the
text is cut into words of the same shape, and each sub-word token (whose offsets come from the
fast tokenizer's ``offset_mapping`` over the original string) is attached to the word holding its
first character. Offsets are therefore indices into the original string, whatever the tokenizer's
normalisation (lower-casing, accent stripping) does.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Sequence

#: Common abbreviations that CoNLL keeps with their period (titles, company forms, months).
ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Corp|Co|Ltd|Bros|Gen|Gov|Sen|Rep|Prof|Mt|Ft|Rev|Lt|Col|Capt|Sgt"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|No"
)

#: Abbreviations with periods (``N.Z.``, ``Dr.``), initials (``J. Smith``), words with inner
#: hyphens / ampersands / apostrophes (``Anglo-Dutch``, ``AT&T``, ``O'Neill``; but the clitics of
#: ``it's``, ``don't`` split off as in CoNLL), and any other non-space character on its own.
WORD_RE = re.compile(
    r"(?:[^\W_]\.){2,}"
    rf"|\b(?:{ABBREVIATIONS})\.(?=\s|$)"
    r"|\b[^\W\d_]\.(?=\s*[^\W\d_])"
    r"|[^\W_]+(?:(?:[-&]|['’](?!(?:s|t|re|ve|ll|d|m)\b))[^\W_]+)*"
    r"|['’](?:s|t|re|ve|ll|d|m)\b"
    r"|\S",
    re.IGNORECASE,
)


def split_words(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words of ``text``, in order, without whitespace."""
    return [m.span() for m in WORD_RE.finditer(text)]


def assign_tokens(
    words: Sequence[tuple[int, int]], offsets: Sequence[tuple[int, int]]
) -> list[int | None]:
    """Word index of each token (by the token's first character); ``None`` for empty tokens."""
    starts = [s for s, _ in words]
    result: list[int | None] = []
    for start, end in offsets:
        if end <= start:
            result.append(None)
            continue
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < words[i][1]:
            result.append(i)
        else:  # token starting in whitespace (should not happen): attach to the next word
            j = i + 1
            result.append(j if j < len(words) and words[j][0] < end else None)
    return result


SENTENCE_END = frozenset(".!?")


def segment_tokens(
    text: str,
    words: Sequence[tuple[int, int]],
    offsets: Sequence[tuple[int, int]],
    token_words: Sequence[int | None],
    split: str,
) -> list[tuple[int, int]]:
    """Cut the token sequence into ``(start, end)`` segments that windows must not cross.

    ``split`` is ``"none"`` (one segment), ``"lines"`` (a boundary wherever the text between two
    tokens holds a line break) or ``"sentences"`` (also after a stand-alone ``.``, ``!`` or ``?``
    word followed by white space; abbreviations and initials such as ``Dr.`` or ``J.`` are words of
    their own and do not end a sentence).
    """
    n = len(offsets)
    if split == "none" or n == 0:
        return [(0, n)]
    cuts = [0]
    for i in range(n - 1):
        gap = text[offsets[i][1] : offsets[i + 1][0]]
        boundary = "\n" in gap
        if not boundary and split == "sentences" and gap[:1].isspace():
            w = token_words[i]
            boundary = w is not None and text[words[w][0] : words[w][1]] in SENTENCE_END
        if boundary:
            cuts.append(i + 1)
    cuts.append(n)
    return list(itertools.pairwise(cuts))
