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
  changes during a run, so the tuner keeps measuring: it re-tries the other count now and then,
  less often while the choice keeps being confirmed.

Nothing here imports torch at module level.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
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
    """Chooses a thread count for each batch from the throughput measured on earlier batches.

    Call :meth:`choose` before a batch and :meth:`record` after it with the work done (e.g.
    tokens) and the seconds it took. The first batch is a warm-up and is not recorded; then each
    candidate is tried once; afterwards the fastest is used and, every ``interval`` batches, the
    other candidate that was measured least recently is tried once. A probe that confirms the
    choice doubles the interval (up to ``max_interval``); one that wins switches and resets it.
    The rate of the count in use is exponentially weighted (``alpha``); a probe replaces the
    probed count's old rate, so a machine that gets busy or quiet is followed.
    """

    candidates: tuple[int, ...]
    interval: int = 8
    max_interval: int = 64
    alpha: float = 0.5
    rates: dict[int, float] = field(default_factory=dict)
    last_seen: dict[int, int] = field(default_factory=dict)
    batches: int = 0
    since_probe: int = 0
    _min_interval: int = 0
    _warm: bool = False
    _probing: int | None = None

    def __post_init__(self) -> None:
        if not self.candidates or any(c < 1 for c in self.candidates):
            raise ValueError(f"thread candidates must be positive, got {self.candidates}")
        self.candidates = tuple(sorted(set(self.candidates)))
        self._min_interval = self.interval

    def best(self) -> int:
        """The candidate with the highest measured rate (the largest one before any measure)."""
        if not self.rates:
            return self.candidates[-1]
        return max(self.rates, key=lambda c: (self.rates[c], -c))

    def choose(self) -> int:
        """The thread count to use for the next batch."""
        if len(self.candidates) == 1 or not self._warm:
            return self.candidates[-1]
        untried = [c for c in self.candidates if c not in self.rates]
        if untried:
            self._probing = untried[0]
            return untried[0]
        if self.since_probe >= self.interval:
            current = self.best()
            others = [c for c in self.candidates if c != current]
            self._probing = min(others, key=lambda c: self.last_seen.get(c, -1))
            return self._probing
        self._probing = None
        return self.best()

    def record(self, threads: int, work: float, seconds: float) -> None:
        """Add the measure of a batch run with ``threads`` threads."""
        self.batches += 1
        if not self._warm:
            self._warm = True
            return
        if seconds <= 0 or work <= 0:
            return
        rate = work / seconds
        first_measure = threads not in self.rates
        before = self.best() if self.rates else threads
        old = self.rates.get(threads)
        probing, self._probing = self._probing, None
        # a probe's earlier rate is stale (the load may have changed since): it is replaced
        fresh = old is None or probing is not None
        self.rates[threads] = rate if fresh else self.alpha * rate + (1 - self.alpha) * old
        self.last_seen[threads] = self.batches
        if probing is None:
            self.since_probe += 1
            return
        self.since_probe = 0
        if first_measure:
            return  # trying each candidate once: no probe to judge yet
        if self.best() != before:
            self.interval = self._min_interval
        else:
            self.interval = min(self.interval * 2, self.max_interval)


def parse_threads(value: Any) -> int | None:
    """``None`` for ``"auto"``, else a positive int (``ValueError`` otherwise)."""
    if value == "auto":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"threads must be 'auto' or a positive integer, got {value!r}")
    return value
