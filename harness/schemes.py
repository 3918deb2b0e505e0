"""Label schemes, the one-way maps between them, and the one label-map mechanism of a run.

:func:`resolve_label_maps` decides, once per extractor, every entity-label map of a run
(:class:`LabelMaps`): the extractor's own map (its ``label_map``, which plugins fill from their
``label_map`` option), the automatic bridge between the extractor's and the goldset's schemes,
and the config's ``gold_label_map``. The runner applies them, through the scoring plan, and
counts everything they drop: predicted labels mapped to ``None`` (``unmapped_prediction_labels``),
predicted labels outside the scored labels (``ignored_prediction_labels``) and gold labels mapped
to ``None`` (``unmapped_gold_labels``). Extractors return their native labels and map nothing
themselves.

A CoNLL-trained model predicts PER/ORG/LOC/MISC; an OntoNotes goldset has 18 labels. Such a model
is scored on the coarse scheme: gold labels are mapped with :data:`ONTONOTES_TO_CONLL` (GPE, LOC
and FAC all become LOC; NORP, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE become MISC) and gold
entities of the numeric types (DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL), which
have no CoNLL counterpart, are left out of the gold and counted as unmapped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .errors import ConfigError, did_you_mean
from .extractors import map_labels
from .model import CONLL_LABELS, ONTONOTES_LABELS, Document, Entity, Prediction

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
    return replace(doc, entities=tuple(ents))


def compose(
    first: Mapping[str, str | None], then: Mapping[str, str | None]
) -> dict[str, str | None]:
    """The map that applies ``first`` and then ``then`` (labels absent from a map pass)."""
    out: dict[str, str | None] = {}
    for label in [*first, *(k for k in then if k not in first)]:
        step = first.get(label, label)
        out[label] = None if step is None else then.get(step, step)
    return out


@dataclass(frozen=True)
class LabelMaps:
    """Every entity-label map of one extractor's run, and the labels it is scored on."""

    #: The entity labels scored (the goldset's, after ``gold``), in scheme order.
    labels: tuple[str, ...]
    #: Goldset label -> scored label (``None`` drops the gold entity, counted as unmapped).
    gold: Mapping[str, str | None] = field(default_factory=dict)
    #: Extractor label -> scored label: the extractor's own map, then the scheme bridge
    #: (``None`` drops the prediction, counted as unmapped).
    prediction: Mapping[str, str | None] = field(default_factory=dict)
    #: How the results name them: ``conll`` (a scheme), ``custom``, ``ontonotes->conll``...
    gold_name: str | None = None
    prediction_name: str | None = None

    def map_prediction(self, pred: Prediction) -> tuple[Prediction, list[str]]:
        """``pred`` with its entity labels mapped, and the labels the map dropped."""
        return map_labels(pred, self.prediction)

    def map_gold(self, doc: Document, unmapped: Counter[str] | None = None) -> Document:
        return map_gold(doc, self.gold, unmapped)


def _scored_labels(
    gold_labels: Sequence[str], gold_map: Mapping[str, str | None], scheme: str | None
) -> tuple[str, ...]:
    if not gold_map:
        return tuple(gold_labels)
    mapped = {v for v in (gold_map.get(x, x) for x in gold_labels) if v}
    order = SCHEMES.get(scheme or "", ())
    return tuple(x for x in order if x in mapped) + tuple(sorted(mapped - set(order)))


def resolve_label_maps(
    gold_scheme: str,
    gold_labels: Sequence[str],
    pred_scheme: str,
    extractor_map: Mapping[str, str | None] | None = None,
    config_gold_map: str | Mapping[str, str | None] | None = None,
    *,
    entities: bool = True,
    where: str = "config",
) -> LabelMaps:
    """The label maps of an extractor (scheme ``pred_scheme``, own map ``extractor_map``) on a
    goldset (``gold_scheme``, ``gold_labels``), with the config's ``gold_label_map``.

    A config ``gold_label_map`` replaces the automatic bridge; without one, an extractor whose
    scheme is not the goldset's is bridged (:func:`bridge_schemes`) when ``entities`` are scored.
    """
    own = dict(extractor_map or {})
    gold_map: dict[str, str | None] = {}
    bridge: dict[str, str | None] = {}
    gold_name = bridge_name = None
    if config_gold_map is not None:
        gold_name, gold_map = resolve_gold_map(config_gold_map, gold_scheme, where)
    elif entities:
        gold_map, bridge = bridge_schemes(gold_scheme, pred_scheme)
        gold_name = pred_scheme if gold_map else None
        bridge_name = f"{pred_scheme}->{gold_scheme}" if bridge else None
    return LabelMaps(
        labels=_scored_labels(gold_labels, gold_map, gold_name),
        gold=gold_map,
        prediction=compose(own, bridge) if bridge else own,
        gold_name=gold_name,
        prediction_name=bridge_name,
    )
