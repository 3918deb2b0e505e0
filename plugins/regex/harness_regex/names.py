"""Names (PERSON, NORP, ORG, GPE, LOC, FAC): runs of capitalised words and the rule tables that
classify them.

A run of capitalised words ("Chilean Foreign Minister Ada Lorn", "Ministry of Water and Power")
is cut into tokens by :data:`TOKEN_RULES`, then classified by the cascade :data:`NAME_RULES`: the
first rule that decides wins (a rule may also cut the run and classify the parts). Runs no rule
decides are looked at again once the whole document is read: :data:`LEFT_OVER_RULES` (places
after "in", full names guessed from their shape), then :data:`REPEAT_RULES` (a name or surname
of a person found before).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import wordlists as W
from .candidates import Candidate
from .rules import Ents, Grammar, RuleTable

# --- runs and tokens --------------------------------------------------------------------------

RUNS: RuleTable[Callable[..., object]] = RuleTable(
    "runs", "What a capitalised run is (the text the name rules classify).", live=False
)
G = Grammar()
G.part(
    "CAP_TOKEN",
    r"(?:[A-Z]\.){2,}|[A-Z][\w’']*(?:-[\w’']+)*|(?:{W.NAME_PARTICLES})-[A-Z][\w’']*",
)
#: A run of capitalised tokens, with up to two connectors between two of them.
CAP_SEQ = re.compile(
    RUNS.pattern(
        "capitalised_run",
        r"(?<![\w’'-])(?:{CAP_TOKEN})"
        r"(?:[ \t]+(?:(?:{W.NAME_CONNECTORS})[ \t]+){0,2}(?:{CAP_TOKEN}))*",
        "Capitalised words ('U.S.', 'O’Brien', 'Jean-Paul', 'al-Hamid') with up to two "
        "lower-case connectors between two of them ('Bank of England', 'Ali bin Omar') are "
        "one run.",
        Ents("The Ministry of Water and Power agreed.", ("Ministry of Water and Power", "ORG")),
        Ents("Talks with Omar al-Hamid ended.", ("Omar al-Hamid", "PERSON")),
        grammar=G,
    ).pattern
)
_TOKEN = re.compile(r"\S+")
_PARTICLE = re.compile(r"^[a-z]+-(?=[A-Z])")
_POSSESSIVE = re.compile(r"(?:[’']s?)$")


@dataclass(slots=True)
class Tok:
    """A token of a capitalised run (``start == -1`` marks a boundary)."""

    start: int
    end: int
    text: str


_BOUNDARY = Tok(-1, -1, "")

#: A token rule takes (position, token) and gives the tokens to keep, or None (not its case).
TokenRule = Callable[[int, str], "list[Tok] | None"]

TOKEN_RULES: RuleTable[TokenRule] = RuleTable(
    "tokens",
    "How a whitespace token of a capitalised run becomes name tokens: the first rule that "
    "applies wins; a token no rule takes stays whole.",
    cascade=True,
)


_POSSESSIVE_ENDINGS = ("’", "'", "’s", "'s")


def _without_possessive(t: str) -> str:
    if t.endswith(".") or not t.endswith(_POSSESSIVE_ENDINGS):
        return t
    return _POSSESSIVE.sub("", t)


def known_place_or_group(word: str) -> bool:
    return word in W.DEMONYMS or word in W.COUNTRIES or word in W.REGIONS


@TOKEN_RULES.step(
    Ents("Danish-Swedish talks began.", ("Danish", "NORP"), ("Swedish", "NORP")),
    wordlists=("DEMONYMS", "COUNTRIES", "REGIONS"),
)
def _place_pairs(s: int, t: str) -> list[Tok] | None:
    """A hyphenated pair of places or nationalities ('Franco-German', 'Chile-Peru') is one
    token per part."""
    if "-" not in t:
        return None
    word = _without_possessive(t)
    if "-" not in word or word.endswith("."):
        return None
    parts = word.split("-")
    if not all(p[:1].isupper() and known_place_or_group(p) for p in parts):
        return None
    out = []
    for p in parts:
        out.append(Tok(s, s + len(p), p))
        s += len(p) + 1
    return out


@TOKEN_RULES.step(
    Ents("The Chile-based firm grew.", ("Chile", "GPE")),
    wordlists=("HYPHEN_SUFFIXES",),
)
def _hyphen_suffix(s: int, t: str) -> list[Tok] | None:
    """A lower-case second part of a hyphenated adjective ('Acme-backed', 'U.S.-led') is cut
    off, and the name ends there ('Lee Ki-moon' stays whole)."""
    if "-" not in t:
        return None
    word = _without_possessive(t)
    if "-" not in word or word.endswith("."):
        return None
    parts = word.split("-")
    keep = []
    for p in parts:
        if p in W.HYPHEN_SUFFIXES:
            break
        keep.append(p)
    if len(keep) == len(parts):
        return None
    word = "-".join(keep)
    return [Tok(s, s + len(word), word), _BOUNDARY] if word else []


@TOKEN_RULES.step(
    Ents("Norway’s envoy met Mr Quist's aide.", ("Norway", "GPE"), ("Quist", "PERSON")),
)
def _possessive(s: int, t: str) -> list[Tok] | None:
    """A possessive ending ('Smith’s', 'Quist'') is cut off, and the name ends there."""
    word = _without_possessive(t)
    if word == t:
        return None
    return [Tok(s, s + len(word), word), _BOUNDARY] if word else [_BOUNDARY]


def tokens(text: str, start: int, end: int) -> list[Tok]:
    """Tokens of the capitalised run ``text[start:end]`` (see :data:`TOKEN_RULES`)."""
    out: list[Tok] = []
    for m in _TOKEN.finditer(text, start, end):
        s, t = m.start(), m.group()
        for step in TOKEN_RULES.steps:
            toks = step(s, t)
            if toks is not None:
                out += toks
                break
        else:
            out.append(Tok(s, s + len(t), t))
    return out


def split_runs(toks: list[Tok]) -> list[list[Tok]]:
    """Split at the boundaries the token rules set."""
    runs: list[list[Tok]] = [[]]
    for t in toks:
        if t.start < 0:
            runs.append([])
        else:
            runs[-1].append(t)
    return [r for r in runs if r]


# --- the classifier ---------------------------------------------------------------------------

_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,5}s?|(?:[A-Z]\.){2,}")
_NEXT_WORDS = re.compile(r"[ \t]+([a-z]+)(?:[ \t]+([a-z]+))?(?:[ \t]+([a-z]+))?")
_LAST_WORD = re.compile(r"([A-Za-z]+)[ \t]+$")
_HOLDING_BEFORE = "".join(
    f"(?<![{w[0].upper()}{w[0]}]{re.escape(w[1:])} )" for w in sorted(W.HOLDING_NOUNS)
)
_LOCATIVE_BEFORE = re.compile(
    rf"(?<![\w’'-]){_HOLDING_BEFORE}"
    rf"(?:{W.alternation(W.LOCATIVE_PREPOSITIONS)}"
    rf"|(?:{W.alternation(W.SETTLEMENT_NOUNS)})[ \t]+of)[ \t]+$"
)


