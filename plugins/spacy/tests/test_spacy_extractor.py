"""The extractor end to end: entities, requested tasks, batching, valid predictions."""

from __future__ import annotations

from harness_spacy.extractor import SpacyExtractor
from harness_spacy.options import SpacyOptions

from harness.extractors import validate_prediction
from harness.model import TextDoc
from harness.schemes import LabelMaps

DOCS = [
    TextDoc("a", "Mrs Helen Brook visited Lisbon on Monday. She said the trip was a success."),
    TextDoc("b", "“Sales doubled,” said Omar Haddad of Northwind Traders."),
    TextDoc("c", ""),
    TextDoc("d", "Riverside Bank\nGrows Again\n\nThe bank hired 40 people."),
]


def test_entities_have_character_offsets_and_ontonotes_labels(extractor: SpacyExtractor) -> None:
    preds = list(extractor.extract(DOCS))
    assert [p.doc_id for p in preds] == ["a", "b", "c", "d"]
    for doc, pred in zip(DOCS, preds, strict=True):
        assert validate_prediction(pred, doc) == []
        for e in pred.entities:
            assert doc.text[e.start : e.end] == e.text
    found = {(e.text, e.label) for e in preds[0].entities}
    assert ("Helen Brook", "PERSON") in found  # honorific left outside
    assert ("Lisbon", "GPE") in found
    assert all("\n" not in e.text for p in preds for e in p.entities)
    assert preds[2].entities == () and preds[2].quotes == ()


def test_quotes_are_valid_and_attributed(extractor: SpacyExtractor) -> None:
    preds = list(extractor.extract(DOCS))
    assert [(q.type, q.speaker) for q in preds[0].quotes] == [("indirect", "Helen Brook")]
    assert [(q.text, q.speaker) for q in preds[1].quotes] == [("Sales doubled,", "Omar Haddad")]


def test_entities_only_when_only_entities_are_requested(extractor: SpacyExtractor) -> None:
    ex = SpacyExtractor(SpacyOptions(batch_size=2), frozenset({"entities"}))
    ex._nlp = extractor.nlp
    preds = list(ex.extract(DOCS))
    assert all(p.quotes == () for p in preds)
    assert any(p.entities for p in preds)


def test_quotes_only_when_entities_are_not_requested(extractor: SpacyExtractor) -> None:
    ex = SpacyExtractor(tasks=frozenset({"quotes", "speakers"}))
    ex._nlp = extractor.nlp
    preds = list(ex.extract(DOCS[:2]))
    assert all(p.entities == () for p in preds)
    assert [len(p.quotes) for p in preds] == [1, 1]


def test_label_map_option_goes_to_the_runner_which_renames_and_drops_labels(
    extractor: SpacyExtractor,
) -> None:
    ex = SpacyExtractor(SpacyOptions(label_map={"GPE": "LOC", "DATE": None}))
    ex._nlp = extractor.nlp
    (pred,) = ex.extract(DOCS[:1])
    assert {e.text: e.label for e in pred.entities}["Lisbon"] == "GPE"  # native labels
    assert ex.label_map == {"GPE": "LOC", "DATE": None}
    mapped, dropped = LabelMaps(labels=(), prediction=ex.label_map).map_prediction(pred)
    labels = {e.text: e.label for e in mapped.entities}
    assert labels["Lisbon"] == "LOC"
    assert "DATE" not in labels.values() and "DATE" in dropped


def test_every_paragraph_starts_a_sentence(extractor: SpacyExtractor) -> None:
    doc = extractor.nlp("Storm hits coast\nResidents were told to stay indoors.")
    starts = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert starts[-1] == "Residents were told to stay indoors."
