"""The rule model of the regex extractor: every construction is a named rule with the sentences
that motivate it.

A :class:`Rule` has a name, a description (its docstring: what it reads and why), the word lists
of :mod:`.wordlists` it uses, its pattern (for a rule that is a regular expression) or its step
(for a rule of an ordered cascade), and its examples: sentences of our own with what the extractor
finds in them. Rules live in :class:`RuleTable` objects. In a *cascade* the rules are tried in the
table's order and the first that decides wins, so the table, read top to bottom, is the logic.

Patterns are written as templates: ``{NAME}`` is a part defined before in the same
:class:`Grammar`, ``{W.LIST}`` the alternation of a word list of :mod:`.wordlists` and
``{W.LIST+Cap}`` the same words also with a capital first letter. Regular-expression braces
(``{1,3}``) need no escaping.

The tests are generated from the tables (``tests/test_regex_rules.py``): every example of every
rule is run through the extractor and compared with its expected result, a rule without an
example fails, and a cascade rule must be needed by one of its examples (without the rule, the
result changes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from . import wordlists as W

F = TypeVar("F", bound=Callable[..., Any])

# --- examples ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ents:
    """An example of an entity rule: ``text`` and every entity found in it, as (text, label)."""

    text: str
    found: frozenset[tuple[str, str]]

    def __init__(self, text: str, *found: tuple[str, str]) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "found", frozenset(found))


#: Marks a part of a :class:`Said` that the example does not check.
ANY = "<any>"


@dataclass(frozen=True)
class Said:
    """One quote of an example: its text, type and speaker; the speaker's mention and the cue
    when given (``None`` = no mention / no cue, :data:`ANY` = not checked)."""

    text: str
    type: str = "indirect"
    speaker: str | None = ANY
    mention: str | None = ANY
    cue: str | None = ANY


@dataclass(frozen=True)
class Quotes:
    """An example of a quote or speaker rule: ``text`` and every quote found in it, in order."""

    text: str
    found: tuple[Said, ...]

    def __init__(self, text: str, *found: Said) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "found", tuple(found))


Example = Ents | Quotes

# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Rule(Generic[F]):
    """A named construction: what it reads, the word lists it uses and the sentences that
    motivate it; a pattern (regular-expression rules) or a step (cascade rules)."""

    table: str
    name: str
    doc: str
    examples: tuple[Example, ...]
    wordlists: tuple[str, ...] = ()
    #: The template of a pattern rule (see :class:`Grammar`); "" for a step.
    template: str = ""
    #: The grammar parts a step matches with, as (name, template).
    patterns: tuple[tuple[str, str], ...] = ()
    #: The expanded regular expression of a pattern rule; "" for a step.
    pattern: str = ""
    #: The function of a step rule.
    step: F | None = None

    @property
    def qualname(self) -> str:
        return f"{self.table}.{self.name}"

    def __repr__(self) -> str:
        return f"<rule {self.qualname}>"


def _doc(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass(eq=False)
class RuleTable(Generic[F]):
    """An ordered table of rules. In a cascade (``cascade=True``) the code applies the rules in
    this order and the first that decides wins."""

    name: str
    doc: str
    cascade: bool = False
    #: Whether the code reads the table each time it runs (not only once at import), so that
    #: :meth:`without` switches a rule off and a test can show what each rule is for.
    live: bool = True
    rules: tuple[Rule[F], ...] = ()
    #: The rules the code applies: all of them, except inside :meth:`without`.
    active: tuple[Rule[F], ...] = ()
    #: The steps of the active rules, in order (what a cascade calls).
    steps: tuple[F, ...] = ()

    def __post_init__(self) -> None:
        TABLES.append(self)

    def _add(self, rule: Rule[F]) -> Rule[F]:
        if any(r.name == rule.name for r in self.rules):
            raise ValueError(f"rule table {self.name}: two rules named {rule.name!r}")
        self.rules = (*self.rules, rule)
        self._activate((*self.active, rule))
        return rule

    def _activate(self, rules: tuple[Rule[F], ...]) -> None:
        self.active = rules
        self.steps = tuple(r.step for r in rules if r.step is not None)

    def step(
        self,
        *examples: Example,
        wordlists: tuple[str, ...] = (),
        patterns: tuple[str, ...] = (),
        grammar: Grammar | None = None,
        name: str = "",
    ) -> Callable[[F], Rule[F]]:
        """Decorator: the function becomes the next rule of the table (its docstring is the
        rule's description, its name without a leading underscore the rule's name).
        ``patterns`` names the parts of ``grammar`` it matches with; their word lists count as
        the rule's."""
        if patterns and grammar is None:
            raise ValueError("a step that names patterns needs their grammar")
        used = {w for p in patterns for w in grammar.lists[p]} if grammar else set()

        def make(fn: F) -> Rule[F]:
            return self._add(
                Rule(
                    self.name,
                    name or fn.__name__.lstrip("_"),
                    _doc(fn.__doc__),
                    tuple(examples),
                    tuple(sorted({*wordlists, *used})),
                    patterns=tuple((p, grammar.templates[p]) for p in patterns)  # type: ignore[union-attr]
                    if patterns
                    else (),
                    step=fn,
                )
            )

        return make

    def pattern(
        self,
        name: str,
        template: str,
        doc: str,
        *examples: Example,
        grammar: Grammar,
        wordlists: tuple[str, ...] = (),
    ) -> Rule[F]:
        """A pattern rule: ``template`` expanded with ``grammar`` (and kept there as ``name``)."""
        expanded = grammar.part(name.upper(), template)
        used = grammar.lists[name.upper()]
        return self._add(
            Rule(
                self.name,
                name,
                _doc(doc),
                tuple(examples),
                tuple(sorted({*used, *wordlists})),
                template=template,
                pattern=expanded,
            )
        )

    def __iter__(self) -> Iterator[Rule[F]]:
        return iter(self.active)

    def __getitem__(self, name: str) -> Rule[F]:
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(f"rule table {self.name} has no rule {name!r}")

    @contextmanager
    def without(self, rule: Rule[F]) -> Iterator[None]:
        """The table without ``rule`` while the block runs (to show what the rule is for)."""
        saved = self.active
        self._activate(tuple(r for r in saved if r is not rule))
        try:
            yield
        finally:
            self._activate(saved)


