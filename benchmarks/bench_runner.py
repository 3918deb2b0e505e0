"""Runner benchmarks, printed as ratios measured in one process (the machines are noisy).

1. Overhead: with the regex extractor, the share of a run spent outside the extractor
   (goldset loading and validation, prediction checks, scoring, bootstrap). Target: < 10%.
2. Cache: a cached re-run of an unchanged config against the first run. Target: >= 20x faster.

The goldset is the seed goldset replicated N times (distinct ids), written to a temporary folder.

    python benchmarks/bench_runner.py [--copies 200] [--extractor regex] [--cache-extractor spacy]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import runner
from harness.config import parse_config
from harness.plugins import get_plugins

ROOT = Path(__file__).resolve().parents[1]


def replicate_goldset(dest: Path, copies: int) -> Path:
    """Write ``copies`` copies of the seed goldset (texts + annotations) under ``dest``."""
    src = ROOT / "goldsets" / "seeds"
    gold = dest / "gold"
    texts = dest / "texts"
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--copies", type=int, default=200, help="copies of each seed document")
    ap.add_argument("--extractor", default="regex")
    ap.add_argument(
        "--cache-extractor", default=None, help="default: spacy if installed, else regex"
    )
    ap.add_argument("--samples", type=int, default=1000, help="bootstrap samples")
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

        t0 = time.perf_counter()
        res = timed_run(gold, args.extractor, None, args.samples)
        total = time.perf_counter() - t0
        r = res.extractors[0]
        outside = total - r.seconds_extract - r.seconds_setup
        share = outside / total
        print(
            f"[overhead] {args.extractor} on {n_docs} documents, {args.samples} bootstrap samples:"
        )
        print(
            f"  run {total:.3f}s, in extractor {r.seconds_extract:.3f}s, "
            f"outside {outside:.3f}s -> share outside = {share:.1%} (target < 10%)"
        )
        ok &= share < 0.10

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
