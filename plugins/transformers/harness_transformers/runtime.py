"""How the models run on a CPU: the number type (dtype) and the number of torch threads.

Both defaults were chosen by measurement (``benchmarks/bench_speed.py``, numbers in the plugin's
README):

- **dtype** ``auto`` runs the model in bfloat16 when the device is the CPU and the CPU has native
  bfloat16 instructions (the ``avx512_bf16`` or ``amx_bf16`` flags of Intel Cooper Lake /
  Sapphire Rapids and AMD Zen 4 and later); otherwise float32. Without native support, torch
  emulates bfloat16 and is slower than float32, so ``auto`` never picks it there.
- **threads** ``auto`` lets a :class:`ThreadTuner` choose between one thread and all the cores
  the process may use, batch by batch, from the measured throughput. On a quiet machine all cores
  win; on a busy one a thread that loses its core stalls every parallel region of the others
  (measured on a busy 2-core machine: 2 threads ran 4x slower than 1), so one thread wins. Load
  changes during a run, so the tuner keeps measuring: it pits the other count against the current
  one on two neighbouring batches now and then, less often while the choice holds.

Nothing here imports torch at module level.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: CPU flags (``/proc/cpuinfo``) that mean native bfloat16 arithmetic.
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> frozenset[str]:
    """The CPU feature flags the kernel reports (empty when they cannot be read)."""
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def cpu_has_native_bf16(flags: frozenset[str] | None = None) -> bool:
    """Whether the CPU computes in bfloat16 natively (AVX512-BF16 or AMX-BF16)."""
    return bool((cpu_flags() if flags is None else flags) & BF16_FLAGS)


def resolve_dtype(option: str, device: str, flags: frozenset[str] | None = None) -> str:
    """The dtype name to run in: ``"bfloat16"`` or ``"float32"`` for ``option="auto"``."""
    if option != "auto":
        return option
    if device == "cpu" and cpu_has_native_bf16(flags):
        return "bfloat16"
    return "float32"


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def thread_candidates(cores: int) -> tuple[int, ...]:
    """Thread counts the tuner chooses from: 1, half the cores (from 4 up) and all of them."""
    return tuple(sorted({1, max(1, cores // 2) if cores >= 4 else 1, cores}))


@dataclass
class ThreadTuner:
    """Chooses a thread count for each batch by duels between neighbouring batches.

    Call :meth:`choose` before a batch and :meth:`record` after it with the work done (e.g.
    padded tokens) and the seconds it took. The first batch is a warm-up. Then, every
    ``interval`` batches, a *duel*: one batch with a challenger (the other candidates in turn),
    the next with the current count, and the challenger wins when its rate beats the current
    count's by ``margin``. Neighbouring batches have nearly the same shape (the tagger sorts
    windows by length), so the duel compares like with like, whereas rates of batches far apart
    differ by their shape alone. A lost duel doubles the interval (up to ``max_interval``), a won
    one switches and resets it, so a machine that gets busy or quiet is followed at a small
    cost: one batch in ``interval`` runs with the other count.
    """

    candidates: tuple[int, ...]
    interval: int = 8
    max_interval: int = 64
    margin: float = 0.05
    current: int = 0
    batches: int = 0
    since_duel: int = 0
    _min_interval: int = 0
    _challenger: int | None = None
    _challenger_rate: float | None = None
    _turn: int = 0

    def __post_init__(self) -> None:
        if not self.candidates or any(c < 1 for c in self.candidates):
            raise ValueError(f"thread candidates must be positive, got {self.candidates}")
        self.candidates = tuple(sorted(set(self.candidates)))
        self.current = self.current or self.candidates[-1]
        self._min_interval = self.interval
        self.since_duel = self.interval  # the first duel comes right after the warm-up

    def choose(self) -> int:
        """The thread count to use for the next batch."""
        if len(self.candidates) == 1 or self.batches == 0:
            return self.current
        if self._challenger is None and self.since_duel >= self.interval:
            others = [c for c in self.candidates if c != self.current]
            self._challenger = others[self._turn % len(others)]
            self._turn += 1
            self._challenger_rate = None
            return self._challenger
        return self.current

    def record(self, threads: int, work: float, seconds: float) -> None:
        """Add the measure of a batch run with ``threads`` threads."""
        self.batches += 1
        if self.batches == 1 or self._challenger is None:
            self.since_duel += 1
            return
        rate = work / seconds if seconds > 0 and work > 0 else 0.0
        if self._challenger_rate is None and threads == self._challenger:
            self._challenger_rate = rate
            return
        if threads != self.current or self._challenger_rate is None:
            return
        if self._challenger_rate > rate * (1 + self.margin):
            self.current = self._challenger
            self.interval = self._min_interval
        else:
            self.interval = min(self.interval * 2, self.max_interval)
        self._challenger = None
        self.since_duel = 0


def parse_threads(value: Any) -> int | None:
    """``None`` for ``"auto"``, else a positive int (``ValueError`` otherwise)."""
    if value == "auto":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"threads must be 'auto' or a positive integer, got {value!r}")
    return value
