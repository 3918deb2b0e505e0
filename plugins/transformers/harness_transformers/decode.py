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


def word_probabilities(
    probs: np.ndarray,
    token_words: Sequence[int | None],
    n_words: int,
    aggregation: Aggregation = "first",
) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities of each word from its sub-words' ``probs``, and which words have any.

    ``first``: the first sub-word's; ``max``: those of the sub-word with the most confident
    prediction; ``average``: the mean over the sub-words. A word without tokens gets zeros.
    """
    if aggregation not in ("first", "max", "average"):
        raise ValueError(f"unknown aggregation {aggregation!r}")
    groups: list[list[int]] = [[] for _ in range(n_words)]
    for t, w in enumerate(token_words):
        if w is not None:
            groups[w].append(t)
    out = np.zeros((n_words, probs.shape[1] if probs.ndim == 2 else 0), dtype=np.float32)
    present = np.zeros(n_words, dtype=bool)
    for w, tokens in enumerate(groups):
        if not tokens:
            continue
        present[w] = True
        if aggregation == "first":
            out[w] = probs[tokens[0]]
        elif aggregation == "max":
            sub = probs[tokens]
            out[w] = sub[int(sub.max(axis=1).argmax())]
        else:
            out[w] = probs[tokens].mean(axis=0)
    return out, present


def aggregate_words(
    probs: np.ndarray,
    token_words: Sequence[int | None],
    n_words: int,
    aggregation: Aggregation = "first",
) -> list[int | None]:
    """Class id for each word (``None`` for a word without tokens) from token ``probs``."""
    words, present = word_probabilities(probs, token_words, n_words, aggregation)
    best = words.argmax(axis=1) if len(words) else np.zeros(0, dtype=int)
    return [int(c) if ok else None for c, ok in zip(best, present, strict=True)]


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
