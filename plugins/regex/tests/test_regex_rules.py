"""Tests generated from the regex extractor's rule tables (see ``harness_regex.rules``).

- every rule has a description and at least one example;
- every example of every rule gives exactly what the example says;
- in a table the code reads at run time, every rule is needed: without it, one of its examples
  comes out differently (so the example motivates the rule);
- the word lists: no word twice in a list, every list used by a rule, no rule naming a list
  that does not exist, no word list written inline in a pattern.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from harness_regex import wordlists as W
from harness_regex.entities import find_entities
from harness_regex.extractor import RegexExtractor
from harness_regex.rules import ANY, TABLES, Ents, Example, Quotes, Rule, Said, all_rules
from harness_regex.rules_doc import markdown

from harness.model import Quote, TextDoc

PACKAGE = Path(__import__("harness_regex").__file__).parent
RULES = all_rules()


def _quotes(text: str) -> list[Quote]:
    (pred,) = RegexExtractor().extract([TextDoc("example", text)])
    for q in pred.quotes:
        assert text[q.start : q.end] == q.text
        for sub in (q.speaker_span, q.cue):
            assert sub is None or text[sub.start : sub.end] == sub.text
    return list(pred.quotes)


def _said(q: Quote) -> Said:
    return Said(
        q.text,
        q.type,
        q.speaker,
        q.speaker_span.text if q.speaker_span else None,
        q.cue.text if q.cue else None,
    )


def _fits(expected: Said, got: Said) -> bool:
    return all(
        want == ANY or want == have
        for want, have in zip(
            (expected.text, expected.type, expected.speaker, expected.mention, expected.cue),
            (got.text, got.type, got.speaker, got.mention, got.cue),
            strict=True,
        )
    )


def outcome(example: Example) -> Any:
    """What the extractor finds in the example's text, in the example's terms."""
    if isinstance(example, Ents):
        found = find_entities(example.text)
        for e in found:
            assert example.text[e.start : e.end] == e.text
        return frozenset((e.text, e.label) for e in found)
    return tuple(_said(q) for q in _quotes(example.text))


def holds(example: Example, got: Any) -> bool:
    if isinstance(example, Quotes):
        return len(got) == len(example.found) and all(
            _fits(want, have) for want, have in zip(example.found, got, strict=True)
        )
    return bool(got == example.found)


def test_the_tables_are_not_empty() -> None:
    assert {t.name for t in TABLES} >= {"tokens", "names", "numbers", "number_fixes"}
    assert len(RULES) > 40


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.qualname)
def test_every_rule_is_described_and_has_an_example(rule: Rule[Any]) -> None:
    assert len(rule.doc) > 20, f"{rule.qualname}: describe the construction"
    assert rule.examples, f"{rule.qualname}: add the sentences that motivate the rule"


EXAMPLES = [(rule, i, ex) for rule in RULES for i, ex in enumerate(rule.examples)]


@pytest.mark.parametrize(
    ("rule", "i", "example"), EXAMPLES, ids=[f"{r.qualname}[{i}]" for r, i, _ in EXAMPLES]
)
def test_rule_example(rule: Rule[Any], i: int, example: Example) -> None:
    got = outcome(example)
    assert holds(example, got), f"{rule.qualname}: {example.text!r}\n  got      {got}"


LIVE = [rule for table in TABLES if table.live for rule in table.rules]


@pytest.mark.parametrize("rule", LIVE, ids=lambda r: r.qualname)
def test_every_rule_is_needed_by_one_of_its_examples(rule: Rule[Any]) -> None:
    table = next(t for t in TABLES if rule in t.rules)
    with table.without(rule):
        still = [ex.text for ex in rule.examples if holds(ex, outcome(ex))]
    assert len(still) < len(rule.examples), (
        f"{rule.qualname}: every example comes out the same without the rule; add one that "
        "shows what it is for"
    )


# --- word lists -------------------------------------------------------------------------------


def test_no_word_list_has_a_word_twice() -> None:
    assert W.duplicates() == {}


def test_duplicates_are_found() -> None:
    before = len(W._REPEATED)
    twice = W.words("alpha beta alpha")
    assert W._REPEATED[-1] == (twice, ("alpha",))
    del W._REPEATED[before:]


def test_every_word_list_is_used_by_a_rule() -> None:
    declared = {name for rule in RULES for name in rule.wordlists}
    assert sorted(declared - set(W.lists())) == [], "rules name lists that do not exist"
    assert sorted(set(W.lists()) - declared) == [], "lists that no rule uses"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.glob("*.py") if p.name not in {"wordlists.py", "rules.py"})


def test_every_list_the_code_reads_is_declared_by_a_rule() -> None:
    declared = {name for rule in RULES for name in rule.wordlists}
    read = {
        (path.name, node.attr)
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "W"
        and node.attr.isupper()
    }
    assert sorted((m, n) for m, n in read if n not in declared) == []


#: Three or more plain words as alternatives: a word list written inside a pattern.
_INLINE_LIST = re.compile(r"(?:[A-Za-z]{2,}\|){2,}[A-Za-z]{2,}")


def test_no_word_list_is_written_inside_a_pattern() -> None:
    inline = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if "\n" not in node.value and _INLINE_LIST.search(node.value):
                    inline.append((path.name, node.lineno, node.value[:60]))
    assert inline == [], "move these words to wordlists.py"


def test_rules_md_is_current() -> None:
    """``RULES.md`` is the tables as text; regenerate it after changing a rule."""
    path = PACKAGE.parent / "RULES.md"
    assert path.read_text(encoding="utf-8") == markdown(), (
        "RULES.md is out of date: run `python -m harness_regex.rules_doc > plugins/regex/RULES.md`"
    )
