"""Quotes and speakers of the regex extractor: one invented sentence per construction."""

from __future__ import annotations

import pytest
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


def one(text: str, **options: object) -> Quote:
    found = quotes(text, **options)
    assert len(found) == 1, found
    return found[0]


def summary(q: Quote) -> tuple[str, str, str | None, str | None, str | None]:
    return (
        q.text,
        q.type,
        q.speaker,
        q.speaker_span.text if q.speaker_span else None,
        q.cue.text if q.cue else None,
    )


# --- direct quotes ----------------------------------------------------------------------------


def test_quote_then_name_said() -> None:
    q = one("“The bridge will open in spring,” Lena Varga said.")
    assert summary(q) == (
        "The bridge will open in spring,",
        "direct",
        "Lena Varga",
        "Lena Varga",
        "said",
    )


def test_quote_then_said_name() -> None:
    q = one("“We will not sell the farm,” said Oskar Lind.")
    assert summary(q)[1:] == ("direct", "Oskar Lind", "Oskar Lind", "said")


def test_name_said_colon_quote() -> None:
    q = one("Lena Varga said: “The bridge will open in spring.”")
    assert summary(q) == (
        "The bridge will open in spring.",
        "direct",
        "Lena Varga",
        "Lena Varga",
        "said",
    )


def test_reported_speech_after_a_quote_that_ends_its_sentence() -> None:
    # the quote's full stop is masked with it, yet the next sentence is a sentence of its own
    text = "Lena Varga said: “The bridge is safe.” She added that two lanes would stay shut."
    found = [summary(q)[:3] for q in quotes(text)]
    assert found == [
        ("The bridge is safe.", "direct", "Lena Varga"),
        ("two lanes would stay shut", "indirect", "Lena Varga"),
    ]


def test_a_quote_ending_with_a_comma_does_not_end_the_sentence() -> None:
    q = one("“The bridge is safe,” Lena Varga said.")
    assert summary(q)[1:3] == ("direct", "Lena Varga")


def test_straight_quotes() -> None:
    q = one('"Nobody expected the snow," Oskar Lind told reporters.')
    assert summary(q)[:4] == ("Nobody expected the snow,", "direct", "Oskar Lind", "Oskar Lind")
    assert q.cue is not None and q.cue.text == "told"


def test_single_and_guillemet_quotes() -> None:
    q1 = one("‘The river is rising fast,’ Oskar Lind warned.")
    assert q1.text == "The river is rising fast," and q1.speaker == "Oskar Lind"
    q2 = one("«The river is rising fast», Oskar Lind warned.")
    assert q2.text == "The river is rising fast" and q2.speaker == "Oskar Lind"


def test_interrupted_quote_gives_two_quotes_with_one_speaker() -> None:
    text = "“We are ready,” Lena Varga said, “but the budget is not.”"
    q1, q2 = quotes(text)
    assert (q1.text, q2.text) == ("We are ready,", "but the budget is not.")
    assert q1.speaker == q2.speaker == "Lena Varga"
    assert q1.speaker_span == q2.speaker_span and q1.cue == q2.cue


def test_description_speaker_resolves_to_last_named_speaker() -> None:
    text = (
        "Mayor Lena Varga said the bridge would open in spring.\n\n"
        "“It is a great day for the town,” the mayor said."
    )
    q = quotes(text)[-1]
    assert summary(q) == (
        "It is a great day for the town,",
        "direct",
        "Lena Varga",
        "the mayor",
        "said",
    )


def test_pronoun_speaker_and_fullest_name() -> None:
    text = "Lena Varga opened the bridge.\n\n“It took ten years to build,” Varga said. “We waited,” she added."
    found = quotes(text)
    assert [q.speaker for q in found] == ["Lena Varga", "Lena Varga"]
    assert [q.speaker_span.text for q in found if q.speaker_span] == ["Varga", "she"]


def test_multi_paragraph_quote_is_one_quote_per_paragraph() -> None:
    text = (
        "“The first part of the plan is the road.\n\n"
        "“The second part is the bridge,” Oskar Lind said.\n\n"
        "Nothing else happened."
    )
    q1, q2 = quotes(text)
    assert q1.text == "The first part of the plan is the road."
    assert q2.text == "The second part is the bridge,"
    assert q1.speaker == q2.speaker == "Oskar Lind"
    assert q1.speaker_span is None and q2.speaker_span is not None


