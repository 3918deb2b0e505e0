"""Throughput of the llm extractor against a slow server, and the cost of a cached re-run.

1. Throughput: a stand-in server in a *separate process* (``python -m harness_llm.testing``)
   answers every request after ``--delay`` seconds (0.2). For each concurrency c in 1, 2, 4, 8,
   16 the extractor sends ``--waves`` x c requests (one per document, entities only, no cache)
   in one batch. Target: >= 0.9 x c / delay requests per second.
2. Cached re-run: 1,000 documents (the five seed articles replicated 200 times, distinct
   texts), entities and quotes, answered from their gold by an in-process stand-in server. The
   first run fills the caches; then, timed: (a) the same config again (the run cache answers
   with the whole results: what ``harness eval`` does on an unchanged config), (b) the config
   with another bootstrap seed (the run cache misses, the prediction cache answers every
   document: a changed scorer option), (c) with ``use_cache=False`` (the extractor runs and
   every answer comes from the response cache, as after an edit of the plugin's code or of an
   option outside the request). Target: each under 2 s, with zero requests sent.

The exit status is 1 when a target is missed. Timings are wall-clock on a shared machine:
the load average is printed with them.

    python plugins/llm/benchmarks/bench_llm_throughput.py [--delay 0.2] [--waves 8]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "plugins" / "llm" / "tests"))

from bench_runner import replicate_goldset  # noqa: E402
from harness_llm.extractor import LLMExtractor  # noqa: E402
from harness_llm.testing import FakeServer, Reply, completion, echo_document, task_of  # noqa: E402
from llm_support import gold_answer  # noqa: E402

from harness import runner  # noqa: E402
from harness.codec import prediction_to_dict  # noqa: E402
from harness.config import parse_config  # noqa: E402
from harness.goldset import load_goldset  # noqa: E402
from harness.model import TextDoc  # noqa: E402
from harness.options import parse_options  # noqa: E402


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def throughput(delay: float, waves: int) -> bool:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "harness_llm.testing", "--port", str(port), "--delay", str(delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    ok = True
    try:
        url = server.stdout.readline().strip() if server.stdout else ""
        print(f"1. throughput against {url} answering in {delay * 1000:.0f} ms ({load()})")
        print("| in flight | requests | seconds | requests/s | target | ratio |")
        print("|---:|---:|---:|---:|---:|---:|")
        for c in (1, 2, 4, 8, 16):
            raw = {"model": "fake-model", "base_url": url, "cache_dir": None, "concurrency": c}
            ex = LLMExtractor(
                parse_options(LLMExtractor.Options, raw, "bench"), frozenset({"entities"})
            )
            ex.setup()
            ex.extract([TextDoc("warm", "Warm up.")])  # connections, threads
            docs = [TextDoc(f"d{i}", f"Document {i} of wave test {c}.") for i in range(waves * c)]
            t0 = time.perf_counter()
            preds = list(ex.extract(docs))
            seconds = time.perf_counter() - t0
            ex.close()
            assert len(preds) == len(docs)
            rate, target = len(docs) / seconds, 0.9 * c / delay
            ok &= rate >= target
            print(
                f"| {c} | {len(docs)} | {seconds:.2f} | {rate:.1f} | {target:.1f} | "
                f"{rate / (c / delay):.3f} |"
            )
    finally:
        server.terminate()
        server.wait()
    return ok


def cached_rerun(copies: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["HARNESS_GOLDSET_CACHE"] = str(work / "rows")
        gold = replicate_goldset(work, copies)
        docs = {d.text: d for d in load_goldset(gold)}

        def respond(request):
            answer = gold_answer(docs[echo_document(request)], task_of(request))
            return Reply(body=completion(json.dumps(answer)))

        with FakeServer(respond) as server:
            raw = {
                "goldset": str(gold),
                "tasks": ["entities", "quotes", "speakers"],
                "cache": str(work / "cache"),
                "bootstrap": {"samples": 0},
                "batch_size": 64,
                "extractors": [
                    {
                        "name": "llm",
                        "options": {
                            "model": "fake-model",
                            "base_url": server.url,
                            "cache_dir": str(work / "llm-cache"),
                            "concurrency": 16,
                        },
                    }
                ],
            }
            cfg = parse_config(raw, base=work)
            t0 = time.perf_counter()
            first = runner.run(cfg)
            t_first = time.perf_counter() - t0
            sent = len(server.chat_requests())
            n = len(first.goldset)
            diag = first.extractors[0].diagnostics.to_dict()["total"]
            print(f"\n2. cached re-run, {n} documents ({load()})")
            print(
                f"   first run: {t_first:.1f} s, {sent} requests, {diag['generated']} strings, "
                f"unaligned {diag['unaligned']}"
            )
            again, t_run = timed(lambda: runner.run(cfg))
            other = parse_config({**raw, "bootstrap": {"samples": 0, "seed": 1}}, base=work)
            reseeded, t_pred = timed(lambda: runner.run(other))
            nocache, t_resp = timed(lambda: runner.run(cfg, use_cache=False))
            resent = len(server.chat_requests()) - sent
            # the floor: the core alone scoring the same predictions (replay extractor)
            preds = work / "preds.jsonl"
            with preds.open("w", encoding="utf-8") as f:
                for p in first.extractors[0].predictions:
                    f.write(json.dumps(prediction_to_dict(p)) + "\n")
            ref = {
                **raw,
                "cache": None,
                "extractors": [{"name": "replay", "options": {"path": str(preds)}}],
            }
            _, t_ref = timed(lambda: runner.run(parse_config(ref, base=work)))
        scores = [r.scores for r in first.extractors]
        same = all([r.scores for r in x.extractors] == scores for x in (again, reseeded, nocache))
        reused = [
            r.execution.get("reused", False) for r in (*again.extractors, *reseeded.extractors)
        ]
        print("   | run | wall s | CPU s (this process) |")
        print("   |---|---:|---:|")
        for name, (wall, cpu) in (
            ("re-run, unchanged config: the run cache answers (harness eval)", t_run),
            ("re-run, another bootstrap seed: the prediction cache answers", t_pred),
            ("re-run, every answer from the response cache (--no-cache)", t_resp),
            ("reference: replay of the same predictions, no cache", t_ref),
        ):
            print(f"   | {name} | {wall:.2f} | {cpu:.2f} |")
        print(
            f"   requests sent by the re-runs: {resent}; same scores: {same}; run cache used: "
            f"{reused} (expected [True, False]); target < 2 s wall each ({load()})"
        )
        ok = all(t[0] < 2 for t in (t_run, t_pred, t_resp))
        return ok and resent == 0 and same and reused == [True, False]


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, (time.perf_counter() - w, time.process_time() - c)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--waves", type=int, default=8)
    ap.add_argument("--copies", type=int, default=200, help="copies of the 5 seed articles")
    ap.add_argument("--cached-only", action="store_true", help="skip the throughput part")
    args = ap.parse_args()
    ok = True if args.cached_only else throughput(args.delay, args.waves)
    ok &= cached_rerun(args.copies)
    print("\nall targets met" if ok else "\nTARGET MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
