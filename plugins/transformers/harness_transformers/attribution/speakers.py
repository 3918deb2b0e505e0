"""Resolve a quote's source mention to a speaker name, with the person mentions of the NER model.

Named rules, applied in order (``persons`` are the PER entities the entity model found):

**S1 a name in the source.** A source that contains a person mention is that person, the longest
mention when there are several: "Republican nominee [Donald Trump]" -> "Donald Trump".

**S2 pronouns.** A personal or relative pronoun ("he", "she", "him", "her", "his", "who",
"whom", "whose") is the nearest person mentioned before it outside every quote's content (people
named inside a quote are rarely who "he" is): "Michael Bloomberg, [who] is thinking about
running, said ..." -> "Michael Bloomberg"; "Trump said Clinton lied. [He] added ..." -> "Trump".

**S3 person descriptions.** A definite description whose last word is a noun for a person's role
(:data:`PERSON_ROLES`: "the senator", "the Republican nominee", "the former secretary of
state") is also the nearest person mentioned before it. Other descriptions ("a source",
"officials", "the campaign", "the poll") are unnamed sources and keep their own words.

**S4 full names.** A name found by S1-S3 that is one word (a surname: "Trump") becomes the first
longer person mention of the document ending with that word ("Donald Trump"), so the speaker of
every quote of one person carries one name.

Anything else (organisations, groups, "they", "I") keeps the source's own words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from harness.model import Entity

#: Pronouns that refer back to a person (personal, possessive and relative).
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "who", "whom", "whose"})

#: Nouns for a person's role or office, for S3 (general English, not taken from any article).
PERSON_ROLES = frozenset(
    """
    senator congressman congresswoman representative governor mayor president candidate nominee
    secretary minister chancellor ambassador spokesman spokeswoman spokesperson chairman
    chairwoman chair director leader adviser advisor aide strategist lawyer attorney judge justice
    businessman businesswoman billionaire mogul developer owner founder executive ceo official
    frontrunner front-runner contender challenger incumbent lawmaker politician speaker
    commissioner sheriff general admiral officer prosecutor author writer columnist reporter
    anchor host economist analyst professor scientist doctor actor actress singer star
    father mother husband wife son daughter brother sister man woman
    """.split()
)

_DETERMINERS = frozenset({"the", "this", "that"})
_POSSESSIVE = re.compile(r"['’]s?$")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _inside(start: int, end: int, persons: Sequence[Entity]) -> list[Entity]:
    return [p for p in persons if p.start >= start and p.end <= end]


def _nearest_before(
    offset: int, persons: Sequence[Entity], skip: Sequence[tuple[int, int]]
) -> Entity | None:
    i = bisect.bisect_left([p.start for p in persons], offset) - 1
    while i >= 0:
        p = persons[i]
        if p.end <= offset and not any(s <= p.start and p.end <= e for s, e in skip):
            return p
        i -= 1
    return None


def _is_person_description(words: Sequence[str]) -> bool:
    return len(words) >= 2 and words[0] in _DETERMINERS and words[-1] in PERSON_ROLES


def full_name(name: str, persons: Sequence[Entity]) -> str:
    """S4: a one-word name becomes the first longer person mention ending with it."""
    parts = name.split()
    if len(parts) != 1:
        return name
    for p in persons:
        words = _POSSESSIVE.sub("", p.text).split()
        if len(words) > 1 and words[-1].casefold() == _POSSESSIVE.sub("", name).casefold():
            return p.text
    return name


def resolve_speaker(
    text: str,
    start: int,
    end: int,
    persons: Sequence[Entity],
    contents: Sequence[tuple[int, int]] = (),
) -> str:
    """The speaker name for the source mention ``text[start:end]`` (rules S1-S4).

    ``contents`` are the quote contents of the document, whose person mentions S2 and S3 skip.
    """
    mention = text[start:end]
    persons = sorted(persons, key=lambda p: (p.start, p.end))
    inside = _inside(start, end, persons)
    if inside:
        best = max(inside, key=lambda p: (len(p.text), -p.start))
        return full_name(best.text, persons)
    words = [w.casefold() for w in _WORD.findall(mention)]
    if (len(words) == 1 and words[0] in PERSON_PRONOUNS) or _is_person_description(words):
        found = _nearest_before(start, persons, contents)
        if found is not None:
            return full_name(found.text, persons)
    return " ".join(mention.split())