@dataclass(slots=True)
class Run:
    """A capitalised run being classified: its tokens, their words, the phrase they make."""

    toks: list[Tok]
    words: list[str]
    #: The words joined by spaces; the all-capitals rule may change it to title case.
    phrase: str
    #: The word before the run (see :meth:`NameClassifier.word_before`), once asked.
    before: str | None = ""


class NameClassifier:
    """Classifies the capitalised runs of one document with :data:`NAME_RULES`."""

    def __init__(self, text: str, guess_persons: bool = True) -> None:
        self.text = text
        self.guess_persons = guess_persons
        self.persons: set[str] = set()  # full names and surnames known to be people
        self.out: list[Candidate] = []
        self.unknown: list[Run] = []
        self._singles: set[str] | None = None

    def add(self, toks: list[Tok], label: str, prio: int = 3) -> None:
        if toks:
            self.out.append(Candidate(toks[0].start, toks[-1].end, label, prio))

    def add_person(self, toks: list[Tok], register: bool = True) -> None:
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

    def classify(self, toks: list[Tok]) -> None:
        """Classify one capitalised run (connectors included): the first rule of
        :data:`NAME_RULES` that decides wins; a run none decides is kept for :meth:`finish`."""
        words = [t.text for t in toks]
        run = Run(toks, words, " ".join(words))
        for step in NAME_RULES.steps:
            if step(self, run):
                return
        self.unknown.append(run)

    def finish(self) -> list[Candidate]:
        """Look again at the runs no rule decided, now that the document has been read:
        :data:`LEFT_OVER_RULES` first, then :data:`REPEAT_RULES` for what is left."""
        rest = [run for run in self.unknown if not self._decide(LEFT_OVER_RULES, run)]
        for run in rest:
            self._decide(REPEAT_RULES, run)
        return self.out

    def _decide(self, table: RuleTable[NameRule], run: Run) -> bool:
        for step in table.steps:
            if step(self, run):
                return True
        return False

    def line_in_capitals(self, pos: int) -> bool:
        """Whether the line around ``pos`` has no lower-case letter (a headline in capitals)."""
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        line = self.text[start : end if end >= 0 else len(self.text)]
        return not any(c.islower() for c in line)

    def word_before(self, run: Run) -> str | None:
        """The word right before the run on its line (within 30 characters), if any."""
        if run.before == "":
            start = run.toks[0].start
            last = _LAST_WORD.search(self.text, max(0, start - 30), start)
            run.before = last.group(1) if last else None
        return run.before

    def unknown_singles(self) -> set[str]:
        """Words that stand alone as an undecided run somewhere in the document (asked once
        the classification is over)."""
        if self._singles is None:
            self._singles = {run.words[0] for run in self.unknown if len(run.toks) == 1}
        return self._singles


