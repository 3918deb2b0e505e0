"""Scale benchmark: time and peak memory from a thousand documents to a hundred thousand, and a
million projected from the measured slopes.

A CoNLL goldset of N invented news-like documents (8 sentences of about 15 tokens, IOB2 tags) is
generated once per size, and its rows cached (the goldset's own load time is measured apart).
Each measurement runs in a fresh process: the whole evaluation as ``harness eval`` does it
(``runner.run`` + ``results.write_run``: extraction with the regex extractor, checks, scoring,
1,000 bootstrap samples, the run folder written), starting from an empty prediction cache,
either in the run's process (``serial``) or with ``workers: 2``. Reported per size and mode:

- wall time and CPU time of the run (this process and its workers), per 1,000 documents;
- peak memory: the largest resident set of the run's process (``ru_maxrss``: what a machine
  must have), and of its child processes (scoring or extraction workers) apart;
- the sizes of ``results.json`` and of the per-document files, and the time ``results.json``
  takes to load;
- a cached re-run (prediction cache warm, same config) against the first run.

Then the growth ratios between sizes (linear time: time per document constant; bounded memory:
peak memory flat) and a projection to 1,000,000 documents from the slope between the two largest
sizes. The machines are shared: the load average is printed with every line, and the CPU time is
the fairer figure on a busy machine.

    python benchmarks/bench_scale.py [--sizes 1000 10000 100000] [--modes serial workers]
                                     [--work DIR]   # keep the generated goldsets between runs
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "an", "is", "bro", "qui", "zen"]
VERBS = ["met", "visited", "thanked", "criticised", "joined", "left", "praised", "called"]
FILLER = ["the", "new", "plan", "on", "Monday", "after", "talks", "about", "trade", "and", "costs"]
#: Targets of issue #18.
MAX_PEAK_MB_100K = 400
MAX_PER_DOC_GROWTH = 1.2
#: The generated CoNLL file of 100,000 documents is 165 MB (one file, above the default limit).
MAX_FILE_BYTES = 2_000_000_000


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
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as f:
        for _ in range(n_docs):
            f.write("-DOCSTART- -X- -X- O\n\n")
            for _ in range(8):
                f.writelines(f"{tok} NN O {tag}\n" for tok, tag in _sentence(rnd))
                f.write("\n")
    tmp.replace(path)


def _config(work: Path, n: int, mode: str) -> Any:
    from harness.config import parse_config

    raw: dict[str, Any] = {
        "goldset": {
            "format": "conll",
            "path": str(work / f"gen-{n}.conll"),
            "scheme": "iob2",
            "max_file_bytes": MAX_FILE_BYTES,
        },
        "tasks": ["entities"],
        "cache": str(work / f"cache-{n}-{mode}"),
        "bootstrap": {"samples": 1000},
        "extractors": [{"name": "regex"}],
    }
    if mode == "workers":
        raw["workers"] = 2
    return parse_config(raw, base=work)


def _cpu() -> float:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child(n: int, mode: str, work: Path, cached: bool) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    os.environ["HARNESS_GOLDSET_CACHE"] = str(work / "rows")
    t_import = time.perf_counter()
    from harness import runner
    from harness.results import load_run, write_run

    if not cached:  # a first run: an empty prediction cache (the cached re-run reads it)
        shutil.rmtree(work / f"cache-{n}-{mode}", ignore_errors=True)
    cfg = _config(work, n, mode)
    out = work / f"run-{n}-{mode}{'-cached' if cached else ''}"
    t0, c0 = time.perf_counter(), _cpu()
    result = runner.run(cfg)
    path = write_run(result, out)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    t1 = time.perf_counter()
    summary = load_run(path).summary
    load_ms = 1000 * (time.perf_counter() - t1)
    ex = summary["extractors"]["regex"]
    per_doc = sum((out / p).stat().st_size for p in ex["files"].values())
    return {
        "docs": n, "mode": mode, "cached": cached, "wall": wall, "cpu": cpu,
        "imports": t0 - t_import,
        "extract": ex["timing"]["extract"],
        "f1": ex["scores"]["entities.strict.micro.f1"],
        "interval": ex["intervals"]["entities.strict.micro.f1"],
        "cached_docs": ex["counts"]["cached_documents"],
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "results_kb": path.stat().st_size / 1024,
        "results_load_ms": load_ms,
        "per_document_mb": per_doc / 2**20,
        "load": os.getloadavg()[0],
    }  # fmt: skip


def _prepare(work: Path, n: int) -> float:
    """Generate the goldset of ``n`` documents and cache its rows; return the load seconds."""
    gold = work / f"gen-{n}.conll"
    if not gold.is_file():
        generate(gold, n)
    code = (
        "import os, sys, time; os.environ['HARNESS_GOLDSET_CACHE'] = sys.argv[2]\n"
        "from harness.goldset import load_goldset\n"
        "t = time.perf_counter()\n"
        "limit = int(sys.argv[3])\n"
        "g = load_goldset(sys.argv[1], 'conll', {'scheme': 'iob2'}, max_file_bytes=limit)\n"
        "print(len(g), time.perf_counter() - t)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(gold), str(work / "rows"), str(MAX_FILE_BYTES)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(done.stdout.split()[-1])


def measure(n: int, mode: str, work: Path, cached: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(n), "--mode", mode, "--work", str(work)]
    cmd += ["--cached"] if cached else []
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.exit(f"child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _line(r: dict[str, Any]) -> str:
    k = r["docs"] / 1000
    name = f"{r['mode']}{' cached' if r['cached'] else ''}"
    return (
        f"{r['docs']:>7} docs {name:<15} wall {r['wall']:7.1f} s ({r['wall'] / k:5.2f} s/1k), "
        f"cpu {r['cpu'] / k:5.2f} s/1k, extract {r['extract'] / k:5.2f} s/1k | "
        f"peak RSS {r['maxrss_mb']:5.0f} MB (children {r['children_maxrss_mb']:4.0f} MB) | "
        f"results.json {r['results_kb']:5.1f} KB, loads in {r['results_load_ms']:5.1f} ms, "
        f"per-document files {r['per_document_mb']:6.1f} MB | load avg {r['load']:.1f}"
    )


def _growth(rows: list[dict[str, Any]]) -> None:
    for mode in sorted({r["mode"] for r in rows if not r["cached"]}):
        runs = sorted((r for r in rows if r["mode"] == mode and not r["cached"]),
                      key=lambda r: r["docs"])  # fmt: skip
        for a, b in itertools.pairwise(runs):
            per_doc = (b["wall"] / b["docs"]) / (a["wall"] / a["docs"])
            cpu = (b["cpu"] / b["docs"]) / (a["cpu"] / a["docs"])
            print(f"{mode}: {a['docs']} -> {b['docs']}: time per document x{per_doc:.2f} "
                  f"(cpu x{cpu:.2f}), peak RSS x{b['maxrss_mb'] / a['maxrss_mb']:.2f}")  # fmt: skip
        if len(runs) >= 2:
            _project(runs[-2], runs[-1])


def _project(a: dict[str, Any], b: dict[str, Any], target: int = 1_000_000) -> None:
    """A million documents from the slope between the two largest sizes."""
    slope_t = (b["wall"] - a["wall"]) / (b["docs"] - a["docs"])
    slope_cpu = (b["cpu"] - a["cpu"]) / (b["docs"] - a["docs"])
    slope_m = (b["maxrss_mb"] - a["maxrss_mb"]) / (b["docs"] - a["docs"])
    slope_f = (b["per_document_mb"] - a["per_document_mb"]) / (b["docs"] - a["docs"])
    t = b["wall"] + slope_t * (target - b["docs"])
    cpu = b["cpu"] + slope_cpu * (target - b["docs"])
    m = b["maxrss_mb"] + slope_m * (target - b["docs"])
    f = b["per_document_mb"] + slope_f * (target - b["docs"])
    print(f"  projected for {target:,} documents ({b['mode']}): wall {t / 60:.0f} min, cpu "
          f"{cpu / 60:.0f} min, peak RSS {m:.0f} MB ({slope_m * 1024 * 1000:.1f} KB per 1,000 "
          f"documents), per-document files {f / 1024:.1f} GB")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--modes", nargs="+", default=["serial", "workers"])
    ap.add_argument("--no-cached", action="store_true", help="skip the cached re-runs")
    ap.add_argument("--work", type=Path, help="keep generated goldsets here between runs")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--cached", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.mode, args.work, args.cached)))
        return
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            seconds = _prepare(work, n)
            print(f"{n:>7} docs goldset parsed and cached in {seconds:.1f} s "
                  f"(load avg {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
            for mode in args.modes:
                for cached in (False,) if args.no_cached else (False, True):
                    rows.append(measure(n, mode, work, cached))
                    print(_line(rows[-1]), flush=True)
    _growth(rows)
    status = _verdict(rows)
    sys.exit(status)


def _verdict(rows: list[dict[str, Any]]) -> int:
    """Exit status: 1 when a target was missed (said why)."""
    missed = [
        f"peak RSS {r['maxrss_mb']:.0f} MB at {r['docs']} documents ({r['mode']})"
        for r in rows
        if r["docs"] >= 100_000 and r["maxrss_mb"] > MAX_PEAK_MB_100K
    ]
    base = {r["mode"]: r for r in rows if r["docs"] == 10_000 and not r["cached"]}
    for r in rows:
        if r["docs"] >= 100_000 and not r["cached"] and r["mode"] in base:
            ratio = (r["cpu"] / r["docs"]) / (base[r["mode"]]["cpu"] / 10_000)
            if ratio > MAX_PER_DOC_GROWTH:
                missed.append(f"CPU time per document x{ratio:.2f} from 10k to {r['docs']}")
    for m in missed:
        print(f"target missed: {m}")
    return 1 if missed else 0


if __name__ == "__main__":
    main()
