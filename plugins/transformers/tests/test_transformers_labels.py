"""Label constants and mappings."""

from __future__ import annotations

from harness_transformers.extractor import TransformersExtractor, TransformersOptions
from harness_transformers.labels import (
    CONLL_TO_ONTONOTES,
    ENTITY_TYPES,
    IOB2_TAGS,
    ONTONOTES_TO_CONLL,
    map_label,
)

from harness.model import CONLL_LABELS, ONTONOTES_LABELS
from harness.schemes import ONTONOTES_TO_CONLL as CORE_ONTONOTES_TO_CONLL


def test_entity_types_are_the_core_conll_labels() -> None:
    assert set(ENTITY_TYPES) == set(CONLL_LABELS)
    assert IOB2_TAGS[0] == "O"
    assert {t[2:] for t in IOB2_TAGS[1:]} == set(ENTITY_TYPES)


def test_gold_side_map_covers_every_ontonotes_label() -> None:
    assert set(ONTONOTES_TO_CONLL) == set(ONTONOTES_LABELS)
    assert {v for v in ONTONOTES_TO_CONLL.values() if v} == set(ENTITY_TYPES)
    assert dict(ONTONOTES_TO_CONLL) == dict(CORE_ONTONOTES_TO_CONLL)


def test_gold_side_map_examples() -> None:
    assert map_label("PERSON", ONTONOTES_TO_CONLL) == "PER"
    assert map_label("GPE", ONTONOTES_TO_CONLL) == "LOC"
    assert map_label("FAC", ONTONOTES_TO_CONLL) == "LOC"
    assert map_label("NORP", ONTONOTES_TO_CONLL) == "MISC"
    assert map_label("DATE", ONTONOTES_TO_CONLL) is None
    assert map_label("UNKNOWN", ONTONOTES_TO_CONLL) == "UNKNOWN"


def test_extractor_label_maps() -> None:
    # default: native CoNLL labels, the runner maps the gold down (coarse scheme)
    assert dict(TransformersExtractor.label_map) == {}
    assert dict(TransformersExtractor().label_map) == {}
    fine = TransformersExtractor(TransformersOptions(ontonotes_labels=True)).label_map
    assert fine is CONLL_TO_ONTONOTES
    assert TransformersExtractor.ontonotes_label_map is CONLL_TO_ONTONOTES
    assert fine["PER"] == "PERSON"
    assert fine["ORG"] == "ORG"
    assert fine["LOC"] == "GPE"
    assert fine["MISC"] is None
    assert set(fine) == set(TransformersExtractor.labels)
    assert all(v is None or v in ONTONOTES_LABELS for v in CONLL_TO_ONTONOTES.values())