def test_unattributed_quote_takes_the_previous_speaker() -> None:
    text = "“We are ready,” Oskar Lind said.\n\n“And we will stay ready for years.”"
    _, q2 = quotes(text)
    assert q2.speaker == "Oskar Lind" and q2.speaker_span is None and q2.cue is None


def test_headline_name_colon_words() -> None:
    text = "Varga: The bridge is finally ready\n\nMayor Lena Varga opened it on Monday."
    q = quotes(text)[0]
    assert summary(q) == ("The bridge is finally ready", "direct", "Lena Varga", "Varga", ":")


def test_boilerplate_label_is_not_a_headline_quote() -> None:
    assert quotes("Published: Updated:\n\nUpdated: 10 minutes ago by the desk") == []


# --- indirect and mixed quotes ----------------------------------------------------------------


def test_said_that_clause() -> None:
    q = one("Lena Varga said that the bridge would open in spring.")
    assert summary(q) == (
        "the bridge would open in spring",
        "indirect",
        "Lena Varga",
        "Lena Varga",
        "said",
    )


def test_said_clause_without_that() -> None:
    q = one("Oskar Lind said the farm was not for sale.")
    assert q.text == "the farm was not for sale" and q.type == "indirect"


def test_told_addressee_clause() -> None:
    q = one("Oskar Lind told reporters that the farm was not for sale.")
    assert (q.text, q.cue.text if q.cue else None) == ("the farm was not for sale", "told")


def test_clause_comma_name_said() -> None:
    q = one("The farm is not for sale, Oskar Lind said on Monday.")
    assert summary(q) == (
        "The farm is not for sale",
        "indirect",
        "Oskar Lind",
        "Oskar Lind",
        "said",
    )


def test_according_to_before_and_after() -> None:
    q1 = one("According to Lena Varga, the bridge will open in spring.")
    assert (q1.text, q1.speaker, q1.cue.text if q1.cue else None) == (
        "the bridge will open in spring",
        "Lena Varga",
        "According to",
    )
    q2 = one("The bridge will open in spring, according to Lena Varga.")
    assert (q2.text, q2.speaker) == ("The bridge will open in spring", "Lena Varga")


def test_mixed_quote_contains_a_fragment() -> None:
    q = one("Lena Varga said the delay was “a small price to pay” for safety.")
    assert summary(q)[:3] == (
        "the delay was “a small price to pay” for safety",
        "mixed",
        "Lena Varga",
    )


def test_pronoun_indirect_quote() -> None:
    text = "Oskar Lind bought the farm.\n\nHe said the price was fair."
    q = quotes(text)[-1]
    assert summary(q) == ("the price was fair", "indirect", "Oskar Lind", "He", "said")


def test_indirect_quotes_can_be_switched_off() -> None:
    assert quotes("Oskar Lind said the farm was not for sale.", indirect_quotes=False) == []


# --- robustness -------------------------------------------------------------------------------


def test_apostrophes_are_not_quote_marks() -> None:
    text = "Chile’s farmers don’t expect rain before the ‘90s style floods, officials’ notes say."
    assert [q for q in quotes(text) if q.type == "direct"] == []


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


def test_short_unattributed_scare_quotes_are_ignored() -> None:
    assert quotes("The so-called “plan” was never written down.") == []


# --- harder constructions ---------------------------------------------------------------------


def test_apposition_between_name_and_cue() -> None:
    q = one("Oskar Lind, the owner of the farm, said the price was fair.")
    assert (q.text, q.speaker, q.cue.text if q.cue else None) == (
        "the price was fair",
        "Oskar Lind",
        "said",
    )


def test_relative_pronoun_speaker() -> None:
    text = "The plan was opposed by Oskar Lind, who said the price was far too high."
    q = one(text)
    assert (q.text, q.speaker, q.speaker_span.text if q.speaker_span else None) == (
        "the price was far too high",
        "Oskar Lind",
        "who",
    )


