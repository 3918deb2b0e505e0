"""Read CoNLL-2003 column files into a Hugging Face ``datasets.Dataset``.

Columns are ``token POS chunk NER`` (only the first and the last are used); sentences are separated
by blank lines and documents by ``-DOCSTART-`` lines, which are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import datasets

from harness_transformers.labels import IOB2_TAGS


def conll_features() -> datasets.Features:
    """Declared features: tokens as strings and NER tags as a ``ClassLabel`` over ``IOB2_TAGS``."""
    return datasets.Features(
        {
            "id": datasets.Value("int64"),
            "tokens": datasets.Sequence(datasets.Value("string")),
            "ner_tags": datasets.Sequence(datasets.ClassLabel(names=list(IOB2_TAGS))),
        }
    )


def iter_conll(path: str | Path, limit: int | None = None) -> Iterator[dict[str, object]]:
    """Yield ``{"id", "tokens", "ner_tags"}`` per sentence of a CoNLL file (tags as strings)."""
    tokens: list[str] = []
    tags: list[str] = []
    count = 0
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n").rstrip("\r")
            if line.startswith("-DOCSTART-"):
                continue
            if not line.strip():
                if tokens:
                    yield {"id": count, "tokens": tokens, "ner_tags": tags}
                    count += 1
                    if limit is not None and count >= limit:
                        return
                tokens, tags = [], []
                continue
            columns = line.split()
            tokens.append(columns[0])
            tags.append(columns[-1])
    if tokens and (limit is None or count < limit):
        yield {"id": count, "tokens": tokens, "ner_tags": tags}


def load_conll(path: str | Path, limit: int | None = None) -> datasets.Dataset:
    """Load a CoNLL file as a ``Dataset`` with declared features (tags encoded as class ids)."""
    features = conll_features()
    tag_feature = features["ner_tags"].feature
    rows: dict[str, list[object]] = {"id": [], "tokens": [], "ner_tags": []}
    for sentence in iter_conll(path, limit=limit):
        unknown = set(sentence["ner_tags"]) - set(IOB2_TAGS)  # type: ignore[arg-type]
        if unknown:
            raise ValueError(f"{path}: unknown NER tags {sorted(unknown)}")
        rows["id"].append(sentence["id"])
        rows["tokens"].append(sentence["tokens"])
        rows["ner_tags"].append([tag_feature.str2int(t) for t in sentence["ner_tags"]])  # type: ignore[union-attr]
    return datasets.Dataset.from_dict(rows, features=features)
