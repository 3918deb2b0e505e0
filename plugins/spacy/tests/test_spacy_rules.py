"""Tests generated from the spaCy extractor's rule tables (see ``harness_spacy.rules``).

Every rule has a description and examples; every example gives what it says; without a rule,
one of its examples comes out differently (the example motivates the rule).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness_spacy.entities
import harness_spacy.parse
import harness_spacy.quotes
import harness_spacy.rules
import pytest
from harness_spacy.entities import _trim
from harness_spacy.rules import TABLES, Example, Quotes, Rule, Said
from harness_spacy.rules_doc import markdown

from harness.model import Quote

RULES = [rule for table in TABLES for rule in table.rules]
EXAMPLES = [(rule, i, ex) for rule in RULES for i, ex in enumerate(rule.examples)]

Finder = Callable[[str], list[Quote]]


def outcome(example: Example, quotes_of: Finder) -> Any:
    if isinstance(example, Quotes):
        return tuple(Said(q.type, q.text, q.speaker) for q in quotes_of(example.text))
    start, end = _trim(example.text, 0, len(example.text), example.label)
    return example.text[start:end]


def holds(example: Example, got: Any) -> bool:
    if isinstance(example, Quotes):
        return bool(got == example.found)
    return bool(got == example.expected)


def test_the_tables() -> None:
    assert {t.name for t in TABLES} >= {"complements", "span_repairs", "neighbours"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.qualname)
def test_every_rule_is_described_and_has_an_example(rule: Rule[Any]) -> None:
    assert len(rule.doc) > 20, f"{rule.qualname}: describe the construction"
    assert rule.examples, f"{rule.qualname}: add the sentences that motivate the rule"


@pytest.mark.parametrize(
    ("rule", "i", "example"), EXAMPLES, ids=[f"{r.qualname}[{i}]" for r, i, _ in EXAMPLES]
)
def test_rule_example(rule: Rule[Any], i: int, example: Example, quotes_of: Finder) -> None:
    got = outcome(example, quotes_of)
    assert holds(example, got), f"{rule.qualname}: {example.text!r}\n  got {got}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.qualname)
def test_every_rule_is_needed_by_one_of_its_examples(rule: Rule[Any], quotes_of: Finder) -> None:
    table = next(t for t in TABLES if rule in t.rules)
    with table.without(rule):
        still = [ex.text for ex in rule.examples if holds(ex, outcome(ex, quotes_of))]
    assert len(still) < len(rule.examples), (
        f"{rule.qualname}: every example comes out the same without the rule; add one that "
        "shows what it is for"
    )


def test_rules_md_is_current() -> None:
    """``RULES.md`` is the tables as text; regenerate it after changing a rule."""
    path = Path(harness_spacy.rules.__file__).parent.parent / "RULES.md"
    assert path.read_text(encoding="utf-8") == markdown(), (
        "RULES.md is out of date: run `python -m harness_spacy.rules_doc > plugins/spacy/RULES.md`"
    )
