"""Throughput of the transformer models against plain Hugging Face, quiet and with a busy load.

Usage::

    python plugins/transformers/benchmarks/bench_speed.py [--model ner|quotes|both] [--rounds 3]
        [--docs N] [--load 1]

For each model, on the same documents (CoNLL++ dev for the entity model, PolNeAR dev for the
quote model), it times

- **hf**: plain Hugging Face as a user would write it: ``pipeline("token-classification",
  model=..., aggregation_strategy="first", stride=...)`` on each document, float32, torch's
  default threads (the reference);
- **auto**: the extractor with its defaults (``dtype: auto``, ``threads: auto``);
- **float32**: the extractor in float32 with ``threads: auto`` (isolates the dtype);
- **all-cores**: the extractor with ``dtype: auto`` and a fixed thread count of all cores;
- **1-thread**: the extractor with ``dtype: auto`` and one thread;

first on the machine as it is ("quiet": nothing added by the benchmark; the load average is
printed, because the project's machines are shared), then with ``--load`` competing processes that
spin on the CPU at the benchmark's own priority ("busy"). Throughput is sentences per second (the
sentences of the documents, counted by the extractor's own sentence splitter) over wall time,
the best of ``--rounds`` interleaved rounds; ratios are against **hf** in the same condition.
Targets (exit status 1 when one is missed): auto >= 1.0x hf in both conditions, and auto busy
>= 0.8x the best fixed thread count busy (the thread tuner must not collapse).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from harness_transformers.extractor import (
    BUNDLED_MODEL,
    BUNDLED_QUOTES_MODEL,
    TransformersExtractor,
    TransformersOptions,
)
from harness_transformers.runtime import cpu_has_native_bf16, usable_cores
from harness_transformers.words import segment_tokens, split_words

from harness.goldset import load_goldset
from harness.model import TextDoc

DATA = Path(os.environ.get("HARNESS_DATA", "/work/shared/data"))


def conll_docs() -> list[TextDoc]:
    gold = load_goldset(
        DATA / "conllpp" / "conllpp_dev.txt",
        "conll",
        {"scheme": "iob2", "documents": "docstart", "detokenize": "natural"},
    )
    return [d.as_text_doc() for d in gold]


def polnear_docs() -> list[TextDoc]:
    folder = DATA / "polnear" / "dev" / "text"
    return [TextDoc(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]


def count_sentences(docs: Sequence[TextDoc]) -> int:
    """Sentences as the extractor's splitter sees them (one token per word is enough here)."""
    total = 0
    for doc in docs:
        words = split_words(doc.text)
        total += len(segment_tokens(doc.text, words, words, list(range(len(words))), "sentences"))
    return total


def spin() -> subprocess.Popen[bytes]:
    """A competing process that keeps one core busy until it is terminated."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def hf_runner(model_dir: Path, docs: Sequence[TextDoc], stride: int) -> Callable[[], object]:
    from transformers import pipeline

    tagger = pipeline(
        "token-classification",
        model=str(model_dir),
        aggregation_strategy="first",
        stride=stride,
        device="cpu",
    )
    texts = [d.text for d in docs if d.text.strip()]
    return lambda: tagger(texts, batch_size=16)


def extractor_runner(
    docs: Sequence[TextDoc], tasks: frozenset[str], **options: Any
) -> Callable[[], object]:
    extractor = TransformersExtractor(TransformersOptions(**options), tasks)  # type: ignore[arg-type]
    extractor.setup()
    return lambda: list(extractor.extract(docs))


def best_wall(rounds: int, fns: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Least wall time of each function over ``rounds`` interleaved rounds (after a warm-up)."""
    for fn in fns.values():
        fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def measure(
    title: str,
    docs: Sequence[TextDoc],
    runners: dict[str, Callable[[], object]],
    rounds: int,
    load: int,
) -> bool:
    sentences = count_sentences(docs)
    print(f"\n== {title}: {len(docs)} documents, {sentences} sentences")
    ok = True
    results: dict[str, dict[str, float]] = {}
    for condition in ("quiet", "busy"):
        spinners = [spin() for _ in range(load)] if condition == "busy" else []
        try:
            time.sleep(0.5 if spinners else 0)
            before = os.getloadavg()[0]
            seconds = best_wall(rounds, runners)
            after = os.getloadavg()[0]
        finally:
            for p in spinners:
                p.terminate()
                p.wait()
        added = f", {load} competing spinning process(es) added" if spinners else ""
        print(f"-- {condition}: load average {before:.1f} -> {after:.1f}{added}")
        rates = {name: sentences / s for name, s in seconds.items()}
        results[condition] = rates
        for name, rate in rates.items():
            print(f"   {name:10s} {rate:8.1f} sentences/s   {rate / rates['hf']:5.2f}x hf")
        if rates["auto"] < rates["hf"]:
            print(f"   MISSED: auto slower than hf ({condition})")
            ok = False
    busy = results["busy"]
    fixed = max(busy["all-cores"], busy["1-thread"])
    print(f"-- busy: auto / best fixed thread count = {busy['auto'] / fixed:.2f} (target >= 0.8)")
    return ok and busy["auto"] >= 0.8 * fixed


def runners_for(
    model_dir: Path, docs: Sequence[TextDoc], tasks: frozenset[str], stride: int, **common: Any
) -> dict[str, Callable[[], object]]:
    cores = usable_cores()
    return {
        "hf": hf_runner(model_dir, docs, stride),
        "auto": extractor_runner(docs, tasks, **common),
        "float32": extractor_runner(docs, tasks, dtype="float32", **common),
        "all-cores": extractor_runner(docs, tasks, threads=cores, **common),
        "1-thread": extractor_runner(docs, tasks, threads=1, **common),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["ner", "quotes", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--docs", type=int, default=0, help="first N documents (0: all)")
    parser.add_argument("--load", type=int, default=1, help="competing processes when busy")
    args = parser.parse_args(argv)
    print(
        f"cores {usable_cores()}, native bfloat16: {cpu_has_native_bf16()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    ok = True
    if args.model in ("ner", "both"):
        docs = conll_docs()[: args.docs or None]
        runners = runners_for(BUNDLED_MODEL, docs, frozenset({"entities"}), 32)
        ok &= measure("entity model (CoNLL++ dev)", docs, runners, args.rounds, args.load)
    if args.model in ("quotes", "both"):
        docs = polnear_docs()[: args.docs or None]
        runners = runners_for(BUNDLED_QUOTES_MODEL, docs, frozenset({"quotes"}), 64)
        ok &= measure("quote model (PolNeAR dev)", docs, runners, args.rounds, args.load)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
