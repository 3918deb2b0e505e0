"""Entity candidates and how overlapping ones are resolved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible entity with the priority used to resolve overlaps."""

    start: int
    end: int
    label: str
    priority: int


def resolve(cands: Iterable[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: higher priority first, then longer, then earlier."""
    cands = list(cands)
    taken = bytearray(max((c.end for c in cands), default=0))
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-c.priority, c.start - c.end, c.start)):
        if any(taken[c.start : c.end]):
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    kept.sort(key=lambda c: (c.start, c.end))
    return kept
