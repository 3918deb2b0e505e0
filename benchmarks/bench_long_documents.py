"""Time per MB of the regex and spaCy extractors on documents of 0.1 to 8 MB (issue #19): linear
in document length means the same time per MB at every size.

Usage::

    python benchmarks/bench_long_documents.py                       # regex and spacy
    python benchmarks/bench_long_documents.py --extractors regex --sizes 0.125,1,8

Each document is one text of the given size: PolNeAR train articles (``$POLNEAR_DIR``, default
``/work/shared/data/polnear``; never committed) joined with blank lines, in a fixed order, cut at
the size; without PolNeAR, the five seed articles repeated. Each extractor reads each document
once, in this process, all tasks; the time is this process's CPU time (fair on a busy machine).
Prints, per size, the seconds, the seconds per MB and its ratio to the smallest size's; the
target is a ratio of at most ``--max-ratio`` (1.5) at every size, and the exit status says
whether every extractor met it.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

from harness.extractors import Extractor
from harness.model import TextDoc

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = Path(os.environ.get("POLNEAR_DIR", "/work/shared/data/polnear")) / "train" / "text"


def long_text(n_chars: int) -> str:
    """``n_chars`` characters of news: PolNeAR train articles, else the seeds, repeated."""
    files = sorted(POLNEAR.glob("*.txt")) or sorted((ROOT / "seeds").glob("*.txt"))
    texts = [f.read_text(encoding="utf-8").strip() for f in files]
    parts, size, i = [], 0, 0
    while size < n_chars:
        parts.append(texts[i % len(texts)])
        size += len(parts[-1]) + 2
        i += 1
    return "\n\n".join(parts)[:n_chars]


def make(name: str) -> Extractor:
    if name == "regex":
        from harness_regex.extractor import RegexExtractor

        return RegexExtractor()
    if name == "spacy":
        from harness_spacy.extractor import SpacyExtractor

        ex = SpacyExtractor()
        ex.setup()
        return ex
    raise SystemExit(f"unknown extractor {name!r} (regex or spacy)")


def bench(name: str, sizes: list[float], max_ratio: float) -> bool:
    ex = make(name)
    list(ex.extract([TextDoc("warm-up", long_text(20_000))]))
    header = f"{'MB':>6} {'chars':>10} {'CPU s':>8} {'s/MB':>7} {'ratio':>6} {'max RSS MB':>10}"
    print(f"\n{name}: {header}")
    base = None
    ok = True
    for mb in sizes:
        text = long_text(int(mb * 2**20))
        t0 = time.process_time()
        (pred,) = ex.extract([TextDoc(f"{mb}MB", text)])
        seconds = time.process_time() - t0
        per_mb = seconds / mb
        base = base or per_mb
        ratio = per_mb / base
        ok &= ratio <= max_ratio
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{'':{len(name) + 1}} {mb:6.3g} {len(text):10,} {seconds:8.2f} {per_mb:7.2f} "
            f"{ratio:6.2f} {rss:10.0f}   ({len(pred.entities):,} entities, "
            f"{len(pred.quotes):,} quotes)",
            flush=True,
        )
    print(f"{'':{len(name) + 1}} target: time per MB at most x{max_ratio} the smallest's: "
          f"{'met' if ok else 'MISSED'}")  # fmt: skip
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extractors", default="regex,spacy")
    ap.add_argument("--sizes", default="0.1,0.5,2,8", help="document sizes in MB")
    ap.add_argument("--max-ratio", type=float, default=1.5)
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; text from "
          f"{POLNEAR if POLNEAR.is_dir() else ROOT / 'seeds'}")  # fmt: skip
    results = [bench(name, sizes, args.max_ratio) for name in args.extractors.split(",")]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
