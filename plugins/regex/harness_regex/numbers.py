"""Numeric entities (MONEY, PERCENT, QUANTITY, TIME, DATE, ORDINAL, CARDINAL): the rule table.

Each construction is a pattern rule of :data:`NUMBERS`. The rules of one label are joined, in
table order, into one regular expression (the first alternative that matches wins), which is
tried only where the label can start (:data:`LABELS`, ``first``). The matches then go through
the fixes of :data:`NUMBER_FIXES` in order. Overlaps between labels are resolved later by
priority (``entities.resolve``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import wordlists as W
from .candidates import Candidate
from .rules import Ents, Grammar, Rule, RuleTable

# --- shared parts -----------------------------------------------------------------------------

G = Grammar(space=r"\s")
G.part("NUM", r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
G.part("NUMWORD", r"{W.NUMBER_WORDS}")
G.part("NUMWORDS", r"(?:{NUMWORD})(?:[\s-]+(?:and[\s-]+)?(?:{NUMWORD}))*")
G.part("ANYNUM", r"(?:{NUM}|{NUMWORDS}|a|an)")
G.part("SCALE", r"(?:\s?(?:{W.NUMBER_SCALES})\b)")
G.part("MONTH", r"(?:{W.MONTH_NAMES})\b|(?:{W.MONTH_ABBREVIATIONS})(?:\.|\b)")
G.part("APPROX", r"\b(?:{W.APPROXIMATORS})\s")
G.part("WEEKDAY", r"{W.WEEKDAYS}")
G.part("DAYNUM", r"\d{1,2}(?:{W.ORDINAL_SUFFIXES})?")
G.part("YEAR", r"(?:1[5-9]\d\d|20\d\d)")
G.part("DAYPART", r"{W.DAY_PARTS}")

NUMBERS: RuleTable[Callable[..., object]] = RuleTable(
    "numbers",
    "Numeric expressions: the rules of a label are alternatives of one pattern, in this order.",
)


def _rule(name: str, template: str, doc: str, *examples: Ents) -> Rule[Callable[..., object]]:
    return NUMBERS.pattern(name, template, doc, *examples, grammar=G)


# --- MONEY ------------------------------------------------------------------------------------

_rule(
    "money_symbol",
    r"(?-i:\b(?:{W.CURRENCY_PREFIXES})\s?)?(?:{W.CURRENCY_SYMBOLS})\s?(?:{NUM}){SCALE}?",
    "A currency symbol, with a country prefix, before a number and its scale ('US$ 3', "
    "'$4.5 million').",
    Ents("Prices rose 12 per cent to $4.5 million.", ("12 per cent", "PERCENT"),
         ("$4.5 million", "MONEY")),
    Ents("The loan was HK$ 300 in the end.", ("HK$ 300", "MONEY")),
)  # fmt: skip
_rule(
    "money_words",
    r"\b(?:{NUM}|{NUMWORDS})(?:\s(?:{NUMWORDS}))?{SCALE}?\s(?:US\s|U\.S\.\s)?"
    r"(?:{W.CURRENCY_WORDS})\b",
    "A number before a currency word ('two million euros', '300 US dollars').",
    Ents("The farm was sold for two million euros.", ("two million euros", "MONEY")),
)

# --- PERCENT and QUANTITY ---------------------------------------------------------------------

_rule(
    "percent",
    r"\b(?:{NUM}|{NUMWORDS})\s?(?:%|per\s?cent\b|percent\b)",
    "A number before '%', 'per cent' or 'percent'.",
    Ents("Turnout fell to 41 percent.", ("41 percent", "PERCENT")),
)
_rule(
    "quantity",
    r"\b(?:{NUM}|{NUMWORDS})(?:\s|-)?(?:{W.QUANTITY_UNITS})\b(?!-\w)",
    "A number before a unit of measure ('40 km', 'ten tonnes'), not inside a longer "
    "hyphenated word.",
    Ents("Three boats sailed 40 km.", ("Three", "CARDINAL"), ("40 km", "QUANTITY")),
)

# --- TIME -------------------------------------------------------------------------------------

_rule(
    "clock_time",
    r"\b\d{1,2}(?:[:.]\d{2})?\s?(?:a\.m\.|p\.m\.|am\b|pm\b)|\b\d{1,2}:\d{2}\b",
    "A time of day on the clock ('7 p.m.', '10.30am', '18:45').",
    Ents("It ended at 7 p.m. on Tuesday.", ("7 p.m.", "TIME"), ("Tuesday", "DATE")),
)
_rule(
    "duration_in_hours",
    r"\b(?:{ANYNUM}|{W.VAGUE_COUNTS}|a\sfew)\s(?:{W.TIME_UNITS})\b",
    "A count of seconds, minutes or hours ('five minutes', 'a few hours').",
    Ents("It lasted five minutes.", ("five minutes", "TIME")),
)
_rule(
    "part_of_day",
    r"\b(?:{WEEKDAY}|{W.DAY_PART_MODIFIERS})\s(?:{DAYPART})\b",
    "A part of the day after a weekday or a deictic word ('Friday evening', 'this morning').",
    Ents("The ferry left on Friday evening.", ("Friday evening", "TIME")),
)
_rule(
    "noon_midnight",
    r"\b(?:midnight|noon)\b",
    "'noon' and 'midnight' on their own.",
    Ents("The talks resumed at noon.", ("noon", "TIME")),
)

# --- DATE -------------------------------------------------------------------------------------

_rule(
    "calendar_date",
    r"\b(?:(?:{W.EARLY_LATE}|mid)[\s-])?(?:{DAYNUM}\s(?:of\s)?)?(?:{MONTH})(?:\s{DAYNUM}\b)?"
    r"(?:,?\s{YEAR}\b)?",
    "A month with a day and a year ('24 November 2015', 'Nov. 26, 2015', 'mid-November').",
    Ents("The vote is on 3 March 2021.", ("3 March 2021", "DATE")),
    Ents("It began on Nov. 26, 2015 and ended in mid-December.", ("Nov. 26, 2015", "DATE"),
         ("mid-December", "DATE")),
)  # fmt: skip
_rule(
    "weekday_date",
    r"\b(?:(?:{W.WEEKDAY_MODIFIERS})\s)?(?:{WEEKDAY})\b(?:,?\s(?:{MONTH})\s{DAYNUM}\b)?",
    "A weekday, with 'last'/'next'/'this' and a month and day ('last Friday', 'Friday, "
    "November 24').",
    Ents("The shop will reopen next Monday.", ("next Monday", "DATE")),
)
_rule(
    "numeric_date",
    r"\b{YEAR}-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/(?:\d\d)?\d\d\b",
    "A date in digits ('2015-11-24', '24/11/2015').",
    Ents("The file is dated 2015-11-24.", ("2015-11-24", "DATE")),
)
_rule(
    "year_or_decade",
    r"\b(?:the\s)?{YEAR}s?\b|[‘'’]\d0s\b",
    "A year or a decade ('2015', 'the 1990s', '’90s').",
    Ents("The mill closed in 1987.", ("1987", "DATE")),
)
_rule(
    "relative_date",
    r"\b(?:(?:{W.EARLY_LATE+Cap})\s|[Tt]he\s(?={W.DEFINITE_RELATIVE_DATE_WORDS}))?"
    r"(?:{W.RELATIVE_DATE_WORDS})\s(?:{W.DATE_UNITS}|weekend|{W.SEASONS})\b",
    "A calendar unit or season relative to now ('last week', 'earlier this year', 'the next "
    "day', 'this summer').",
    Ents("It ended earlier this week.", ("earlier this week", "DATE")),
    Ents("The river rose the next day.", ("the next day", "DATE")),
)
_rule(
    "date_span",
    r"\b(?:the\s)?(?:{W.SPAN_DATE_WORDS})\s(?:{ANYNUM}|{W.VAGUE_COUNTS})\s(?:{W.DATE_UNITS})\b",
    "A counted span relative to now ('the past two years', 'the next few days').",
    Ents("Sales fell over the past two years.", ("the past two years", "DATE")),
)
_rule(
    "counted_date",
    r"\b(?:{NUM}|{NUMWORDS}|{W.VAGUE_COUNTS})\s(?:{W.DATE_UNITS})(?:\s(?:{W.DATE_OFFSETS}))?\b",
    "A count of calendar units, placed in time or not ('three days ago', '30 years').",
    Ents("The bridge opened three days ago.", ("three days ago", "DATE")),
)
_rule(
    "a_unit_ago",
    r"\b(?:a|an)\s(?:{W.DATE_UNITS})\s(?:{W.DATE_OFFSETS})\b",
    "One calendar unit placed in time ('a year ago', 'a week later').",
    Ents("The bridge opened a year ago.", ("a year ago", "DATE")),
)
_rule(
    "date_word",
    r"\b(?:{W.DATE_WORDS})\b",
    "A word that is a date on its own ('yesterday', 'tonight').",
    Ents("The bridge opened yesterday.", ("yesterday", "DATE")),
)

# --- ORDINAL and CARDINAL ---------------------------------------------------------------------

_rule(
    "ordinal",
    r"\b(?:{W.ORDINAL_WORDS})\b|\b\d+(?:{W.ORDINAL_SUFFIXES})\b",
    "An ordinal word or number ('third', '21st').",
    Ents("She came third for the second time.", ("third", "ORDINAL"), ("second", "ORDINAL")),
)
_rule(
    "cardinal",
    r"(?:{APPROX})?(?:(?<![\w.,])(?<![A-Za-z]-)(?:{NUM})(?![\w%]|[.,]\d)(?:\s(?:{NUMWORDS}))?"
    r"|\b(?:{NUMWORDS})\b)",
    "A number in digits or words with its approximation ('at least seven', '3.3 million'); "
    "not a part of a code or a model name ('Zx-24').",
    Ents("At least seven boats and 3.3 million fish.", ("At least seven", "CARDINAL"),
         ("3.3 million", "CARDINAL")),
)  # fmt: skip

# --- labels -----------------------------------------------------------------------------------

#: A digit, as a first token.
DIGIT = "#"
_NUMBER_START = W.NUMBER_WORDS | {DIGIT}


def _lower(*lists: frozenset[str]) -> frozenset[str]:
    return frozenset(w.lower() for words in lists for w in words)


@dataclass(frozen=True)
class Label:
    """A numeric label: its priority, its rules (in order), and the lower-case first tokens it
    can start with ("#" = a digit), so that its pattern is tried only where it can match."""

    label: str
    priority: int
    flags: int
    rules: tuple[str, ...]
    first: frozenset[str]

    def regex(self) -> re.Pattern[str]:
        """The label's rules (those of the table that are active) as one pattern."""
        return _compile(tuple(r for r in NUMBERS if r.name in self.rules), self.flags)


