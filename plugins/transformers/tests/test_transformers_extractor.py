"""The extractor end to end on a tiny random model, and with a deterministic stub model.

The stub replaces the network after ``setup``: it labels tokens by vocabulary lookup and, to
punish a wrong window choice, turns entity tokens near a window edge into ``B-MISC``. Only a
prediction taken from the window where the token is most central is correct.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import torch
from harness_transformers.extractor import (
    BUNDLED_MODEL,
    TransformersExtractor,
    TransformersOptions,
    resolve_model,
)
from harness_transformers.labels import ENTITY_TYPES, IOB2_TAGS

from harness.errors import ConfigError
from harness.extractors import validate_prediction
from harness.model import Prediction, TextDoc
from harness.options import parse_options

SENTENCE = "“Angela  Merkel” visited Zürich, and Berlin’s mayor met the\tAcme Holdings.\n"
EXPECTED = [("Angela  Merkel", "PER"), ("Zürich", "LOC"), ("Berlin", "LOC"), ("Acme Holdings", "ORG")]  # fmt: skip
LOOKUP = {"angela": "B-PER", "merkel": "I-PER", "zurich": "B-LOC", "berlin": "B-LOC"}
LOOKUP |= {"acme": "B-ORG", "holdings": "I-ORG"}
ENTITIES = frozenset({"entities"})


class StubModel(torch.nn.Module):
    """Context-free tagger that is wrong for entity tokens within ``margin`` of a window edge."""

    def __init__(self, tokenizer: Any, margin: int = 3) -> None:
        super().__init__()
        self.margin = margin
        table = torch.zeros(len(tokenizer), dtype=torch.long)
        for word, tag in LOOKUP.items():
            table[tokenizer.convert_tokens_to_ids(word)] = IOB2_TAGS.index(tag)
        self.table = table
        self.calls = 0
        self.rows: list[list[int]] = []

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> SimpleNamespace:
        self.calls += 1
        for row in range(input_ids.shape[0]):
            self.rows.append(input_ids[row][attention_mask[row].bool()].tolist()[1:-1])
        classes = self.table[input_ids].clone()
        for row in range(input_ids.shape[0]):
            n = int(attention_mask[row].sum()) - 2  # content tokens between [CLS] and [SEP]
            for p in range(n):
                if min(p, n - 1 - p) < self.margin and classes[row, p + 1] != 0:
                    classes[row, p + 1] = IOB2_TAGS.index("B-MISC")
        return SimpleNamespace(logits=torch.nn.functional.one_hot(classes, len(IOB2_TAGS)) * 10.0)


def stub_extractor(tiny_bert_dir: Path, margin: int = 3, **options: Any) -> TransformersExtractor:
    extractor = TransformersExtractor(
        TransformersOptions(model=str(tiny_bert_dir), **options), ENTITIES
    )
    extractor.setup()
    extractor._ner.model = StubModel(extractor._ner.tokenizer, margin)
    return extractor


def expected_entities(text: str) -> list[tuple[int, int, str, str]]:
    out = []
    for m in re.finditer(re.escape(SENTENCE), text):
        cursor = m.start()
        for surface, label in EXPECTED:
            start = text.index(surface, cursor)
            out.append((start, start + len(surface), label, surface))
            cursor = start + len(surface)
    return out


def found(pred: Prediction) -> list[tuple[int, int, str, str]]:
    return [(e.start, e.end, e.label, e.text) for e in pred.entities]


def test_offsets_exact_with_curly_quotes_non_ascii_and_spaces(tiny_bert_dir: Path) -> None:
    extractor = stub_extractor(tiny_bert_dir, margin=0)
    text = "  " + SENTENCE
    (pred,) = extractor.extract([TextDoc("d", text)])
    assert found(pred) == expected_entities(text)
    for e in pred.entities:
        assert text[e.start : e.end] == e.text == e.text.strip()


def test_long_document_windows_no_duplicate_or_split_entities(tiny_bert_dir: Path) -> None:
    extractor = stub_extractor(tiny_bert_dir, window=16, stride=6, batch_size=3, split="none")
    text = "The mayor said:\n" + SENTENCE * 25 + "the mayor said ."
    (pred,) = extractor.extract([TextDoc("long", text)])
    assert extractor._ner.model.calls > 1  # several batches of windows were needed
    assert found(pred) == expected_entities(text)
    assert not validate_prediction(pred, TextDoc("long", text))


@pytest.mark.parametrize("split", ["sentences", "lines"])
def test_windows_do_not_cross_sentence_or_line_boundaries(tiny_bert_dir: Path, split: str) -> None:
    extractor = stub_extractor(tiny_bert_dir, margin=0, window=64, stride=16, split=split)
    text = "The mayor said. " + SENTENCE * 4 + "the mayor said ."
    (pred,) = extractor.extract([TextDoc("d", text)])
    assert found(pred) == expected_entities(text)
    period = extractor._ner.tokenizer.convert_tokens_to_ids(".")
    rows = extractor._ner.model.rows
    assert len(rows) >= 5  # at least one window per line
    if split == "sentences":
        assert all(period not in row[:-1] for row in rows)
    else:
        assert any(period in row[:-1] for row in rows)  # "said. “Angela" stays joined


def test_stub_punishes_edge_predictions(tiny_bert_dir: Path) -> None:
    """Without overlap, tokens at window edges are predicted badly: the stub does bite."""
    extractor = stub_extractor(tiny_bert_dir, window=16, stride=0, split="none")
    text = "The mayor said:\n" + SENTENCE * 10 + "the mayor said ."
    (pred,) = extractor.extract([TextDoc("long", text)])
    assert any(e.label == "MISC" for e in pred.entities)


def test_batching_does_not_change_predictions(tiny_bert_dir: Path) -> None:
    extractor = stub_extractor(tiny_bert_dir, margin=0, window=20, stride=8, batch_size=4)
    docs = [
        TextDoc("a", SENTENCE * 3),
        TextDoc("empty", ""),
        TextDoc("blank", " \n\t "),
        TextDoc("b", "the mayor said . " + SENTENCE),
        TextDoc("c", SENTENCE * 9),
    ]
    together = list(extractor.extract(docs))
    alone = [next(iter(extractor.extract([d]))) for d in docs]
    assert [p.doc_id for p in together] == [d.id for d in docs]
    assert together == alone
    assert together[1].entities == () and together[2].entities == ()
    for doc, pred in zip(docs, together, strict=True):
        assert found(pred) == expected_entities(doc.text)


def test_label_map_option_renames_or_drops_model_types(tiny_bert_dir: Path) -> None:
    extractor = stub_extractor(tiny_bert_dir, margin=0, label_map={"LOC": None, "ORG": "MISC"})
    (pred,) = extractor.extract([TextDoc("d", SENTENCE)])
    assert [(e.text, e.label) for e in pred.entities] == [
        ("Angela  Merkel", "PER"),
        ("Acme Holdings", "MISC"),
    ]


@pytest.mark.parametrize("aggregation", ["first", "max", "average"])
def test_random_tiny_model_gives_valid_deterministic_spans(
    tiny_bert_dir: Path, aggregation: str
) -> None:
    extractor = TransformersExtractor(
        TransformersOptions(model=str(tiny_bert_dir), aggregation=aggregation, window=24, stride=8),  # type: ignore[arg-type]
        ENTITIES,
    )
    extractor.setup()
    docs = [TextDoc("x", SENTENCE * 6), TextDoc("y", "ﬁ ½ ✓ 😀 " + SENTENCE)]
    first = list(extractor.extract(docs))
    again = list(extractor.extract(docs))
    assert first == again
    for doc, pred in zip(docs, first, strict=True):
        assert not validate_prediction(pred, doc)
        assert {e.label for e in pred.entities} <= set(ENTITY_TYPES)
        ends = [(e.start, e.end) for e in pred.entities]
        assert ends == sorted(ends)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))
        for e in pred.entities:
            assert doc.text[e.start : e.end] == e.text == e.text.strip()


def test_local_model_sets_offline_mode(
    tiny_bert_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    TransformersExtractor(TransformersOptions(model=str(tiny_bert_dir)), ENTITIES).setup()
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_resolve_model(tiny_bert_dir: Path) -> None:
    assert resolve_model("") == (str(BUNDLED_MODEL), True)
    assert resolve_model(str(tiny_bert_dir)) == (str(tiny_bert_dir), True)
    name, local = resolve_model("json:")
    assert local and Path(name).is_dir()
    assert resolve_model("owner/some-model") == ("owner/some-model", False)
    for missing in ("./no/such/folder", "/no/such", "json:no_such_folder", "no_such_pkg_xyz:m"):
        with pytest.raises(ConfigError):
            resolve_model(missing)


def test_options_are_validated_from_config() -> None:
    opts = parse_options(TransformersOptions, {"aggregation": "max", "stride": 16}, "cfg")
    assert opts.aggregation == "max" and opts.stride == 16
    for raw in ({"aggregation": "mean"}, {"stride": 64}, {"batch_size": 0}, {"modle": "x"}):
        with pytest.raises(ConfigError):
            parse_options(TransformersOptions, raw, "cfg")
