"""Entity span repairs (invented sentences; the NER's decisions are checked where stable)."""

from __future__ import annotations

import pytest
from harness_spacy.entities import _trim
from harness_spacy.extractor import SpacyExtractor
from harness_spacy.options import SpacyOptions

from harness.model import TextDoc


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("the Red Cross", "ORG", "Red Cross"),
        ("a Western Alliance", "ORG", "Western Alliance"),
        ("the first week", "DATE", "the first week"),
        ("‘The Daily Lantern’", "ORG", "The Daily Lantern"),
        ("Acme’s", "ORG", "Acme"),
        ("Mrs Jane Doe", "PERSON", "Jane Doe"),
        ("Blue Party (Greens", "ORG", "Blue Party"),
        ("Harbour News\n\nThe", "ORG", "Harbour News"),
    ],
)
def test_span_repairs(text: str, label: str, expected: str) -> None:
    start, end = _trim(text, 0, len(text), label)
    assert text[start:end] == expected


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
