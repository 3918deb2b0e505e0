"""A speaker registry built from the speaker mentions (brat ``Source`` spans) of one document.

Attribution corpora mark where the source is mentioned, not which entity it is. The registry of
the gold format wants one entry per entity (``goldsets/GUIDELINES.md`` R-S1, conversion rule C9).
Mentions are grouped only by what their words say, never by guessing coreference:

1. Mentions that the corpus puts in one equivalence class (brat ``*`` lines) are one speaker.
2. A pronoun (``he``, ``they``, ``who`` ...) names nobody by itself: each pronoun mention is a
   speaker of its own, id ``<pronoun>-<offset>``, with no aliases (R-S4 leaves pronouns out).
3. Other mentions with the same normalised name (case, titles such as ``Mr.``, a possessive
   and a leading determiner removed: "Mr. Trump" = "Trump") are one speaker.
4. A name that is the last word(s) of exactly one longer name in the document goes with it
   ("Trump" with "Donald Trump"); with two candidates ("Donald Trump", "Eric Trump") it stays
   apart.

Each speaker's ``name`` is its longest mention without titles and determiner, its id the slug of
that name (R-S1), its aliases every form the document uses (R-S4), its type the label of an
entity with the same span as a mention, else ``UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Speaker
from ..scoring.speakers import TITLES, normalise_name
from .base import slug

PRONOUNS = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers it its they them their "
    "theirs who whom whose which that this these those one someone somebody anyone everyone "
    "himself herself itself themselves ourselves myself yourself".split()
)
DETERMINERS = frozenset("a an the this that these those".split())
_TITLE_WORDS = {t for t in TITLES if " " not in t} | DETERMINERS


@dataclass(frozen=True)
class Mention:
    """A speaker mention: a key of the caller's choosing, its span and covered text."""

    key: str
    start: int
    end: int
    text: str
    type: str = "UNKNOWN"


def is_pronoun(text: str) -> bool:
    return text.strip().casefold() in PRONOUNS or not normalise_name(text)


#: Lower-case words that may stand inside a name ("Bank of America", "Charles de Gaulle").
NAME_LINKS = frozenset("of de del della der van von al bin da la le du y and &".split())
#: Words after which a capitalised run is not the head of the mention ("a spokesman for
#: Hillary Clinton" is the spokesman).
_RUN_BLOCKERS = frozenset("for of at to from with by in on about or than".split())


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _name_run(words: list[str]) -> list[str] | None:
    """The capitalised run that ends ``words`` and heads them, or ``None``."""
    i = len(words)
    while i > 0 and (_capitalised(words[i - 1]) or (words[i - 1] in NAME_LINKS and i < len(words))):
        i -= 1
    while i < len(words) and not _capitalised(words[i]):
        i += 1  # a run does not start with a linking word
    if i == len(words) or (i > 0 and words[i - 1].casefold() in _RUN_BLOCKERS):
        return None
    return words[i:]


def head_name(text: str) -> str:
    """The part of a mention that names the speaker (R-S2): the name in an apposition
    ("Patrick McGinley, a law professor" -> "Patrick McGinley"), the name after a role noun
    ("IMF chief economist Maury Obstfeld" -> "Maury Obstfeld"), else the whole mention (a
    description: "a spokesman for Hillary Clinton")."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for part in parts if len(parts) > 1 else []:
        words = part.split()
        if _name_run(words) == words:
            return part
    words = text.split()
    run = _name_run(words)
    return " ".join(run) if run and len(parts) == 1 else text


def display_name(text: str) -> str:
    """A mention's head name without leading titles, determiner and possessive:
    "Mr. Trump's" -> "Trump"."""
    words = head_name(text).split()
    while len(words) > 1 and words[0].casefold().rstrip(".") in _TITLE_WORDS:
        words = words[1:]
    name = " ".join(words)
    for suffix in ("'s", "’s"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name.strip(" ,;:")


class _Groups:
    """Union-find over mention keys."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _group(mentions: Sequence[Mention], classes: Iterable[Iterable[str]]) -> _Groups:
    groups = _Groups(m.key for m in mentions)
    known = set(groups.parent)
    for cls in classes:
        members = [k for k in cls if k in known]
        for k in members[1:]:
            groups.union(members[0], k)
    by_name: dict[str, str] = {}
    for m in mentions:
        if is_pronoun(m.text):
            continue
        norm = normalise_name(display_name(m.text))
        if norm in by_name:
            groups.union(by_name[norm], m.key)
        else:
            by_name[norm] = m.key
    _merge_short_names(mentions, groups, by_name)
    return groups


def _merge_short_names(
    mentions: Sequence[Mention], groups: _Groups, by_name: dict[str, str]
) -> None:
    """Rule 4: a capitalised name that ends exactly one longer name goes with it."""
    names = {norm: tuple(norm.split()) for norm in by_name}
    capitalised = {
        normalise_name(display_name(m.text)) for m in mentions if display_name(m.text)[:1].isupper()
    }
    for norm, words in names.items():
        if norm not in capitalised:
            continue
        longer = [
            other
            for other, ow in names.items()
            if len(ow) > len(words)
            and ow[-len(words) :] == words
            and other in capitalised
            and "and" not in ow  # "Trump and Clinton" is two people
        ]
        if len(longer) == 1:
            groups.union(by_name[longer[0]], by_name[norm])


def registry(
    mentions: Sequence[Mention], classes: Iterable[Iterable[str]] = ()
) -> tuple[dict[str, str], tuple[Speaker, ...]]:
    """``(speaker id of each mention key, the registry)`` for the mentions of one document."""
    groups = _group(mentions, classes)
    members: dict[str, list[Mention]] = {}
    for m in mentions:
        members.setdefault(groups.find(m.key), []).append(m)
    ids: dict[str, str] = {}
    speakers: list[Speaker] = []
    taken: set[str] = set()
    for group in members.values():
        speaker = _speaker(group, taken)
        taken.add(speaker.id)
        speakers.append(speaker)
        for m in group:
            ids[m.key] = speaker.id
    return ids, tuple(speakers)


def _speaker(group: list[Mention], taken: set[str]) -> Speaker:
    named = [m for m in group if not is_pronoun(m.text)]
    if not named:
        first = min(group, key=lambda m: m.start)
        base, name, aliases = f"{slug(first.text)}-{first.start}", first.text, ()
    else:
        longest = max(named, key=lambda m: (len(display_name(m.text).split()), -m.start))
        name = display_name(longest.text)
        base = slug(name)
        seen: dict[str, None] = {}
        for m in sorted(named, key=lambda m: m.start):
            seen.setdefault(m.text, None)
        aliases = tuple(seen)
    sid, n = base, 1
    while sid in taken:
        n += 1
        sid = f"{base}-{n}"
    types = [m.type for m in group if m.type != "UNKNOWN"]
    return Speaker(sid, name, types[0] if types else "UNKNOWN", aliases)
