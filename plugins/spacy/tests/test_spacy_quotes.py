"""Quotes and speakers from the parse, one construction per test (invented sentences)."""

from __future__ import annotations

from collections.abc import Callable

from harness.model import Quote

Finder = Callable[[str], list[Quote]]


def summary(quotes: list[Quote]) -> list[tuple[str, str, str | None]]:
    return [(q.type, q.text, q.speaker) for q in quotes]


def test_direct_quote_with_inverted_attribution(quotes_of: Finder) -> None:
    text = "“We will not give up,” said Jane Porter, the city mayor."
    (q,) = quotes_of(text)
    assert (q.type, q.text, q.speaker) == ("direct", "We will not give up,", "Jane Porter")
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker_span is not None and q.speaker_span.text == "Jane Porter"
    assert text[q.start - 1] == "“" and text[q.end] == "”"


def test_interrupted_quote_is_two_quotes(quotes_of: Finder) -> None:
    quotes = quotes_of("“The vote was rigged,” Tom Okafor said on Monday, “and we will appeal.”")
    assert summary(quotes) == [
        ("direct", "The vote was rigged,", "Tom Okafor"),
        ("direct", "and we will appeal.", "Tom Okafor"),
    ]


def test_straight_marks_and_colon_cue(quotes_of: Finder) -> None:
    quotes = quotes_of('Rosa Diaz told the crowd: "We have only just begun."')
    assert summary(quotes) == [("direct", "We have only just begun.", "Rosa Diaz")]


def test_indirect_quote_drops_leading_that_and_conjoined_verb_shares_subject(
    quotes_of: Finder,
) -> None:
    quotes = quotes_of(
        "Mr Daniel Reyes said that the budget was too small. He added that cuts were coming."
    )
    assert summary(quotes) == [
        ("indirect", "the budget was too small", "Daniel Reyes"),
        ("indirect", "cuts were coming", "Daniel Reyes"),
    ]
    assert quotes[1].speaker_span is not None and quotes[1].speaker_span.text == "He"


def test_according_to(quotes_of: Finder) -> None:
    (q,) = quotes_of("According to the Harbour Authority, the port will close for a week.")
    assert q.type == "indirect"
    assert q.text.rstrip(".") == "the port will close for a week"
    assert q.speaker == "Harbour Authority"
    assert q.cue is not None and q.cue.text == "According to"


def test_mixed_quote_with_fragment(quotes_of: Finder) -> None:
    (q,) = quotes_of(
        "Senator Paul Grant said the deal was “dead on arrival” and the talks were over."
    )
    assert q.type == "mixed"
    assert q.text == "the deal was “dead on arrival” and the talks were over"
    assert q.speaker == "Paul Grant"


def test_pronoun_resolves_to_earlier_named_speaker(quotes_of: Finder) -> None:
    quotes = quotes_of(
        "Carla Mendes told reporters that sales had doubled. She said: “We are delighted.”"
    )
    assert summary(quotes) == [
        ("indirect", "sales had doubled", "Carla Mendes"),
        ("direct", "We are delighted.", "Carla Mendes"),
    ]


def test_gender_picks_the_matching_speaker(quotes_of: Finder) -> None:
    quotes = quotes_of(
        "Mrs Helen Brook said the school would stay open. Mr Omar Haddad said the roof was unsafe. "
        "She added that parents had been informed."
    )
    assert [q.speaker for q in quotes] == ["Helen Brook", "Omar Haddad", "Helen Brook"]


def test_role_description_resolves_to_named_person(quotes_of: Finder) -> None:
    (q,) = quotes_of(
        "Interior Minister Ana Silva spoke first. "
        "The minister insisted that the police had acted lawfully."
    )
    assert q.speaker == "Ana Silva"
    assert q.speaker_span is not None and q.speaker_span.text == "The minister"


def test_speaker_is_the_fullest_name_in_the_document(quotes_of: Finder) -> None:
    quotes = quotes_of(
        "Teresa Kovacs chaired the meeting. Later, Kovacs said the board would resign."
    )
    assert summary(quotes) == [("indirect", "the board would resign", "Teresa Kovacs")]
    assert quotes[0].speaker_span is not None and quotes[0].speaker_span.text == "Kovacs"


def test_headline_with_colon(quotes_of: Finder) -> None:
    (q,) = quotes_of("Paul Grant: We will not sign this deal\n\nThe talks collapsed on Friday.")
    assert (q.type, q.text, q.speaker) == ("direct", "We will not sign this deal", "Paul Grant")
    assert q.cue is not None and q.cue.text == ":"


