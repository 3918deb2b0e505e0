"""Scale benchmark: time and peak memory per 1,000 documents, at 1,000 and 10,000 documents.

A CoNLL goldset of N invented news-like documents (8 sentences of about 15 tokens, IOB2 tags)
is generated, then evaluated with the regex extractor (the replay extractor, replaying the gold
entities, when the regex plugin is not installed; the output says which). Each size runs in a
fresh process, twice: once for time and peak RSS, once under ``tracemalloc`` for the peak of
Python allocations. Two phases are measured:

- ``goldset``: parse + validate the file into the Arrow row cache, then iterate the documents
  twice (as a run with two extractors does) - memory should stay flat as N grows (rows are
  memory-mapped and converted to documents in batches);
- ``run``: the whole ``runner.run`` (goldset, extractor, scoring; no bootstrap, no prediction
  cache) - time should grow linearly. Scoring runs in a worker process (see
  ``harness.background``), whose peak RSS is reported on its own; ``tracemalloc`` sees only
  this process.

Output: one line per size and the growth ratios 10k/1k (linear time = 10x; flat memory = 1x).

    python benchmarks/bench_scale.py [--sizes 1000 10000] [--extractor regex|replay]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "an", "is", "bro", "qui", "zen"]
VERBS = ["met", "visited", "thanked", "criticised", "joined", "left", "praised", "called"]
FILLER = ["the", "new", "plan", "on", "Monday", "after", "talks", "about", "trade", "and", "costs"]


def _name(rnd: random.Random) -> str:
    return "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()


def _sentence(rnd: random.Random) -> list[tuple[str, str]]:
    """Tokens and IOB2 tags: PER verb ORG in LOC, filler, with a closing full stop."""
    toks: list[tuple[str, str]] = [(_name(rnd), "B-PER"), (_name(rnd), "I-PER")]
    toks.append((rnd.choice(VERBS), "O"))
    toks += [(_name(rnd), "B-ORG"), ("Group", "I-ORG"), ("in", "O"), (_name(rnd), "B-LOC")]
    toks += [(rnd.choice(FILLER), "O") for _ in range(rnd.randint(3, 8))]
    if rnd.random() < 0.3:
        toks += [(",", "O"), (_name(rnd), "B-MISC"), ("Cup", "I-MISC")]
    toks.append((".", "O"))
    return toks


def generate(path: Path, n_docs: int, seed: int = 0) -> None:
    """Write a CoNLL file of ``n_docs`` documents, streaming (never held in memory)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for _ in range(n_docs):
            f.write("-DOCSTART- -X- -X- O\n\n")
            for _ in range(8):
                f.writelines(f"{tok} NN O {tag}\n" for tok, tag in _sentence(rnd))
                f.write("\n")


def _extractor(requested: str) -> str:
    if requested != "auto":
        return requested
    from harness.plugins import get_plugins

    try:
        return "regex" if "regex" in get_plugins().extractors else "replay"
    except Exception:  # a broken regex plugin: fall back, and say so
        return "replay"


