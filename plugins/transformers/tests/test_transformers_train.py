"""The training recipe end to end on an invented CoNLL slice with a tiny random BERT encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness_transformers import train
from harness_transformers.conll import conll_features, iter_conll, load_conll
from harness_transformers.labels import IOB2_TAGS

# Invented sentences in CoNLL column format (token POS chunk NER), with document markers.
CONLL = """-DOCSTART- -X- -X- O

Angela NNP B-NP B-PER
Merkel NNP I-NP I-PER
visited VBD B-VP O
Berlin NNP B-NP B-LOC
on IN B-PP O
Monday NNP B-NP O
. . O O

The DT B-NP O
mayor NN I-NP O
of IN B-PP O
Zurich NNP B-NP B-LOC
said VBD B-VP O
the DT B-NP O
Acme NNP I-NP B-ORG
Holdings NNP I-NP I-ORG
report NN I-NP O
. . O O

-DOCSTART- -X- -X- O

Merkel NNP B-NP B-PER
told VBD B-VP O
reporters NNS B-NP O
in IN B-PP O
Zurich NNP B-NP B-LOC
. . O O
"""


@pytest.fixture()
def conll_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.conll"
    path.write_text(CONLL, encoding="utf-8")
    return path


def test_iter_conll_skips_docstart_and_splits_sentences(conll_file: Path) -> None:
    sentences = list(iter_conll(conll_file))
    assert [len(s["tokens"]) for s in sentences] == [7, 10, 6]  # type: ignore[arg-type]
    assert sentences[0]["ner_tags"][:2] == ["B-PER", "I-PER"]  # type: ignore[index]
    assert len(list(iter_conll(conll_file, limit=2))) == 2


def test_load_conll_declares_classlabel_features(conll_file: Path) -> None:
    ds = load_conll(conll_file)
    assert ds.features == conll_features()
    assert ds.features["ner_tags"].feature.names == list(IOB2_TAGS)
    assert ds[0]["ner_tags"][:4] == [1, 2, 0, 5]


def test_load_conll_rejects_unknown_tags(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("Angela NNP B-NP B-PERSON\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="B-PERSON"):
        load_conll(path)


def test_first_subword_labelling(tiny_tokenizer_dir: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_tokenizer_dir)
    feats = train.encode_words(tokenizer, [["Merkel", "visited", "Xq"]], [[1, 0, 5]], 128)
    labels = feats[0]["labels"]
    # [CLS] merkel visited x ##q [SEP]: only the first piece of each word is labelled.
    assert labels == [-100, 1, 0, 5, -100, -100]


def test_recipe_end_to_end(tmp_path: Path, conll_file: Path, tiny_bert_dir: Path) -> None:
    from safetensors import safe_open

    encoder = tiny_bert_dir
    out = tmp_path / "model"
    work = tmp_path / "work"
    args = [
        "--train", str(conll_file), "--dev", str(conll_file), "--out", str(out),
        "--encoder", str(encoder), "--epochs", "2", "--seed", "13", "--lr", "1e-3",
        "--batch-size", "2", "--max-length", "32", "--work-dir", str(work),
    ]  # fmt: skip
    assert train.main(args) == 0
    files = {p.name for p in out.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json", "MODEL_CARD.md"} <= files
    assert not any(name.endswith((".pt", ".bin")) or "checkpoint" in name for name in files)
    with safe_open(str(out / "model.safetensors"), framework="pt") as weights:
        dtypes = {str(weights.get_tensor(k).dtype) for k in weights.keys()}
    assert dtypes == {"torch.float16"}
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {str(i): t for i, t in enumerate(IOB2_TAGS)}
    assert config["label2id"] == {t: i for i, t in enumerate(IOB2_TAGS)}
    metrics = json.loads((work / "metrics.json").read_text())
    assert len(metrics["history"]) == 2
    assert metrics["best_epoch"] in (1, 2)
    assert 0.0 <= metrics["dev"]["f1"] <= 1.0
    card = (out / "MODEL_CARD.md").read_text()
    assert f"F1 {metrics['dev']['f1']:.4f}" in card
    assert "--epochs 2" in card and "uncased" in card

    # the written folder loads as a model for the extractor
    from harness_transformers.extractor import TransformersExtractor, TransformersOptions

    from harness.model import TextDoc

    extractor = TransformersExtractor(TransformersOptions(model=str(out)), frozenset({"entities"}))
    extractor.setup()
    (pred,) = extractor.extract([TextDoc("d", "Angela Merkel visited Berlin.")])
    assert pred.doc_id == "d"


def test_recipe_is_deterministic(tmp_path: Path, conll_file: Path, tiny_bert_dir: Path) -> None:
    encoder = tiny_bert_dir
    results = []
    for run in ("a", "b"):
        cfg = train.TrainConfig(
            train=str(conll_file), dev=str(conll_file), out=str(tmp_path / run / "model"),
            encoder=str(encoder), epochs=1, lr=1e-3, batch_size=2, max_length=32,
            work_dir=str(tmp_path / run / "work"),
        )  # fmt: skip
        results.append(train.train(cfg, "test")["history"])
    for h in results:
        for row in h:
            row.pop("train_seconds")
    assert results[0] == results[1]
