"""Entities of the regex extractor: invented sentences, offsets checked by slicing."""

from __future__ import annotations

import pytest
from harness_regex.entities import find_entities
from harness_regex.extractor import RegexExtractor, RegexOptions

from harness.model import TextDoc


def ents(text: str) -> set[tuple[str, str]]:
    found = find_entities(text)
    for e in found:
        assert text[e.start : e.end] == e.text
    return {(e.text, e.label) for e in found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Senator Alma Quist spoke.", {("Alma Quist", "PERSON")}),
        ("Mr Quist left early.", {("Quist", "PERSON")}),
        ("Opposition leader Tomas Brell arrived.", {("Tomas Brell", "PERSON")}),
        ("Later Tomas Brell said nothing.", {("Tomas Brell", "PERSON")}),
        ("The Kenyan runner won.", {("Kenyan", "NORP")}),
        ("They flew to Norway and Chile.", {("Norway", "GPE"), ("Chile", "GPE")}),
        ("The U.S.-backed plan failed.", {("U.S.", "GPE")}),
        ("Danish-Swedish talks began.", {("Danish", "NORP"), ("Swedish", "NORP")}),
        ("The Health Ministry and NATO met.", {("Health Ministry", "ORG"), ("NATO", "ORG")}),
        (
            "She joined Brell Holdings Inc last year.",
            {("Brell Holdings Inc", "ORG"), ("last year", "DATE")},
        ),
        ("The Ministry of Water and Power agreed.", {("Ministry of Water and Power", "ORG")}),
        (
            "Prices rose 12 per cent to $4.5 million.",
            {("12 per cent", "PERCENT"), ("$4.5 million", "MONEY")},
        ),
        ("It ended at 7 p.m. on Tuesday.", {("7 p.m.", "TIME"), ("Tuesday", "DATE")}),
        ("The vote is on 3 March 2021.", {("3 March 2021", "DATE")}),
        ("Three boats sailed 40 km.", {("Three", "CARDINAL"), ("40 km", "QUANTITY")}),
        ("She came third for the second time.", {("third", "ORDINAL"), ("second", "ORDINAL")}),
        ("It lasted five minutes.", {("five minutes", "TIME")}),
        ("Fighting spread across the Middle East.", {("Middle East", "LOC")}),
        # an unknown name right after "in"/"near"/"outside" is a place; not a title or a body
        ("Roads were closed in Eastbury overnight.", {("Eastbury", "GPE")}),
        ("The camp near Nordvik Falls was cleared.", {("Nordvik Falls", "GPE")}),
        ("The bill was debated in Parliament.", set()),
        ("The harbour town of Eastbury was quiet.", {("Eastbury", "GPE")}),
        ("Shares in Grell Foods fell.", {("Grell Foods", "ORG")}),
        ("Shares in Grell fell.", set()),  # not a place after "shares in"
        ("Analysts at Grell said little.", set()),  # not a person before "said"
        # a title word inside an organisation's name does not make a person of it
        ("The Justice Department declined to comment.", {("Justice Department", "ORG")}),
        (
            "Representative Lena Varga of Ohio spoke.",
            {("Lena Varga", "PERSON"), ("Ohio", "GPE")},
        ),
        # plural nouns for kinds of people are no PERSON, even before a speech verb
        ("Geologists warned of landslides.", set()),
        ("Economists said nothing.", set()),
        # a news agency at the end of a line of the word list (it used to keep trailing spaces)
        ("The report was carried by Xinhua on Monday.", {("Xinhua", "ORG"), ("Monday", "DATE")}),
    ],
)
def test_entity_constructions(text: str, expected: set[tuple[str, str]]) -> None:
    assert ents(text) == expected


def test_possessive_is_outside_the_name() -> None:
    text = "Norway’s envoy met Mr Quist's aide."
    assert ents(text) == {("Norway", "GPE"), ("Quist", "PERSON")}


def test_surname_recurs_as_person() -> None:
    text = "President Alma Quist spoke. Later, Quist left for Chile."
    assert ("Quist", "PERSON") in ents(text)


def test_title_and_nationality_are_split_off_a_person() -> None:
    text = "Chilean Foreign Minister Ada Lorn visited."
    assert ents(text) == {("Chilean", "NORP"), ("Ada Lorn", "PERSON")}


def test_sentence_initial_words_are_not_names() -> None:
    assert ents("However, nobody came. Speaking later, nobody stayed.") == set()


def test_empty_and_plain_text() -> None:
    assert find_entities("") == []
    assert find_entities("nothing capitalised here at all") == []


def test_label_filter() -> None:
    found = find_entities("Mr Quist paid $5 in Chile.", labels={"GPE"})
    assert [(e.text, e.label) for e in found] == [("Chile", "GPE")]


def test_extractor_labels_option() -> None:
    extractor = RegexExtractor(RegexOptions(labels=("MONEY",)))
    pred = next(iter(extractor.extract([TextDoc("d", "Mr Quist paid $5 in Chile.")])))
    assert [(e.text, e.label) for e in pred.entities] == [("$5", "MONEY")]


def test_model_names_are_products_not_counts() -> None:
    assert ents("The Zx-24 and two Q-400s met the G-7.") == {
        ("Zx-24", "PRODUCT"),
        ("two", "CARDINAL"),
        ("Q-400s", "PRODUCT"),
        ("G-7", "ORG"),
    }


def test_approximate_and_scaled_counts() -> None:
    assert ents("At least seven boats and 3.3 million fish.") == {
        ("At least seven", "CARDINAL"),
        ("3.3 million", "CARDINAL"),
    }


def test_pronoun_one_is_not_a_count() -> None:
    assert ents("She is the one who stayed.") == set()


def test_month_abbreviation_and_relative_dates() -> None:
    assert ents("It began on Nov. 26, 2015 and ended earlier this week.") == {
        ("Nov. 26, 2015", "DATE"),
        ("earlier this week", "DATE"),
    }


def test_capital_city_and_facility() -> None:
    assert ents("Flights to Nairobi left from Grand Harbour Airport.") == {
        ("Nairobi", "GPE"),
        ("Grand Harbour Airport", "FAC"),
    }


def test_capitals_headline_words_are_not_acronyms() -> None:
    assert ents("FOOTBALL - LATE GOAL SINKS HOSTS\nNAIROBI 1998-05-02") == {
        ("NAIROBI", "GPE"),
        ("1998-05-02", "DATE"),
    }
    assert ents("The FIFA rules changed.") == {("FIFA", "ORG")}


def test_news_agency_state_and_derived_demonyms() -> None:
    assert ents("Ontario police told Reuters two Mexican and South Korean tourists left.") == {
        ("Ontario", "GPE"),
        ("Reuters", "ORG"),
        ("two", "CARDINAL"),
        ("Mexican", "NORP"),
        ("South Korean", "NORP"),
    }


def test_guessed_full_name_and_its_later_surname() -> None:
    assert ents("Ada Lorn spoke first. Later, Lorn left.") == {
        ("Ada Lorn", "PERSON"),
        ("first", "ORDINAL"),
        ("Lorn", "PERSON"),
    }


def test_two_names_side_by_side_are_not_one_person() -> None:
    text = "Brell Vesta talks open\n\nBrell said the talks were useful. Vesta is a port."
    assert ents(text) == {("Brell", "PERSON")}
