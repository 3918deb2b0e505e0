"""Entity mentions from regular expressions and generic word lists (OntoNotes labels).

Three families of candidates are collected and then made non-overlapping by priority
(:func:`.candidates.resolve`):

- *numeric* expressions (MONEY, PERCENT, QUANTITY, TIME, DATE, ORDINAL, CARDINAL): the rule
  table of :mod:`.numbers`;
- *names*: runs of capitalised words classified by the rule tables of :mod:`.names` (word lists
  and context: a name after a title or a role noun, or before a speech verb, is a PERSON; a
  person's surname is a PERSON wherever it recurs in the document);
- *model designations* (:data:`MODELS`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from harness.model import Entity

from .candidates import Candidate, resolve
from .names import name_candidates
from .numbers import numeric_candidates
from .rules import Ents, Grammar, RuleTable

__all__ = ["find_entities", "model_candidates", "name_candidates", "numeric_candidates"]


MODELS: RuleTable[Callable[..., object]] = RuleTable(
    "models", "Names of models and groups written with a hyphen and a number.", live=False
)
_MODEL = re.compile(
    MODELS.pattern(
        "model_designation",
        r"(?<![\w-])(?:(?P<group>G)|[A-Z][A-Za-z]{0,3})-\d{1,4}[A-Z]?s?(?![\w-])",
        "Model designations of aircraft, weapons and vehicles ('F-16s', 'Zx-24') are PRODUCT; "
        "'G-7', 'G-20' are groups of countries (ORG).",
        Ents("The Zx-24 and two Q-400s met the G-7.", ("Zx-24", "PRODUCT"), ("two", "CARDINAL"),
             ("Q-400s", "PRODUCT"), ("G-7", "ORG")),
        grammar=Grammar(),
    ).pattern
)  # fmt: skip


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
