"""Quotes of the regex extractor beyond the rule tables' examples (those are in
``test_regex_rules.py``): options, robustness, non-reporting uses of speech verbs."""

from __future__ import annotations

from harness_regex.extractor import RegexExtractor, RegexOptions
from harness_regex.quotes import find_quotes

from harness.model import Prediction, Quote, TextDoc


def run(text: str, **options: object) -> Prediction:
    """Predictions of the regex extractor for one document."""
    extractor = RegexExtractor(RegexOptions(**options))  # type: ignore[arg-type]
    return next(iter(extractor.extract([TextDoc("doc", text)])))


def quotes(text: str, **options: object) -> list[Quote]:
    """The quotes of ``text``, with every span checked against the text by slicing."""
    found = list(run(text, **options).quotes)
    for q in found:
        assert text[q.start : q.end] == q.text
        for sub in (q.speaker_span, q.cue):
            if sub is not None:
                assert text[sub.start : sub.end] == sub.text
    return found


def test_indirect_quotes_can_be_switched_off() -> None:
    assert quotes("Oskar Lind said the farm was not for sale.", indirect_quotes=False) == []
    assert len(quotes("Oskar Lind said the farm was not for sale.")) == 1


def test_headline_quotes_can_be_switched_off() -> None:
    text = "Varga: The bridge is finally ready\n\nMayor Lena Varga opened it on Monday."
    assert quotes(text, headline_quotes=False) == []


def test_references_can_be_left_unresolved() -> None:
    text = "Oskar Lind bought the farm.\n\nHe said the price was fair."
    (q,) = quotes(text, resolve_references=False)
    assert q.speaker is None and q.speaker_span is not None and q.speaker_span.text == "He"


def test_min_quote_words() -> None:
    assert quotes("Oskar Lind said prices rose.", min_quote_words=3) == []
    (q,) = quotes("Oskar Lind said prices rose.", min_quote_words=2)
    assert q.text == "prices rose"


def test_unbalanced_marks_do_not_crash() -> None:
    for text in ["“", "”", "‘", "’", "“Open ” close ” “", "He said “we", '"""', "«", "»»«"]:
        for q in quotes(text):
            assert 0 <= q.start < q.end <= len(text)


def test_unclosed_quote_runs_to_the_end_of_its_paragraph() -> None:
    text = "Oskar Lind said: “We will stay here until the rain stops\n\nThe rain stopped."
    q = quotes(text)[0]
    assert q.text == "We will stay here until the rain stops" and q.speaker == "Oskar Lind"


def test_empty_document_and_no_quotes() -> None:
    assert quotes("") == []
    assert quotes("   \n\n  ") == []
    assert quotes("The river rose. The farm flooded. Nobody spoke.") == []
    assert find_quotes("", []) == []


def test_non_reporting_uses_of_said_are_not_quotes() -> None:
    for text in [
        "That said, the coalition held together for another year.",
        "The minister is said to be furious about the leak.",
        "Her claims were rejected by the court on Monday.",
        "Needless to say, the vote was close.",
        "She told him to leave.",
    ]:
        assert quotes(text) == [], text