@functools.lru_cache(maxsize=64)
def _compile(rules: tuple[Rule[Callable[..., object]], ...], flags: int) -> re.Pattern[str]:
    return re.compile("|".join(r.pattern for r in rules), flags)


LABELS: tuple[Label, ...] = (
    Label("MONEY", 4, re.I, ("money_symbol", "money_words"),
          _NUMBER_START | _lower(W.CURRENCY_PREFIXES, W.CURRENCY_SYMBOLS)),
    Label("PERCENT", 4, re.I, ("percent",), _NUMBER_START),
    Label("QUANTITY", 4, 0, ("quantity",), _NUMBER_START),
    Label("TIME", 4, re.I, ("clock_time", "duration_in_hours", "part_of_day", "noon_midnight"),
          _NUMBER_START | _lower(W.WEEKDAYS, W.VAGUE_COUNTS, W.DAY_PART_MODIFIERS)
          | {"a", "an", "midnight", "noon"}),
    Label("DATE", 3, 0, ("calendar_date", "weekday_date", "numeric_date", "year_or_decade",
                         "relative_date", "date_span", "counted_date", "a_unit_ago", "date_word"),
          _NUMBER_START | _lower(W.WEEKDAYS, W.MONTHS, W.DATE_WORDS, W.EARLY_LATE,
                                 W.WEEKDAY_MODIFIERS, W.RELATIVE_DATE_WORDS, W.VAGUE_COUNTS)
          | {"mid", "the", "a", "an", "‘", "'", "’"}),
    Label("ORDINAL", 2, re.I, ("ordinal",), W.ORDINAL_WORDS | {DIGIT}),
    Label("CARDINAL", 1, re.I, ("cardinal",),
          _NUMBER_START | {p.split()[0] for p in W.APPROXIMATORS}),
)  # fmt: skip

