"""The conversion rules of goldsets/GUIDELINES.md section 4, one construction per case."""

from __future__ import annotations

import pytest

from harness.formats.conventions import pieces, shape
from harness.formats.mentions import Mention, display_name, registry
from harness.formats.quotemarks import scan


def marked(text: str) -> tuple[str, int, int]:
    """``"he said [[that it works.]]"`` -> the text without brackets and the span."""
    start = text.index("[[")
    end = text.index("]]") - 2
    return text.replace("[[", "").replace("]]", ""), start, end


@pytest.mark.parametrize(
    ("annotated", "qtype", "result"),
    [
        # C4/C5 direct: marks left out, the comma or full stop inside stays
        ("[[“We have the votes,”]] she said.", "direct", "We have the votes,"),
        ('[["The count is solid,"]] he said.', "direct", "The count is solid,"),
        ("[[''Nobody is wavering,'']] he said.", "direct", "Nobody is wavering,"),
        ("[[“It is over.”.]]", "direct", "It is over."),  # punctuation after the closing mark
        ("He said: [[“The bill is fair.]]\n", "direct", "The bill is fair."),  # opens, no close
        ("He said: “[[The bill is fair.]]” Then", "direct", "The bill is fair."),  # marks outside
        ("he said, “[[Rubio is weak.”]] Then", "direct", "Rubio is weak."),  # one mark outside
        ("\n[[”What is it,”]] he asked", "direct", "What is it,"),  # ” typed for “ opens
        # C4 mixed: a quotation inside reported speech keeps its marks
        ("said [[the senator was “confident.”]]", "mixed", "the senator was “confident.”"),
        ("said [[RT is ''providing a view.'']]", "mixed", "RT is ''providing a view.''"),
        (
            "show [[Bias on ‘Fact-Checking’ Republicans]]",
            "mixed",
            "Bias on ‘Fact-Checking’ Republicans",
        ),
        # C4 indirect: apostrophes are not quotation marks
        ("said [[the voters’ O’Malley don’t care]]", "indirect", "the voters’ O’Malley don’t care"),
        # C6 complementiser, C7 full stop
        ("said [[that the bill would pass.]]", "indirect", "the bill would pass"),
        ("said [[that, in retrospect, it failed]]", "indirect", "in retrospect, it failed"),
        ("said [[that — for now — it holds]]", "indirect", "for now — it holds"),
        ("said [[that “we need more” of it]]", "mixed", "“we need more” of it"),
        ("a bill [[that would end contracts]]", "indirect", "that would end contracts"),
        ("said [[that is highly unlikely]]", "indirect", "that is highly unlikely"),
        ("said [[that]] again", "indirect", "that"),
        ("said [[it moved to the U.S.]]", "indirect", "it moved to the U.S."),
    ],
)
def test_shape(annotated: str, qtype: str, result: str) -> None:
    text, start, end = marked(annotated)
    p = pieces(text, [(start, end)])
    assert len(p) == 1
    s = shape(text, p[0].start, p[0].end)
    assert (s.type, text[s.start : s.end]) == (qtype, result)


def test_pieces_join_across_punctuation_and_split_at_words_and_lines() -> None:
    text = "“A b, c d,” he said, “e f.”\n\n“g h.”"
    a, b = text.index("A b"), text.index("c d")
    got = pieces(text, [(b, b + 3), (a, a + 3)])  # out of order, a comma between: one piece
    assert [(text[p.start : p.end]) for p in got] == ["A b, c d"]
    assert ("repaired", "fragments sorted into text order") in got[0].changes
    e = text.index("“e")
    got = pieces(text, [(0, text.index(" he")), (e, len(text))])
    assert [text[p.start : p.end] for p in got] == ["“A b, c d,”", "“e f.”", "“g h.”"]
    assert ("split", "one quote per paragraph") in got[2].changes


def test_scan_pairs_single_marks_and_skips_apostrophes() -> None:
    text = "Bernie said 'Bernie or Bust' isn't ’90s rock, voters’ choice"
    roles = [(text[m.pos], m.role) for m in scan(text)]
    assert roles[:2] == [("'", "open"), ("'", "close")]
    assert all(text[m.pos] != "’" for m in scan(text))


def test_registry_groups_names_and_keeps_pronouns_apart() -> None:
    text = "Senator Jane Ortiz. Ortiz. he. Mr. Trump. Donald Trump. Eric Trump. Trump. he."
    mentions = []
    for i, word in enumerate(["Senator Jane Ortiz", "Ortiz", "he", "Mr. Trump", "Donald Trump",
                              "Eric Trump"]):  # fmt: skip
        start = text.index(word)
        mentions.append(Mention(f"T{i}", start, start + len(word), word))
    ids, speakers = registry(mentions)
    assert ids["T0"] == ids["T1"] == "jane-ortiz"
    assert ids["T2"] == f"he-{text.index('he')}"
    # "Trump" ends two longer names: it stays apart from both
    assert len({ids["T3"], ids["T4"], ids["T5"]}) == 3
    assert {s.id for s in speakers} == set(ids.values())
    assert display_name("a spokesman for Hillary Clinton") == "spokesman for Hillary Clinton"
    assert display_name("IMF chief economist Maury Obstfeld") == "Maury Obstfeld"