def test_scare_quotes_titles_and_apostrophes_are_not_quotes(quotes_of: Finder) -> None:
    text = (
        "The so-called “experts” were wrong about the ‘Blue Lagoon’ project. "
        "Don’t worry, it’s the teams’ choice."
    )
    assert quotes_of(text) == []


def test_unbalanced_marks_do_not_crash(quotes_of: Finder) -> None:
    for text in ["She said “this never closes", "Odd ” marks “ everywhere ”“", "“", "‘’"]:
        quotes_of(text)


def test_cognition_verb_is_a_cue(quotes_of: Finder) -> None:
    (q,) = quotes_of("Dr Amit Rao believes the vaccine will be ready by spring.")
    assert (q.type, q.speaker) == ("indirect", "Amit Rao")
    assert q.text == "the vaccine will be ready by spring"


def test_verbs_inside_quotes_are_not_cues(quotes_of: Finder) -> None:
    quotes = quotes_of("“I think we should wait,” Lena Vogt said.")
    assert summary(quotes) == [("direct", "I think we should wait,", "Lena Vogt")]


def test_possessive_role_is_not_resolved_to_the_possessor(quotes_of: Finder) -> None:
    quotes = quotes_of(
        "Mr Victor Lang said the merger was off. Lang’s spokesman said the talks had failed."
    )
    assert [q.speaker for q in quotes] == ["Victor Lang", "Lang’s spokesman"]


def test_pronoun_without_named_speaker_falls_back_to_an_earlier_person(quotes_of: Finder) -> None:
    (q,) = quotes_of("Judge Ruth Okoye opened the hearing. She said the case would take weeks.")
    assert (q.speaker, q.text) == ("Ruth Okoye", "the case would take weeks")


def test_according_to_does_not_hide_the_reported_speech_it_sources(quotes_of: Finder) -> None:
    quotes = quotes_of(
        "Ella Park said the city would need “urgent repairs” to its bridges, "
        "according to the Daily Courier."
    )
    assert [(q.type, q.speaker) for q in quotes] == [("mixed", "Ella Park")]


def test_prepositional_and_nominal_contents(quotes_of: Finder) -> None:
    quotes = quotes_of(
        "Mayor Lisa Hunt warned of long delays on the ring road. "
        "She also called for calm and announced the closure of two bridges."
    )
    assert summary(quotes) == [
        ("indirect", "long delays on the ring road", "Lisa Hunt"),
        ("indirect", "calm", "Lisa Hunt"),
        ("indirect", "the closure of two bridges", "Lisa Hunt"),
    ]


def test_leading_adverb_is_left_out(quotes_of: Finder) -> None:
    (q,) = quotes_of("Separately, the firm will cut 200 jobs, Mark Ellis said.")
    assert q.text == "the firm will cut 200 jobs"


def test_content_stays_in_the_cue_paragraph(quotes_of: Finder) -> None:
    quotes = quotes_of("Talks on rail fares\n\nThe unions will strike next week, Lara Voss said.")
    assert [(q.text, q.speaker) for q in quotes] == [
        ("The unions will strike next week", "Lara Voss")
    ]


def test_nested_reporting_clause_splits_the_outer_content(quotes_of: Finder) -> None:
    quotes = quotes_of(
        "Anna Berg said the plant would stay open, although the union insists that jobs are at risk."
    )
    assert summary(quotes) == [
        ("indirect", "the plant would stay open", "Anna Berg"),
        ("indirect", "jobs are at risk", "the union"),
    ]


def test_quote_followed_by_a_conjoined_cue_of_an_earlier_subject_is_mixed(
    quotes_of: Finder,
) -> None:
    (q,) = quotes_of("The mayor called the ruling a “slap in the face”, and warned of protests.")[
        :1
    ]
    assert (q.type, q.text) == ("mixed", "the ruling a “slap in the face”")


def test_group_pronoun_resolves_to_an_earlier_organisation(quotes_of: Finder) -> None:
    (q,) = quotes_of("Acme Corp published figures on Monday. It said profits had doubled.")
    assert (q.speaker, q.text) == ("Acme Corp", "profits had doubled")


def test_headline_with_colon_after_proper_nouns_the_ner_missed(quotes_of: Finder) -> None:
    quotes = quotes_of("Zorvan Quell: Our rivers are dying\n\nThe report came out on Monday.")
    assert [(q.type, q.text, q.speaker) for q in quotes] == [
        ("direct", "Our rivers are dying", "Zorvan Quell")
    ]


def test_label_colon_is_not_a_headline_quote(quotes_of: Finder) -> None:
    assert quotes_of("Published: 12 May\n\nUpdated: 13 May") == []
