"""Entities of the spaCy extractor end to end (the span repairs are examples of the rule table
span_repairs, tested in test_spacy_rules.py)."""

from __future__ import annotations

from harness_spacy.extractor import SpacyExtractor
from harness_spacy.options import SpacyOptions

from harness.model import TextDoc


def test_surname_of_a_person_is_a_person_everywhere(extractor: SpacyExtractor) -> None:
    text = "Chancellor Maria Lindqvist arrived on Monday. Lindqvist met the press."
    (pred,) = extractor.extract([TextDoc("e", text)])
    persons = [e.text for e in pred.entities if e.label == "PERSON"]
    assert persons == ["Maria Lindqvist", "Lindqvist"]
    starts = [e.start for e in pred.entities]
    assert starts == sorted(starts)


def test_raw_entities_when_fixes_are_off(extractor: SpacyExtractor) -> None:
    ex = SpacyExtractor(SpacyOptions(fix_entities=False))
    ex._nlp = extractor.nlp
    text = "She visited the United States."
    (pred,) = ex.extract([TextDoc("r", text)])
    raw = [(e.start_char, e.end_char) for e in extractor.nlp(text).ents]
    assert [(e.start, e.end) for e in pred.entities] == raw
