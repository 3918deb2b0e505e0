"""Entity mentions from regular expressions and generic word lists (OntoNotes labels).

Two families of candidates are collected and then made non-overlapping by priority:

- *numeric* expressions (MONEY, PERCENT, QUANTITY, TIME, DATE, ORDINAL, CARDINAL), found by
  regular expressions compiled once at import;
- *names*: runs of capitalised tokens, classified with the word lists (countries -> GPE,
  demonyms -> NORP, organisation keywords and acronyms -> ORG, regions -> LOC) and with context
  (a name after a title or a role noun, or before a speech verb, is a PERSON; a person's
  surname is a PERSON wherever it recurs in the document).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from harness.model import Entity

from . import wordlists as W

# --- regular expressions (compiled once) ------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    return W.alternation(set(words))


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMWORD = _alt(W.NUMBER_WORDS)
_NUMWORDS = rf"(?:{_NUMWORD})(?:[\s-]+(?:and[\s-]+)?(?:{_NUMWORD}))*"
_ANYNUM = rf"(?:{_NUM}|{_NUMWORDS}|a|an)"
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|mn|m|k)\b)"
_MONTH = (
    rf"(?:{_alt(W.MONTHS - W.MONTH_ABBREVIATIONS)})\b|(?:{_alt(W.MONTH_ABBREVIATIONS)})(?:\.|\b)"
)
#: Approximations that belong to a number's span ("at least seven", "more than 200").
_APPROX = (
    r"\b(?:at\sleast|at\smost|more\sthan|less\sthan|fewer\sthan|up\sto|about|around|nearly"
    r"|almost|some|roughly|approximately|over)\s"
)
_WEEKDAY = _alt(W.WEEKDAYS)
_DAYNUM = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DAYPART = _alt(W.DAY_PARTS)

_NUMERIC_PATTERNS: tuple[tuple[str, int, re.Pattern[str]], ...] = tuple(
    (label, prio, re.compile(rx, flags))
    for label, prio, rx, flags in (
        (
            "MONEY",
            4,
            rf"(?-i:\b(?:US|USD|A|C|NZ|HK|S)\s?)?[$€£¥₹]\s?(?:{_NUM}){_SCALE}?"
            rf"|\b(?:{_NUM}|{_NUMWORDS})(?:\s(?:{_NUMWORDS}))?{_SCALE}?\s"
            rf"(?:US\s|U\.S\.\s)?(?:{_alt(W.CURRENCY_WORDS)})\b",
            re.IGNORECASE,
        ),
        ("PERCENT", 4, rf"\b(?:{_NUM}|{_NUMWORDS})\s?(?:%|per\s?cent\b|percent\b)", re.I),
        (
            "QUANTITY",
            4,
            rf"\b(?:{_NUM}|{_NUMWORDS})(?:\s|-)?(?:{_alt(W.QUANTITY_UNITS)})\b(?!-\w)",
            0,
        ),
        (
            "TIME",
            4,
            rf"\b\d{{1,2}}(?:[:.]\d{{2}})?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)"
            rf"|\b\d{{1,2}}:\d{{2}}\b"
            rf"|\b(?:{_ANYNUM}|several|few|a\sfew)\s(?:{_alt(W.TIME_UNITS)})\b"
            rf"|\b(?:{_WEEKDAY}|this|that|last|yesterday|tomorrow|early|late)\s(?:{_DAYPART})\b"
            rf"|\b(?:midnight|noon)\b",
            re.IGNORECASE,
        ),
        (
            "DATE",
            3,
            # 24 November 2015, November 24, 2015, November 2015, November, mid-November
            rf"\b(?:(?:early|late|mid|earlier|later)[\s-])?(?:{_DAYNUM}\s(?:of\s)?)?"
            rf"(?:{_MONTH})(?:\s{_DAYNUM}\b)?(?:,?\s{_YEAR}\b)?"
            # Friday, Friday, November 24
            rf"|\b(?:last\s|next\s|this\s|on\s)?(?:{_WEEKDAY})\b(?:,?\s(?:{_MONTH})\s{_DAYNUM}\b)?"
            # 2015-11-24, 24/11/2015
            rf"|\b{_YEAR}-\d\d-\d\d\b|\b\d{{1,2}}/\d{{1,2}}/(?:\d\d)?\d\d\b"
            # the 1990s, 2015, '90s
            rf"|\b(?:the\s)?{_YEAR}s?\b|[‘'’]\d0s\b"
            # last week, this year, the past two years, three days ago
            rf"|\b(?:(?:[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate)\s|[Tt]he\s(?=next|following|previous|same))?"
            rf"(?:last|next|this|past|coming|previous|same|recent|following)\s"
            rf"(?:{_alt(W.DATE_UNITS)}|weekend|summer|winter|spring|autumn|fall)\b"
            rf"|\b(?:the\s)?(?:past|last|next|coming|previous)\s(?:{_ANYNUM}|few|several)\s"
            rf"(?:{_alt(W.DATE_UNITS)})\b"
            rf"|\b(?:{_NUM}|{_NUMWORDS}|several|few)\s(?:{_alt(W.DATE_UNITS)})"
            rf"(?:\s(?:ago|earlier|later))?\b"
            rf"|\b(?:a|an)\s(?:{_alt(W.DATE_UNITS)})\s(?:ago|earlier|later)\b"
            rf"|\b(?:{_alt(W.DATE_WORDS)})\b",
            0,
        ),
        ("ORDINAL", 2, rf"\b(?:{_alt(W.ORDINAL_WORDS)})\b|\b\d+(?:st|nd|rd|th)\b", re.I),
        (
            "CARDINAL",
            1,
            rf"(?:{_APPROX})?(?:(?<![\w.,])(?<![A-Za-z]-)(?:{_NUM})(?![\w%]|[.,]\d)"
            rf"(?:\s(?:{_NUMWORDS}))?|\b(?:{_NUMWORDS})\b)",
            re.I,
        ),
    )
)

#: Matches too ambiguous to be a DATE on their own ("May" is also a verb and a name).
_DATE_DROP = frozenset({"weekend", "May"})

#: A capitalised token: an abbreviation with dots (U.S.), or a word starting with a capital,
#: possibly hyphenated or with an apostrophe (O’Brien, Smith’s, Jean-Paul).
_CAP_TOKEN = (
    r"(?:[A-Z]\.){2,}|[A-Z][\w’']*(?:-[\w’']+)*|(?:al|el|bin|ibn|abu|ben|de|van|von)-[A-Z][\w’']*"
)
_CONNECTOR = _alt(W.NAME_CONNECTORS)
_CAP_SEQ = re.compile(
    rf"(?<![\w’'-])(?:{_CAP_TOKEN})(?:[ \t]+(?:(?:{_CONNECTOR})[ \t]+){{0,2}}(?:{_CAP_TOKEN}))*"
)
_TOKEN = re.compile(r"\S+")
_PARTICLE = re.compile(r"^[a-z]+-(?=[A-Z])")
_POSSESSIVE = re.compile(r"(?:[’']s?)$")
_NEXT_WORDS = re.compile(r"[ \t]+([a-z]+)(?:[ \t]+([a-z]+))?(?:[ \t]+([a-z]+))?")
_LAST_WORD = re.compile(r"([A-Za-z]+)[ \t]+$")
_LOCATIVE_BEFORE = re.compile(
    r"(?<![\w’'-])(?<![Ss]hares )(?<![Ss]take )(?<![Ss]takes )(?<![Ii]nterest )"
    r"(?<![Ii]nvestment )"
    r"(?:in|near|outside|(?:town|city|village|port|province|region|district|suburb"
    r"|capital)[ \t]+of)[ \t]+$"
)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,5}s?|(?:[A-Z]\.){2,}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible entity with the priority used to resolve overlaps."""

    start: int
    end: int
    label: str
    priority: int


