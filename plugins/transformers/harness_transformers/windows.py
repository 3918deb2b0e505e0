"""Overlapping windows over a long token sequence, and the choice of one window per token.

A document longer than the model's window is cut into windows of ``size`` tokens that overlap by
``stride`` tokens. Each token is predicted in every window that holds it; its prediction is taken
from the window where it is most central (farthest from a window edge), so context is maximal and
each token gets exactly one prediction: spans are never duplicated nor split at a boundary.
"""

from __future__ import annotations


def plan_windows(n_tokens: int, size: int, stride: int) -> list[tuple[int, int]]:
    """``(start, end)`` token ranges covering ``range(n_tokens)``, overlapping by ``stride``."""
    if size < 1:
        raise ValueError(f"window size must be positive, got {size}")
    if not 0 <= stride < size:
        raise ValueError(f"stride must be in [0, {size}), got {stride}")
    if n_tokens <= size:
        return [(0, n_tokens)]
    step = size - stride
    windows: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + size, n_tokens)
        if end == n_tokens:
            windows.append((max(0, n_tokens - size), n_tokens))  # last window kept full-size
            break
        windows.append((start, end))
        start += step
    return windows


def best_window(windows: list[tuple[int, int]], n_tokens: int) -> list[int]:
    """For each token, the index of the window in which it is most central (ties: the earlier)."""
    choice = [-1] * n_tokens
    score = [-1] * n_tokens
    for w, (start, end) in enumerate(windows):
        for i in range(start, end):
            centrality = min(i - start, end - 1 - i)
            if centrality > score[i]:
                score[i] = centrality
                choice[i] = w
    return choice


def plan_segments(segments: list[tuple[int, int]], size: int, stride: int) -> list[tuple[int, int]]:
    """Windows over each ``(start, end)`` token segment separately, in absolute token indices.

    No window crosses a segment boundary, so :func:`best_window` over the result keeps every
    token inside its own segment's windows.
    """
    windows: list[tuple[int, int]] = []
    for start, end in segments:
        if end > start:
            windows.extend(
                (start + a, start + b) for a, b in plan_windows(end - start, size, stride)
            )
    return windows