# --- fixes of the matches ---------------------------------------------------------------------

#: A fix takes (label, text, start, end, matched words) and gives the span to keep, or None.
Fix = Callable[[str, str, int, int, str], "tuple[int, int] | None"]

NUMBER_FIXES: RuleTable[Fix] = RuleTable(
    "number_fixes", "Fixes applied to every numeric match, in this order."
)


@NUMBER_FIXES.step(
    Ents("Talks end in May.", ),
    Ents("Talks end in May 2021.", ("May 2021", "DATE")),
    wordlists=("AMBIGUOUS_DATE_WORDS",),
)  # fmt: skip
def _ambiguous_date(label: str, text: str, s: int, e: int, word: str) -> tuple[int, int] | None:
    """A DATE that is only an ambiguous word ('May', 'weekend') is dropped."""
    return None if label == "DATE" and word in W.AMBIGUOUS_DATE_WORDS else (s, e)


@NUMBER_FIXES.step(Ents("It ended on Tuesday.", ("Tuesday", "DATE")))
def _date_without_on(label: str, text: str, s: int, e: int, word: str) -> tuple[int, int] | None:
    """'on' before a weekday is matched with it but is not part of the DATE."""
    return (s + 3, e) if label == "DATE" and word.startswith("on ") else (s, e)