#: A name rule takes the classifier and a run; it returns True when it has decided the run.
NameRule = Callable[[NameClassifier, Run], bool]


def gazetteer_label(phrase: str) -> str | None:
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


def plain_word(word: str) -> bool:
    """A capitalised word of letters, possibly with an apostrophe or hyphen ("O'Neil")."""
    core = word.replace("’", "").replace("'", "").replace("-", "")
    return core.isalpha() and not word.islower() and not word.isupper()


# --- the cascade ------------------------------------------------------------------------------

NAME_RULES: RuleTable[NameRule] = RuleTable(
    "names",
    "How a capitalised run is classified: the first rule that decides wins.",
    cascade=True,
)


@NAME_RULES.step(
    Ents("The Kenyan runner won.", ("Kenyan", "NORP")),
    Ents("However, nobody came. Speaking later, nobody stayed."),
    wordlists=("NON_NAME_WORDS",),
)
def _function_words_at_the_edges(clf: NameClassifier, run: Run) -> bool:
    """Capitalised function words at the start of a run ('The', 'However', 'Speaking') and
    lower-case connectors at either end are no part of a name; a run of nothing else names
    nothing."""
    toks = run.toks
    while toks and (toks[0].text in W.NON_NAME_WORDS or toks[0].text.islower()):
        toks = toks[1:]
    while toks and toks[-1].text.islower():
        toks = toks[:-1]
    if len(toks) < len(run.toks):
        run.toks, run.words = toks, [t.text for t in toks]
        run.phrase = " ".join(run.words)
    return not toks


@NAME_RULES.step(
    Ents("FOOTBALL - LATE GOAL SINKS HOSTS\nNAIROBI 1998-05-02", ("NAIROBI", "GPE"),
         ("1998-05-02", "DATE")),
    wordlists=("COUNTRIES", "CITIES", "STATES", "DEMONYMS", "REGIONS", "REGION_PHRASES"),
)  # fmt: skip
def _all_capitals(clf: NameClassifier, run: Run) -> bool:
    """A run in capital letters (longer than three characters, no dots) is read in title case
    when it is a known place ('NEW YORK'); else it is dropped when its whole line is in capitals
    (a headline or a dateline, not a name)."""
    phrase = run.phrase
    if not (phrase.isupper() and len(phrase) > 3 and "." not in phrase):
        return False
    title = phrase.title()
    if (
        title in W.COUNTRIES
        or title in W.CITIES
        or title in W.STATES
        or title in W.DEMONYMS
        or title in W.REGIONS
        or title in W.REGION_PHRASES
    ):
        run.phrase = title
        return False
    return clf.line_in_capitals(run.toks[0].start)


