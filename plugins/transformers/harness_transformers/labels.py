"""Label constants: the CoNLL-2003 tag set and the mappings to and from OntoNotes.

A CoNLL-trained model predicts four coarse types (PER, ORG, LOC, MISC); the project's goldsets use
OntoNotes types (PERSON, ORG, GPE, LOC, FAC, NORP, ...). No one-to-one mapping exists, so two
directions are provided:

* ``CONLL_TO_ONTONOTES`` (model side, opt-in with the extractor's ``ontonotes_labels``
  option): PER->PERSON, ORG->ORG, LOC->GPE (most CoNLL locations in news are countries and
  cities), MISC->dropped (``None``; MISC mixes NORP, EVENT, WORK_OF_ART, PRODUCT, ... and has no
  single counterpart).
* ``ONTONOTES_TO_CONLL`` (gold side, the default coarse evaluation, applied by the runner's
  scheme bridge; the core's :data:`harness.schemes.ONTONOTES_TO_CONLL`, re-exported): gold
  OntoNotes labels are mapped down to CoNLL and the predictions are scored unmapped. Numeric
  and temporal types (DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL) map to ``None``,
  i.e. the gold span is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.schemes import ONTONOTES_TO_CONLL as _CORE_ONTONOTES_TO_CONLL

#: Entity types of CoNLL-2003 / CoNLL++.
ENTITY_TYPES: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")

#: IOB2 tag set in a fixed order; the index is the class id of the model head.
IOB2_TAGS: tuple[str, ...] = (
    "O",
    "B-PER",
    "I-PER",
    "B-ORG",
    "I-ORG",
    "B-LOC",
    "I-LOC",
    "B-MISC",
    "I-MISC",
)

#: Default mapping of predicted CoNLL types onto OntoNotes types (``None`` drops the span).
CONLL_TO_ONTONOTES: Mapping[str, str | None] = {
    "PER": "PERSON",
    "ORG": "ORG",
    "LOC": "GPE",
    "MISC": None,
}

#: The gold side's map (OntoNotes down to CoNLL) is the core's, applied by the runner's scheme
#: bridge: re-exported here, not copied.
ONTONOTES_TO_CONLL: Mapping[str, str | None] = _CORE_ONTONOTES_TO_CONLL


def map_label(label: str, mapping: Mapping[str, str | None]) -> str | None:
    """Map ``label`` through ``mapping``; labels absent from the mapping pass through unchanged."""
    if label in mapping:
        return mapping[label]
    return label
