"""Token-level tagging schemes (IOB1, IOB2, BIOES): detect, decode to chunks, encode from chunks.

- IOB2: every entity starts with ``B-``; ``I-X`` continues an entity of type X.
- IOB1: entities start with ``I-``; ``B-X`` only separates two adjacent entities of type X
  (a ``B-`` elsewhere is read as an entity start).
- BIOES: ``S-`` single-token entity; ``B-`` ... ``I-`` ... ``E-`` for longer ones.

Decoding reports every bad sequence (an ``I-`` that starts an entity in IOB2, an unfinished BIOES
entity, an ``E-`` in an IOB file, a tag without a type) with the index of the token.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Scheme = Literal["iob1", "iob2", "bioes"]
SCHEMES: tuple[Scheme, ...] = ("iob1", "iob2", "bioes")
PREFIXES = ("B", "I", "E", "S")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A labelled run of tokens ``[start, end)`` of one sentence."""

    start: int
    end: int
    label: str


def parse_tag(tag: str) -> tuple[str, str]:
    """Split ``B-PER`` into ``("B", "PER")``; ``O`` gives ``("O", "")``. Raise ValueError if bad."""
    if tag == "O":
        return "O", ""
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in PREFIXES or not label:
        raise ValueError(
            f"malformed tag {tag!r}: expected O or B-/I-/E-/S- followed by a type, e.g. B-PER"
        )
    return prefix, label


def detect_scheme(sentences: Iterable[Sequence[str]]) -> Scheme:
    """Guess the scheme of tag sequences: BIOES if any E-/S-; IOB1 if an entity starts with I-."""
    iob1 = False
    for tags in sentences:
        prev_label = ""
        for tag in tags:
            try:
                prefix, label = parse_tag(tag)
            except ValueError:
                prev_label = ""
                continue
            if prefix in ("E", "S"):
                return "bioes"
            if prefix == "I" and prev_label != label:
                iob1 = True
            prev_label = label
    return "iob1" if iob1 else "iob2"


def decode(tags: Sequence[str], scheme: Scheme) -> tuple[list[Chunk], list[tuple[int, str]]]:  # noqa: C901
    """Chunks of one sentence, and the problems found as ``(token index, message)``.

    After a problem, decoding goes on as leniently as possible so every problem is reported once.
    """
    chunks: list[Chunk] = []
    problems: list[tuple[int, str]] = []
    start, label = -1, ""  # the open chunk, if start >= 0

    def close(end: int) -> None:
        nonlocal start, label
        if start >= 0:
            chunks.append(Chunk(start, end, label))
        start, label = -1, ""

    for i, tag in enumerate(tags):
        try:
            prefix, lab = parse_tag(tag)
        except ValueError as exc:
            problems.append((i, str(exc)))
            close(i)
            continue
        if scheme != "bioes" and prefix in ("E", "S"):
            problems.append((i, f"tag {tag!r} is not {scheme.upper()}; declare the scheme bioes"))
            prefix = "B" if prefix == "S" else "I"
        if prefix == "O":
            if scheme == "bioes" and start >= 0:
                problems.append((i, f"entity {label} is not closed with E-{label} before O"))
            close(i)
        elif prefix == "B":
            if scheme == "bioes" and start >= 0:
                problems.append((i, f"{tag} follows an unfinished {label} entity (expected E-)"))
            close(i)
            start, label = i, lab
        elif prefix == "I":
            if start >= 0 and label == lab:
                continue
            if scheme == "iob1":
                close(i)
                start, label = i, lab
                continue
            after = f"{tags[i - 1]!r}" if i else "the start of the sentence"
            problems.append(
                (i, f"{tag} follows {after}: in {scheme.upper()} an entity starts with B-{lab}")
            )
            close(i)
            start, label = i, lab
        elif prefix == "E":
            if not (start >= 0 and label == lab):
                after = f"{tags[i - 1]!r}" if i else "the start of the sentence"
                problems.append((i, f"{tag} follows {after}: expected after B-{lab} or I-{lab}"))
                close(i)
                start = i
                label = lab
            close(i + 1)
        else:  # S
            if start >= 0:
                problems.append((i, f"{tag} follows an unfinished {label} entity (expected E-)"))
            close(i)
            chunks.append(Chunk(i, i + 1, lab))
    if scheme == "bioes" and start >= 0:
        problems.append((len(tags) - 1, f"entity {label} is not closed with E-{label}"))
    close(len(tags))
    return chunks, problems


def encode(chunks: Iterable[Chunk], n: int, scheme: Scheme) -> list[str]:
    """Tags of a sentence of ``n`` tokens holding non-overlapping ``chunks``."""
    tags = ["O"] * n
    prev_end, prev_label = -1, ""
    for c in sorted(chunks, key=lambda c: c.start):
        length = c.end - c.start
        if scheme == "bioes":
            if length == 1:
                tags[c.start] = f"S-{c.label}"
            else:
                tags[c.start] = f"B-{c.label}"
                tags[c.start + 1 : c.end - 1] = [f"I-{c.label}"] * (length - 2)
                tags[c.end - 1] = f"E-{c.label}"
        else:
            tags[c.start : c.end] = [f"I-{c.label}"] * length
            if scheme == "iob2" or (prev_end == c.start and prev_label == c.label):
                tags[c.start] = f"B-{c.label}"
        prev_end, prev_label = c.end, c.label
    return tags
