"""Benchmark: strict entity scoring of harness.scoring against seqeval on CoNLL++ dev.

Usage: python benchmarks/bench_entity_scoring.py [path/to/conllpp_dev.txt] [--repeat N]

Builds the gold IOB2 tags and a deterministic perturbed prediction (about 10% of the entities
dropped, shifted by one token or relabelled), converts both to character-span Documents and
Predictions (one per -DOCSTART- document), checks that our strict micro P/R/F1 equal seqeval's
strict IOB2 numbers, and prints the time of each and the speed ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from seqeval.metrics import classification_report
from seqeval.metrics.v1 import precision_recall_fscore_support
from seqeval.scheme import IOB2

from harness.model import CONLL_LABELS, Document, Entity, Prediction
from harness.scoring import count_document, summarise

DEFAULT_PATH = Path("/work/shared/data/conllpp/conllpp_dev.txt")
TokSpan = tuple[int, int, str]  # token start, token end (exclusive), label
Sentence = tuple[list[str], list[str]]  # tokens, tags


def read_conll(path: Path) -> list[list[Sentence]]:
    """Documents as lists of (tokens, NER tags) sentences."""
    docs: list[list[Sentence]] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            docs[-1].append((tokens.copy(), tags.copy()))
            tokens.clear()
            tags.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            flush()
            docs.append([])
        elif not line.strip():
            flush()
        else:
            cols = line.split()
            if not docs:
                docs.append([])
            tokens.append(cols[0])
            tags.append(cols[-1])
    flush()
    return [d for d in docs if d]


def tags_to_spans(tags: list[str]) -> list[TokSpan]:
    """IOB2 tags to token spans, seqeval-strict: an entity is B-X followed by I-X*."""
    spans: list[TokSpan] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, tag_label = tag.partition("-")
        if start >= 0 and not (prefix == "I" and tag_label == label):
            spans.append((start, i, label))
            start = -1
        if prefix == "B":
            start, label = i, tag_label
    return spans


def spans_to_tags(spans: list[TokSpan], n: int) -> list[str]:
    tags = ["O"] * n
    for start, end, label in spans:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def perturb(spans: list[TokSpan], n: int, rng: random.Random, rate: float) -> list[TokSpan]:
    """Drop, shift by one token or relabel about ``rate`` of the spans (non-overlapping result)."""
    out: list[TokSpan] = []
    for k, (start, end, label) in enumerate(spans):
        if rng.random() >= rate:
            out.append((start, end, label))
            continue
        action = rng.choice(("drop", "shift", "relabel"))
        if action == "shift":
            lo = out[-1][1] if out else 0
            hi = spans[k + 1][0] if k + 1 < len(spans) else n
            step = rng.choice((-1, 1))
            if lo <= start + step and end + step <= hi:
                out.append((start + step, end + step, label))
                continue
            action = "relabel"
        if action == "relabel":
            out.append((start, end, rng.choice([x for x in CONLL_LABELS if x != label])))
    return out


def build(docs: list[list[Sentence]], seed: int, rate: float):
    """seqeval inputs (per sentence) and harness inputs (per document) for gold and prediction."""
    rng = random.Random(seed)
    y_true: list[list[str]] = []
    y_pred: list[list[str]] = []
    golds: list[Document] = []
    preds: list[Prediction] = []
    for d, sentences in enumerate(docs):
        doc_id = f"doc{d:03d}"
        text_parts: list[str] = []
        offset = 0
        gold_ents: list[Entity] = []
        pred_ents: list[Entity] = []
        for tokens, tags in sentences:
            starts = []
            for tok in tokens:
                starts.append(offset)
                offset += len(tok) + 1
            text_parts.append(" ".join(tokens))
            gold_spans = tags_to_spans(tags)
            pred_spans = perturb(gold_spans, len(tokens), rng, rate)
            y_true.append(tags)
            y_pred.append(spans_to_tags(pred_spans, len(tokens)))
            for spans, sink in ((gold_spans, gold_ents), (pred_spans, pred_ents)):
                for s, e, label in spans:
                    sink.append(Entity(starts[s], starts[e - 1] + len(tokens[e - 1]), label))
        golds.append(Document(doc_id, "\n".join(text_parts), entities=tuple(gold_ents)))
        preds.append(Prediction(doc_id, entities=tuple(pred_ents)))
    return y_true, y_pred, golds, preds


def best_time(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rate", type=float, default=0.10)
    args = parser.parse_args(argv)

    docs = read_conll(args.path)
    t0 = time.perf_counter()
    y_true, y_pred, golds, preds = build(docs, args.seed, args.rate)
    t_build = time.perf_counter() - t0
    labels = list(CONLL_LABELS)
    n_gold = sum(len(g.entities) for g in golds)
    n_pred = sum(len(p.entities) for p in preds)
    print(f"{args.path}: {len(golds)} documents, {len(y_true)} sentences, "
          f"{sum(map(len, y_true))} tokens, {n_gold} gold / {n_pred} predicted entities")  # fmt: skip

    def ours_strict() -> dict[str, float]:
        per_doc = [count_document(g, p, ("entities",), labels) for g, p in zip(golds, preds)]
        return summarise(per_doc, labels)

    def seqeval_micro() -> tuple[float, float, float]:
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, average="micro", scheme=IOB2, zero_division=0
        )
        return p, r, f

    def seqeval_report() -> dict:
        return classification_report(
            y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0
        )

    t_ours, ours = best_time(ours_strict, args.repeat)
    t_micro, (sp, sr, sf) = best_time(seqeval_micro, args.repeat)
    t_report, report = best_time(seqeval_report, args.repeat)

    mine = (ours["entities.strict.micro.p"], ours["entities.strict.micro.r"],
            ours["entities.strict.micro.f1"])  # fmt: skip
    micro = report["micro avg"]
    for name, theirs in (("p/r/f", (sp, sr, sf)),
                         ("report", (micro["precision"], micro["recall"], micro["f1-score"]))):  # fmt: skip
        if any(abs(a - b) > 1e-12 for a, b in zip(mine, theirs)):
            print(f"MISMATCH with seqeval {name}: ours {mine} vs seqeval {theirs}")
            return 1
    for label in labels:
        theirs = report[label]
        ours_l = (ours[f"entities.strict.{label}.p"], ours[f"entities.strict.{label}.r"],
                  ours[f"entities.strict.{label}.f1"])  # fmt: skip
        if any(
            abs(a - b) > 1e-12
            for a, b in zip(ours_l, (theirs["precision"], theirs["recall"], theirs["f1-score"]))
        ):
            print(f"MISMATCH on {label}: ours {ours_l} vs seqeval {theirs}")
            return 1
    print(f"strict micro P/R/F1 identical to seqeval: {mine[0]:.6f} / {mine[1]:.6f} / {mine[2]:.6f}"
          f" (and per label)")  # fmt: skip
    print(f"input conversion to character spans (not timed below): {t_build * 1000:.1f} ms")
    print(f"ours (count_document + summarise, 4 schemes, per label, macro): {t_ours * 1000:.1f} ms")
    print(f"seqeval strict precision_recall_fscore_support (micro only):  {t_micro * 1000:.1f} ms"
          f"  -> ours is {t_micro / t_ours:.1f}x faster")  # fmt: skip
    print(f"seqeval strict classification_report (per label + averages): {t_report * 1000:.1f} ms"
          f"  -> ours is {t_report / t_ours:.1f}x faster")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
