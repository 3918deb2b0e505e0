"""Speaker accuracy and end-to-end attribution over quotes matched at overlap@0.3.

A predicted speaker is *right* for a gold quote when

- its ``speaker_span`` overlaps the gold ``speaker_span`` (both present, positive overlap), or
- its ``speaker`` text, normalised by :func:`normalise_name`, equals the normalised name or one of
  the normalised aliases of the gold speaker (``gold.speaker(quote.speaker)``; an id missing from
  the registry leaves only the span rule).

Gold quotes whose speaker is ``None`` (source not determinable) are left out of
``speakers.accuracy``; for ``attribution`` such a match is correct only when the prediction names no
speaker either (``speaker`` is ``None`` or normalises to the empty string).

Quote matching breaks ties between equally good span pairs in favour of a correct attribution,
so duplicated quote spans with different speakers are paired the right way round.

Counts: ``speakers`` = ``(n_right, n_evaluated, n_evaluated)`` so that accuracy is score / n_gold;
``attribution`` = ``(n_correct, n_pred_quotes, n_gold_quotes)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from harness.model import Document, Quote, Span
from harness.scoring.prf import Counts

# Leading titles and honorifics removed before comparing names (general English usage), longest
# first so that "prime minister" wins over "minister".
TITLES: tuple[str, ...] = tuple(
    sorted(
        (
            "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord",
            "lady", "madam", "president", "vice president", "prime minister",
            "deputy prime minister", "minister", "foreign minister", "defence minister",
            "defense minister", "secretary",
            "secretary of state", "chancellor", "senator", "sen", "rep", "representative",
            "congressman", "congresswoman", "governor", "gov", "mayor", "king", "queen", "prince",
            "princess", "pope", "rev", "reverend", "father", "rabbi", "imam", "sheikh", "general",
            "gen", "colonel", "col", "major", "captain", "capt", "lieutenant", "lt", "sergeant",
            "sgt", "admiral", "judge", "justice", "ambassador", "chairman", "chairwoman", "chair",
            "the",
        ),
        key=lambda t: (-len(t.split()), t),
    )
)  # fmt: skip
_TITLE_WORDS = tuple(t.split() for t in TITLES)
_POSSESSIVE = re.compile(r"['’]s$")


def _strip_punctuation(text: str) -> str:
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Pd":
            out.append(" ")  # hyphens and dashes separate words: "Jean-Marc" ~ "Jean Marc"
        elif not cat.startswith("P") and ch not in "`´":
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=8192)
def normalise_name(name: str | None) -> str:
    """Normalise a speaker name: NFKC, casefold, drop a trailing possessive ``'s``/``’s``,
    drop punctuation, collapse whitespace, then drop leading titles (``Mr``, ``President``,
    ``Prime Minister``, ``the`` ...) unless nothing would be left.
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    text = _POSSESSIVE.sub("", text.rstrip(".,;:!? \t\n"))
    words = _strip_punctuation(text).split()
    stripped = True
    while stripped:
        stripped = False
        for title in _TITLE_WORDS:
            if len(words) > len(title) and words[: len(title)] == title:
                words = words[len(title) :]
                stripped = True
                break
    return " ".join(words)


def _spans_overlap(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and min(a.end, b.end) > max(a.start, b.start)


def speaker_is_right(doc: Document, gold: Quote, pred: Quote) -> bool:
    """Whether ``pred`` names the speaker of ``gold`` (``gold.speaker`` must not be ``None``)."""
    if _spans_overlap(gold.speaker_span, pred.speaker_span):
        return True
    predicted = normalise_name(pred.speaker)
    speaker = doc.speaker(gold.speaker)
    if not predicted or speaker is None:
        return False
    return any(normalise_name(n) == predicted for n in (speaker.name, *speaker.aliases))


def attribution_is_correct(doc: Document, gold: Quote, pred: Quote) -> bool:
    """End-to-end correctness of a matched pair, including the rule for unknown gold speakers."""
    if gold.speaker is None:
        return not normalise_name(pred.speaker)
    return speaker_is_right(doc, gold, pred)


def count_speakers(
    doc: Document, pairs: Sequence[tuple[Quote, Quote]], n_pred: int, n_gold: int
) -> Counts:
    """Counts of one document from its overlap@0.3 ``(gold, pred)`` quote pairs."""
    evaluated = [(g, p) for g, p in pairs if g.speaker is not None]
    right = sum(speaker_is_right(doc, g, p) for g, p in evaluated)
    correct = sum(attribution_is_correct(doc, g, p) for g, p in pairs)
    return {
        "speakers": (float(right), float(len(evaluated)), float(len(evaluated))),
        "attribution": (float(correct), float(n_pred), float(n_gold)),
    }