@NAME_RULES.step(
    Ents("They flew to Norway and Chile.", ("Norway", "GPE"), ("Chile", "GPE")),
    Ents("Fighting spread across the Middle East.", ("Middle East", "LOC")),
    Ents("Ontario police told Reuters two Mexican and South Korean tourists left.",
         ("Ontario", "GPE"), ("Reuters", "ORG"), ("two", "CARDINAL"), ("Mexican", "NORP"),
         ("South Korean", "NORP")),
    Ents("Flights to Nairobi left on time.", ("Nairobi", "GPE")),
    Ents("The U.S.-backed plan failed.", ("U.S.", "GPE")),
    Ents("The report was carried by Xinhua on Monday.", ("Xinhua", "ORG"), ("Monday", "DATE")),
    wordlists=("NEWS_ORGS", "COUNTRIES", "COUNTRY_ABBREVIATIONS", "CITIES", "STATES",
               "REGION_PHRASES", "REGIONS", "DEMONYMS"),
)  # fmt: skip
def _gazetteer(clf: NameClassifier, run: Run) -> bool:
    """A phrase in a word list of news organisations (ORG), countries, cities and states
    (GPE), regions (LOC) or nationalities and groups (NORP) takes that label."""
    label = gazetteer_label(run.phrase)
    if label:
        clf.add(run.toks, label)
    return label is not None


@NAME_RULES.step(
    Ents("Ada March spoke. Ada smiled. March was cold.", ("Ada March", "PERSON"),
         ("March", "DATE")),
    wordlists=("MONTHS", "WEEKDAYS"),
)  # fmt: skip
def _calendar_word(clf: NameClassifier, run: Run) -> bool:
    """A month or a weekday alone is no name: the DATE patterns decide about it, and it does
    not count as a name standing alone ('March was cold' does not make 'Ada March' two
    names)."""
    return len(run.toks) == 1 and (run.phrase in W.MONTHS or run.phrase in W.WEEKDAYS)


@NAME_RULES.step(
    Ents("The Health Ministry and NATO met.", ("Health Ministry", "ORG"), ("NATO", "ORG")),
    Ents("The Ministry of Water and Power agreed.", ("Ministry of Water and Power", "ORG")),
    wordlists=("BINDING_CONNECTORS", "SEPARATING_CONNECTORS"),
)
def _two_names(clf: NameClassifier, run: Run) -> bool:
    """'A and B' and 'A the B' are two names, unless 'of' or 'for' came first ('Ministry of
    Water and Power' is one)."""
    for i, w in enumerate(run.words):
        if w in W.BINDING_CONNECTORS:
            return False
        if w in W.SEPARATING_CONNECTORS:
            clf.classify(run.toks[:i])
            clf.classify(run.toks[i + 1 :])
            return True
    return False


def _prefix(clf: NameClassifier, toks: list[Tok]) -> None:
    """What stands before a title: a nationality, a country or an organisation, or nothing."""
    for t in toks:
        if t.text in W.DEMONYMS:
            clf.add([t], "NORP")
        elif t.text in W.COUNTRIES or t.text in W.COUNTRY_ABBREVIATIONS or t.text in W.CITIES:
            clf.add([t], "GPE")
        elif _ACRONYM.fullmatch(t.text) and t.text not in W.NON_ACRONYMS:
            clf.add([t], "ORG")