@dataclass(slots=True)
class _Tok:
    """A token of a capitalised run (``start == -1`` marks a boundary)."""

    start: int
    end: int
    text: str


# --- names ------------------------------------------------------------------------------------


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    """Tokens of a capitalised run; a possessive ending is cut off and ends the name
    (marked by a boundary token with ``start == -1``); hyphenated pairs of places are split."""
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text, start, end):
        s, t = m.start(), m.group()
        word = t if t.endswith(".") else _POSSESSIVE.sub("", t)
        if "-" in word and not word.endswith("."):
            parts = word.split("-")
            if all(p[:1].isupper() and _known_place_or_group(p) for p in parts):
                pos = s
                for p in parts:  # "Franco-German" style pairs: one token each
                    out.append(_Tok(pos, pos + len(p), p))
                    pos += len(p) + 1
                continue
            keep = []
            for p in parts:  # "Acme-backed" -> "Acme", but "Lee Ki-moon" stays whole
                if p in W.HYPHEN_SUFFIXES:
                    break
                keep.append(p)
            if len(keep) < len(parts):
                word = "-".join(keep)
                t = ""  # force a boundary after the cut word
        if word:
            out.append(_Tok(s, s + len(word), word))
        if word != t:
            out.append(_Tok(-1, -1, ""))
    return out


