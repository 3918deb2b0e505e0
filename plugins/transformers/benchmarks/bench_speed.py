"""Throughput of the transformer models against plain Hugging Face, quiet and with a busy load.

Usage::

    python plugins/transformers/benchmarks/bench_speed.py [--model ner|quotes|both] [--rounds 3]
        [--docs N] [--load 1] [--tuner INTERVAL,MARGIN] [--f1-docs N]

For each model, on the same documents (CoNLL++ dev for the entity model, PolNeAR dev for the
quote model), it times

- **hf**: plain Hugging Face as a user would write it: ``pipeline("token-classification",
  model=..., aggregation_strategy="first", stride=...)`` on each document, float32, torch's
  default threads (the reference);
- **auto**: the extractor with its defaults (``dtype: auto``, ``threads: auto``);
- **float32**: the extractor in float32 with ``threads: auto`` (isolates the dtype);
- **all-cores**: the extractor with ``dtype: auto`` and a fixed thread count of all cores;
- **1-thread**: the extractor with ``dtype: auto`` and one thread;
- **tuner-I/M** (with ``--tuner I,M``): the extractor with its defaults but a thread tuner that
  duels every ``I`` batches and switches on a margin ``M`` (the defaults are 8 and 0.05), to
  decide a change of the tuner by measurement;

first on the machine as it is ("quiet": nothing added by the benchmark; the load average is
printed, because the project's machines are shared), then with ``--load`` competing processes that
spin on the CPU at the benchmark's own priority ("busy"). Throughput is sentences per second (the
sentences of the documents, counted by the extractor's own sentence splitter) over wall time,
the best of ``--rounds`` interleaved rounds; ratios are against **hf** in the same condition.
Targets (exit status 1 when one is missed): auto >= 1.0x hf in both conditions, and auto busy
>= 0.8x the best fixed thread count busy (the thread tuner must not collapse). On a CPU with
native bfloat16, **auto / float32** is the speed-up of bfloat16 (same thread tuner); without it
``auto`` *is* float32 and the line says so.

torch's thread count is global to the process; each runner sets its own before every batch (the
extractor does so since it can share a process with another), and **hf** runs at torch's default
count (all cores), restored before each of its runs.

Same F1 (``--f1-docs N``, default 40; 0 skips): the first N documents of the dev split, with gold,
are run through the extractor in float32 and in bfloat16 (and in bfloat16 with one thread and
with all cores, since the thread count changes the order of the sums) and scored with the
harness's scorers: entity strict micro F1 for the entity model; quote overlap@0.3 F1, speaker
accuracy and attribution F1 for the quote model (speakers resolved with the entity model in the
same dtype). A difference above 0.005 is reported as missed.
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
from harness_transformers.runtime import (
    ThreadTuner,
    cpu_has_native_bf16,
    thread_candidates,
    usable_cores,
)
from harness_transformers.words import segment_tokens, split_words

from harness.goldset import load_goldset
from harness.model import Document, TextDoc
from harness.scoring.document import count_document
from harness.scoring.summary import summarise

DATA = Path(os.environ.get("HARNESS_DATA", "/work/shared/data"))
#: Largest F1 difference between dtypes or thread counts that counts as "the same F1".
SAME_F1 = 0.005
CONLL_LABELS = ["PER", "ORG", "LOC", "MISC"]


def conll_gold() -> list[Document]:
    return list(
        load_goldset(
            DATA / "conllpp" / "conllpp_dev.txt",
            "conll",
            {"scheme": "iob2", "documents": "docstart", "detokenize": "natural"},
        )
    )


def conll_docs() -> list[TextDoc]:
    return [TextDoc(d.id, d.text) for d in conll_gold()]


def polnear_gold() -> list[Document]:
    return list(load_goldset(DATA / "polnear" / "dev", "brat", {"preset": "polnear"}))


def polnear_docs() -> list[TextDoc]:
    folder = DATA / "polnear" / "dev" / "text"
    return [TextDoc(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]


def _torch_default_threads() -> int:
    import torch

    return torch.get_num_threads()


#: torch's thread count before any runner changed it: the plain Hugging Face reference runs with it.
TORCH_DEFAULT_THREADS = _torch_default_threads()


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
    import torch
    from transformers import pipeline

    tagger = pipeline(
        "token-classification",
        model=str(model_dir),
        aggregation_strategy="first",
        stride=stride,
        device="cpu",
    )
    texts = [d.text for d in docs if d.text.strip()]

    def run() -> object:
        torch.set_num_threads(TORCH_DEFAULT_THREADS)  # what a plain script would run with
        return tagger(texts, batch_size=16)

    return run


def extractor_runner(
    docs: Sequence[TextDoc],
    tasks: frozenset[str],
    tuner: tuple[int, float] | None = None,
    **options: Any,
) -> Callable[[], object]:
    extractor = TransformersExtractor(TransformersOptions(**options), tasks)  # type: ignore[arg-type]
    extractor.setup()
    if tuner is not None:
        interval, margin = tuner
        for tagger in (extractor._ner, extractor._quotes):
            if tagger is not None and tagger.tuner is not None:
                tagger.tuner = ThreadTuner(
                    thread_candidates(usable_cores()), interval=interval, margin=margin
                )
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
        if cpu_has_native_bf16():
            ratio = rates["auto"] / rates["float32"]
            print(f"   bfloat16 / float32 (both threads auto) = {ratio:.2f}")
        else:
            print("   no native bfloat16 on this CPU: auto runs float32 (no bfloat16 ratio)")
        for name in rates:
            if name.startswith("tuner-"):
                print(f"   {name} / auto = {rates[name] / rates['auto']:.2f}")
        if rates["auto"] < rates["hf"]:
            print(f"   MISSED: auto slower than hf ({condition})")
            ok = False
    busy = results["busy"]
    fixed = max(busy["all-cores"], busy["1-thread"])
    print(f"-- busy: auto / best fixed thread count = {busy['auto'] / fixed:.2f} (target >= 0.8)")
    return ok and busy["auto"] >= 0.8 * fixed


def runners_for(
    model_dir: Path,
    docs: Sequence[TextDoc],
    tasks: frozenset[str],
    stride: int,
    tuner: tuple[int, float] | None = None,
    **common: Any,
) -> dict[str, Callable[[], object]]:
    cores = usable_cores()
    runners = {
        "hf": hf_runner(model_dir, docs, stride),
        "auto": extractor_runner(docs, tasks, **common),
        "float32": extractor_runner(docs, tasks, dtype="float32", **common),
        "all-cores": extractor_runner(docs, tasks, threads=cores, **common),
        "1-thread": extractor_runner(docs, tasks, threads=1, **common),
    }
    if tuner is not None:
        runners[f"tuner-{tuner[0]}/{tuner[1]:g}"] = extractor_runner(docs, tasks, tuner, **common)
    return runners


def same_f1(
    title: str, gold: Sequence[Document], tasks: frozenset[str], metrics: list[str]
) -> bool:
    """Harness scores of the extractor in float32 and in bfloat16 (all cores, one thread)."""
    settings = {
        "float32": {"dtype": "float32", "threads": usable_cores()},
        "bfloat16": {"dtype": "bfloat16", "threads": usable_cores()},
        "bfloat16 1-thread": {"dtype": "bfloat16", "threads": 1},
    }
    docs = [TextDoc(d.id, d.text) for d in gold]
    labels = CONLL_LABELS if "entities" in tasks else []
    scored: dict[str, dict[str, float]] = {}
    for name, options in settings.items():
        extractor = TransformersExtractor(TransformersOptions(**options), tasks)  # type: ignore[arg-type]
        extractor.setup()
        preds = list(extractor.extract(docs))
        per_doc = [
            count_document(g, p, sorted(tasks), labels) for g, p in zip(gold, preds, strict=True)
        ]
        scores = summarise(per_doc, labels)
        scored[name] = {m: scores.get(m, float("nan")) for m in metrics}
    print(f"\n== same F1, {title}: first {len(gold)} dev documents, harness scorers")
    ok = True
    for metric in metrics:
        ref = scored["float32"][metric]
        cells = "   ".join(f"{name} {s[metric]:.4f}" for name, s in scored.items())
        worst = max(abs(s[metric] - ref) for s in scored.values())
        flag = "" if worst <= SAME_F1 else f"   MISSED (> {SAME_F1})"
        ok &= worst <= SAME_F1
        print(f"   {metric:24s} {cells}   max diff {worst:.4f}{flag}")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["ner", "quotes", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--docs", type=int, default=0, help="first N documents (0: all)")
    parser.add_argument("--load", type=int, default=1, help="competing processes when busy")
    parser.add_argument(
        "--tuner", default="", help="INTERVAL,MARGIN: also time a thread tuner with these settings"
    )
    parser.add_argument(
        "--f1-docs", type=int, default=40, help="dev documents of the same-F1 check (0: skip)"
    )
    args = parser.parse_args(argv)
    tuner = None
    if args.tuner:
        interval, margin = args.tuner.split(",")
        tuner = (int(interval), float(margin))
    print(
        f"cores {usable_cores()}, native bfloat16: {cpu_has_native_bf16()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    ok = True
    if args.model in ("ner", "both"):
        docs = conll_docs()[: args.docs or None]
        runners = runners_for(BUNDLED_MODEL, docs, frozenset({"entities"}), 32, tuner)
        ok &= measure("entity model (CoNLL++ dev)", docs, runners, args.rounds, args.load)
        del runners
        if args.f1_docs:
            gold = conll_gold()[: args.f1_docs]
            metrics = ["entities.strict.micro.f1"]
            ok &= same_f1("entity model (CoNLL++ dev)", gold, frozenset({"entities"}), metrics)
    if args.model in ("quotes", "both"):
        docs = polnear_docs()[: args.docs or None]
        runners = runners_for(BUNDLED_QUOTES_MODEL, docs, frozenset({"quotes"}), 64, tuner)
        ok &= measure("quote model (PolNeAR dev)", docs, runners, args.rounds, args.load)
        del runners
        if args.f1_docs:
            gold = polnear_gold()[: args.f1_docs]
            metrics = ["quotes.overlap@0.3.f1", "speakers.accuracy", "attribution.f1"]
            tasks = frozenset({"quotes", "speakers"})
            ok &= same_f1("quote model (PolNeAR dev)", gold, tasks, metrics)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