@NAME_RULES.step(
    Ents("Chilean Foreign Minister Ada Lorn visited.", ("Chilean", "NORP"),
         ("Ada Lorn", "PERSON")),
    Ents("Senator Alma Quist spoke.", ("Alma Quist", "PERSON")),
    Ents("Mr Quist left early.", ("Quist", "PERSON")),
    Ents("Representative Lena Varga of Ohio spoke.", ("Lena Varga", "PERSON"), ("Ohio", "GPE")),
    Ents("Secretary of State Lena Varga left.", ("Lena Varga", "PERSON")),
    Ents("The Justice Department declined to comment.", ("Justice Department", "ORG")),
    wordlists=("TITLES", "TITLE_MODIFIERS", "ORG_KEYWORDS", "DEMONYMS", "COUNTRIES",
               "COUNTRY_ABBREVIATIONS", "CITIES", "NON_ACRONYMS"),
)  # fmt: skip
def _title_before_name(clf: NameClassifier, run: Run) -> bool:
    """A title before a name ('Chilean Foreign Minister Ada Lorn') makes a PERSON of what
    follows its last title word; what stands before the title (a nationality, a country, an
    organisation) is classified on its own and the title is no entity. A run with an
    organisation keyword is an organisation ('Justice Department'), not a title and a name."""
    words = run.words
    core = [i for i, w in enumerate(words) if w in W.TITLES and i + 1 < len(words)]
    if not core or any(w in W.ORG_KEYWORDS for w in words):
        return False
    i = j = core[-1]
    while j > 0 and (words[j - 1] in W.TITLE_MODIFIERS or words[j - 1] in W.TITLES):
        j -= 1
    after = run.toks[i + 1 :]
    if after and after[0].text == "of" and len(after) > 1:
        after = after[2:]  # "Secretary of State Jane Doe"
    _prefix(clf, run.toks[:j])
    cut = next((k for k, t in enumerate(after) if t.text.islower()), len(after))
    if after[:cut]:
        clf.add_person(after[:cut])
    if cut + 1 < len(after):  # "Representative Jane Doe of Ohio": Ohio is a name of its own
        clf.classify(after[cut + 1 :])
    return True


def _head_rule(name: str, keywords: str, label: str, doc: str, example: Ents) -> None:
    heads = getattr(W, keywords)

    def step(clf: NameClassifier, run: Run) -> bool:
        if len(run.toks) > 1 and run.words[-1] in heads:
            clf.add(run.toks, label)
            return True
        return False

    step.__doc__ = doc
    NAME_RULES.step(example, wordlists=(keywords,), name=name)(step)


_head_rule(
    "facility_head",
    "FAC_KEYWORDS",
    "FAC",
    "A name of two or more words ending in a facility word ('Grand Harbour Airport') is FAC.",
    Ents("Flights left from Grand Harbour Airport.", ("Grand Harbour Airport", "FAC")),
)
_head_rule(
    "natural_place_head",
    "LOC_KEYWORDS",
    "LOC",
    "A name of two or more words ending in a word for a natural place ('Lornby River') is LOC.",
    Ents("Boats crossed the Lornby River.", ("Lornby River", "LOC")),
)
_head_rule(
    "administrative_area_head",
    "GPE_KEYWORDS",
    "GPE",
    "A name of two or more words ending in a word for an administrative area ('Harlow "
    "County') is GPE.",
    Ents("Snow fell across Harlow County.", ("Harlow County", "GPE")),
)


@NAME_RULES.step(
    Ents("She joined Brell Holdings Inc last year.", ("Brell Holdings Inc", "ORG"),
         ("last year", "DATE")),
    Ents("Shares in Grell Foods fell.", ("Grell Foods", "ORG")),
    wordlists=("ORG_KEYWORDS",),
)  # fmt: skip
def _organisation_keyword(clf: NameClassifier, run: Run) -> bool:
    """A name with an organisation word ('Holdings', 'Ministry') among other words is ORG."""
    words = run.words
    if any(w in W.ORG_KEYWORDS for w in words) and not all(w in W.ORG_KEYWORDS for w in words):
        clf.add(run.toks, "ORG")
        return True
    return False


@NAME_RULES.step(Ents("Ada Lorn of Chile spoke.", ("Ada Lorn", "PERSON"), ("Chile", "GPE")))
def _connector_splits(clf: NameClassifier, run: Run) -> bool:
    """Connectors left in a run that is no organisation ('Ada Lorn of Chile') separate names:
    each part is classified on its own."""
    if not any(w.islower() for w in run.words):
        return False
    part: list[Tok] = []
    for t in [*run.toks, _BOUNDARY]:
        if t.start < 0 or t.text.islower():
            if part:
                clf.classify(part)
            part = []
        else:
            part.append(t)
    return True


@NAME_RULES.step(
    Ents("Chilean Ada Lorn won the race.", ("Chilean", "NORP"), ("Ada Lorn", "PERSON")),
    wordlists=("DEMONYMS", "COUNTRIES"),
)
def _leading_nationality(clf: NameClassifier, run: Run) -> bool:
    """A nationality or a country at the start of a run ('Chilean Ada Lorn') is NORP or GPE
    on its own; the rest is classified again."""
    first = run.words[0]
    if first not in W.DEMONYMS and first not in W.COUNTRIES:
        return False
    clf.add(run.toks[:1], "NORP" if first in W.DEMONYMS else "GPE")
    clf.classify(run.toks[1:])
    return True


