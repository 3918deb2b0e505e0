"""Long documents in pieces (issue #19): spaCy reads a text longer than CHUNK_CHARS in pieces cut
at paragraph breaks, and the predictions land at the exact offsets of the whole text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from harness_spacy import chunks
from harness_spacy.chunks import pieces
from harness_spacy.extractor import SpacyExtractor
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.extractors import validate_prediction
from harness.model import TextDoc

SEEDS = sorted((Path(__file__).resolve().parents[3] / "seeds").glob("*.txt"))


@given(
    st.text(alphabet=st.sampled_from("ab .\n”?!\t"), max_size=400),
    st.integers(min_value=2, max_value=60),
)
@settings(max_examples=300, derandomize=True)
def test_pieces_cover_the_text_exactly_and_are_not_too_short(text: str, size: int) -> None:
    parts = pieces(text, size)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in itertools.pairwise(parts))
    assert all(size // 2 <= b - a <= size for a, b in parts[:-1])
    assert parts[-1][1] - parts[-1][0] <= size


def test_a_text_up_to_the_limit_is_one_piece() -> None:
    assert pieces("x" * chunks.CHUNK_CHARS) == [(0, chunks.CHUNK_CHARS)]
    assert len(pieces("x" * (chunks.CHUNK_CHARS + 1))) == 2


def test_pieces_end_at_a_paragraph_break_then_a_sentence_end_then_a_space() -> None:
    # size 20: a cut in the second half of each 20 characters, the best separator there
    assert pieces("aaaaaaaaaaaa.\nbb cc. dd ee ff gg", 20) == [(0, 14), (14, 32)]
    assert pieces("aaaaaaaaaaaa. bb cc dd ee ff gg", 20) == [(0, 14), (14, 31)]
    assert pieces("aaaaaaaaaaaa bb cc dd ee ff gg", 20) == [(0, 19), (19, 30)]
    assert pieces("x" * 30, 20) == [(0, 20), (20, 30)]
    assert pieces("\n" + "x" * 29, 20) == [(0, 20), (20, 30)]  # a break too early: no cut


def test_a_long_document_is_read_in_pieces_at_exact_offsets(
    extractor: SpacyExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in SEEDS)  # 13,900 characters
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 3_000)
    parts = pieces(text)
    assert len(parts) >= 5 and all(text[b - 1] == "\n" for _, b in parts[:-1])
    (whole,) = extractor.extract([TextDoc("long", text)])
    assert validate_prediction(whole, TextDoc("long", text)) == []
    for e in whole.entities:
        assert e.text == text[e.start : e.end]
    for q in whole.quotes:
        assert q.text == text[q.start : q.end]
        for part in (q.speaker_span, q.cue):
            assert part is None or part.text == text[part.start : part.end]
    # the same as reading each piece on its own, moved to its offset
    by_piece = extractor.extract([TextDoc(f"p{i}", text[a:b]) for i, (a, b) in enumerate(parts)])
    expected = [
        (e.start + a, e.end + a, e.label)
        for (a, _), p in zip(parts, by_piece, strict=True)
        for e in p.entities
    ]
    assert [(e.start, e.end, e.label) for e in whole.entities] == expected
    assert len(whole.quotes) == sum(len(p.quotes) for p in by_piece) > 0


def test_batches_hold_at_most_size_texts_and_chars_characters() -> None:
    from harness_spacy.chunks import batches

    assert list(batches([10, 10, 10], size=2, chars=100)) == [range(0, 2), range(2, 3)]
    assert list(batches([60, 60, 30, 200, 5], size=10, chars=100)) == [
        range(0, 1), range(1, 3), range(3, 4), range(4, 5),
    ]  # fmt: skip
    assert list(batches([], size=3)) == []