def child(n_docs: int, extractor: str, trace: bool, work: Path) -> dict[str, Any]:
    """Measure one size in this (fresh) process."""
    if extractor == "replay":
        os.environ["HARNESS_DISABLE_PLUGINS"] = "regex"
    os.environ["HARNESS_GOLDSET_CACHE"] = str(work / f"rows-{n_docs}-{trace}")
    from harness import runner
    from harness.codec import prediction_to_dict
    from harness.config import parse_config
    from harness.goldset import load_goldset
    from harness.model import Prediction

    gold = work / f"gen-{n_docs}.conll"
    if not gold.is_file():
        generate(gold, n_docs)
    options: dict[str, Any] = {}
    if extractor == "replay":  # predictions = gold entities, read from a JSONL file
        preds = work / f"gen-{n_docs}.jsonl"
        with preds.open("w", encoding="utf-8") as f:
            for d in load_goldset(gold, "conll", {"scheme": "iob2"}):
                f.write(json.dumps(prediction_to_dict(Prediction(d.id, d.entities))) + "\n")
        options = {"path": str(preds)}
        os.environ["HARNESS_GOLDSET_CACHE"] = str(work / f"rows2-{n_docs}-{trace}")

    # Warm up: imports (datasets, pyarrow, the extractor's plugin) are not part of the measure.
    warm = work / "warm.conll"
    generate(warm, 2, seed=1)
    load_goldset(warm, "conll", {"scheme": "iob2"})
    from harness.plugins import get_plugins

    get_plugins().extractor(extractor)
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    g = load_goldset(gold, "conll", {"scheme": "iob2"})
    n_ents = 0
    for _ in range(2):
        n_ents = sum(len(d.entities) for d in g)
    t_goldset = time.perf_counter() - t0
    peak_goldset = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.reset_peak()
    os.environ["HARNESS_GOLDSET_CACHE"] = str(work / f"rows3-{n_docs}-{trace}")  # parse again
    cfg = parse_config(
        {
            "goldset": {"format": "conll", "path": str(gold), "scheme": "iob2"},
            "tasks": ["entities"],
            "cache": None,
            "bootstrap": {"samples": 0},
            "extractors": [{"name": extractor, "options": options}],
        },
        base=work,
    )
    t1 = time.perf_counter()
    result = runner.run(cfg)
    t_run = time.perf_counter() - t1
    peak_run = tracemalloc.get_traced_memory()[1] if trace else 0
    return {
        "docs": len(g),
        "entities": n_ents,
        "extractor": extractor,
        "goldset_s": t_goldset,
        "run_s": t_run,
        "extract_s": result.extractors[0].seconds_extract,
        "strict_f1": result.extractors[0].scores.get("entities.strict.micro.f1"),
        "peak_goldset_mb": peak_goldset / 2**20,
        "peak_run_mb": peak_run / 2**20,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # the scoring worker (harness.background), when the run used one: 0 otherwise
        "worker_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def measure(n: int, extractor: str, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for trace in (False, True):
        cmd = [sys.executable, __file__, "--child", str(n), "--extractor", extractor,
               "--work", str(work)] + (["--trace"] if trace else [])  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode:
            sys.exit(f"child failed:\n{proc.stderr[-3000:]}")
        rec = json.loads(proc.stdout.strip().splitlines()[-1])
        if trace:
            out["peak_goldset_mb"], out["peak_run_mb"] = rec["peak_goldset_mb"], rec["peak_run_mb"]
        else:
            out.update(rec)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument(
        "--extractor", default="auto", help="regex, replay or auto (regex if installed)"
    )
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.extractor, args.trace, args.work)))
        return
    extractor = _extractor(args.extractor)
    if extractor == "replay" and args.extractor == "auto":
        print("note: regex plugin not available; using the replay extractor (gold as predictions)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = measure(n, extractor, Path(tmp))
            rows.append(r)
            k = r["docs"] / 1000
            print(
                f"{r['docs']:>6} docs  {r['extractor']:<7} "
                f"goldset {r['goldset_s'] / k:6.3f} s/1k docs, "
                f"peak {r['peak_goldset_mb']:6.1f} MB | "
                f"run {r['run_s'] / k:6.3f} s/1k docs (extract {r['extract_s'] / k:6.3f}), "
                f"peak {r['peak_run_mb']:6.1f} MB | max RSS {r['maxrss_mb']:6.0f} MB, "
                f"scoring worker {r['worker_maxrss_mb']:4.0f} MB",
                flush=True,
            )
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        size = b["docs"] / a["docs"]
        print(f"growth {a['docs']} -> {b['docs']} documents (x{size:g}):")
        for key, label in (
            ("goldset_s", "goldset time"),
            ("run_s", "run time"),
            ("peak_goldset_mb", "goldset peak memory (tracemalloc)"),
            ("peak_run_mb", "run peak memory (tracemalloc)"),
            ("maxrss_mb", "max RSS"),
        ):
            print(f"  {label:<36} x{b[key] / a[key]:.2f}")


if __name__ == "__main__":
    main()
