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
    """A regex alternation of ``words``, longest first, escaped."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMWORD = _alt(W.NUMBER_WORDS)
_NUMWORDS = rf"(?:{_NUMWORD})(?:[\s-]+(?:and[\s-]+)?(?:{_NUMWORD}))*"
_ANYNUM = rf"(?:{_NUM}|{_NUMWORDS}|a|an)"
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|mn|m|k)\b)"
_MONTH = _alt(W.MONTHS)
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
            rf"(?:\b(?:US|USD|A|C|NZ|HK|S)\s?)?[$€£¥₹]\s?(?:{_NUM}){_SCALE}?"
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
            rf"(?:{_MONTH})\b\.?(?:\s{_DAYNUM}\b)?(?:,?\s{_YEAR}\b)?"
            # Friday, Friday, November 24
            rf"|\b(?:last\s|next\s|this\s|on\s)?(?:{_WEEKDAY})\b(?:,?\s(?:{_MONTH})\s{_DAYNUM}\b)?"
            # the 1990s, 2015, '90s
            rf"|\b(?:the\s)?{_YEAR}s?\b|[‘'’]\d0s\b"
            # last week, this year, the past two years, three days ago
            rf"|\b(?:last|next|this|past|coming|previous|same|recent|following)\s"
            rf"(?:{_alt(W.DATE_UNITS)}|weekend|summer|winter|spring|autumn|fall)\b"
            rf"|\b(?:the\s)?(?:past|last|next|coming|previous)\s(?:{_ANYNUM}|few|several)\s"
            rf"(?:{_alt(W.DATE_UNITS)})\b"
            rf"|\b(?:{_ANYNUM}|several|few)\s(?:{_alt(W.DATE_UNITS)})(?:\s(?:ago|earlier|later))?\b"
            rf"|\b(?:{_alt(W.DATE_WORDS)})\b",
            0,
        ),
        ("ORDINAL", 2, rf"\b(?:{_alt(W.ORDINAL_WORDS)})\b|\b\d+(?:st|nd|rd|th)\b", re.I),
        ("CARDINAL", 1, rf"(?<![\w.,])(?:{_NUM})(?![\w%]|[.,]\d)|\b(?:{_NUMWORDS})\b", re.I),
    )
)

# Remove DATE_WORDS "weekend"-only hits and lower-case month look-alikes via the name logic.
_DATE_DROP = frozenset({"weekend", "May"})

#: A capitalised token: an abbreviation with dots (U.S.), or a word starting with a capital,
#: possibly hyphenated or with an apostrophe (O’Brien, Smith’s, Jean-Paul).
_CAP_TOKEN = r"(?:[A-Z]\.){2,}|[A-Z][\w’']*(?:-[\w’']+)*"
_CONNECTOR = _alt(W.NAME_CONNECTORS)
_CAP_SEQ = re.compile(
    rf"(?<![\w’'-])(?:{_CAP_TOKEN})(?:[ \t]+(?:(?:{_CONNECTOR})[ \t]+){{0,2}}(?:{_CAP_TOKEN}))*"
)
_TOKEN = re.compile(r"\S+")
_POSSESSIVE = re.compile(r"(?:[’']s?)$")
_SPEECH_AFTER = re.compile(
    rf"[ \t]+(?:(?:{_alt(W.CUE_ADVERBS)})[ \t]+){{0,2}}(?:{_alt(W.SPEECH_VERBS)})\b"
)
_ROLE_BEFORE = re.compile(rf"\b(?:{_alt(W.ROLE_NOUNS)})[ \t]+$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”‘’«»(\[—–-]\s*|\n\s*)$")
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
            for p in parts:  # "Kremlin-backed" -> "Kremlin", but "Ban Ki-moon" stays whole
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

    def add_person(self, toks: list[_Tok]) -> None:
        toks = [t for t in toks if t.text not in W.NON_NAME_WORDS or t is not toks[0]]
        if not toks or not toks[-1].text[:1].isupper():
            return
        self.add(toks, "PERSON")
        self.persons.add(" ".join(t.text for t in toks))
        self.persons.add(toks[-1].text)

    def classify(self, run: list[_Tok]) -> None:
        """Classify one capitalised run (connectors included)."""
        while run and (run[0].text in W.NON_NAME_WORDS or run[0].text.islower()):
            run = run[1:]
        while run and run[-1].text.islower():
            run = run[:-1]
        if not run:
            return
        words = [t.text for t in run]
        phrase = " ".join(words)
        if phrase in W.COUNTRIES or phrase in W.COUNTRY_ABBREVIATIONS:
            return self.add(run, "GPE")
        if phrase in W.REGION_PHRASES or phrase in W.REGIONS:
            return self.add(run, "LOC")
        if phrase in W.DEMONYMS:
            return self.add(run, "NORP")
        if len(run) == 1 and (phrase in W.MONTHS or phrase in W.WEEKDAYS):
            return  # left to the DATE expressions
        for i, w in enumerate(words):  # "A and the B" is two names unless "of"/"for" came first
            if w in {"of", "for"}:
                break
            if w in {"and", "the"}:
                self.classify(run[:i])
                return self.classify(run[i + 1 :])
        # a title splits the run: "Russian President Jane Doe" -> NORP, (title), PERSON
        core = [i for i, w in enumerate(words) if w in W.TITLES and i + 1 < len(words)]
        if core and not any(w in W.ORG_KEYWORDS for w in words[: core[-1]]):
            i = core[-1]
            j = i
            while j > 0 and (words[j - 1] in W.TITLE_MODIFIERS or words[j - 1] in W.TITLES):
                j -= 1
            after = run[i + 1 :]
            if after and after[0].text == "of" and len(after) > 1:
                after = after[2:]  # "Secretary of State Jane Doe"
            after = [t for t in after if not t.text.islower()] if after else after
            self._prefix(run[:j])
            if after:
                self.add_person(after)
            return
        if any(w in W.ORG_KEYWORDS for w in words) and not all(
            w in W.ORG_KEYWORDS for w in words
        ):
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
        if len(run) == 1 and _ACRONYM.fullmatch(phrase) and phrase not in W.NON_ACRONYMS:
            return self.add(run, "ORG")
        if all(w in W.TITLES or w in W.TITLE_MODIFIERS for w in words):
            return
        if self._person_context(run):
            return self.add_person(run)
        self.unknown.append(run)

    def _prefix(self, toks: list[_Tok]) -> None:
        """What stands before a title: a nationality, a country or an organisation, or nothing."""
        for t in toks:
            if t.text in W.DEMONYMS:
                self.add([t], "NORP")
            elif t.text in W.COUNTRIES or t.text in W.COUNTRY_ABBREVIATIONS:
                self.add([t], "GPE")
            elif _ACRONYM.fullmatch(t.text) and t.text not in W.NON_ACRONYMS:
                self.add([t], "ORG")

    def _person_context(self, run: list[_Tok]) -> bool:
        """A role noun before the run ("leader Jane Doe") or a speech verb after it."""
        before = self.text[max(0, run[0].start - 40) : run[0].start]
        if _ROLE_BEFORE.search(before):
            return True
        if _SPEECH_AFTER.match(self.text, run[-1].end) and not (
            len(run) == 1 and _ACRONYM.fullmatch(run[0].text)
        ):
            return True
        return False

    def finish(self, guess_persons: bool) -> list[Candidate]:
        """Classify the runs left unknown with the document's known people."""
        for run in self.unknown:
            phrase = " ".join(t.text for t in run)
            if phrase in self.persons or (len(run) >= 2 and run[-1].text in self.persons):
                self.add_person(run)
            elif (
                guess_persons
                and 2 <= len(run) <= 3
                and all(t.text.isalpha() and t.text[1:].islower() for t in run)
                and not _SENTENCE_START.search(self.text[max(0, run[0].start - 3) : run[0].start])
            ):
                self.add_person(run)
        return self.out


