"""Name normalisation and canonical names (no model needed)."""

from __future__ import annotations

from harness_spacy.names import NameBook, NameInfo, display_name, fold, name_key


def test_fold_removes_accents_and_case() -> None:
    assert fold("Zoë") == "zoe"


def test_name_key_strips_titles_possessive_and_article() -> None:
    assert name_key("Mr Smith’s") == ("smith",)
    assert name_key("President Ana Silva") == ("ana", "silva")
    assert name_key("the Harbour Authority") == ("harbour", "authority")


def test_display_name() -> None:
    assert display_name("the Harbour Authority") == "Harbour Authority"
    assert display_name("Tom Okafor's") == "Tom Okafor"


def test_canonical_is_the_fullest_name() -> None:
    book = NameBook()
    book.infos = [
        NameInfo("Ana María Silva", "PERSON", ("ana", "maria", "silva"), 1),
        NameInfo("Ana Silva", "PERSON", ("ana", "silva"), 3),
        NameInfo("Silva Motors", "ORG", ("silva", "motors"), 2),
    ]
    assert book.canonical("Silva", "PERSON") == "Ana María Silva"
    assert book.canonical("Mrs Silva", "PERSON") == "Ana María Silva"
    assert book.canonical("Ana Silva", "PERSON") == "Ana María Silva"
    # A surname the NER called ORG may still be a person.
    assert book.canonical("Silva", "ORG") == "Ana María Silva"
    assert book.canonical("Jones", "PERSON") == "Jones"