@NUMBER_FIXES.step(Ents("Prices doubled in the 1990s.", ("1990s", "DATE")))
def _year_without_the(label: str, text: str, s: int, e: int, word: str) -> tuple[int, int] | None:
    """'the' before a year or a decade ('the 1990s') is not part of the DATE."""
    if label == "DATE" and word.startswith("the ") and word[4:5].isdigit():
        return (s + 4, e)
    return (s, e)


_ONE_AFTER = re.compile(r"\s+(?:" + W.alternation(W.ONE_PRONOUN_AFTER, space=r"\s+") + r")\b")
_ONE_BEFORE = re.compile(rf"\b(?:{W.alternation(W.ONE_PRONOUN_BEFORE)})\s+$", re.IGNORECASE)


@NUMBER_FIXES.step(
    Ents("She is the one who stayed."),
    Ents("They helped one another."),
    wordlists=("ONE_PRONOUN_AFTER", "ONE_PRONOUN_BEFORE"),
)
def _pronoun_one(label: str, text: str, s: int, e: int, word: str) -> tuple[int, int] | None:
    """'one' is a pronoun, not a count, in 'the one who', 'one another', 'one of them'."""
    if label != "CARDINAL" or word.lower() != "one":
        return (s, e)
    if _ONE_AFTER.match(text, e) or _ONE_BEFORE.search(text, max(0, s - 8), s):
        return None
    return (s, e)


# --- the candidates ---------------------------------------------------------------------------

_ANY_FIRST = frozenset().union(*(lab.first for lab in LABELS))
_TRIGGER_TOKEN = re.compile(rf"[^\W\d_]+|\d+|{W.alternation(W.CURRENCY_SYMBOLS)}|[‘'’]")


def _trigger_tokens(text: str) -> list[tuple[int, str]]:
    """(position, lower-case token or "#") of the tokens a numeric expression can start with."""
    tokens: list[tuple[int, str]] = []
    for m in _TRIGGER_TOKEN.finditer(text.lower()):
        key = m.group()
        if key[0].isdigit():
            key = DIGIT
        if key in _ANY_FIRST:
            tokens.append((m.start(), key))
    return tokens


def _fixed(label: str, text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The span of match ``m`` after the fixes, or None when a fix drops it."""
    span: tuple[int, int] | None = m.span()
    for fix in NUMBER_FIXES.steps:
        span = fix(label, text, span[0], span[1], m.group())
        if span is None:
            return None
    return span


def _matches(lab: Label, text: str, tokens: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Spans of the label's pattern, tried at the tokens it can start with, left to right."""
    rx = lab.regex()
    out: list[tuple[int, int]] = []
    done = 0
    for pos, key in tokens:
        if pos < done or key not in lab.first:
            continue
        m = rx.match(text, pos)
        if not m or m.end() == pos:
            continue
        done = m.end()
        span = _fixed(lab.label, text, m)
        if span is not None and span[1] > span[0]:
            out.append(span)
    return out


def numeric_candidates(text: str) -> list[Candidate]:
    """MONEY, PERCENT, QUANTITY, TIME, DATE, ORDINAL and CARDINAL candidates."""
    tokens = _trigger_tokens(text)
    return [
        Candidate(s, e, lab.label, lab.priority)
        for lab in LABELS
        for s, e in _matches(lab, text, tokens)
    ]