def name_candidates(text: str, guess_persons: bool = True) -> list[Candidate]:
    """PERSON, NORP, GPE, LOC and ORG candidates from the capitalised runs of ``text``."""
    clf = _NameClassifier(text)
    for m in _CAP_SEQ.finditer(text):
        for run in _split_runs(_tokens(text, m.start(), m.end())):
            clf.classify(run)
    return clf.finish(guess_persons)


# --- numbers and dates ------------------------------------------------------------------------


def numeric_candidates(text: str) -> list[Candidate]:
    """MONEY, PERCENT, QUANTITY, TIME, DATE, ORDINAL and CARDINAL candidates."""
    out: list[Candidate] = []
    for label, prio, rx in _NUMERIC_PATTERNS:
        for m in rx.finditer(text):
            s, e = m.span()
            word = m.group()
            if label == "DATE":
                if word in _DATE_DROP:
                    continue
                if word.startswith("on "):
                    s += 3
                elif word.startswith("the ") and word[4:5].isdigit():
                    s += 4
            if label == "CARDINAL" and word.lower() in {"one"} and _follows_pronoun_use(text, e):
                continue
            if e > s:
                out.append(Candidate(s, e, label, prio))
    return out


_ONE_PRONOUN = re.compile(r"\s+(?:another|of\s+(?:us|them|the\s+most))\b")


def _follows_pronoun_use(text: str, end: int) -> bool:
    """'one another' and similar uses of 'one' that are not counts."""
    return bool(_ONE_PRONOUN.match(text, end))


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


def find_entities(
    text: str, labels: Iterable[str] | None = None, guess_persons: bool = True
) -> list[Entity]:
    """All entity mentions of ``text``, sorted, optionally restricted to ``labels``."""
    if not text:
        return []
    cands = resolve([*numeric_candidates(text), *name_candidates(text, guess_persons)])
    wanted = set(labels) if labels is not None else None
    return [
        Entity(c.start, c.end, c.label, text[c.start : c.end])
        for c in cands
        if wanted is None or c.label in wanted
    ]
