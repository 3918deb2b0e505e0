"""Turn per-token class probabilities into word labels and entity spans.

Word labels come from the word's sub-word tokens by one of three aggregations (as in the
Hugging Face token-classification pipeline): ``first`` (the first sub-word, as in training),
``max`` (the sub-word with the most confident prediction) or ``average`` (mean probabilities).
Spans are decoded from IOB-style tags (B-, I-, and the E-/S- of BIOES models); an ``I-`` that
does not continue an entity of the same type opens a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

Aggregation = Literal["first", "max", "average"]


def aggregate_words(
    probs: np.ndarray,
    token_words: Sequence[int | None],
    n_words: int,
    aggregation: Aggregation = "first",
) -> list[int | None]:
    """Class id for each word (``None`` for a word without tokens) from token ``probs``."""
    groups: list[list[int]] = [[] for _ in range(n_words)]
    for t, w in enumerate(token_words):
        if w is not None:
            groups[w].append(t)
    out: list[int | None] = []
    for tokens in groups:
        if not tokens:
            out.append(None)
        elif aggregation == "first":
            out.append(int(probs[tokens[0]].argmax()))
        elif aggregation == "max":
            sub = probs[tokens]
            row = int(sub.max(axis=1).argmax())
            out.append(int(sub[row].argmax()))
        elif aggregation == "average":
            out.append(int(probs[tokens].mean(axis=0).argmax()))
        else:
            raise ValueError(f"unknown aggregation {aggregation!r}")
    return out


def split_tag(tag: str) -> tuple[str, str | None]:
    """Split a tag: ``"B-PER"`` -> ``("B", "PER")``, ``"O"`` -> ``("O", None)``.

    A bare type (``"PER"``, as some models label) counts as ``("I", "PER")``.
    """
    if tag == "O" or not tag:
        return "O", None
    if len(tag) > 2 and tag[1] in "-_" and tag[0].upper() in "BIES":
        return tag[0].upper(), tag[2:]
    return "I", tag


def decode_spans(tags: Sequence[str | None]) -> list[tuple[int, int, str]]:
    """Entity spans ``(first_word, last_word_exclusive, type)`` from word tags (``None`` = O)."""
    spans: list[tuple[int, int, str]] = []
    current: tuple[int, str] | None = None
    for i, tag in enumerate([*tags, None]):
        prefix, kind = split_tag(tag) if tag is not None else ("O", None)
        continues = current is not None and kind == current[1] and prefix in ("I", "E")
        if current is not None and not continues:
            spans.append((current[0], i, current[1]))
            current = None
        if kind is not None and not continues:
            current = (i, kind)
        if current is not None and prefix in ("E", "S"):
            spans.append((current[0], i + 1, current[1]))
            current = None
    return spans


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