def _in_gazetteers(phrase: str) -> bool:
    return (
        phrase in W.COUNTRIES
        or phrase in W.CITIES
        or phrase in W.STATES
        or phrase in W.DEMONYMS
        or phrase in W.REGIONS
        or phrase in W.REGION_PHRASES
    )


def _gazetteer_label(phrase: str) -> str | None:
    """The label of a phrase found in the word lists, if any."""
    if phrase in W.NEWS_ORGS:
        return "ORG"
    if (
        phrase in W.COUNTRIES
        or phrase in W.COUNTRY_ABBREVIATIONS
        or phrase in W.CITIES
        or phrase in W.STATES
    ):
        return "GPE"
    if phrase in W.REGION_PHRASES or phrase in W.REGIONS:
        return "LOC"
    if phrase in W.DEMONYMS:
        return "NORP"
    return None


def _known_place_or_group(word: str) -> bool:
    return word in W.DEMONYMS or word in W.COUNTRIES or word in W.REGIONS


def _split_runs(toks: list[_Tok]) -> list[list[_Tok]]:
    """Split at possessive boundaries and at lower-case connectors ("A and B" -> A, B)."""
    runs: list[list[_Tok]] = [[]]
    for t in toks:
        if t.start < 0:
            runs.append([])
        else:
            runs[-1].append(t)
    return [r for r in runs if r]