@NAME_RULES.step(
    Ents("The FIFA rules changed.", ("FIFA", "ORG")),
    Ents("The MPs voted late."),
    wordlists=("NON_ACRONYMS", "TITLES"),
)
def _acronym(clf: NameClassifier, run: Run) -> bool:
    """A single word in capitals ('FIFA', 'NATO') is an organisation's acronym, unless it is a
    common abbreviation ('CEO', 'GMT') or the plural of a title ('MPs')."""
    phrase = run.phrase
    if (
        len(run.toks) == 1
        and _ACRONYM.fullmatch(phrase)
        and phrase not in W.NON_ACRONYMS
        and phrase.removesuffix("s") not in W.TITLES
    ):
        clf.add(run.toks, "ORG")
        return True
    return False


@NAME_RULES.step(Ents("The Deputy Mayor arrived."), wordlists=("TITLES", "TITLE_MODIFIERS"))
def _only_titles(clf: NameClassifier, run: Run) -> bool:
    """A run of titles only ('Deputy Mayor') names nobody."""
    return all(w in W.TITLES or w in W.TITLE_MODIFIERS for w in run.words)


@NAME_RULES.step(
    Ents("Geologists warned of landslides."),
    Ents("Economists said nothing."),
    wordlists=("GROUP_NOUNS",),
)
def _group_noun(clf: NameClassifier, run: Run) -> bool:
    """A capitalised plural noun for a kind of people ('Economists warned') names nobody."""
    return len(run.toks) == 1 and W.is_group_noun(run.phrase)


def _may_be_person(run: Run) -> bool:
    return not any(w in W.NOT_IN_PERSON_NAMES for w in run.words)


@NAME_RULES.step(
    Ents("Opposition leader Tomas Brell arrived.", ("Tomas Brell", "PERSON")),
    Ents("The talks were led by opposition leader Brell.", ("Brell", "PERSON")),
    wordlists=("ROLE_NOUNS", "NOT_IN_PERSON_NAMES"),
)
def _after_role_noun(clf: NameClassifier, run: Run) -> bool:
    """A name after a lower-case role noun ('opposition leader Tomas Brell') is a PERSON."""
    before = clf.word_before(run)
    if before is not None and before.lower() in W.ROLE_NOUNS and _may_be_person(run):
        clf.add_person(run.toks)
        return True
    return False


def _speech_verb_follows(clf: NameClassifier, run: Run) -> bool:
    nxt = _NEXT_WORDS.match(clf.text, run.toks[-1].end)
    if nxt is None:
        return False
    for word in nxt.groups():
        if word is None or word in W.PLURAL_VERBS:
            return False  # "Unions have warned": a plural noun, not a name
        if word in W.SPEECH_VERBS:
            return True
        if word not in W.CUE_ADVERBS and not word.endswith("ly"):
            return False
    return False


@NAME_RULES.step(
    Ents("Later Tomas Brell said nothing.", ("Tomas Brell", "PERSON")),
    Ents("Brell also said nothing.", ("Brell", "PERSON")),
    Ents("Analysts at Grell said little."),
    Ents("Unions have warned of cuts."),
    wordlists=("SPEECH_VERBS", "CUE_ADVERBS", "PLURAL_VERBS", "LINK_PREPOSITIONS",
               "ROLE_NOUNS", "NOT_IN_PERSON_NAMES"),
)  # fmt: skip
def _before_speech_verb(clf: NameClassifier, run: Run) -> bool:
    """A name before a speech verb, maybe with adverbs between ('Brell also said'), is a
    PERSON; not an acronym, not a name after 'at'/'of'/'from' ('analysts at Grell said': Grell
    did not speak), not a plural ('Unions have warned')."""
    if len(run.toks) == 1 and _ACRONYM.fullmatch(run.toks[0].text):
        return False
    before = clf.word_before(run)
    if before is not None and before in W.LINK_PREPOSITIONS:
        return False
    if _speech_verb_follows(clf, run) and _may_be_person(run):
        clf.add_person(run.toks)
        return True
    return False


