"""CoNLL import: schemes, documents, exact offsets, errors with file and line, round trips,
and the strict F1 of a CoNLL goldset equal to seqeval's on the same tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2

from harness import runner
from harness.codec import prediction_to_dict
from harness.config import parse_config
from harness.errors import ConfigError, GoldsetError
from harness.formats.conll import ConllFormat, ConllOptions
from harness.formats.tagging import SCHEMES, Chunk, decode, encode
from harness.goldset import Goldset, load_goldset
from harness.model import Prediction

FIX = Path(__file__).parent / "fixtures" / "formats" / "conll"
CONLLPP_DEV = Path("/work/shared/data/conllpp/conllpp_dev.txt")
LABELS = ("PER", "ORG", "LOC", "MISC")


pytestmark = pytest.mark.usefixtures("builtin_only")


def annotations(g: Goldset) -> list[tuple[str, str, tuple[tuple[int, int, str, str], ...]]]:
    return [(d.id, d.text, tuple((e.start, e.end, e.label, e.text) for e in d.entities)) for d in g]


def test_reads_documents_sentences_and_exact_offsets() -> None:
    g = load_goldset(FIX / "iob2.conll", "conll")
    assert len(g) == 2 and g.label_scheme == "conll" and g.labels == LABELS
    d1, d2 = g.documents
    assert d1.id == "iob2-0001"
    assert d1.text == 'Maria Lindqvist joined Nordbank Holdings in Oslo.\n"We grow," she said.'
    assert [(d1.text[e.start : e.end], e.label) for e in d1.entities] == [
        ("Maria Lindqvist", "PER"),
        ("Nordbank Holdings", "ORG"),
        ("Oslo", "LOC"),
    ]
    assert [e.text for e in d2.entities] == ["Alpine Cup", "Bergen", "Oslo"]
    assert d2.text.startswith("The Alpine Cup starts (weather permitting) in Bergen Oslo.")


@pytest.mark.parametrize("name", ["iob1", "bioes"])
def test_every_scheme_gives_the_same_annotations(name: str) -> None:
    ref = [a[1:] for a in annotations(load_goldset(FIX / "iob2.conll", "conll"))]
    for scheme in ("auto", name):
        g = load_goldset(FIX / f"{name}.conll", "conll", {"scheme": scheme})
        assert [a[1:] for a in annotations(g)] == ref


def test_document_modes_and_spaces() -> None:
    by_sentence = load_goldset(FIX / "iob2.conll", "conll", {"documents": "sentence"})
    assert len(by_sentence) == 3
    whole = load_goldset(FIX / "iob2.conll", "conll", {"documents": "file", "detokenize": "spaces"})
    assert len(whole) == 1
    assert whole.documents[0].text.startswith("Maria Lindqvist joined Nordbank Holdings in Oslo .")


def write(tmp_path: Path, body: str, name: str = "bad.conll") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def test_bad_iob_sequences_name_file_and_line(tmp_path: Path) -> None:
    p = write(tmp_path, "-DOCSTART- O\n\nAnna B-PER\nsaw O\nBerg I-LOC\n\nOK O\nX B-FOO\n")
    with pytest.raises(GoldsetError) as exc:
        load_goldset(p, "conll", {"scheme": "iob2"})
    msg = str(exc.value)
    assert "2 problems" in msg
    assert f"{p}, line 5: I-LOC follows 'O': in IOB2 an entity starts with B-LOC" in msg
    assert f"{p}, line 8: unknown label 'FOO'" in msg


def test_detected_iob1_is_not_an_error_but_bioes_breaks_are(tmp_path: Path) -> None:
    p = write(tmp_path, "Anna B-PER\nBerg I-PER\nsaw O\nOslo S-LOC\n")
    with pytest.raises(GoldsetError, match=r"line 3: entity PER is not closed with E-PER"):
        load_goldset(p, "conll")


def test_an_invalid_iob2_sequence_is_not_read_as_iob1(tmp_path: Path) -> None:
    """The issue's probe: B- tags and one I- start were read as IOB1 under scheme: auto, and
    'New York' silently became an entity. Now the B- tags decide IOB2 and the I- start is an
    error naming its line, and the tag that decided is named."""
    p = write(tmp_path, "-DOCSTART- O\n\nJohn B-PER\nSmith I-PER\nin O\nNew I-LOC\nYork I-LOC\n")
    with pytest.raises(GoldsetError) as exc:
        load_goldset(p, "conll")
    msg = str(exc.value)
    assert f"{p}, line 6: I-LOC follows 'O': in IOB2 an entity starts with B-LOC" in msg
    assert f"scheme auto chose IOB2 because of {p}, line 3 (B-PER begins an entity" in msg
    assert "declare it (scheme: iob1, iob2 or bioes)" in msg
    # declared IOB1, the same file reads (B- after O starts an entity in IOB1's lenient reading)
    g = load_goldset(p, "conll", {"scheme": "iob1"})
    assert [e.text for e in g.documents[0].entities] == ["John Smith", "New York"]


CONLLPP = {split: CONLLPP_DEV.with_name(f"conllpp_{split}.txt") for split in ("dev", "train")}


@pytest.mark.parametrize(
    "split", ["dev", pytest.param("train", marks=pytest.mark.slow)], ids=["dev", "train"]
)
def test_conllpp_reads_the_same_under_auto_and_iob2(split: str) -> None:
    path = CONLLPP[split]
    if not path.is_file():
        pytest.skip(f"CoNLL++ {split} split not available")
    assert ConllFormat().detect(path, ConllOptions()) == "iob2"
    auto = load_goldset(path, "conll", {"scheme": "auto"})
    declared = load_goldset(path, "conll", {"scheme": "iob2"})
    assert annotations(auto) == annotations(declared)
    assert len(declared) == {"dev": 216, "train": 946}[split]


def test_malformed_lines_and_encodings(tmp_path: Path) -> None:
    p = tmp_path / "latin.conll"
    p.write_bytes("Jos\xe9 B-PER\nsaw O\n".encode("latin-1") + b"Ana B-PER\nBerg\n")
    with pytest.raises(GoldsetError) as exc:
        load_goldset(p, "conll", {"columns": 2, "tag_column": 1})
    msg = str(exc.value)
    assert f"{p}, line 1: not valid UTF-8" in msg
    assert f"{p}, line 4: 1 column; expected a token (column 0) and a tag (column 1)" in msg
    bad_tag = write(tmp_path, "Ana B_PER\n")
    with pytest.raises(GoldsetError, match=r"line 1: malformed tag 'B_PER'"):
        load_goldset(bad_tag, "conll")


def test_unknown_option_gets_did_you_mean() -> None:
    with pytest.raises(ConfigError, match=r"unknown option 'schema'.*Did you mean 'scheme'"):
        load_goldset(FIX / "iob2.conll", "conll", {"schema": "iob2"})


def test_changed_file_is_not_served_from_the_cache(tmp_path: Path) -> None:
    p = write(tmp_path, "Anna B-PER\nsaw O\n", "doc.conll")
    assert [e.label for e in load_goldset(p, "conll").documents[0].entities] == ["PER"]
    p.write_text("Anna B-ORG\nsaw O\n", encoding="utf-8")
    assert [e.label for e in load_goldset(p, "conll").documents[0].entities] == ["ORG"]
    p.write_text("Anna I-ORG\nsaw O\n", encoding="utf-8")
    with pytest.raises(GoldsetError):
        load_goldset(p, "conll", {"scheme": "iob2"})


# ---- round trips -------------------------------------------------------------------------

TOKEN = st.one_of(
    st.from_regex(r"[A-Za-z][a-z0-9]{0,5}", fullmatch=True),
    st.sampled_from([".", ",", "(", ")", '"', "'s", "'", "$", "%", "-", "U.S.", "...", "4.5"]),
)


@st.composite
def conll_docs(draw: st.DrawFn) -> list[list[tuple[list[str], list[Chunk]]]]:
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        sents = []
        for _ in range(draw(st.integers(1, 3))):
            tokens = draw(st.lists(TOKEN, min_size=1, max_size=10))
            chunks, i = [], 0
            while i < len(tokens):
                if draw(st.integers(0, 2)) == 0:
                    n = draw(st.integers(1, min(3, len(tokens) - i)))
                    chunks.append(Chunk(i, i + n, draw(st.sampled_from(LABELS))))
                    i += n
                else:
                    i += 1
            sents.append((tokens, chunks))
        docs.append(sents)
    return docs


def render(docs: list[list[tuple[list[str], list[Chunk]]]], scheme: str) -> str:
    lines = []
    for doc in docs:
        lines.append("-DOCSTART- -X- -X- O\n\n")
        for tokens, chunks in doc:
            tags = encode(chunks, len(tokens), scheme)  # type: ignore[arg-type]
            lines.extend(f"{t} NN O {tag}\n" for t, tag in zip(tokens, tags, strict=True))
            lines.append("\n")
    return "".join(lines)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    conll_docs(),
    st.sampled_from(SCHEMES),
    st.sampled_from(SCHEMES),
    st.sampled_from(["natural", "spaces"]),
    st.sampled_from([2, 4]),
)
def test_import_export_import_keeps_every_annotation(
    tmp_path: Path,
    docs: list[list[tuple[list[str], list[Chunk]]]],
    scheme_in: str,
    scheme_out: str,
    detok: str,
    columns: int,
) -> None:
    src = tmp_path / "src.conll"
    src.write_text(render(docs, scheme_in), encoding="utf-8")
    opts = {"scheme": scheme_in, "detokenize": detok}
    first = load_goldset(src, "conll", opts)
    # Every chunk became one entity, from its first token to its last.
    for doc, d in zip(docs, first, strict=True):
        chunks = [(toks, c) for toks, cs in doc for c in cs]
        assert len(d.entities) == len(chunks)
        for e, (toks, c) in zip(d.entities, chunks, strict=True):
            assert e.label == c.label
            assert e.text.startswith(toks[c.start]) and e.text.endswith(toks[c.end - 1])
    out = tmp_path / "out" / "src.conll"
    fmt = ConllFormat()
    fmt.write(first, out, ConllOptions(scheme=scheme_out, detokenize=detok, columns=columns))  # type: ignore[arg-type]
    second = load_goldset(out, "conll", {"scheme": scheme_out, "detokenize": detok})
    assert annotations(second) == annotations(first)


# ---- strict F1 equals seqeval ------------------------------------------------------------


def _tags(path: Path) -> list[list[str]]:
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols or cols[0] == "-DOCSTART-":
            if cur:
                sents.append(cur)
            cur = []
            continue
        cur.append(cols[-1])
    if cur:
        sents.append(cur)
    return sents


def perturb(gold: list[list[str]], seed: int) -> list[list[str]]:
    """Predictions from gold tags: drop, relabel and shorten some entities; add false ones."""
    import random

    rnd = random.Random(seed)
    out = []
    for tags in gold:
        chunks, _ = decode(tags, "iob2")
        pred: list[Chunk] = []
        for c in chunks:
            r = rnd.random()
            if r < 0.15:
                continue
            if r < 0.3:
                c = Chunk(c.start, c.end, rnd.choice(LABELS))
            elif r < 0.4 and c.end - c.start > 1:
                c = Chunk(c.start, c.end - 1, c.label)
            pred.append(c)
        taken = {i for c in pred for i in range(c.start, c.end)}
        for i in range(len(tags)):
            if i not in taken and rnd.random() < 0.03:
                pred.append(Chunk(i, i + 1, rnd.choice(LABELS)))
                taken.add(i)
        out.append(encode(pred, len(tags), "iob2"))
    return out


def run_strict_f1(gold_path: Path, pred_tags: list[list[str]], tmp: Path) -> float:
    flat = iter(t for sent in pred_tags for t in sent)
    out = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        out.append(line if not cols or cols[0] == "-DOCSTART-" else f"{cols[0]} {next(flat)}")
    pred_file = tmp / "pred.conll"
    pred_file.write_text("\n".join(out) + "\n", encoding="utf-8")
    name = gold_path.stem
    preds = load_goldset(pred_file, "conll", {"scheme": "iob2", "id_prefix": name})
    replay = tmp / "pred.jsonl"
    replay.write_text(
        "".join(json.dumps(prediction_to_dict(Prediction(d.id, d.entities))) + "\n" for d in preds),
        encoding="utf-8",
    )
    cfg = parse_config(
        {
            "goldset": {"format": "conll", "path": str(gold_path), "scheme": "iob2"},
            "tasks": ["entities"],
            "cache": None,
            "bootstrap": {"samples": 0},
            "extractors": [{"name": "replay", "options": {"path": str(replay)}}],
        },
        base=tmp,
    )
    result = runner.run(cfg)
    return float(result.extractors[0].scores["entities.strict.micro.f1"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_strict_f1_equals_seqeval_on_generated_tags(tmp_path: Path, seed: int) -> None:
    import random

    rnd = random.Random(seed)
    docs = [
        [
            (
                [
                    rnd.choice(["Ana", "Berg", "said", ".", ",", "Cup", "in", "(", ")"])
                    for _ in range(n)
                ],
                [],
            )
            for n in (rnd.randint(3, 12) for _ in range(rnd.randint(1, 4)))
        ]
        for _ in range(20)
    ]
    gold_chunks = []
    for doc in docs:
        for tokens, chunks in doc:
            i = 0
            while i < len(tokens):
                if rnd.random() < 0.3:
                    n = rnd.randint(1, min(3, len(tokens) - i))
                    chunks.append(Chunk(i, i + n, rnd.choice(LABELS)))
                    i += n
                else:
                    i += 1
            gold_chunks.extend(chunks)
    gold = tmp_path / "gold.conll"
    gold.write_text(render(docs, "iob2"), encoding="utf-8")
    gold_tags = _tags(gold)
    pred_tags = perturb(gold_tags, seed)
    expected = f1_score(gold_tags, pred_tags, mode="strict", scheme=IOB2)
    assert run_strict_f1(gold, pred_tags, tmp_path) == pytest.approx(expected, abs=1e-12)


@pytest.mark.skipif(not CONLLPP_DEV.is_file(), reason="CoNLL++ dev split not available")
def test_strict_f1_equals_seqeval_on_conllpp_dev(tmp_path: Path) -> None:
    gold_tags = _tags(CONLLPP_DEV)
    pred_tags = perturb(gold_tags, 7)
    expected = f1_score(gold_tags, pred_tags, mode="strict", scheme=IOB2)
    assert 0.5 < expected < 0.95
    assert run_strict_f1(CONLLPP_DEV, pred_tags, tmp_path) == pytest.approx(expected, abs=1e-12)


def test_config_names_the_format_and_suggests(tmp_path: Path) -> None:
    base = {"extractors": [{"name": "replay", "options": {"path": "x"}}]}
    cfg = parse_config(
        {**base, "goldset": {"format": "conll", "path": str(FIX / "iob2.conll")}}, tmp_path
    )
    assert cfg.goldset.format == "conll" and str(cfg.goldset).endswith("iob2.conll")
    with pytest.raises(ConfigError, match=r"unknown goldset format 'conl'.*Did you mean 'conll'"):
        parse_config({**base, "goldset": {"format": "conl", "path": "x"}}, tmp_path)
    with pytest.raises(
        ConfigError, match=r"unknown option 'detokenise'.*Did you mean 'detokenize'"
    ):
        parse_config(
            {**base, "goldset": {"format": "conll", "path": "x", "detokenise": "spaces"}}, tmp_path
        )
    with pytest.raises(
        ConfigError, match=r"goldset: .*missing.conll.* \(conll format\) does not exist"
    ):
        parse_config({**base, "goldset": {"format": "conll", "path": "missing.conll"}}, tmp_path)
