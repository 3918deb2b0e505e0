"""Entities of the regex extractor beyond the rule tables' examples (those are in
``test_regex_rules.py``): empty text, the label filter and the ``labels`` option."""

from __future__ import annotations

from harness_regex.entities import find_entities
from harness_regex.extractor import RegexExtractor, RegexOptions

from harness.model import TextDoc


def test_empty_and_plain_text() -> None:
    assert find_entities("") == []
    assert find_entities("nothing capitalised here at all") == []


def test_label_filter() -> None:
    found = find_entities("Mr Quist paid $5 in Chile.", labels={"GPE"})
    assert [(e.text, e.label) for e in found] == [("Chile", "GPE")]


def test_extractor_labels_option() -> None:
    extractor = RegexExtractor(RegexOptions(labels=("MONEY",)))
    pred = next(iter(extractor.extract([TextDoc("d", "Mr Quist paid $5 in Chile.")])))
    assert [(e.text, e.label) for e in pred.entities] == [("$5", "MONEY")]


def test_offsets_slice_the_text() -> None:
    text = "Chilean Foreign Minister Ada Lorn paid $4.5 million in Nairobi on 3 March 2021."
    found = find_entities(text)
    assert len(found) == 5
    for e in found:
        assert text[e.start : e.end] == e.text