class _NameClassifier:
    """Classifies the capitalised runs of one document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.persons: set[str] = set()  # full names and surnames known to be people
        self.out: list[Candidate] = []
        self.unknown: list[list[_Tok]] = []

    def add(self, toks: list[_Tok], label: str, prio: int = 3) -> None:
        if toks:
            self.out.append(Candidate(toks[0].start, toks[-1].end, label, prio))

    def add_person(self, toks: list[_Tok], register: bool = True) -> None:
        """A PERSON; ``register`` its name and surname (found with a clue, not guessed) so
        that later bare mentions of them are people too."""
        toks = [t for t in toks if t.text not in W.NON_NAME_WORDS or t is not toks[0]]
        if not toks or toks[-1].text.islower():
            return
        self.add(toks, "PERSON")
        if not register:
            return
        self.persons.add(" ".join(t.text for t in toks))
        self.persons.add(toks[-1].text)
        self.persons.add(_PARTICLE.sub("", toks[-1].text))  # "al-Hamid" -> "Hamid"

    def classify(self, run: list[_Tok]) -> None:  # noqa: C901
        """Classify one capitalised run (connectors included)."""
        while run and (run[0].text in W.NON_NAME_WORDS or run[0].text.islower()):
            run = run[1:]
        while run and run[-1].text.islower():
            run = run[:-1]
        if not run:
            return
        words = [t.text for t in run]
        phrase = " ".join(words)
        if phrase.isupper() and len(phrase) > 3 and "." not in phrase:
            if _in_gazetteers(phrase.title()):
                phrase = phrase.title()  # "NEW YORK" -> "New York"
            elif self._shouting(run[0].start):
                return  # a word of an all-capitals headline or dateline
        label = _gazetteer_label(phrase)
        if label:
            return self.add(run, label)
        if len(run) == 1 and (phrase in W.MONTHS or phrase in W.WEEKDAYS):
            return  # left to the DATE expressions
        for i, w in enumerate(words):  # "A and the B" is two names unless "of"/"for" came first
            if w in {"of", "for"}:
                break
            if w in {"and", "the"}:
                self.classify(run[:i])
                return self.classify(run[i + 1 :])
        if self._split_at_title(run, words):
            return
        head = words[-1]
        if len(run) > 1 and head in W.FAC_KEYWORDS:
            return self.add(run, "FAC")
        if len(run) > 1 and head in W.LOC_KEYWORDS:
            return self.add(run, "LOC")
        if len(run) > 1 and head in W.GPE_KEYWORDS:
            return self.add(run, "GPE")
        if any(w in W.ORG_KEYWORDS for w in words) and not all(w in W.ORG_KEYWORDS for w in words):
            return self.add(run, "ORG")
        if any(w.islower() for w in words):  # connectors left: split and classify the parts
            part: list[_Tok] = []
            for t in [*run, _Tok(-1, -1, "")]:
                if t.start < 0 or t.text.islower():
                    if part:
                        self.classify(part)
                    part = []
                else:
                    part.append(t)
            return
        if words[0] in W.DEMONYMS or words[0] in W.COUNTRIES:
            self.add(run[:1], "NORP" if words[0] in W.DEMONYMS else "GPE")
            return self.classify(run[1:])
        if (
            len(run) == 1
            and _ACRONYM.fullmatch(phrase)
            and phrase not in W.NON_ACRONYMS
            and phrase.removesuffix("s") not in W.TITLES  # "MPs", "CEOs"
        ):
            return self.add(run, "ORG")
        if all(w in W.TITLES or w in W.TITLE_MODIFIERS for w in words):
            return
        if len(run) == 1 and W.is_group_noun(phrase):
            return  # "Economists warned": people, but no name
        if self._person_context(run) and not any(w in W.NOT_IN_PERSON_NAMES for w in words):
            return self.add_person(run)
        self.unknown.append(run)

    def _split_at_title(self, run: list[_Tok], words: list[str]) -> bool:
        """Split a run at its last title: "Kenyan Foreign Minister Jane Doe" gives NORP
        "Kenyan" and PERSON "Jane Doe"; the title itself is no entity."""
        core = [i for i, w in enumerate(words) if w in W.TITLES and i + 1 < len(words)]
        if not core or any(w in W.ORG_KEYWORDS for w in words):
            return False  # "Justice Department" is an organisation, not a person "Department"
        i = j = core[-1]
        while j > 0 and (words[j - 1] in W.TITLE_MODIFIERS or words[j - 1] in W.TITLES):
            j -= 1
        after = run[i + 1 :]
        if after and after[0].text == "of" and len(after) > 1:
            after = after[2:]  # "Secretary of State Jane Doe"
        self._prefix(run[:j])
        cut = next((k for k, t in enumerate(after) if t.text.islower()), len(after))
        if after[:cut]:
            self.add_person(after[:cut])
        if cut + 1 < len(after):  # "Representative Jane Doe of Ohio": Ohio is a name of its own
            self.classify(after[cut + 1 :])
        return True

    def _shouting(self, pos: int) -> bool:
        """Whether the line around ``pos`` has no lower-case letter (a headline in capitals)."""
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        line = self.text[start : end if end >= 0 else len(self.text)]
        return not any(c.islower() for c in line)

    def _prefix(self, toks: list[_Tok]) -> None:
        """What stands before a title: a nationality, a country or an organisation, or nothing."""
        for t in toks:
            if t.text in W.DEMONYMS:
                self.add([t], "NORP")
            elif t.text in W.COUNTRIES or t.text in W.COUNTRY_ABBREVIATIONS or t.text in W.CITIES:
                self.add([t], "GPE")
            elif _ACRONYM.fullmatch(t.text) and t.text not in W.NON_ACRONYMS:
                self.add([t], "ORG")

    def _person_context(self, run: list[_Tok]) -> bool:
        """A role noun before the run ("leader Jane Doe") or a speech verb after it."""
        last = _LAST_WORD.search(self.text, max(0, run[0].start - 30), run[0].start)
        if last and last.group(1).lower() in W.ROLE_NOUNS:
            return True  # "opposition leader Jane Doe"
        nxt = _NEXT_WORDS.match(self.text, run[-1].end)
        if nxt is None or (len(run) == 1 and _ACRONYM.fullmatch(run[0].text)):
            return False
        if last and last.group(1) in W.LINK_PREPOSITIONS:
            return False  # "analysts at Acme said": Acme is not the one who spoke
        for word in nxt.groups():
            if word is None or word in {"have", "are", "were"}:
                return False  # "Unions have warned": a plural noun, not a name
            if word in W.SPEECH_VERBS:
                return True
            if word not in W.CUE_ADVERBS and not word.endswith("ly"):
                return False
        return False

    def finish(self, guess_persons: bool) -> list[Candidate]:
        """Classify the runs left unknown: first places after a locative preposition and full
        names guessed from their shape, then the runs that repeat a known person's name or
        surname."""
        alone = {run[0].text for run in self.unknown if len(run) == 1}
        rest: list[list[_Tok]] = []
        for run in self.unknown:
            if self._after_locative(run):
                self.add(run, "GPE")
            elif guess_persons and self._looks_like_full_name(run, alone):
                self.add_person(run)
            else:
                rest.append(run)
        for run in rest:
            phrase = " ".join(t.text for t in run)
            if phrase in self.persons or (len(run) >= 2 and run[-1].text in self.persons):
                self.add_person(run)
        return self.out

    def _after_locative(self, run: list[_Tok]) -> bool:
        """An unknown name of plain words right after "in", "near", "outside" or "the town of"
        ("flooding in Eastbury") is most often a town or a region."""
        plain = all(
            _plain_word(t.text) and t.text not in W.ORG_KEYWORDS and t.text not in W.TITLES
            for t in run
        )
        return plain and bool(
            _LOCATIVE_BEFORE.search(self.text, max(0, run[0].start - 20), run[0].start)
        )

    def _looks_like_full_name(self, run: list[_Tok], alone: set[str]) -> bool:
        """Two or three plain capitalised words, no place or common word among them, not all
        used on their own elsewhere in the document (then they are separate names)."""
        return (
            2 <= len(run) <= 3
            and all(_plain_word(t.text) and t.text not in W.NOT_IN_PERSON_NAMES for t in run)
            and not any(_known_place_or_group(t.text) or t.text in W.CITIES for t in run)
            and not all(t.text in alone or t.text in self.persons for t in run)
        )


def _plain_word(word: str) -> bool:
    """A capitalised word of letters, possibly with an apostrophe or hyphen ("O'Neil")."""
    core = word.replace("’", "").replace("'", "").replace("-", "")
    return core.isalpha() and not word.islower() and not word.isupper()


def name_candidates(text: str, guess_persons: bool = True) -> list[Candidate]:
    """PERSON, NORP, GPE, LOC and ORG candidates from the capitalised runs of ``text``."""
    clf = _NameClassifier(text)
    for m in _CAP_SEQ.finditer(text):
        for run in _split_runs(_tokens(text, m.start(), m.end())):
            clf.classify(run)
    return clf.finish(guess_persons)


# --- numbers and dates ------------------------------------------------------------------------


_DIGIT = "#"
_APPROX_FIRST = frozenset(
    "at more less fewer up about around nearly almost some roughly approximately over".split()
)
_NUMBER_START = W.NUMBER_WORDS | {_DIGIT}
#: Lower-case first tokens each numeric expression can start with ("#" = a digit), so that a
#: pattern is only tried where it can match: a few positions per document instead of all.
_FIRST_TOKENS: dict[str, frozenset[str]] = {
    "MONEY": _NUMBER_START | {"us", "usd", "a", "c", "nz", "hk", "s", "$", "€", "£", "¥", "₹"},
    "PERCENT": _NUMBER_START,
    "QUANTITY": _NUMBER_START,
    "TIME": _NUMBER_START
    | {w.lower() for w in W.WEEKDAYS}
    | {"a", "an", "several", "few", "this", "that", "last", "yesterday", "tomorrow"}
    | {"early", "late", "midnight", "noon"},
    "DATE": _NUMBER_START
    | {w.lower() for w in W.WEEKDAYS | W.MONTHS}
    | W.DATE_WORDS
    | {"early", "late", "mid", "earlier", "later", "last", "next", "this", "on", "the"}
    | {"past", "coming", "previous", "same", "recent", "following", "a", "an", "several"}
    | {"few", "‘", "'", "’"},
    "ORDINAL": W.ORDINAL_WORDS | {_DIGIT},
    "CARDINAL": _NUMBER_START | _APPROX_FIRST,
}
_ANY_FIRST = frozenset().union(*_FIRST_TOKENS.values())
_TRIGGER_TOKEN = re.compile(r"[^\W\d_]+|\d+|[$€£¥₹‘'’]")


def numeric_candidates(text: str) -> list[Candidate]:  # noqa: C901
    """MONEY, PERCENT, QUANTITY, TIME, DATE, ORDINAL and CARDINAL candidates."""
    tokens: list[tuple[int, str]] = []
    for m in _TRIGGER_TOKEN.finditer(text.lower()):
        key = m.group()
        if key[0].isdigit():
            key = _DIGIT
        if key in _ANY_FIRST:
            tokens.append((m.start(), key))
    out: list[Candidate] = []
    for label, prio, rx in _NUMERIC_PATTERNS:
        first = _FIRST_TOKENS[label]
        done = 0
        for pos, key in tokens:
            if pos < done or key not in first:
                continue
            m = rx.match(text, pos)
            if not m or m.end() == pos:
                continue
            done = m.end()
            s, e = m.span()
            word = m.group()
            if label == "DATE":
                if word in _DATE_DROP:
                    continue
                if word.startswith("on "):
                    s += 3
                elif word.startswith("the ") and word[4:5].isdigit():
                    s += 4
            if label == "CARDINAL" and word.lower() == "one" and _pronoun_one(text, s, e):
                continue
            if e > s:
                out.append(Candidate(s, e, label, prio))
    return out


_ONE_AFTER = re.compile(r"\s+(?:another|of\s+(?:us|them|the\s+most)|who|that|which)\b")
_ONE_BEFORE = re.compile(r"\b(?:the|this|that|no|any|every|each|which|last)\s+$", re.IGNORECASE)


def _pronoun_one(text: str, start: int, end: int) -> bool:
    """'the one who', 'one another' and other uses of 'one' that are not counts."""
    return bool(_ONE_AFTER.match(text, end) or _ONE_BEFORE.search(text, max(0, start - 8), start))


# --- resolution -------------------------------------------------------------------------------


def resolve(cands: Iterable[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: higher priority first, then longer, then earlier."""
    cands = list(cands)
    taken = bytearray(max((c.end for c in cands), default=0))
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-c.priority, c.start - c.end, c.start)):
        if any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    kept.sort(key=lambda c: (c.start, c.end))
    return kept


#: Model designations of aircraft, weapons and vehicles ("F-16s", "Zx-24"); "G-20" is a group.
_MODEL = re.compile(r"(?<![\w-])(?:(?P<group>G)|[A-Z][A-Za-z]{0,3})-\d{1,4}[A-Z]?s?(?![\w-])")


def model_candidates(text: str) -> list[Candidate]:
    """PRODUCT candidates for model designations, ORG for "G-7"-style groups."""
    return [
        Candidate(m.start(), m.end(), "ORG" if m.group("group") else "PRODUCT", 3)
        for m in _MODEL.finditer(text)
    ]


def find_entities(
    text: str, labels: Iterable[str] | None = None, guess_persons: bool = True
) -> list[Entity]:
    """All entity mentions of ``text``, sorted, optionally restricted to ``labels``."""
    if not text:
        return []
    cands = resolve(
        [*numeric_candidates(text), *name_candidates(text, guess_persons), *model_candidates(text)]
    )
    wanted = set(labels) if labels is not None else None
    return [
        Entity(c.start, c.end, c.label, text[c.start : c.end])
        for c in cands
        if wanted is None or c.label in wanted
    ]
