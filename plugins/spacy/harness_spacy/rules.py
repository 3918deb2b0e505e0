"""Rule tables of the spaCy extractor: a rule family is a named step with the sentences that
motivate it.

Each :class:`RuleTable` is an ordered list of steps that the code applies in that order (in a
*cascade* the first step that decides wins). A :class:`Rule` carries its name, its description
(the step's docstring) and its examples: sentences of our own with what the extractor finds in
them. The tests are generated from the tables (``tests/test_spacy_rules.py``): every example is
run through the extractor, a rule without an example fails, and every rule must be needed by one
of its examples (without it, the result changes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Said:
    """A quote of an example: its type, its text and its speaker."""

    type: str
    text: str
    speaker: str | None


@dataclass(frozen=True)
class Quotes:
    """An example of a quote rule: ``text`` and every quote the extractor finds in it."""

    text: str
    found: tuple[Said, ...]

    def __init__(self, text: str, *found: Said) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "found", tuple(found))


@dataclass(frozen=True)
class Trimmed:
    """An example of an entity span repair: the NER's span ``text`` with ``label`` becomes
    ``expected``."""

    text: str
    label: str
    expected: str


Example = Quotes | Trimmed


@dataclass(frozen=True, eq=False)
class Rule(Generic[F]):
    """A named rule family: what it reads, the sentences that motivate it, its step."""

    table: str
    name: str
    doc: str
    examples: tuple[Example, ...]
    step: F

    @property
    def qualname(self) -> str:
        return f"{self.table}.{self.name}"

    def __repr__(self) -> str:
        return f"<rule {self.qualname}>"


@dataclass(eq=False)
class RuleTable(Generic[F]):
    """An ordered table of rules, applied by the code in this order."""

    name: str
    doc: str
    cascade: bool = False
    rules: tuple[Rule[F], ...] = ()
    #: The steps the code applies: all rules' steps, except inside :meth:`without`.
    steps: tuple[F, ...] = ()

    def __post_init__(self) -> None:
        TABLES.append(self)

    def step(self, *examples: Example, name: str = "") -> Callable[[F], F]:
        """Decorator: the function becomes the next rule of the table (its docstring is the
        rule's description, its name without a leading underscore the rule's name)."""

        def make(fn: F) -> F:
            rule = Rule(
                self.name,
                name or fn.__name__.lstrip("_"),
                " ".join((fn.__doc__ or "").split()),
                tuple(examples),
                fn,
            )
            if any(r.name == rule.name for r in self.rules):
                raise ValueError(f"rule table {self.name}: two rules named {rule.name!r}")
            self.rules = (*self.rules, rule)
            self.steps = (*self.steps, fn)
            return fn

        return make

    @contextmanager
    def without(self, rule: Rule[F]) -> Iterator[None]:
        """The table without ``rule`` while the block runs (to show what the rule is for)."""
        saved = self.steps
        self.steps = tuple(r.step for r in self.rules if r is not rule and r.step in saved)
        try:
            yield
        finally:
            self.steps = saved


#: Every rule table, in the order their modules define them.
TABLES: list[RuleTable[Any]] = []
