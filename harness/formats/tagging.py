"""Token-level tagging schemes (IOB1, IOB2, BIOES): detect, decode to chunks, encode from chunks.

- IOB2: every entity starts with ``B-``; ``I-X`` continues an entity of type X.
- IOB1: entities start with ``I-``; ``B-X`` only separates two adjacent entities of type X
  (a ``B-`` elsewhere is read as an entity start).
- BIOES: ``S-`` single-token entity; ``B-`` ... ``I-`` ... ``E-`` for longer ones.

:func:`detect` chooses the scheme of a file by a documented rule (an ``I-`` starting an entity
in a file that also has ``B-`` tags IOB1 never writes is an IOB2 error, not a sign of IOB1).
Decoding reports every bad sequence (an ``I-`` that starts an entity in IOB2, an unfinished BIOES
entity, an ``E-`` in an IOB file, a tag without a type) with the index of the token.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class Detection:
    """The scheme :func:`detect` chose, and the tag that decided it (``(sentence, token)``
    indices, ``None`` when nothing did: no entity, or IOB1 and IOB2 read the same)."""

    scheme: Scheme
    evidence: tuple[int, int] | None = None
    #: The deciding tag, and why it decides (for messages).
    reason: str = ""


def detect(sentences: Iterable[Sequence[str]]) -> Detection:
    """The scheme of tag sequences, by this rule (documented in the CoNLL format's docstring):

    1. **BIOES** if any tag is ``E-`` or ``S-``;
    2. else **IOB2** if any ``B-X`` begins an entity that does not directly follow an entity of
       type X: IOB1 writes ``B-`` only between two adjacent entities of one type, so such a tag
       is never IOB1. An ``I-`` that starts an entity is then an error, not a hint of IOB1;
    3. else **IOB1** if some entity starts with ``I-``;
    4. else IOB2 (the file reads the same in both).
    """
    iob1: tuple[int, int] | None = None
    iob2: Detection | None = None
    for n, tags in enumerate(sentences):
        prev_label = ""
        for i, tag in enumerate(tags):
            try:
                prefix, label = parse_tag(tag)
            except ValueError:
                prev_label = ""
                continue
            if prefix in ("E", "S"):
                return Detection("bioes", (n, i), f"{tag} is a BIOES tag")
            if prefix == "B" and prev_label != label and iob2 is None:
                after = f"{prev_label} entity" if prev_label else "no entity"
                iob2 = Detection(
                    "iob2", (n, i), f"{tag} begins an entity after {after}, which IOB1 never writes"
                )
            if prefix == "I" and prev_label != label and iob1 is None:
                iob1 = (n, i)
            prev_label = label
    if iob2 is not None:
        return iob2
    if iob1 is not None:
        return Detection("iob1", iob1, "an entity starts with I-")
    return Detection("iob2")


def detect_scheme(sentences: Iterable[Sequence[str]]) -> Scheme:
    """The scheme :func:`detect` chooses."""
    return detect(sentences).scheme


def decode(tags: Sequence[str], scheme: Scheme) -> tuple[list[Chunk], list[tuple[int, str]]]:
    """Chunks of one sentence, and the problems found as ``(token index, message)``.

    After a problem, decoding goes on as leniently as possible so every problem is reported once.
    """
    d = _Decoder(tags, scheme)
    step = {"O": d.outside, "B": d.begin, "I": d.inside, "E": d.end, "S": d.single}
    for i, tag in enumerate(tags):
        prefix, label = d.split(i, tag)
        if prefix:
            step[prefix](i, tag, label)
    d.finish()
    return d.chunks, d.problems


@dataclass
class _Decoder:
    """The state of :func:`decode` in one sentence: one method per tag prefix."""

    tags: Sequence[str]
    scheme: Scheme
    chunks: list[Chunk] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    #: The open chunk, if ``start >= 0``.
    start: int = -1
    label: str = ""

    def split(self, i: int, tag: str) -> tuple[str, str]:
        """``(prefix, type)`` of a tag; an ``E-``/``S-`` outside BIOES is read as ``I-``/``B-``,
        and a malformed tag closes the open chunk and gives ``("", "")``."""
        try:
            prefix, label = parse_tag(tag)
        except ValueError as exc:
            self.problems.append((i, str(exc)))
            self.close(i)
            return "", ""
        if self.scheme != "bioes" and prefix in ("E", "S"):
            self.problem(i, f"tag {tag!r} is not {self.scheme.upper()}; declare the scheme bioes")
            prefix = "B" if prefix == "S" else "I"
        return prefix, label

    def problem(self, i: int, message: str) -> None:
        self.problems.append((i, message))

    def close(self, end: int) -> None:
        if self.start >= 0:
            self.chunks.append(Chunk(self.start, end, self.label))
        self.start, self.label = -1, ""

    def open(self, i: int, label: str) -> None:
        self.close(i)
        self.start, self.label = i, label

    def after(self, i: int) -> str:
        return f"{self.tags[i - 1]!r}" if i else "the start of the sentence"

    def unfinished(self, i: int, tag: str) -> None:
        """A BIOES entity is still open where ``tag`` starts another or ends the sentence."""
        if self.scheme == "bioes" and self.start >= 0:
            self.problem(i, f"{tag} follows an unfinished {self.label} entity (expected E-)")

    def outside(self, i: int, tag: str, label: str) -> None:
        if self.scheme == "bioes" and self.start >= 0:
            self.problem(i, f"entity {self.label} is not closed with E-{self.label} before O")
        self.close(i)

    def begin(self, i: int, tag: str, label: str) -> None:
        self.unfinished(i, tag)
        self.open(i, label)

    def inside(self, i: int, tag: str, label: str) -> None:
        if self.start >= 0 and self.label == label:
            return
        if self.scheme != "iob1":
            self.problem(
                i,
                f"{tag} follows {self.after(i)}: in {self.scheme.upper()} an entity starts with "
                f"B-{label}",
            )
        self.open(i, label)

    def end(self, i: int, tag: str, label: str) -> None:
        if not (self.start >= 0 and self.label == label):
            self.problem(i, f"{tag} follows {self.after(i)}: expected after B-{label} or I-{label}")
            self.open(i, label)
        self.close(i + 1)

    def single(self, i: int, tag: str, label: str) -> None:
        self.unfinished(i, tag)
        self.close(i)
        self.chunks.append(Chunk(i, i + 1, label))

    def finish(self) -> None:
        if self.scheme == "bioes" and self.start >= 0:
            self.problem(
                len(self.tags) - 1, f"entity {self.label} is not closed with E-{self.label}"
            )
        self.close(len(self.tags))


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
