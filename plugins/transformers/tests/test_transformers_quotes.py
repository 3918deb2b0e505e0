"""Quotes and speakers through the extractor: which models load, a stub tagger end to end, the
training recipe on a tiny PolNeAR-like corpus read by the harness's brat reader."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from harness_transformers.attribution import train as attribution_train
from harness_transformers.attribution.measure_linking import measure
from harness_transformers.attribution.tags import ATTRIBUTION_TAGS
from harness_transformers.extractor import TransformersExtractor, TransformersOptions
from harness_transformers.labels import IOB2_TAGS

from harness.errors import ConfigError
from harness.extractors import validate_prediction
from harness.model import TextDoc

REPO = Path(__file__).resolve().parents[3]
POLNEAR_LIKE = REPO / "tests" / "fixtures" / "formats" / "polnear_like"

SENTENCE = (
    "The mayor said “Acme visited Berlin.” Angela Merkel left. She told reporters the club met.\n"
)
QUOTE_LOOKUP = {
    "mayor": "I-SOURCE", "said": "B-CUE", "acme": "B-CONTENT", "visited": "I-CONTENT",
    "berlin": "I-CONTENT", "she": "B-SOURCE", "told": "B-CUE", "club": "I-CONTENT",
    "met": "I-CONTENT",
}  # fmt: skip
NER_LOOKUP = {"angela": "B-PER", "merkel": "I-PER", "berlin": "B-LOC"}


class LookupModel(torch.nn.Module):
    """Context-free stub tagger: a tag per vocabulary entry (B- for the first word of a run)."""

    def __init__(self, tokenizer: Any, tags: tuple[str, ...], lookup: dict[str, str]) -> None:
        super().__init__()
        self.table = torch.zeros(len(tokenizer), dtype=torch.long)
        for word, tag in lookup.items():
            self.table[tokenizer.convert_tokens_to_ids(word)] = tags.index(tag)
        self.n = len(tags)
        self.tags = tags
        # "the" opens the source, "reporters the" opens the content of "told"; "." continues a
        # content
        self.the = tokenizer.convert_tokens_to_ids("the")
        self.period = tokenizer.convert_tokens_to_ids(".")
        self.reporters = tokenizer.convert_tokens_to_ids("reporters")

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> SimpleNamespace:
        classes = self.table[input_ids].clone()
        if "B-SOURCE" in self.tags:
            after_reporters = torch.zeros_like(input_ids, dtype=torch.bool)
            after_reporters[:, 1:] = input_ids[:, :-1] == self.reporters
            the = input_ids == self.the
            classes[the & ~after_reporters] = self.tags.index("B-SOURCE")
            classes[the & after_reporters] = self.tags.index("B-CONTENT")
            content = {self.tags.index("B-CONTENT"), self.tags.index("I-CONTENT")}
            for row, col in (input_ids == self.period).nonzero().tolist():
                if col > 0 and int(classes[row, col - 1]) in content:
                    classes[row, col] = self.tags.index("I-CONTENT")
        return SimpleNamespace(logits=torch.nn.functional.one_hot(classes, self.n) * 10.0)


def stub_extractor(ner_dir: Path, quote_dir: Path, **options: Any) -> TransformersExtractor:
    extractor = TransformersExtractor(
        TransformersOptions(model=str(ner_dir), quotes_model=str(quote_dir), **options)
    )
    extractor.setup()
    assert extractor._ner is not None and extractor._quotes is not None
    extractor._ner.model = LookupModel(extractor._ner.tokenizer, IOB2_TAGS, NER_LOOKUP)
    extractor._quotes.model = LookupModel(
        extractor._quotes.tokenizer, ATTRIBUTION_TAGS, QUOTE_LOOKUP
    )
    return extractor


def test_quotes_speakers_and_types_end_to_end(
    tiny_bert_dir: Path, tiny_quote_bert_dir: Path
) -> None:
    extractor = stub_extractor(tiny_bert_dir, tiny_quote_bert_dir)
    text = SENTENCE
    (pred,) = extractor.extract([TextDoc("d", text)])
    assert not validate_prediction(pred, TextDoc("d", text))
    got = [(q.text, q.type, q.speaker, q.speaker_span and q.speaker_span.text, q.cue and q.cue.text)
           for q in pred.quotes]  # fmt: skip
    assert got == [
        ("Acme visited Berlin.", "direct", "The mayor", "The mayor", "said"),
        ("the club met.", "indirect", "Angela Merkel", "She", "told"),
    ]
    assert {(e.text, e.label) for e in pred.entities} == {
        ("Angela Merkel", "PER"),
        ("Berlin", "LOC"),
    }


def test_long_documents_in_small_windows_give_the_same_quotes(
    tiny_bert_dir: Path, tiny_quote_bert_dir: Path
) -> None:
    text = SENTENCE * 12
    whole = stub_extractor(tiny_bert_dir, tiny_quote_bert_dir)
    windowed = stub_extractor(tiny_bert_dir, tiny_quote_bert_dir, quotes_window=24, quotes_stride=8)
    assert list(whole.extract([TextDoc("d", text)])) == list(windowed.extract([TextDoc("d", text)]))


def test_speaker_names_from_the_mention_and_sourceless_quotes(
    tiny_bert_dir: Path, tiny_quote_bert_dir: Path
) -> None:
    mention = stub_extractor(tiny_bert_dir, tiny_quote_bert_dir, speaker_names="mention")
    (pred,) = mention.extract([TextDoc("d", SENTENCE)])
    assert [q.speaker for q in pred.quotes] == ["The mayor", "She"]
    no_source = "said “Acme visited Berlin.”"
    for sourceless, expected in (("drop", []), ("keep", [None])):
        extractor = stub_extractor(tiny_bert_dir, tiny_quote_bert_dir, sourceless=sourceless)
        (pred,) = extractor.extract([TextDoc("d", no_source)])
        assert [q.speaker for q in pred.quotes] == expected


def test_only_the_models_the_tasks_need_are_loaded(
    tiny_bert_dir: Path, tiny_quote_bert_dir: Path
) -> None:
    options = TransformersOptions(model=str(tiny_bert_dir), quotes_model=str(tiny_quote_bert_dir))
    cases = {
        frozenset({"entities"}): (True, False),
        frozenset({"quotes"}): (False, True),
        frozenset({"quotes", "speakers"}): (True, True),
    }
    for tasks, (ner, quotes) in cases.items():
        extractor = TransformersExtractor(options, tasks)
        extractor.setup()
        assert (extractor._ner is not None, extractor._quotes is not None) == (ner, quotes)
        (pred,) = extractor.extract([TextDoc("d", SENTENCE)])
        if "entities" not in tasks:
            assert pred.entities == ()
        if not quotes:
            assert pred.quotes == ()
    mention = TransformersOptions(
        model=str(tiny_bert_dir), quotes_model=str(tiny_quote_bert_dir), speaker_names="mention"
    )
    extractor = TransformersExtractor(mention, frozenset({"quotes", "speakers"}))
    extractor.setup()
    assert extractor._ner is None


def test_an_entity_model_is_refused_as_quote_model(tiny_bert_dir: Path) -> None:
    extractor = TransformersExtractor(
        TransformersOptions(model=str(tiny_bert_dir), quotes_model=str(tiny_bert_dir))
    )
    with pytest.raises(ConfigError, match="not a quote-attribution model"):
        extractor.setup()


def test_quote_options_are_checked() -> None:
    for bad in ({"quotes_window": 4}, {"quotes_stride": -1}, {"min_confidence": 1.5}):
        with pytest.raises(ValueError):
            TransformersOptions(**bad)  # type: ignore[arg-type]


def test_rules_on_gold_tags_of_the_polnear_like_fixture() -> None:
    from harness_transformers.attribution.data import load_documents

    keep = load_documents(
        POLNEAR_LIKE, {"format": "brat", "preset": "polnear", "sourceless": "keep"}
    )
    evaluation = load_documents(POLNEAR_LIKE, {"format": "brat", "preset": "polnear"})
    result = measure(keep, evaluation)
    assert result["scores"]["quotes.overlap@0.3.f1"] == 1.0
    assert result["links"]["quotes"] == sum(len(d.quotes) for d in keep)
    assert result["links"]["cue right"] >= result["links"]["quotes"] - 1


def test_training_goldsets_read_like_harness_eval(tmp_path: Path) -> None:
    """A harness eval config, a corpus path with its format, and a native folder all work."""
    from harness_transformers.attribution.data import load_documents

    config = tmp_path / "eval.yaml"
    config.write_text(
        f"goldset: {{format: brat, path: {POLNEAR_LIKE}, options: {{preset: polnear}}}}\n"
        "output: out\nextractors: [{name: regex}]\n",
        encoding="utf-8",
    )
    from_config = load_documents(config)
    direct = load_documents(POLNEAR_LIKE, {"format": "brat", "preset": "polnear"})
    assert [d.quotes for d in from_config] == [d.quotes for d in direct]
    kept = load_documents(config, {"sourceless": "keep"})
    assert sum(len(d.quotes) for d in kept) >= sum(len(d.quotes) for d in direct)
    native = load_documents(REPO / "goldsets" / "seeds")
    assert len(native) == 5 and all(d.quotes for d in native)


def test_attribution_recipe_end_to_end(tmp_path: Path, tiny_bert_dir: Path) -> None:
    """The recipe on the PolNeAR-like fixture through the brat reader, in seconds."""
    from safetensors import safe_open

    out, work = tmp_path / "model", tmp_path / "work"
    args = [
        "--train", str(POLNEAR_LIKE), "--dev", str(POLNEAR_LIKE), "--format", "brat",
        "--option", "preset=polnear", "--train-option", "sourceless=keep", "--out", str(out),
        "--encoder", str(tiny_bert_dir), "--epochs", "2", "--batch-size", "2", "--window", "64",
        "--stride", "16", "--lr", "1e-3", "--work-dir", str(work), "--threads", "1",
    ]  # fmt: skip
    assert attribution_train.main(args) == 0
    files = {p.name for p in out.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "MODEL_CARD.md"} <= files
    assert not any(name.endswith((".pt", ".bin")) for name in files)
    with safe_open(str(out / "model.safetensors"), framework="pt") as weights:
        assert {str(weights.get_tensor(k).dtype) for k in weights.keys()} == {"torch.float16"}
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {str(i): t for i, t in enumerate(ATTRIBUTION_TAGS)}
    assert config["harness_window"] == 64
    assert config["harness_min_confidence"] in attribution_train.THRESHOLDS
    metrics = json.loads((work / "metrics.json").read_text())
    assert [h["epoch"] for h in metrics["history"]] == [1, 2]
    assert metrics["train_documents"] == 2 and metrics["train_quotes"] >= metrics["dev_quotes"]
    assert metrics["train_tags"]["B-CONTENT"] >= metrics["dev_quotes"]
    card = (out / "MODEL_CARD.md").read_text()
    assert "no licence file" in card and "--epochs 2" in card
    assert f"attribution F1 {metrics['dev']['attribution.f1']:.4f}" in card

    extractor = TransformersExtractor(
        TransformersOptions(model=str(tiny_bert_dir), quotes_model=str(out))
    )
    extractor.setup()
    assert extractor._quotes_window == 64
    doc = TextDoc("d", "Traders said they expected no change.")
    (pred,) = extractor.extract([doc])
    assert not validate_prediction(pred, doc)
