"""Tagging schemes and detokenisation: decode/encode inverses, detection, exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.formats.detok import join_tokens, tokenize
from harness.formats.tagging import SCHEMES, Chunk, decode, detect, detect_scheme, encode

LABELS = ("PER", "ORG", "LOC", "MISC")


@st.composite
def chunked(draw: st.DrawFn) -> tuple[int, list[Chunk]]:
    """A sentence length and non-overlapping chunks (adjacent ones included)."""
    n = draw(st.integers(1, 12))
    chunks: list[Chunk] = []
    i = 0
    while i < n:
        if draw(st.booleans()):
            length = draw(st.integers(1, min(3, n - i)))
            chunks.append(Chunk(i, i + length, draw(st.sampled_from(LABELS))))
            i += length
        else:
            i += 1
    return n, chunks


@given(chunked(), st.sampled_from(SCHEMES))
def test_encode_then_decode_gives_the_chunks(sent: tuple[int, list[Chunk]], scheme: str) -> None:
    n, chunks = sent
    tags = encode(chunks, n, scheme)  # type: ignore[arg-type]
    decoded, problems = decode(tags, scheme)  # type: ignore[arg-type]
    assert problems == []
    assert decoded == chunks


@given(chunked())
def test_detection_finds_the_scheme_that_wrote_the_tags(sent: tuple[int, list[Chunk]]) -> None:
    n, chunks = sent
    for scheme in SCHEMES:
        tags = encode(chunks, n, scheme)  # type: ignore[arg-type]
        found = detect_scheme([tags])
        # Without entities every scheme looks the same; IOB1 without adjacent entities has no B-.
        decoded, problems = decode(tags, found)
        assert not problems and decoded == chunks
        if chunks and scheme == "bioes":
            assert found == "bioes"


def test_iob1_b_separates_adjacent_entities() -> None:
    tags = ["I-LOC", "B-LOC", "O", "I-PER", "I-PER"]
    chunks, problems = decode(tags, "iob1")
    assert problems == []
    assert chunks == [Chunk(0, 1, "LOC"), Chunk(1, 2, "LOC"), Chunk(3, 5, "PER")]
    assert detect_scheme([tags]) == "iob1"


def test_bad_sequences_are_reported_with_the_token() -> None:
    _, problems = decode(["O", "I-PER", "I-PER"], "iob2")
    assert problems[0][0] == 1 and "an entity starts with B-PER" in problems[0][1]
    _, problems = decode(["B-PER", "O"], "bioes")
    assert problems and "not closed with E-PER" in problems[0][1]
    _, problems = decode(["B-PER"], "bioes")
    assert problems and problems[0][0] == 0
    _, problems = decode(["S-PER"], "iob2")
    assert "declare the scheme bioes" in problems[0][1]
    _, problems = decode(["B_PER", "X-ORG", "B-"], "iob2")
    assert [i for i, _ in problems] == [0, 1, 2]
    assert "malformed tag 'B_PER'" in problems[0][1]


TOKENS = st.lists(
    st.one_of(
        st.from_regex(r"[A-Za-z0-9]{1,5}", fullmatch=True),
        st.sampled_from(
            [".", ",", "(", ")", '"', "'s", "'", "$", "%", "-", "U.S.", "n't", "...", "4.5", ":"]
        ),
    ),
    min_size=1,
    max_size=15,
)


@given(TOKENS, st.sampled_from(["natural", "spaces"]))
def test_join_tokens_offsets_are_exact(tokens: list[str], mode: str) -> None:
    text, starts = join_tokens(tokens, mode)  # type: ignore[arg-type]
    for tok, s in zip(tokens, starts, strict=True):
        assert text[s : s + len(tok)] == tok
    assert "\n" not in text


@given(TOKENS, st.sampled_from(["natural", "spaces"]), st.data())
def test_tokenize_then_join_gives_the_text_back(
    tokens: list[str], mode: str, data: st.DataObject
) -> None:
    text, starts = join_tokens(tokens, mode)  # type: ignore[arg-type]
    ends = [s + len(t) for s, t in zip(starts, tokens, strict=True)]
    bounds = data.draw(st.sets(st.sampled_from(starts + ends)))
    sentences = tokenize(text, bounds, mode)  # type: ignore[arg-type]
    assert len(sentences) == 1
    again, _ = join_tokens([text[s:e] for s, e in sentences[0]], mode)  # type: ignore[arg-type]
    assert again == text
    cut = {x for s, e in sentences[0] for x in (s, e)}
    assert bounds <= cut


def test_natural_detokenisation_reads_like_text() -> None:
    tokens = ["He", "said", '"', "Yes", '"', ",", "(", "Smith", "'s", ")", "costs", "$", "5", "."]
    text, _ = join_tokens(tokens)
    assert text == 'He said "Yes", (Smith\'s) costs $5.'
    assert join_tokens(tokens, "spaces")[0] == " ".join(tokens)


@pytest.mark.parametrize(
    ("sentences", "scheme", "evidence"),
    [
        # an IOB2 B- (after O) decides IOB2: the I- start is then an IOB2 error, not IOB1
        ([["B-PER", "I-PER", "O", "I-LOC"]], "iob2", (0, 0)),
        ([["O", "I-LOC"], ["O", "B-PER"]], "iob2", (1, 1)),
        ([["I-PER", "B-ORG"]], "iob2", (0, 1)),  # B- after another type: never IOB1
        # IOB1: B- only between two adjacent entities of one type
        ([["I-LOC", "B-LOC", "O", "I-PER"]], "iob1", (0, 0)),
        ([["O", "S-PER"], ["B-LOC"]], "bioes", (0, 1)),
        ([["O", "O"]], "iob2", None),
        ([["B-PER", "I-PER"]], "iob2", (0, 0)),
    ],
)
def test_the_detection_rule(
    sentences: list[list[str]], scheme: str, evidence: tuple[int, int] | None
) -> None:
    found = detect(sentences)
    assert (found.scheme, found.evidence) == (scheme, evidence)
    assert detect_scheme(sentences) == scheme