# --- runs no rule decided ---------------------------------------------------------------------

LEFT_OVER_RULES: RuleTable[NameRule] = RuleTable(
    "left_over_names",
    "Runs no name rule decided, once the document is read: the first rule that decides wins.",
    cascade=True,
)


@LEFT_OVER_RULES.step(
    Ents("Roads were closed in Eastbury overnight.", ("Eastbury", "GPE")),
    Ents("The camp near Nordvik Falls was cleared.", ("Nordvik Falls", "GPE")),
    Ents("The harbour town of Eastbury was quiet.", ("Eastbury", "GPE")),
    Ents("The bill was debated in Parliament."),
    Ents("Shares in Grell fell."),
    wordlists=("LOCATIVE_PREPOSITIONS", "SETTLEMENT_NOUNS", "HOLDING_NOUNS", "ORG_KEYWORDS",
               "TITLES"),
)  # fmt: skip
def _place_after_locative(clf: NameClassifier, run: Run) -> bool:
    """An unknown name of plain words right after 'in', 'near', 'outside' or 'the town of'
    ('flooding in Eastbury') is most often a town or a region: GPE. Not after a noun of a
    financial holding ('shares in Grell': a company), not an organisation word or a title
    ('in Parliament')."""
    plain = all(
        plain_word(t.text) and t.text not in W.ORG_KEYWORDS and t.text not in W.TITLES
        for t in run.toks
    )
    start = run.toks[0].start
    if plain and _LOCATIVE_BEFORE.search(clf.text, max(0, start - 20), start):
        clf.add(run.toks, "GPE")
        return True
    return False


@LEFT_OVER_RULES.step(
    Ents("Ada Lorn spoke first. Later, Lorn left.", ("Ada Lorn", "PERSON"),
         ("first", "ORDINAL"), ("Lorn", "PERSON")),
    Ents("Brell Vesta talks open\n\nBrell said the talks were useful. Vesta is a port.",
         ("Brell", "PERSON")),
    wordlists=("NOT_IN_PERSON_NAMES", "DEMONYMS", "COUNTRIES", "REGIONS", "CITIES"),
)  # fmt: skip
def _guessed_full_name(clf: NameClassifier, run: Run) -> bool:
    """Two or three plain capitalised words are a person's full name (option
    ``guess_persons``): not when a word is a place or a word that is no part of names, nor
    when every word stands alone elsewhere in the document (then they are separate names)."""
    toks = run.toks
    if not clf.guess_persons or not 2 <= len(toks) <= 3:
        return False
    alone = clf.unknown_singles()
    if (
        all(plain_word(t.text) and t.text not in W.NOT_IN_PERSON_NAMES for t in toks)
        and not any(known_place_or_group(t.text) or t.text in W.CITIES for t in toks)
        and not all(t.text in alone or t.text in clf.persons for t in toks)
    ):
        clf.add_person(toks)
        return True
    return False


REPEAT_RULES: RuleTable[NameRule] = RuleTable(
    "repeated_names", "Runs still undecided: names of people found before.", cascade=True
)


@REPEAT_RULES.step(
    Ents("President Alma Quist spoke. Later, Quist left for Chile.", ("Alma Quist", "PERSON"),
         ("Quist", "PERSON"), ("Chile", "GPE")),
)  # fmt: skip
def _known_person(clf: NameClassifier, run: Run) -> bool:
    """A name, or a surname after other words, that the document gave to a person is a
    PERSON wherever it recurs ('President Alma Quist ... Quist')."""
    if run.phrase in clf.persons or (len(run.toks) >= 2 and run.words[-1] in clf.persons):
        clf.add_person(run.toks)
        return True
    return False


def name_candidates(text: str, guess_persons: bool = True) -> list[Candidate]:
    """PERSON, NORP, GPE, LOC, FAC and ORG candidates from the capitalised runs of ``text``."""
    clf = NameClassifier(text, guess_persons)
    for m in CAP_SEQ.finditer(text):
        for run in split_runs(tokens(text, m.start(), m.end())):
            clf.classify(run)
    return clf.finish()
