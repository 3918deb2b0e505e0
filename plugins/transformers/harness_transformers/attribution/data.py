"""Training data for the attribution tagger: goldset documents -> labelled token windows.

The documents come from the harness's own goldset readers (``harness.goldset.load_goldset``), so
training reads PolNeAR exactly as ``harness eval`` does (the brat reader with ``preset:
polnear`` and the conversion rules of goldsets/GUIDELINES.md section 4). Each document is
tokenized once over its whole text; every word gets its tag (:mod:`.tags`) on its first
sub-word (the other sub-words are ignored in the loss, as in the NER recipe), and the token
sequence is cut into windows of the model's size, at an offset that changes from epoch to epoch
so that window edges fall in different places.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.model import Document
from harness_transformers.attribution.tags import ATTRIBUTION_TAGS, quote_role_spans, word_tags

IGNORE_INDEX = -100
TAG_IDS = {t: i for i, t in enumerate(ATTRIBUTION_TAGS)}


@dataclass
class EncodedDoc:
    """One document as token ids with one label per token (``IGNORE_INDEX`` where unlabelled)."""

    doc_id: str
    ids: list[int]
    labels: list[int]
    #: Words whose role conflicted between two spans (univocal gold has none).
    conflicts: int


def encode_document(tokenizer: Any, doc: Document) -> EncodedDoc:
    """Token ids of the whole text and the tag of each word on its first sub-word."""
    from harness_transformers.words import assign_tokens, split_words

    words = split_words(doc.text)
    tags, conflicts = word_tags(words, quote_role_spans(doc.quotes))
    enc = tokenizer(
        doc.text,
        add_special_tokens=False,
        return_offsets_mapping=True,
        truncation=False,
        verbose=False,
    )
    offsets = [(int(a), int(b)) for a, b in enc["offset_mapping"]]
    labels: list[int] = []
    previous: int | None = None
    for word in assign_tokens(words, offsets):
        labels.append(IGNORE_INDEX if word is None or word == previous else TAG_IDS[tags[word]])
        previous = word if word is not None else previous
    return EncodedDoc(doc.id, list(enc["input_ids"]), labels, conflicts)


def training_windows(
    docs: Sequence[EncodedDoc], size: int, rng: random.Random | None = None
) -> list[tuple[list[int], list[int]]]:
    """Cut every document into consecutive windows of ``size`` content tokens.

    With ``rng`` the first window of each document starts at a random offset (the tokens before
    it form a short window of their own), so that window edges move from epoch to epoch; without
    it, windows start at token 0. Every token is in exactly one window.
    """
    out: list[tuple[list[int], list[int]]] = []
    for doc in docs:
        n = len(doc.ids)
        if n == 0:
            continue
        shift = rng.randrange(size) if rng is not None and n > size else 0
        cuts = [0, *range(shift or size, n, size), n]
        for a, b in itertools.pairwise(cuts):
            if b > a and any(label != IGNORE_INDEX for label in doc.labels[a:b]):
                out.append((doc.ids[a:b], doc.labels[a:b]))
    return out


def load_documents(spec: str | Path, options: Mapping[str, Any] | None = None) -> list[Document]:
    """Documents of a goldset: a native folder, a harness eval config (its ``goldset``), or a
    corpus path with ``options`` that include ``format`` (e.g. ``{"format": "brat", "preset":
    "polnear"}``)."""
    from harness.goldset import load_goldset

    path = Path(spec)
    opts = dict(options or {})
    if path.suffix in (".yaml", ".yml") and path.is_file():
        from harness.config import load_config

        source = load_config(path).goldset
        if opts:
            source = type(source)(source.path, source.format, {**source.options, **opts})
        return list(load_goldset(source))
    fmt = opts.pop("format", None)
    return list(load_goldset(path, fmt, opts or None))


def count_tags(docs: Iterable[EncodedDoc]) -> dict[str, int]:
    """How many labelled tokens carry each tag (for the model card)."""
    counts = dict.fromkeys(ATTRIBUTION_TAGS, 0)
    for doc in docs:
        for label in doc.labels:
            if label != IGNORE_INDEX:
                counts[ATTRIBUTION_TAGS[label]] += 1
    return counts
