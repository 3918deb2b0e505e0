"""dtype and thread choices: CPU flags, the thread tuner on simulated machines, the options."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from harness_transformers.extractor import TransformersExtractor, TransformersOptions
from harness_transformers.runtime import (
    ThreadTuner,
    cpu_flags,
    cpu_has_native_bf16,
    parse_threads,
    resolve_dtype,
    thread_candidates,
)

from harness.errors import ConfigError
from harness.model import TextDoc
from harness.options import parse_options

CPUINFO = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse avx2 avx512f {extra}\n\n"


def write_cpuinfo(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO.format(extra=extra), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "native"), [("", False), ("avx512_bf16", True), ("amx_tile amx_bf16", True)]
)
def test_native_bf16_from_cpu_flags(tmp_path: Path, extra: str, native: bool) -> None:
    flags = cpu_flags(write_cpuinfo(tmp_path, extra))
    assert "avx512f" in flags
    assert cpu_has_native_bf16(flags) is native
    assert resolve_dtype("auto", "cpu", flags) == ("bfloat16" if native else "float32")
    assert resolve_dtype("auto", "cuda", flags) == "float32"
    assert resolve_dtype("float32", "cpu", flags) == "float32"
    assert resolve_dtype("bfloat16", "cpu", flags) == "bfloat16"


def test_unreadable_cpuinfo_means_no_flags(tmp_path: Path) -> None:
    assert cpu_flags(tmp_path / "missing") == frozenset()
    assert resolve_dtype("auto", "cpu", frozenset()) == "float32"


def test_thread_candidates() -> None:
    assert thread_candidates(1) == (1,)
    assert thread_candidates(2) == (1, 2)
    assert thread_candidates(8) == (1, 4, 8)


def simulate(tuner: ThreadTuner, rate: Callable[[int, int], float], batches: int) -> list[int]:
    """Run ``batches`` batches of 1000 tokens on a machine whose speed is ``rate(threads, i)``."""
    used = []
    for i in range(batches):
        threads = tuner.choose()
        used.append(threads)
        tuner.record(threads, 1000.0, 1000.0 / rate(threads, i))
    return used


def test_tuner_uses_all_cores_on_a_quiet_machine() -> None:
    used = simulate(ThreadTuner((1, 2)), lambda t, i: 500.0 * t**0.8, 200)
    assert Counter(used[20:])[2] / len(used[20:]) > 0.9


def test_tuner_falls_back_to_one_thread_on_a_busy_machine() -> None:
    used = simulate(ThreadTuner((1, 2)), lambda t, i: 220.0 if t == 1 else 55.0, 200)
    slow = Counter(used[20:])[2]
    assert slow / len(used[20:]) < 0.1  # probes of the collapsed count stay rare
    # the cost against always using the best count is small
    spent = sum(1000 / (220.0 if t == 1 else 55.0) for t in used)
    assert spent / (200 * 1000 / 220.0) < 1.15


def test_tuner_follows_a_change_of_load() -> None:
    def rate(t: int, i: int) -> float:
        busy = 100 <= i < 200
        return (220.0 if t == 1 else 55.0) if busy else 500.0 * t**0.8

    used = simulate(ThreadTuner((1, 2)), rate, 300)
    assert Counter(used[80:100])[2] >= 15  # quiet: two threads
    assert Counter(used[170:200])[1] >= 25  # busy: one thread
    assert Counter(used[280:300])[2] >= 15  # quiet again: two threads


@pytest.mark.parametrize("busy", [False, True])
def test_tuner_is_not_fooled_by_batches_that_grow(busy: bool) -> None:
    """Windows are sorted by length, so later batches run faster per token whatever the count."""

    def rate(t: int, i: int) -> float:
        base = (220.0 if t == 1 else 55.0) if busy else 500.0 * t**0.8
        return base * (0.3 + i / 50)

    used = simulate(ThreadTuner((1, 2)), rate, 200)
    best = 1 if busy else 2
    assert Counter(used[20:])[best] / len(used[20:]) > 0.9


def test_tuner_survives_noisy_timings() -> None:
    rng = random.Random(0)
    used = simulate(
        ThreadTuner((1, 2)), lambda t, i: (220.0 if t == 1 else 55.0) * rng.uniform(0.6, 1.4), 300
    )
    assert Counter(used[20:])[1] / len(used[20:]) > 0.85


def test_tuner_with_one_candidate_never_probes() -> None:
    assert set(simulate(ThreadTuner((1,)), lambda t, i: 100.0, 20)) == {1}
    with pytest.raises(ValueError):
        ThreadTuner((0, 2))


def test_threads_and_dtype_options() -> None:
    assert parse_threads("auto") is None and parse_threads(3) == 3
    for bad in (0, -1, True, "two"):
        with pytest.raises(ValueError):
            parse_threads(bad)
    opts = parse_options(TransformersOptions, {"threads": 1, "dtype": "bfloat16"}, "cfg")
    assert opts.threads == 1 and opts.dtype == "bfloat16"
    assert parse_options(TransformersOptions, {}, "cfg").threads == "auto"
    for raw in ({"threads": 0}, {"threads": "many"}, {"dtype": "float16"}):
        with pytest.raises(ConfigError):
            parse_options(TransformersOptions, raw, "cfg")


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_model_runs_in_the_chosen_dtype(tiny_bert_dir: Path, dtype: str) -> None:
    import torch

    extractor = TransformersExtractor(
        TransformersOptions(model=str(tiny_bert_dir), dtype=dtype, threads=1),  # type: ignore[arg-type]
        frozenset({"entities"}),
    )
    extractor.setup()
    assert {p.dtype for p in extractor._ner.model.parameters()} == {getattr(torch, dtype)}
    (pred,) = extractor.extract([TextDoc("d", "Angela Merkel visited Berlin on Monday.")])
    assert pred.doc_id == "d"


def test_fixed_threads_hold_when_another_tagger_changes_them(
    tiny_bert_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch's thread count is process-wide: a fixed ``threads`` is restored before each batch."""
    import torch

    seen: list[int] = []
    extractor = TransformersExtractor(
        TransformersOptions(model=str(tiny_bert_dir), threads=1),  # type: ignore[arg-type]
        frozenset({"entities"}),
    )
    extractor.setup()
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)  # what another extractor of the process could leave behind
        model = extractor._ner.model
        forward = model.forward

        def spy(*args: object, **kwargs: object) -> object:
            seen.append(torch.get_num_threads())
            return forward(*args, **kwargs)

        monkeypatch.setattr(model, "forward", spy)
        list(extractor.extract([TextDoc("d", "Angela Merkel visited Berlin on Monday.")]))
    finally:
        torch.set_num_threads(before)
    assert seen and set(seen) == {1}
