"""Checking a model's JSON answer, and the prompts and options around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness_llm.options import LLMOptions
from harness_llm.prompts import DEFAULTS, resolve_prompts
from harness_llm.schema import (
    QUOTES_SCHEMA,
    SPEAKERS_SCHEMA,
    OutputError,
    _fits,
    check,
    entities_schema,
    parse_answer,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.config import load_config
from harness.errors import ConfigError
from harness.options import parse_options

ENT = entities_schema(("PERSON", "ORG"))


def test_valid_answers_and_code_fences() -> None:
    assert parse_answer('{"entities": []}', ENT) == {"entities": []}
    fenced = '```json\n{"entities": [{"text": "Acme", "label": "ORG"}]}\n```'
    assert parse_answer(fenced, ENT)["entities"][0]["text"] == "Acme"
    # a nullable field may be left out
    q = parse_answer('{"quotes": [{"text": "x", "type": "direct"}]}', QUOTES_SCHEMA)
    assert q["quotes"][0]["text"] == "x"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"entities": [{"text": "Acme", "label": "ORG"}', "not valid JSON"),
        ("Sure! Here are the entities: Acme (ORG)", "not valid JSON"),
        ("", "empty answer"),
        (None, "empty answer"),
        ('{"ents": []}', "missing 'entities'"),
        ('{"entities": [{"text": 3, "label": "ORG"}]}', "$.entities[0].text: expected string"),
        ('{"entities": {"text": "Acme"}}', "$.entities: expected array"),
        ("[1, 2]", "$: expected object"),
    ],
)
def test_malformed_answers_are_output_errors(content: str | None, message: str) -> None:
    with pytest.raises(OutputError, match=__import__("re").escape(message)):
        parse_answer(content, ENT)


def test_prompts_inline_file_and_defaults(tmp_path: Path) -> None:
    f = tmp_path / "q.yaml"
    f.write_text("system: Be brief.\nuser: 'Quotes in {text} as {schema}'\n", encoding="utf-8")
    p = resolve_prompts({"entities": "Entities of {text}", "quotes": {"file": str(f)}})
    assert p["entities"].id == "inline" and p["entities"].user == "Entities of {text}"
    assert p["quotes"].id == f"file:{f}" and p["quotes"].system == "Be brief."
    assert p["speakers"] is DEFAULTS["speakers"]
    messages = p["entities"].render(text="A {b} c", labels="x")
    assert messages[1]["content"] == "Entities of A {b} c"


@pytest.mark.parametrize(
    ("prompts", "message"),
    [
        ({"entitys": "x {text}"}, "unknown tasks ['entitys']"),
        ({"entities": "no placeholder"}, "lacks {text}"),
        ({"speakers": "{text} only"}, "lacks {quotes}"),
        ({"quotes": {"file": "/nonexistent/p.yaml"}}, "cannot read prompt file"),
        ({"quotes": {"file": "a", "user": "b"}}, "either 'file' or"),
        ({"quotes": 3}, "expected a text"),
    ],
)
def test_bad_prompts_are_config_errors(prompts: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=__import__("re").escape(message)):
        parse_options(LLMOptions, {"model": "m", "prompts": prompts}, "extractors[llm]")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "missing required option 'model'"),
        ({"model": "m", "api_key_env": "sk-live-1234"}, "NAME of an environment variable"),
        ({"model": "m", "api_key": "x"}, "unknown option 'api_key'"),
        ({"model": "m", "concurrency": 0}, "concurrency must be at least 1"),
        ({"model": "m", "base_url": "localhost:8080"}, "base_url must start with http"),
        ({"model": "m", "labels": ["PER"]}, "describe them in label_descriptions"),
        ({"model": "m", "chunk_chars": 1000, "chunk_overlap": 600}, "less than half"),
        ({"model": "m", "structured_output": "xml"}, "structured_output"),
        ({"model": "m", "extra_body": {"messages": []}}, "extra_body may not set"),
    ],
)
def test_bad_options_are_config_errors(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=__import__("re").escape(message)):
        parse_options(LLMOptions, raw, "extractors[llm]")


def test_resolved_prompts_are_part_of_the_options() -> None:
    a = parse_options(LLMOptions, {"model": "m"}, "x")
    b = parse_options(LLMOptions, {"model": "m", "prompts": {"entities": "E {text}"}}, "x")
    assert a.resolved_prompts["entities"]["sha256"] != b.resolved_prompts["entities"]["sha256"]
    assert b.resolved_prompts["entities"]["user"] == "E {text}"
    assert a.resolved_prompts["quotes"] == b.resolved_prompts["quotes"]


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))
items = st.dictionaries(
    st.sampled_from(["text", "type", "cue", "speaker", "speaker_mention", "label", "quote"]),
    scalars | st.lists(scalars, max_size=2),
    max_size=6,
)
answers = st.dictionaries(
    st.sampled_from(["quotes", "entities", "speakers", "x"]),
    st.lists(items | scalars, max_size=3) | scalars,
    max_size=2,
)


@given(answers)
@settings(max_examples=300, deadline=None)
def test_fast_check_agrees_with_the_full_check(value: dict) -> None:
    for schema in (QUOTES_SCHEMA, ENT, SPEAKERS_SCHEMA):
        assert _fits(value, schema) == (check(value, schema) == [])


@pytest.mark.parametrize("name", ["llama-cpp.yaml", "vllm.yaml", "hosted.yaml"])
def test_example_configs_are_valid(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[3]
    monkeypatch.chdir(root)  # prompt files and cache_dir are relative to the working directory
    cfg = load_config(root / "plugins" / "llm" / "examples" / name)
    (llm,) = [e for e in cfg.extractors if e.name == "llm"]
    assert llm.parsed_options.model
    if name == "hosted.yaml":
        assert llm.parsed_options.resolved_prompts["entities"]["id"].endswith("entities-conll.yaml")
