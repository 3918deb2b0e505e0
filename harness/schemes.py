"""Label schemes and the one-way maps between them used for coarse evaluation.

A CoNLL-trained model predicts PER/ORG/LOC/MISC; an OntoNotes goldset has 18 labels. Such a model
is scored on the coarse scheme: gold labels are mapped with :data:`ONTONOTES_TO_CONLL` (GPE, LOC
and FAC all become LOC; NORP, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE become MISC) and gold
entities of the numeric types (DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL), which
have no CoNLL counterpart, are left out of the gold and counted as unmapped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from .errors import ConfigError, did_you_mean
from .model import CONLL_LABELS, ONTONOTES_LABELS, Document, Entity

SCHEMES: dict[str, tuple[str, ...]] = {"ontonotes": ONTONOTES_LABELS, "conll": CONLL_LABELS}

ONTONOTES_TO_CONLL: dict[str, str | None] = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "DATE": None,
    "TIME": None,
    "PERCENT": None,
    "MONEY": None,
    "QUANTITY": None,
    "ORDINAL": None,
    "CARDINAL": None,
}

GOLD_MAPS: dict[tuple[str, str], dict[str, str | None]] = {
    ("ontonotes", "conll"): ONTONOTES_TO_CONLL
}


def bridge_schemes(
    gold_scheme: str, pred_scheme: str
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Automatic ``(gold_map, prediction_map)`` for an extractor whose scheme is not the goldset's.

    When the goldset's scheme maps one way onto the extractor's (OntoNotes -> CoNLL for a
    CoNLL-trained model), the gold is mapped down: a coarse evaluation. When the extractor's
    scheme maps onto the goldset's (an OntoNotes extractor on a CoNLL goldset), its predictions
    are mapped. Otherwise nothing is mapped and labels outside the scheme are ignored and counted.
    """
    if gold_scheme == pred_scheme:
        return {}, {}
    if (gold_scheme, pred_scheme) in GOLD_MAPS:
        return GOLD_MAPS[(gold_scheme, pred_scheme)], {}
    if (pred_scheme, gold_scheme) in GOLD_MAPS:
        return {}, GOLD_MAPS[(pred_scheme, gold_scheme)]
    return {}, {}


def resolve_gold_map(
    spec: str | Mapping[str, str | None], gold_scheme: str, where: str
) -> tuple[str, dict[str, str | None]]:
    """Turn a config's ``gold_label_map`` (a scheme name or an explicit mapping) into a mapping."""
    if isinstance(spec, Mapping):
        return "custom", dict(spec)
    key = (gold_scheme, spec)
    if key not in GOLD_MAPS:
        known = [f"{b}" for (a, b) in GOLD_MAPS if a == gold_scheme]
        raise ConfigError(
            f"{where}: no map from the goldset's scheme {gold_scheme!r} to {spec!r}."
            f"{did_you_mean(spec, known)}"
        )
    return spec, GOLD_MAPS[key]


def map_gold(
    doc: Document, gold_map: Mapping[str, str | None], unmapped: Counter[str] | None = None
) -> Document:
    """``doc`` with its entity labels mapped by ``gold_map`` (a label mapped to ``None`` drops the
    entity and is counted in ``unmapped``); the scorer and the report both see the gold this way."""
    if not gold_map:
        return doc
    ents = []
    for e in doc.entities:
        label = gold_map.get(e.label, e.label)
        if label is None:
            if unmapped is not None:
                unmapped[e.label] += 1
        else:
            ents.append(Entity(e.start, e.end, label, e.text))
    return Document(
        doc.id, doc.text, tuple(ents), doc.quotes, doc.speakers, doc.text_path, doc.text_sha256
    )
