"""Shared fixtures: a tiny WordPiece tokenizer and a tiny random BERT saved to a folder.

Nothing here touches the network or the bundled model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness_transformers.labels import IOB2_TAGS

#: A small invented vocabulary: whole words, a few continuation pieces, and letters as fallback.
WORDS = (
    "angela merkel visited berlin zurich on monday . , the mayor of said she met and in a "
    "report from ' \" “ ” « » - told reporters ltd corp club city river acme holdings"
).split()
PIECES = ("##s", "##er", "##ing", "##ed")
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]


def write_tokenizer(folder: Path) -> None:
    """Save a fast BERT-style tokenizer (lower-casing, accent stripping) into ``folder``."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab_list = special + list(dict.fromkeys([*WORDS, *LETTERS, *("##" + x for x in LETTERS)]))
    vocab_list += [p for p in PIECES if p not in vocab_list]
    vocab = {tok: i for i, tok in enumerate(vocab_list)}
    core = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    core.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True)
    core.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    core.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=core,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(folder)


def write_tiny_bert(folder: Path, seed: int = 0, labels: tuple[str, ...] = IOB2_TAGS) -> None:
    """Save a randomly initialised 2-layer BERT token classifier plus tokenizer into ``folder``."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    write_tokenizer(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    id2label = dict(enumerate(labels))
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
        num_labels=len(labels),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    torch.manual_seed(seed)
    BertForTokenClassification(config).save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny_tokenizer")
    write_tokenizer(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny_bert")
    write_tiny_bert(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_quote_bert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random model with the attribution tag set (a quote model in shape only)."""
    from harness_transformers.attribution.tags import ATTRIBUTION_TAGS

    folder = tmp_path_factory.mktemp("tiny_quote_bert")
    write_tiny_bert(folder, seed=1, labels=ATTRIBUTION_TAGS)
    return folder
