"""Training recipe of the quote-attribution tagger (source / cue / content over document windows).

Usage (PolNeAR, read by the harness's brat reader exactly as ``harness eval`` reads it)::

    python -m harness_transformers.attribution.train \\
        --train /work/shared/data/polnear/train --dev /work/shared/data/polnear/dev \\
        --format brat --option preset=polnear --train-option sourceless=keep \\
        --out harness_transformers/quotes_model

``--train`` and ``--dev`` are goldsets: a native folder, a harness eval config (its
``goldset`` is used, e.g. ``configs/polnear-dev.yaml``), or a corpus path read with ``--format``
and ``--option KEY=VALUE`` (both splits), ``--train-option`` / ``--dev-option`` (one split).
The training gold keeps the attributions without a source (``sourceless=keep``) so that the
tagger learns their cues as ``NSCUE``; the dev gold is the evaluation gold (they are dropped).

Each epoch cuts the training documents into windows of ``--window`` tokens at a new random
offset, trains with AdamW and a linear schedule (bfloat16 autocast on CPUs with native bfloat16),
then runs the whole extractor pipeline on the dev documents (tag, join and filter contents,
link, type; speakers as the source's words) and scores it with the harness's own scorers
(``harness.scoring``): quotes overlap@0.3 and exact F1, speaker accuracy, attribution F1, at each
content-confidence threshold of :data:`THRESHOLDS` (rule M2 of :mod:`.assemble`). The epoch and
threshold with the best attribution F1 are kept (the threshold goes into the model's config)
and written to ``--out`` as fp16 safetensors with its config, tokenizer and ``MODEL_CARD.md``;
checkpoints (one per epoch) stay in ``--work-dir`` (under /tmp), never in ``--out``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch

from harness.model import Document, Prediction
from harness_transformers.attribution.data import (
    EncodedDoc,
    count_tags,
    encode_document,
    load_documents,
    training_windows,
)
from harness_transformers.attribution.tags import ATTRIBUTION_TAGS
from harness_transformers.runtime import (
    ThreadTuner,
    cpu_has_native_bf16,
    thread_candidates,
    usable_cores,
)

#: Dev scores recorded per epoch (harness metric names).
METRICS = (
    "quotes.overlap@0.3.f1",
    "quotes.exact.f1",
    "speakers.accuracy",
    "attribution.f1",
    "attribution.p",
    "attribution.r",
)
SELECT_ON = "attribution.f1"


@dataclass
class AttributionTrainConfig:
    """Hyperparameters and data of one run."""

    train: str
    dev: str
    out: str
    encoder: str
    format: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    train_options: dict[str, Any] = field(default_factory=dict)
    dev_options: dict[str, Any] = field(default_factory=dict)
    epochs: int = 3
    seed: int = 13
    lr: float = 1e-4
    batch_size: int = 16
    window: int = 256
    stride: int = 64
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    limit: int | None = None
    dev_limit: int | None = None
    work_dir: str = "/tmp/harness_attribution_train"
    threads: int = 0
    bf16: str = "auto"


def _goldset(spec: str, fmt: str | None, *option_sets: dict[str, Any]) -> list[Document]:
    options: dict[str, Any] = {}
    for opts in option_sets:
        options.update(opts)
    if fmt:
        options["format"] = fmt
    return load_documents(spec, options)


def _use_bf16(cfg: AttributionTrainConfig) -> bool:
    if cfg.bf16 == "auto":
        return cpu_has_native_bf16()
    return cfg.bf16 == "on"


def _autocast(enabled: bool) -> contextlib.AbstractContextManager[Any]:
    if enabled:
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def batches(
    windows: Sequence[tuple[list[int], list[int]]], batch_size: int, rng: random.Random
) -> Iterator[list[int]]:
    """Window indices in length-grouped, shuffled batches (the NER recipe's grouping)."""
    from harness_transformers.train import length_grouped_batches

    return length_grouped_batches([len(w[0]) for w in windows], batch_size, rng)


def collate_windows(
    rows: Sequence[tuple[list[int], list[int]]],
    prefix: Sequence[int],
    suffix: Sequence[int],
    pad_id: int,
) -> dict[str, torch.Tensor]:
    """Add the special tokens (unlabelled) and pad a batch of windows."""
    from harness_transformers.attribution.data import IGNORE_INDEX
    from harness_transformers.train import collate

    feats = [
        {
            "input_ids": [*prefix, *ids, *suffix],
            "attention_mask": [1] * (len(prefix) + len(ids) + len(suffix)),
            "labels": [IGNORE_INDEX] * len(prefix) + labels + [IGNORE_INDEX] * len(suffix),
        }
        for ids, labels in rows
    ]
    return collate(feats, pad_id)


#: Content-confidence thresholds (rule M2) tried on dev after each epoch.
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def dev_word_probs(
    model: Any, tokenizer: Any, dev: Sequence[Document], cfg: AttributionTrainConfig, bf16: bool
) -> list[tuple[Document, list[tuple[int, int]], Any]]:
    """Each dev document with its words and their class probabilities (the extractor's windows)."""
    from harness_transformers.decode import word_probabilities
    from harness_transformers.tagger import RunSettings, TokenTagger

    model.eval()
    settings = RunSettings(threads=torch.get_num_threads(), batch_size=32)
    tagger = TokenTagger(model, tokenizer, settings)
    with _autocast(bf16):
        tagged = tagger.tag([d.text for d in dev], "none", cfg.window, cfg.stride)
    out = []
    for doc, t in zip(dev, tagged, strict=True):
        probs = None
        if t.probs is not None:
            probs, _ = word_probabilities(t.probs, t.token_words, len(t.words), "first")
        out.append((doc, t.words, probs))
    return out


def score_threshold(
    tagged: Sequence[tuple[Document, list[tuple[int, int]], Any]], threshold: float
) -> dict[str, float]:
    """Harness scores of the pipeline (sourceless quotes dropped) at one confidence threshold."""
    from harness.scoring.document import count_document
    from harness.scoring.summary import summarise
    from harness_transformers.attribution.assemble import quotes_from_probs

    per_doc = []
    for doc, words, probs in tagged:
        quotes: tuple[Any, ...] = ()
        if probs is not None:
            found = quotes_from_probs(doc.text, words, probs, None, threshold)
            quotes = tuple(q for q in found if q.speaker is not None)
        prediction = Prediction(doc.id, (), quotes)
        per_doc.append(count_document(doc, prediction, ("quotes", "speakers"), []))
    scores = summarise(per_doc, [])
    return {k: round(scores.get(k, 0.0), 4) for k in METRICS}


def evaluate(
    model: Any,
    tokenizer: Any,
    dev: Sequence[Document],
    cfg: AttributionTrainConfig,
    bf16: bool,
    thresholds: Sequence[float] = THRESHOLDS,
) -> dict[str, Any]:
    """Dev scores at the content-confidence threshold with the best attribution F1."""
    tagged = dev_word_probs(model, tokenizer, dev, cfg, bf16)
    best: dict[str, Any] = {}
    for threshold in thresholds:
        scores: dict[str, Any] = score_threshold(tagged, threshold)
        if not best or scores[SELECT_ON] > best[SELECT_ON]:
            best = {**scores, "min_confidence": threshold}
    return best


@dataclass
class _Run:
    """What one epoch needs besides the model."""

    encoded: list[EncodedDoc]
    prefix: list[int]
    suffix: list[int]
    pad_id: int
    tuner: ThreadTuner | None
    bf16: bool


def train_epoch(
    model: Any,
    optimizer: Any,
    scheduler: Any,
    run: _Run,
    cfg: AttributionTrainConfig,
    rng: random.Random,
    epoch: int,
) -> tuple[float, int]:
    """One pass over the training windows; returns (seconds, windows)."""
    model.train()
    size = cfg.window - len(run.prefix) - len(run.suffix)
    windows = training_windows(run.encoded, size, rng)
    t0 = time.time()
    running = 0.0
    steps = math.ceil(len(windows) / cfg.batch_size)
    for step, idx in enumerate(batches(windows, cfg.batch_size, rng), 1):
        batch = collate_windows([windows[i] for i in idx], run.prefix, run.suffix, run.pad_id)
        threads = run.tuner.choose() if run.tuner is not None else None
        if threads is not None and threads != torch.get_num_threads():
            torch.set_num_threads(threads)
        started = time.perf_counter()
        with _autocast(run.bf16):
            loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        if run.tuner is not None and threads is not None:
            run.tuner.record(
                threads, float(batch["input_ids"].numel()), time.perf_counter() - started
            )
        running += loss.item()
        if step % 20 == 0 or step == steps:
            rate = step * cfg.batch_size / (time.time() - t0)
            mean = running / (20 if step % 20 == 0 else step % 20)
            print(
                f"epoch {epoch} step {step}/{steps} loss {mean:.4f} "
                f"({rate:.1f} windows/s, {torch.get_num_threads()} threads)",
                flush=True,
            )
            running = 0.0
    return time.time() - t0, len(windows)


def train(cfg: AttributionTrainConfig, command: str) -> dict[str, Any]:
    """Run the recipe; return the metrics written to the model card."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from harness_transformers.tagger import special_affixes
    from harness_transformers.train import make_optimizer, set_seeds

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    set_seeds(cfg.seed)
    started = time.time()
    train_docs = _goldset(cfg.train, cfg.format, cfg.options, cfg.train_options)[: cfg.limit]
    dev_docs = _goldset(cfg.dev, cfg.format, cfg.options, cfg.dev_options)[: cfg.dev_limit]
    tokenizer = AutoTokenizer.from_pretrained(cfg.encoder)
    if not tokenizer.is_fast:
        raise SystemExit("a fast tokenizer is required (offset mapping)")
    encoded = [encode_document(tokenizer, d) for d in train_docs]
    prefix, suffix = special_affixes(tokenizer)
    id2label = dict(enumerate(ATTRIBUTION_TAGS))
    model = AutoModelForTokenClassification.from_pretrained(
        cfg.encoder,
        num_labels=len(ATTRIBUTION_TAGS),
        id2label=id2label,
        label2id={t: i for i, t in id2label.items()},
        ignore_mismatched_sizes=True,  # an encoder saved with another head gets a fresh one
    )
    tuner = None if cfg.threads else ThreadTuner(thread_candidates(usable_cores()))
    run = _Run(encoded, prefix, suffix, int(tokenizer.pad_token_id), tuner, _use_bf16(cfg))
    size = cfg.window - len(prefix) - len(suffix)
    steps_per_epoch = math.ceil(len(training_windows(encoded, size)) / cfg.batch_size)
    optimizer, scheduler = make_optimizer(
        model, cfg.lr, cfg.weight_decay, cfg.warmup_ratio, steps_per_epoch * cfg.epochs
    )
    work = Path(cfg.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    best_path = work / "best.pt"
    rng = random.Random(cfg.seed)
    history: list[dict[str, Any]] = []
    best: dict[str, Any] = {SELECT_ON: -1.0}
    for epoch in range(1, cfg.epochs + 1):
        seconds, n_windows = train_epoch(model, optimizer, scheduler, run, cfg, rng, epoch)
        t0 = time.time()
        scores: dict[str, Any] = evaluate(model, tokenizer, dev_docs, cfg, run.bf16)
        scores.update(
            epoch=epoch,
            train_seconds=round(seconds, 1),
            dev_seconds=round(time.time() - t0, 1),
            windows=n_windows,
        )
        history.append(scores)
        print(f"epoch {epoch} dev {json.dumps(scores)}", flush=True)
        torch.save(model.state_dict(), work / f"epoch{epoch}.pt")
        if scores[SELECT_ON] > best[SELECT_ON]:
            best = scores
            torch.save(model.state_dict(), best_path)
    model.load_state_dict(torch.load(best_path, weights_only=True))
    metrics: dict[str, Any] = {
        "best_epoch": int(best["epoch"]),
        "dev": {k: best[k] for k in METRICS},
        "min_confidence": best["min_confidence"],
        "history": history,
        "train_documents": len(train_docs),
        "train_quotes": sum(len(d.quotes) for d in train_docs),
        "train_tokens": sum(len(e.ids) for e in encoded),
        "train_tags": count_tags(encoded),
        "conflicts": sum(e.conflicts for e in encoded),
        "dev_documents": len(dev_docs),
        "dev_quotes": sum(len(d.quotes) for d in dev_docs),
        "torch": torch.__version__,
        "bf16_autocast": run.bf16,
    }
    out = Path(cfg.out)
    save_attribution_model(model, tokenizer, out, cfg.window, best["min_confidence"])
    metrics.update(check_export(out, dev_docs, cfg, best["min_confidence"]))
    metrics["wall_minutes"] = round((time.time() - started) / 60, 1)
    metrics["size_mb"] = round(sum(p.stat().st_size for p in out.iterdir() if p.is_file()) / 1e6, 1)
    from harness_transformers.attribution.model_card import write_model_card

    write_model_card(out, asdict(cfg), metrics, command)
    (work / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics, indent=2), flush=True)
    return metrics


def save_attribution_model(
    model: Any, tokenizer: Any, out: Path, window: int, min_confidence: float
) -> None:
    """fp16 safetensors, config (with the window and the M2 threshold) and tokenizer into a
    clean ``out``."""
    from harness_transformers.train import save_model

    model.config.harness_window = window
    model.config.harness_min_confidence = min_confidence
    save_model(model, tokenizer, out)


def check_export(
    out: Path, dev: Sequence[Document], cfg: AttributionTrainConfig, min_confidence: float
) -> dict[str, Any]:
    """Reload the exported fp16 model as the extractor runs it: dev scores and speed."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from harness_transformers.runtime import resolve_dtype

    dtype = resolve_dtype("auto", "cpu")
    model = AutoModelForTokenClassification.from_pretrained(out).to(getattr(torch, dtype))
    tokenizer = AutoTokenizer.from_pretrained(out)
    start = time.perf_counter()
    scores = evaluate(model, tokenizer, dev, cfg, bf16=False, thresholds=[min_confidence])
    seconds = time.perf_counter() - start
    return {
        "dev_exported": scores,
        "export_dtype": dtype,
        "dev_seconds": round(seconds, 1),
        "dev_chars_per_second": round(sum(len(d.text) for d in dev) / max(seconds, 1e-9)),
    }


def _key_values(items: Sequence[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--option expects KEY=VALUE, got {item!r}")
        import yaml

        out[key] = yaml.safe_load(value)
    return out


def parse_args(argv: Sequence[str] | None = None) -> AttributionTrainConfig:
    """Parse command-line arguments into an ``AttributionTrainConfig``."""
    from harness_transformers.train import default_encoder

    p = argparse.ArgumentParser(
        prog="python -m harness_transformers.attribution.train", description=__doc__
    )
    p.add_argument("--train", required=True, help="training goldset (folder, config or corpus)")
    p.add_argument("--dev", required=True, help="dev goldset (epoch selection)")
    p.add_argument("--out", required=True, help="output model folder")
    p.add_argument("--format", default=None, help="goldset format of --train/--dev (e.g. brat)")
    p.add_argument("--option", action="append", help="format option KEY=VALUE (both splits)")
    p.add_argument("--train-option", action="append", help="format option for --train only")
    p.add_argument("--dev-option", action="append", help="format option for --dev only")
    p.add_argument("--encoder", default=None, help="encoder folder (default: all-MiniLM-L6-v2)")
    defaults = AttributionTrainConfig("", "", "", "")
    for name in ("epochs", "seed", "batch_size", "window", "stride", "threads"):
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    for name in ("lr", "warmup_ratio", "weight_decay"):
        p.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(defaults, name))
    p.add_argument("--limit", type=int, default=None, help="first N training documents")
    p.add_argument("--dev-limit", type=int, default=None, help="first N dev documents")
    p.add_argument("--work-dir", default=defaults.work_dir)
    p.add_argument("--bf16", choices=["auto", "on", "off"], default="auto")
    a = p.parse_args(argv)
    return AttributionTrainConfig(
        train=a.train,
        dev=a.dev,
        out=a.out,
        encoder=a.encoder or default_encoder(),
        format=a.format,
        options=_key_values(a.option),
        train_options=_key_values(a.train_option),
        dev_options=_key_values(a.dev_option),
        epochs=a.epochs,
        seed=a.seed,
        lr=a.lr,
        batch_size=a.batch_size,
        window=a.window,
        stride=a.stride,
        warmup_ratio=a.warmup_ratio,
        weight_decay=a.weight_decay,
        limit=a.limit,
        dev_limit=a.dev_limit,
        work_dir=a.work_dir,
        threads=a.threads,
        bf16=a.bf16,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m harness_transformers.attribution.train``."""
    args = list(sys.argv[1:] if argv is None else argv)
    cfg = parse_args(args)
    train(cfg, "python -m harness_transformers.attribution.train " + " ".join(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
