"""Long real articles through the whole extractor: chunking, alignment and merging.

PolNeAR dev (84 US political news articles, 5,000 characters on average; ``$POLNEAR_DIR``,
never committed). A stand-in server plays a model that is perfect *within the chunk it is
shown*: for each chunk it answers the annotated attributions whose Content lies in the chunk,
retyped (straight quotes, one space); a Content cut by the chunk's edge is answered as the part
the chunk shows (if 10 characters or more), as a model would. The extractor then chunks,
aligns, shifts and merges as in a real run. Measured against the annotation (first fragment of
each Content): the share of Contents found with exactly their span, with >= 80% overlap, and
the predicted quotes matching no Content (fragments of cut quotes that survived merging), for
several chunk sizes, so the cost of chunking is visible. No scoring shortcut: this is
``LLMExtractor.extract``.

    python plugins/llm/benchmarks/bench_chunking.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_alignment import read_attributions, retype
from harness_llm.extractor import LLMExtractor
from harness_llm.testing import FakeServer, Reply, completion, echo_document, task_of

from harness.model import TextDoc
from harness.options import parse_options

SETTINGS = ((100_000, 0), (4000, 800), (2000, 600), (1000, 300))


def load(root: Path) -> list[tuple[str, str, list[dict[str, tuple[int, int]]]]]:
    docs = []
    for txt in sorted((root / "text").glob("*.txt")):
        anns = sorted((root / "attributions").glob(txt.stem + "_*.ann"))
        if anns:
            text = txt.read_text(encoding="utf-8")
            docs.append((txt.stem, text, read_attributions(text, anns[0].read_text("utf-8"))))
    return docs


def answer(text: str, att: dict, at: int, end: int) -> dict | None:
    """What a model shown ``text[at:end]`` says of one attribution (``None``: not in view).
    A Content cut by the chunk's edge is given as the visible part, if 10+ characters."""
    s, e = att["Content"]
    cs, ce = max(s, at), min(e, end)
    if ce <= cs or ((cs, ce) != (s, e) and ce - cs < 10):
        return None

    def part(role: str) -> str | None:
        span = att.get(role)
        return retype(text[span[0] : span[1]]) if span and at <= span[0] < end else None

    return {
        "text": retype(text[cs:ce]),
        "type": "indirect",
        "cue": part("Cue"),
        "speaker_mention": part("Source"),
        "speaker": None,
    }


def responder(docs):
    texts = [(text, atts) for _, text, atts in docs]

    def respond(request):
        chunk = echo_document(request)
        if task_of(request) != "quotes":
            return Reply(body=completion('{"entities": []}'))
        text, atts = next((t, a) for t, a in texts if chunk in t)
        at = text.find(chunk)
        end = at + len(chunk)
        quotes = [answer(text, a, at, end) for a in sorted(atts, key=lambda x: x["Content"])]
        quotes = [q for q in quotes if q is not None]
        return Reply(body=completion(json.dumps({"quotes": quotes})))

    return respond


def measure(docs, url: str, chunk_chars: int, overlap: int) -> dict[str, float]:
    raw = {
        "model": "fake-model", "base_url": url, "cache_dir": None, "concurrency": 8,
        "chunk_chars": chunk_chars, "chunk_overlap": overlap, "check_server": False,
    }  # fmt: skip
    ex = LLMExtractor(parse_options(LLMExtractor.Options, raw, "bench"), frozenset({"quotes"}))
    preds = list(ex.extract([TextDoc(name, text) for name, text, _ in docs]))
    n = exact = close = spurious = 0
    diag: dict[str, float] = {}
    for (_, _, atts), pred in zip(docs, preds, strict=True):
        for k, v in pred.diagnostics.items():
            diag[k] = diag.get(k, 0) + v
        golds = [a["Content"] for a in atts]
        spans = [(q.start, q.end) for q in pred.quotes]
        n += len(golds)
        exact += sum(g in spans for g in golds)
        for gs, ge in golds:
            best = max((min(ge, e) - max(gs, s) for s, e in spans), default=0)
            close += best >= 0.8 * (ge - gs)
        spurious += sum(all(min(e, ge) <= max(s, gs) for gs, ge in golds) for s, e in spans)
    return {"contents": n, "exact": exact / n, "overlap@0.8": close / n,
            "spurious": spurious, **diag}  # fmt: skip


def main() -> None:
    root = Path(os.environ.get("POLNEAR_DIR", "/work/shared/data/polnear")) / "dev"
    if not root.is_dir():
        print(f"PolNeAR not found at {root} (set POLNEAR_DIR); nothing measured")
        return
    docs = load(root)
    chars = sum(len(t) for _, t, _ in docs)
    print(
        f"PolNeAR dev: {len(docs)} articles, {chars / len(docs):,.0f} characters on average "
        f"(load average {os.getloadavg()[0]:.1f}, 2 shared cores)"
    )
    print(
        "| chunk_chars / overlap | chunks | Contents exact | overlap@0.8 | spurious quotes | "
        "merged | unaligned / generated | seconds |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with FakeServer(responder(docs)) as server:
        for size, overlap in SETTINGS:
            t0 = time.perf_counter()
            r = measure(docs, server.url, size, overlap)
            label = "whole document" if size >= 100_000 else f"{size} / {overlap}"
            print(
                f"| {label} | {r['chunks']:.0f} | {r['exact']:.1%} | {r['overlap@0.8']:.1%} | "
                f"{r['spurious']:.0f} | {r['merged']:.0f} | {r['unaligned']:.0f} / "
                f"{r['generated']:.0f} | {time.perf_counter() - t0:.1f} |"
            )


if __name__ == "__main__":
    main()
