"""Quotation-mark scanning (no model needed)."""

from __future__ import annotations

from harness_spacy.marks import find_marked, paragraphs


def inside(text: str) -> list[str]:
    return [text[m.start : m.end] for m in find_marked(text)]


def test_curly_and_straight_double_marks() -> None:
    text = 'She said “we are ready” and he said "so are we".'
    assert inside(text) == ["we are ready", "so are we"]


def test_single_marks_and_apostrophes() -> None:
    text = (
        "The teams’ coach called it a ‘fresh start’, but don’t expect miracles in the ’90s style."
    )
    assert inside(text) == ["fresh start"]


def test_straight_single_marks_are_not_apostrophes() -> None:
    text = "It's the players' view that the plan is 'too risky', he said."
    assert inside(text) == ["too risky"]


def test_nested_single_inside_double_is_one_quote() -> None:
    text = "“They told us ‘wait here’ and left,” she said."
    assert inside(text) == ["They told us ‘wait here’ and left,"]


def test_unbalanced_opening_runs_to_paragraph_end() -> None:
    text = "He said “this never closes\n\nA new paragraph.”"
    marks = find_marked(text)
    assert [text[m.start : m.end] for m in marks] == ["this never closes"]
    assert marks[0].close_at is None and not marks[0].continues


def test_stray_closing_mark_is_ignored() -> None:
    assert inside("Nothing opened here” at all.") == []


def test_paragraph_continuation_is_linked() -> None:
    text = "“First part of the speech.\n\n“Second part,” said the host."
    marks = find_marked(text)
    assert [text[m.start : m.end] for m in marks] == ["First part of the speech.", "Second part,"]
    assert marks[0].continues and marks[0].opens_paragraph
    assert not marks[1].continues and marks[1].opens_paragraph
    assert [m.paragraph for m in marks] == [0, 1]


def test_paragraphs_skip_blank_lines() -> None:
    text = "One.\n\n  Two.\nThree."
    assert [text[p.start : p.end] for p in paragraphs(text)] == ["One.", "Two.", "Three."]
