"""The regex extractor as a plugin: discovery through the entry point, options, contract."""

from __future__ import annotations

import os
from importlib import metadata

import pytest
from harness_regex.extractor import RegexExtractor, RegexOptions

from harness.errors import ConfigError
from harness.extractors import check_extractor_class, validate_prediction
from harness.hookspecs import ENTRY_POINT_GROUP
from harness.model import TextDoc
from harness.options import parse_options
from harness.plugins import Plugins, reset_plugins
from harness.schemes import LabelMaps


def _only_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    """Disable the other entry-point plugins, so this test depends on this plugin alone."""
    others = [
        ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name != "regex"
    ]
    monkeypatch.setenv("HARNESS_DISABLE_PLUGINS", ",".join(others))
    reset_plugins()


def test_entry_point_registers_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    _only_regex(monkeypatch)
    plugins = Plugins()
    assert plugins.extractor("regex") is RegexExtractor
    assert plugins.extractors.owner("regex") == "regex"
    assert plugins.info["regex"].distribution == "harness-regex"
    reset_plugins()


def test_plugin_can_be_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    _only_regex(monkeypatch)
    monkeypatch.setenv("HARNESS_DISABLE_PLUGINS", os.environ["HARNESS_DISABLE_PLUGINS"] + ",regex")
    assert "regex" not in Plugins().extractors
    reset_plugins()


def test_extractor_class_is_valid() -> None:
    assert check_extractor_class(RegexExtractor) == []
    described = RegexExtractor.describe()
    assert described["tasks"] == ["entities", "quotes", "speakers"]
    assert described["label_scheme"] == "ontonotes"


def test_options_are_validated_from_config() -> None:
    opts = parse_options(RegexOptions, {"labels": ["PERSON", "GPE"], "min_quote_words": 2}, "x")
    assert opts.labels == ("PERSON", "GPE") and opts.min_quote_words == 2
    with pytest.raises(ConfigError, match="not OntoNotes"):
        parse_options(RegexOptions, {"labels": ["PER"]}, "x")
    with pytest.raises(ConfigError, match="min_quote_words"):
        parse_options(RegexOptions, {"min_quote_words": 0}, "x")
    with pytest.raises(ConfigError, match="unknown option"):
        parse_options(RegexOptions, {"indirect": False}, "x")


def test_predictions_pass_the_contract_checks() -> None:
    docs = [
        TextDoc("a", "“We are ready,” Mayor Lena Varga said on Monday in Chile."),
        TextDoc("b", ""),
        TextDoc("c", "Oskar Lind said the 3 farms were worth $2 million, the BBC reported."),
    ]
    preds = list(RegexExtractor().extract(docs))
    assert [p.doc_id for p in preds] == ["a", "b", "c"]
    for pred, doc in zip(preds, docs, strict=True):
        assert validate_prediction(pred, doc) == []


def test_label_map_option_is_handed_to_the_runner_which_maps_and_counts_drops() -> None:
    opts = parse_options(RegexOptions, {"label_map": {"PERSON": "PER", "DATE": None}}, "x")
    extractor = RegexExtractor(opts)
    pred = next(iter(extractor.extract([TextDoc("d", "Mr Quist left on Monday.")])))
    assert ("Quist", "PERSON") in [(e.text, e.label) for e in pred.entities]  # native labels
    assert extractor.label_map == {"PERSON": "PER", "DATE": None}
    maps = LabelMaps(labels=("PER",), prediction=extractor.label_map)
    mapped, dropped = maps.map_prediction(pred)
    assert [(e.text, e.label) for e in mapped.entities] == [("Quist", "PER")]
    assert dropped == ["DATE"]
    with pytest.raises(ConfigError, match="label_map"):
        parse_options(RegexOptions, {"label_map": {"PER": "PER"}}, "x")


def test_requested_tasks_skip_unneeded_work() -> None:
    doc = TextDoc("d", "Mr Quist said the farm was sold.")
    only_entities = next(iter(RegexExtractor(None, frozenset({"entities"})).extract([doc])))
    assert only_entities.entities and not only_entities.quotes
    only_quotes = next(iter(RegexExtractor(None, frozenset({"quotes"})).extract([doc])))
    assert only_quotes.quotes and not only_quotes.entities
