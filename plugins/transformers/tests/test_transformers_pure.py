"""Pure helpers: word splitting, token assignment, windows, aggregation, span decoding, labels."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from harness_transformers.decode import (
    aggregate_words,
    decode_spans,
    split_tag,
    trim_span,
    word_probabilities,
)
from harness_transformers.windows import best_window, plan_segments, plan_windows
from harness_transformers.words import assign_tokens, segment_tokens, split_words


def words_of(text: str) -> list[str]:
    return [text[s:e] for s, e in split_words(text)]


def test_split_words_is_conll_like() -> None:
    text = "The N.Z. firm  AT&T's Anglo-Dutch deal, “done” in Zürich — it's O'Neill."
    assert words_of(text) == [
        "The", "N.Z.", "firm", "AT&T", "'s", "Anglo-Dutch", "deal", ",", "“", "done", "”",
        "in", "Zürich", "—", "it", "'s", "O'Neill", ".",
    ]  # fmt: skip


def test_split_words_keeps_initials_and_abbreviations() -> None:
    text = "Dr. Jo met J. R. Doe of Acme Co. in Jan. 1996 (P. Quill 4-38)."
    assert words_of(text) == [
        "Dr.", "Jo", "met", "J.", "R.", "Doe", "of", "Acme", "Co.", "in", "Jan.", "1996", "(",
        "P.", "Quill", "4-38", ")", ".",
    ]  # fmt: skip


def test_split_words_offsets_index_the_original_text() -> None:
    text = "\tA  b\u00a0c\n\nd’s"
    for start, end in split_words(text):
        assert text[start:end].strip() == text[start:end] != ""


def test_assign_tokens_uses_the_first_character() -> None:
    words = [(0, 6), (7, 13), (13, 14)]  # "Angela" "Merkel" ","
    offsets = [(0, 3), (3, 6), (7, 13), (13, 14), (0, 0)]
    assert assign_tokens(words, offsets) == [0, 0, 1, 2, None]


def test_plan_windows_short_and_long() -> None:
    assert plan_windows(5, 10, 2) == [(0, 5)]
    assert plan_windows(0, 10, 2) == [(0, 0)]
    windows = plan_windows(25, 10, 4)
    assert windows[0] == (0, 10) and windows[-1] == (15, 25)
    covered = set()
    for (_, e1), (s2, _) in itertools.pairwise(windows):
        assert e1 - s2 >= 4  # consecutive windows overlap by at least the stride
    for s, e in windows:
        assert e - s == 10
        covered.update(range(s, e))
    assert covered == set(range(25))


@pytest.mark.parametrize("bad", [(10, 10), (10, -1), (0, 0)])
def test_plan_windows_rejects_bad_stride(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        plan_windows(30, *bad)


def test_best_window_prefers_the_most_central() -> None:
    windows = plan_windows(22, 14, 6)  # [(0, 14), (8, 22)]
    choice = best_window(windows, 22)
    assert choice[:11] == [0] * 11 and choice[11:] == [1] * 11
    for i, w in enumerate(choice):
        s, e = windows[w]
        assert s <= i < e


def test_aggregate_words_strategies() -> None:
    probs = np.array(
        [
            [0.1, 0.9, 0.0],  # word 0, first piece: class 1
            [0.0, 0.0, 1.0],  # word 0, second piece: class 2, most confident
            [0.0, 0.05, 0.95],  # word 0, third piece
            [0.6, 0.4, 0.0],  # word 1
        ]
    )
    tokens = [0, 0, 0, 1]
    assert aggregate_words(probs, tokens, 3, "first") == [1, 0, None]
    assert aggregate_words(probs, tokens, 3, "max") == [2, 0, None]
    assert aggregate_words(probs, tokens, 3, "average") == [2, 0, None]
    words, present = word_probabilities(probs, tokens, 3, "average")
    assert present.tolist() == [True, True, False]
    assert np.allclose(words[0], [0.1 / 3, 0.95 / 3, 1.95 / 3]) and not words[2].any()
    assert np.allclose(word_probabilities(probs, tokens, 3, "max")[0][0], [0.0, 0.0, 1.0])
    with pytest.raises(ValueError):
        word_probabilities(probs, tokens, 3, "mean")  # type: ignore[arg-type]


def test_split_tag() -> None:
    assert split_tag("B-PER") == ("B", "PER")
    assert split_tag("I-MISC") == ("I", "MISC")
    assert split_tag("O") == ("O", None)
    assert split_tag("LOC") == ("I", "LOC")
    assert split_tag("S-ORG") == ("S", "ORG")


def test_decode_spans_iob2_and_lenient_cases() -> None:
    tags = ["B-PER", "I-PER", None, "I-LOC", "I-LOC", "B-LOC", "I-ORG", "O", "B-MISC"]
    assert decode_spans(tags) == [
        (0, 2, "PER"),
        (3, 5, "LOC"),
        (5, 6, "LOC"),
        (6, 7, "ORG"),
        (8, 9, "MISC"),
    ]


def test_decode_spans_bioes() -> None:
    assert decode_spans(["B-PER", "E-PER", "S-LOC", "S-LOC"]) == [
        (0, 2, "PER"),
        (2, 3, "LOC"),
        (3, 4, "LOC"),
    ]


def test_trim_span() -> None:
    assert trim_span("  ab  ", 0, 6) == (2, 4)
    assert trim_span("   ", 0, 3)[0] == trim_span("   ", 0, 3)[1]


def test_plan_segments_keeps_windows_inside_segments() -> None:
    windows = plan_segments([(0, 3), (3, 3), (3, 30)], 10, 4)
    assert windows[0] == (0, 3)
    assert all(3 <= s and e <= 30 for s, e in windows[1:])
    choice = best_window(windows, 30)
    assert all(windows[w][0] <= i < windows[w][1] for i, w in enumerate(choice))
    assert {choice[i] for i in range(3)} == {0}


def test_segment_tokens_modes() -> None:
    text = "Dr. Jo left. Then A. Bo came\nhome! Yes"
    words = split_words(text)
    # one token per word, for the test
    offsets = words
    token_words: list[int | None] = list(range(len(words)))

    def cut(split: str) -> list[str]:
        segments = segment_tokens(text, words, offsets, token_words, split)
        return [text[offsets[a][0] : offsets[b - 1][1]] for a, b in segments]

    assert cut("none") == [text]
    assert cut("lines") == ["Dr. Jo left. Then A. Bo came", "home! Yes"]
    assert cut("sentences") == ["Dr. Jo left.", "Then A. Bo came", "home!", "Yes"]
