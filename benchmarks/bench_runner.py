"""Runner benchmarks, printed as ratios measured in one process (the machines are noisy).

1. Overhead: with the regex extractor, the share of a run spent outside the extractor
   (goldset loading and validation, prediction checks, scoring, bootstrap). Target: < 10%.
   The reference is the extractor *alone* - ``extract`` called on the same documents in the
   same batches, with nothing else going on - so a harness that slowed the extractor down
   (say, with a thread competing for the interpreter lock) could not hide its cost in it:
   share = (run - extractor alone) / run. It is measured with scoring in a worker process (the
   default on a machine with an idle CPU; ``HARNESS_SCORING_WORKER=always`` here) and in line
   (``HARNESS_SCORING_WORKER=0``); the best of ``--rounds`` rounds counts.
   Next to the wall-clock time it prints this process's CPU time (all its threads, not the
   worker's): on a busy machine the worker competes with other jobs for the second core, so the
   wall clock favours scoring in line, while the CPU time shows what the main process itself
   spends (what a quiet machine with a free core would take, as long as the worker keeps up).
2. Cache: a cached re-run of an unchanged config against the first run. Target: >= 20x faster.

The goldset is the seed goldset replicated N times (distinct ids), written to a temporary folder.

    python benchmarks/bench_runner.py [--copies 200] [--extractor regex] [--cache-extractor spacy]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import runner
from harness.background import ENV_WORKER, worker_mode
from harness.config import parse_config
from harness.goldset import load_goldset
from harness.model import TextDoc
from harness.plugins import get_plugins

ROOT = Path(__file__).resolve().parents[1]


def replicate_goldset(dest: Path, copies: int) -> Path:
    """Write ``copies`` copies of the seed goldset (texts + annotations) under ``dest``."""
    src = ROOT / "goldsets" / "seeds"
    gold = dest / "gold"
    texts = gold / "texts"  # inside the goldset folder, where the reader looks
    gold.mkdir(parents=True)
    texts.mkdir()
    shutil.copy(src / "goldset.yaml", gold / "goldset.yaml")
    for f in sorted(src.glob("*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        raw = (ROOT / rec["text_path"]).read_bytes()
        for i in range(copies):
            doc_id = f"{rec['id']}_{i:05d}"
            # a distinct text per copy so the cache cannot share entries between copies
            body = raw + f"\n\n[copy {i}]\n".encode()
            (texts / f"{doc_id}.txt").write_bytes(body)
            out = {
                **rec,
                "id": doc_id,
                "text_path": f"texts/{doc_id}.txt",
                "text_sha256": hashlib.sha256(body).hexdigest(),
            }
            (gold / f"{doc_id}.json").write_text(json.dumps(out, ensure_ascii=False))
    return gold


def timed_run(gold: Path, extractor: str, cache: Path | None, samples: int) -> runner.RunResult:
    cfg = parse_config(
        {
            "goldset": str(gold),
            "extractors": [{"name": extractor}],
            "cache": str(cache) if cache else None,
            "bootstrap": {"samples": samples},
        },
        base=gold,
    )
    return runner.run(cfg)


def extractor_alone(gold: Path, extractor: str) -> tuple[float, float]:
    """Seconds (wall clock, CPU) the extractor needs for the goldset's documents, in the
    runner's batches."""
    cfg = parse_config({"goldset": str(gold), "extractors": [{"name": extractor}]}, base=gold)
    ec = cfg.extractors[0]
    cls = get_plugins().extractor(ec.name)
    ex = cls(ec.parsed_options, frozenset(t for t in cfg.tasks if t in cls.tasks))
    ex.setup()
    docs = [TextDoc(d.id, d.text) for d in load_goldset(gold)]
    size = ec.batch_size or cfg.batch_size
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(docs), size):
        list(ex.extract(docs[i : i + size]))
    return time.perf_counter() - t0, time.process_time() - c0


def overhead(
    gold: Path, extractor: str, samples: int, rounds: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Best (lowest) wall-clock and CPU time of each mode, and of the extractor alone, over
    ``rounds`` rounds (the modes interleaved, so that a change of load hits all of them)."""
    best = {"alone": float("inf"), "worker": float("inf"), "in line": float("inf")}
    cpu = dict(best)
    for _ in range(rounds):
        wall, used = extractor_alone(gold, extractor)
        best["alone"], cpu["alone"] = min(best["alone"], wall), min(cpu["alone"], used)
        for mode, flag in (("worker", "always"), ("in line", "0")):
            os.environ[ENV_WORKER] = flag
            t0, c0 = time.perf_counter(), time.process_time()
            timed_run(gold, extractor, None, samples)
            best[mode] = min(best[mode], time.perf_counter() - t0)
            cpu[mode] = min(cpu[mode], time.process_time() - c0)
        os.environ.pop(ENV_WORKER)
    return best, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--copies", type=int, default=200, help="copies of each seed document")
    ap.add_argument("--extractor", default="regex")
    ap.add_argument(
        "--cache-extractor", default=None, help="default: spacy if installed, else regex"
    )
    ap.add_argument("--samples", type=int, default=1000, help="bootstrap samples")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the overhead measure")
    args = ap.parse_args()
    plugins = get_plugins()
    cache_extractor = args.cache_extractor or (
        "spacy" if "spacy" in plugins.extractors else "regex"
    )
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        gold = replicate_goldset(Path(tmp), args.copies)
        n_docs = len(list(gold.glob("*.json")))
        timed_run(gold, args.extractor, None, 0)  # warm-up: imports, regex compilation

        best, cpu = overhead(gold, args.extractor, args.samples, args.rounds)
        alone = best["alone"]
        print(
            f"[overhead] {args.extractor} on {n_docs} documents, {args.samples} bootstrap "
            f"samples (best of {args.rounds}), load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} CPUs: extractor alone {alone:.3f}s (CPU {cpu['alone']:.3f}s)"
        )
        for mode in ("worker", "in line"):
            total, used = best[mode], cpu[mode]
            share = (total - alone) / total
            cpu_share = (used - cpu["alone"]) / used
            target = " (target < 10%)" if mode == "worker" else ""
            print(
                f"  scoring {mode:<7}: run {total:.3f}s, outside the extractor "
                f"{total - alone:.3f}s -> share outside = {share:.1%}{target}; "
                f"this process's CPU {used:.3f}s -> share outside = {cpu_share:.1%}"
            )
        mode = worker_mode(n_docs, 32)
        chosen = "in line" if mode == "never" else "worker"
        print(
            f"  by default (load average now {os.getloadavg()[0]:.1f}) a run scores {chosen}"
            + (" if the first batch says a worker saves time" if mode == "auto" else "")
        )
        ok &= (best[chosen] - alone) / best[chosen] < 0.10

        cache = Path(tmp) / "cache"
        t0 = time.perf_counter()
        timed_run(gold, cache_extractor, cache, args.samples)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = timed_run(gold, cache_extractor, cache, args.samples)
        second = time.perf_counter() - t0
        assert again.extractors[0].cached_docs == n_docs
        ratio = first / second
        print(f"[cache] {cache_extractor} on {n_docs} documents:")
        print(
            f"  first run {first:.3f}s, cached re-run {second:.3f}s "
            f"-> cached re-run is {ratio:.1f}x faster (target >= 20x)"
        )
        ok &= ratio >= 20
    print("PASS" if ok else "FAIL: a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
