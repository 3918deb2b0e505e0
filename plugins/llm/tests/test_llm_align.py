"""Alignment of generated strings to the text, chunking and the merging of chunks."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from harness_llm.align import Aligner, normalise, trim
from harness_llm.chunking import merge_overlapping, split

TEXT = (
    "The minister said on Monday: \u201cWe will not   back down.\u201d\n"
    "Critics said the plan was reckless. The minister repeated it later.\n"
    "Shares in Grell Bank fell 3%, Grell Bank said."
)


def span(a: Aligner, needle: str, **kw: object) -> tuple[str, str] | None:
    m = a.find(needle, **kw)
    return None if m is None else (a.text[m.start : m.end], m.level)


def test_exact_first() -> None:
    assert span(Aligner(TEXT), "We will not   back down.") == ("We will not   back down.", "exact")


@pytest.mark.parametrize(
    "needle",
    [
        '"We will not back down."',  # straight quotes, whitespace collapsed
        "we will NOT back down.",  # case
        "We will not\nback down.",  # line break for spaces
        "\u2018We will not back down.\u2019",
    ],
)
def test_normalised_ignores_whitespace_quote_marks_and_case(needle: str) -> None:
    found = span(Aligner(TEXT), needle)
    assert found is not None and found[1] == "normalised"
    assert found[0].strip("\u201c\u201d") == "We will not   back down."


def test_fuzzy_above_the_threshold_only() -> None:
    a = Aligner(TEXT, threshold=0.85)
    assert span(a, "Critics said that the plan was reckless.") == (
        "Critics said the plan was reckless.",
        "fuzzy",
    )
    assert a.find("Critics said the budget was a disaster") is None
    assert Aligner(TEXT, threshold=None).find("Critics said that the plan was reckless.") is None


def test_invented_text_is_not_aligned() -> None:
    a = Aligner(TEXT)
    assert a.find("The central bank raised interest rates") is None
    assert a.find("Vladimir Putin") is None
    assert a.find("   ") is None


def test_short_strings_are_never_fuzzy() -> None:
    assert Aligner("Iraq and Syria").find("Iran") is None


def test_repeated_string_follows_the_cursor_and_skips_taken() -> None:
    a = Aligner(TEXT)
    first = a.find("Grell Bank")
    assert first is not None and first.start == TEXT.index("Grell Bank")
    second = a.find("Grell Bank", after=first.end)
    assert second is not None and second.start == TEXT.rindex("Grell Bank")
    # same string again, no cursor: the free occurrence
    again = a.find("Grell Bank", taken={(first.start, first.end)})
    assert again is not None and again.start == second.start
    # a cursor past the last occurrence falls back to the nearest before it
    late = a.find("Grell Bank", after=len(TEXT))
    assert late is not None and late.start == second.start


def test_near_picks_the_occurrence_closest_to_the_anchor() -> None:
    a = Aligner(TEXT)
    quote = TEXT.index("We will")
    m = a.find("the minister", near=(quote, quote + 10))
    assert m is not None and m.start == 0  # "The minister said on Monday", not the later one
    later = TEXT.index("repeated")
    m = a.find("The minister", near=(later, later + 8))
    assert m is not None and m.start == TEXT.index("The minister repeated")


def test_offsets_map_back_through_expanding_characters() -> None:
    text = "Die Straße in Köln\u00a0ist  lang."
    a = Aligner(text)
    m = a.find("STRASSE IN KÖLN IST")
    assert m is not None and text[m.start : m.end] == "Straße in Köln\u00a0ist"


def test_trim_and_normalise() -> None:
    s, e = trim(TEXT, TEXT.index("\u201c"), TEXT.index("\u201d") + 1)
    assert TEXT[s:e] == "We will not   back down."
    assert normalise(" \u201cA\u2014b \n c\u201d ") == "a-b c"


def test_split_covers_the_text_with_overlaps_and_bounded_chunks() -> None:
    rng = random.Random(3)
    words = ["alpha", "beta", "gamma.", "delta\n", "epsilon,", "zeta"]
    text = " ".join(rng.choice(words) for _ in range(3000))
    chunks = split(text, 1000, 150)
    assert len(chunks) > 1 and chunks[0].start == 0 and chunks[-1].end == len(text)
    for c in chunks:
        assert len(c.text) <= 1000 and text[c.start : c.end] == c.text
    for a, b in pairwise(chunks):
        assert b.start < a.end  # overlap
        assert a.end - b.start <= 150 + 1
        assert b.start > a.start
    assert split("short", 1000, 150)[0].text == "short"


def test_split_without_any_break_still_progresses() -> None:
    text = "x" * 2500
    chunks = split(text, 1000, 100)
    assert (
        "".join(
            c.text[: (chunks[i + 1].start - c.start) if i + 1 < len(chunks) else None]
            for i, c in enumerate(chunks)
        )
        == text
    )


def test_merge_keeps_the_longer_of_overlapping_items_from_different_chunks() -> None:
    items = [
        (0, (10, 20, "A")),
        (1, (12, 25, "A")),
        (1, (30, 35, "B")),
        (0, (30, 35, "B")),
        (0, (40, 45, "A")),
        (0, (42, 47, "A")),
    ]
    kept, merged = merge_overlapping(items, lambda t: (t[0], t[1]), lambda a, b: a[2] == b[2])
    assert kept == [(12, 25, "A"), (30, 35, "B"), (40, 45, "A"), (42, 47, "A")]
    assert merged == 2  # overlaps within one chunk are the model's own: kept
