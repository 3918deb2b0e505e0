"""Throughput of the ``spacy`` extractor against plain ``nlp.pipe`` over the same documents.

Usage::

    python plugins/spacy/benchmarks/bench_spacy_throughput.py [--texts 'seeds/*.txt'] [--repeat 20]

Prints documents/second and characters/second for

- plain ``nlp.pipe`` with the full pipeline vs the extractor with all tasks (entities, quotes,
  speakers), and
- plain ``nlp.pipe`` with only the NER vs the extractor asked for entities only,

and the ratio extractor / plain (target: >= 0.90). Each timing is the least CPU time of
``--rounds`` interleaved runs.
"""

from __future__ import annotations

import argparse
import glob
import time
from collections.abc import Callable
from pathlib import Path

import spacy
from harness_spacy.extractor import SpacyExtractor
from harness_spacy.options import SpacyOptions
from harness_spacy.pipeline import components_to_disable

from harness.model import TextDoc

ROOT = Path(__file__).resolve().parents[3]


def best_of(rounds: int, *fns: Callable[[], object]) -> list[float]:
    """Least CPU time of each of ``fns`` over ``rounds`` interleaved rounds (after a warm-up).

    CPU time of this process (``n_process=1``), not wall time: on a shared machine other
    processes would otherwise decide the ratio.
    """
    for fn in fns:
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t0 = time.process_time()
            fn()
            best[i] = min(best[i], time.process_time() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", default=str(ROOT / "seeds" / "*.txt"), help="glob of .txt files")
    parser.add_argument("--repeat", type=int, default=10, help="copies of each text")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    paths = sorted(glob.glob(args.texts))
    if not paths:
        raise SystemExit(f"no texts match {args.texts}")
    texts = [Path(p).read_text(encoding="utf-8") for p in paths] * args.repeat
    docs = [TextDoc(f"d{i}", t) for i, t in enumerate(texts)]
    chars = sum(len(t) for t in texts)

    options = SpacyOptions(batch_size=args.batch_size)
    full = SpacyExtractor(options)
    full.setup()
    ents_only = SpacyExtractor(options, frozenset({"entities"}))
    ents_only._nlp = full.nlp
    # The plain pipeline, exactly as spacy.load returns it.
    nlp = spacy.load(options.model)
    ner_disable = components_to_disable(nlp, {"entities"})

    print(f"{len(docs)} documents, {chars} characters, batch size {args.batch_size}")
    print(f"entities-only run disables: {', '.join(ner_disable) or '(nothing)'}")
    rows = [
        (
            "all tasks",
            lambda: list(nlp.pipe(texts, batch_size=args.batch_size)),
            lambda: list(full.extract(docs)),
        ),
        (
            "entities only",
            lambda: list(nlp.pipe(texts, batch_size=args.batch_size, disable=ner_disable)),
            lambda: list(ents_only.extract(docs)),
        ),
    ]
    print(f"{'':15}{'plain docs/s':>14}{'extractor docs/s':>18}{'ratio':>8}")
    for name, plain, extractor in rows:
        t_plain, t_ex = best_of(args.rounds, plain, extractor)
        ratio = t_plain / t_ex
        flag = "ok" if ratio >= 0.9 else "BELOW 0.90"
        print(
            f"{name:15}{len(docs) / t_plain:14.1f}{len(docs) / t_ex:18.1f}{ratio:8.2f}  {flag}"
            f"   ({chars / t_ex:,.0f} chars/s)"
        )


if __name__ == "__main__":
    main()