def test_second_cue_of_the_same_subject() -> None:
    text = "Lena Varga said the bridge was safe, and added that it would open in spring."
    q1, q2 = quotes(text)
    assert (q1.text, q2.text) == ("the bridge was safe", "it would open in spring")
    assert q1.speaker == q2.speaker == "Lena Varga" and q2.cue and q2.cue.text == "added"


def test_participle_cue() -> None:
    text = "Lena Varga opened the bridge on Monday, saying the town had waited long enough."
    q = one(text)
    assert (q.text, q.speaker, q.cue.text if q.cue else None) == (
        "the town had waited long enough",
        "Lena Varga",
        "saying",
    )


def test_time_adjunct_after_cue_is_skipped() -> None:
    q = one("Lena Varga said on Monday the bridge would open in spring.")
    assert q.text == "the bridge would open in spring"


def test_cue_without_a_clause_is_not_a_quote() -> None:
    assert quotes("Lena Varga said in a statement.") == []
    assert quotes("Oskar Lind writes about farms, rivers and bridges.") == []


def test_called_needs_a_quoted_fragment() -> None:
    assert quotes("Lena Varga called the committee to order at noon.") == []
    q = one("Lena Varga called the delay “a total disgrace to the town”.")
    assert q.type == "mixed" and q.text == "the delay “a total disgrace to the town”"


def test_possessive_description_speaker() -> None:
    q = one("Acme’s spokesman said the factory would close next year.")
    assert q.speaker_span is not None and q.speaker_span.text == "Acme’s spokesman"


def test_description_prefers_the_person_with_that_title() -> None:
    text = (
        "Chilean Mayor Ada Lorn met Danish envoy Oskar Lind on Monday.\n\n"
        "“The talks went well,” Lind said.\n\n"
        "The Chilean mayor said the visit had been useful."
    )
    assert quotes(text)[-1].speaker == "Ada Lorn"


def test_quote_fragment_after_cue_makes_a_mixed_quote() -> None:
    q = one("Lena Varga said “a new bridge” would be built by the river.")
    assert q.type == "mixed" and q.text.startswith("“a new bridge”")


def test_postposed_subject_must_end_the_clause() -> None:
    found = quotes("The mayor, who had doubts, said she would sign the budget.")
    assert [(q.text, q.speaker_span.text if q.speaker_span else None) for q in found] == [
        ("she would sign the budget", "The mayor")
    ]


def test_attribution_closing_the_previous_paragraph() -> None:
    text = "Harbour Minister Ada Lorn told reporters:\n\n“The port will reopen on Monday.”"
    q = one(text)
    assert (q.text, q.speaker, q.speaker_span.text if q.speaker_span else None) == (
        "The port will reopen on Monday.",
        "Ada Lorn",
        "Ada Lorn",
    )


def test_dateline_and_trailing_subordinate_clause_are_not_quoted() -> None:
    text = "OSLO (Newswire) - The ferry was cancelled, officials said, as the wind grew stronger."
    q = one(text)
    assert (q.text, q.speaker) == ("The ferry was cancelled", "officials")


def test_description_with_a_named_apposition() -> None:
    q = one("A spokesman for the ferry company, Nordlink, said: “All boats are safe.”")
    assert q.speaker_span is not None and q.speaker_span.text == "A spokesman for the ferry company"


def test_person_named_in_apposition_to_a_description_is_the_speaker() -> None:
    for text in [
        "His lawyer, Oskar Lind, said the charges were baseless.",
        "The mayor of Eastbury, Oskar Lind, said the town would rebuild.",
        "The company’s chief executive, Oskar Lind, said profits would rise.",
    ]:
        q = one(text)
        assert q.speaker == "Oskar Lind", text
        assert q.speaker_span is not None and q.speaker_span.text == "Oskar Lind", text


def test_quote_attributed_with_according_to_after_it() -> None:
    q = one("“The bridge must close before winter,” according to Oskar Lind.")
    assert summary(q)[1:] == ("direct", "Oskar Lind", "Oskar Lind", "according to")