#: Every rule table, in the order their modules define them.
TABLES: list[RuleTable[Any]] = []


def all_rules() -> list[Rule[Any]]:
    """Every rule of every table (import the extractor's modules first)."""
    return [r for t in TABLES for r in t.rules]


# --- pattern templates ------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(W\.)?([A-Z][A-Z0-9_]*)(\+Cap)?\}")


@dataclass(eq=False)
class Grammar:
    """Named parts of regular expressions and the word lists each one uses."""

    #: How a space inside a phrase of a word list is matched (``r"\\s"``, ``r"[ \\t]+"``).
    space: str = r"\ "
    parts: dict[str, str] = field(default_factory=dict)
    lists: dict[str, frozenset[str]] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)

    def part(self, name: str, template: str) -> str:
        """Define part ``name`` (usable as ``{NAME}`` afterwards); returns the expanded text."""
        if name in self.parts:
            raise ValueError(f"grammar part {name} defined twice")
        expanded, used = self.expand(template)
        self.parts[name] = expanded
        self.lists[name] = used
        self.templates[name] = template
        return expanded

    def expand(self, template: str) -> tuple[str, frozenset[str]]:
        """The regular expression of ``template`` and the names of the word lists it uses."""
        used: set[str] = set()

        def sub(m: re.Match[str]) -> str:
            listed, name, cap = m.groups()
            if listed:
                words = getattr(W, name, None)
                if not isinstance(words, frozenset):
                    raise KeyError(f"wordlists has no list {name} (in {template!r})")
                used.add(name)
                if cap:
                    words = words | {w[:1].upper() + w[1:] for w in words}
                return W.alternation(words, self.space)
            if name not in self.parts:
                raise KeyError(f"grammar part {name} is not defined yet (in {template!r})")
            used.update(self.lists[name])
            return self.parts[name]

        return _PLACEHOLDER.sub(sub, template), frozenset(used)