def test_a_document_named_as_source_is_its_authors() -> None:
    for text, speaker in [
        ("According to a statement from the Water Board, two pumps have failed.", "Water Board"),
        ("Two pumps have failed, according to a report by Oskar Lind.", "Oskar Lind"),
    ]:
        assert one(text).speaker == speaker, text


def test_organisation_speaker_keeps_its_whole_name() -> None:
    for text in [
        "According to the Interior Ministry, two pumps have failed.",
        "The Interior Ministry said two pumps had failed.",
    ]:
        assert one(text).speaker == "Interior Ministry", text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # told + addressee + place + that
        (
            "Oskar Lind told reporters in Eastbury that the pumps would be replaced.",
            ("the pumps would be replaced", "indirect", "Oskar Lind"),
        ),
        # a plural noun for a kind of people is a group speaker
        (
            "Geologists warned that the slope could give way.",
            ("the slope could give way", "indirect", "Geologists"),
        ),
        # a preposition adjunct takes its object
        (
            "The ferry company said in a statement it was checking every boat.",
            ("it was checking every boat", "indirect", "ferry company"),
        ),
        # a day between subject and cue
        (
            "Senator Oskar Lind on Tuesday denied that he had misled the inquiry.",
            ("he had misled the inquiry", "indirect", "Oskar Lind"),
        ),
        # a sentence adverb in commas
        (
            "Farmers, however, insisted that the drought was not over.",
            ("the drought was not over", "indirect", "Farmers"),
        ),
        # 'for months' before 'that'
        (
            "Oskar Lind has argued for months that the dam is unsafe.",
            ("the dam is unsafe", "indirect", "Oskar Lind"),
        ),
        # a group keeps its organisation
        (
            "Analysts at Grell Bank said the cut was deeper than expected.",
            (
                "the cut was deeper than expected",
                "indirect",
                "Analysts at Grell Bank",
            ),
        ),
    ],
)
def test_reported_speech_constructions(text: str, expected: tuple[str, str, str]) -> None:
    assert summary(one(text))[:3] == expected


def test_relative_clause_between_subject_and_cue() -> None:
    q = one("The company that owns the ferry said the boats were safe.")
    assert summary(q)[:3] == ("the boats were safe", "indirect", "company")
    assert q.speaker_span is not None and q.speaker_span.text == "The company"


def test_postposed_name_with_a_place_after_of() -> None:
    q = one("“Nobody is above the law,” tweeted Representative Lena Varga of Eastshire.")
    assert summary(q)[1:3] == ("direct", "Lena Varga")


def test_a_possessed_document_is_its_owners() -> None:
    q = one("According to the company’s annual report, the mill employs 900 people.")
    assert q.speaker == "company"
    assert q.speaker_span is not None and q.speaker_span.text == "the company"


def test_non_reporting_uses_of_said_are_not_quotes() -> None:
    for text in [
        "That said, the coalition held together for another year.",
        "The minister is said to be furious about the leak.",
        "Her claims were rejected by the court on Monday.",
        "Needless to say, the vote was close.",
        "She told him to leave.",
    ]:
        assert quotes(text) == [], text


def test_auxiliary_and_adverb_between_subject_and_cue() -> None:
    q = one("The party’s leader has repeatedly argued that taxes must fall.")
    assert (q.text, q.speaker_span.text if q.speaker_span else None) == (
        "taxes must fall",
        "The party’s leader",
    )


def test_three_paragraph_quote_shares_the_speaker() -> None:
    text = (
        "Ada Lorn said: “The first point is the harbour.\n\n"
        "“The second point is the road.\n\n"
        "“The third point is the money.”"
    )
    found = quotes(text)
    assert [q.text for q in found] == [
        "The first point is the harbour.",
        "The second point is the road.",
        "The third point is the money.",
    ]
    assert {q.speaker for q in found} == {"Ada Lorn"}


def test_phrasal_cues() -> None:
    q1 = one("Ada Lorn called for an end to the strike.")
    assert (q1.text, q1.cue.text if q1.cue else None) == ("an end to the strike", "called for")
    q2 = one("Oskar Lind was quoted as saying that the farm was not for sale.")
    assert (q2.text, q2.cue.text if q2.cue else None) == (
        "the farm was not for sale",
        "quoted as saying",
    )
