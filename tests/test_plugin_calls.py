"""What a plugin hands back, and does to the process, is checked where it enters (issue #19):
``None``, a dict, wrong types anywhere -> an extractor error for that document (the run goes
on, exit 5); a plugin's ``print`` goes to stderr; its ``sys.exit`` is an extractor error."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness import hookimpl, runner
from harness.cli import app
from harness.config import load_config
from harness.errors import ExtractorError
from harness.extractors import Extractor, NotAPrediction, validate_prediction
from harness.model import Entity, Prediction, Quote, Span, TextDoc
from harness.plugin_calls import PluginFault, extract, plugin_output
from harness.plugins import reset_plugins

DOC = TextDoc("d1", "Ann said it was fine.")

#: What the ``bad`` extractor hands back for doc2, by mode (doc1 always gets a good one).
BAD: dict[str, Callable[[str], Any]] = {
    "none": lambda i: None,
    "dict": lambda i: {"doc_id": i, "entities": []},
    "list_label": lambda i: Prediction(i, (Entity(0, 4, ["PERSON"]),)),  # type: ignore[arg-type]
    "empty_label": lambda i: Prediction(i, (Entity(0, 4, ""),)),
    "tuple_span": lambda i: Prediction(i, ((0, 4, "PERSON"),)),  # type: ignore[arg-type]
    "tuple_cue": lambda i: Prediction(i, (), (Quote(0, 4, cue=(0, 2)),)),  # type: ignore[arg-type]
    "entity_as_speaker_span": lambda i: Prediction(
        i,
        (),
        (Quote(0, 4, speaker_span=Entity(0, 2, "PERSON")),),  # type: ignore[arg-type]
    ),
    "str_entities": lambda i: Prediction(i, "PERSON"),  # type: ignore[arg-type]
    "float_offsets": lambda i: Prediction(i, (Entity(0.0, 4.0, "PERSON"),)),  # type: ignore[arg-type]
    "bool_offsets": lambda i: Prediction(i, (Entity(False, True, "PERSON"),)),
    "int_doc_id": lambda i: Prediction(2, (Entity(0, 4, "PERSON"),)),  # type: ignore[arg-type]
    "int_speaker": lambda i: Prediction(i, (), (Quote(0, 4, "direct", 5),)),  # type: ignore[arg-type]
    "list_quote_type": lambda i: Prediction(i, (), (Quote(0, 4, ["direct"]),)),  # type: ignore[arg-type]
    "none_text": lambda i: Prediction(i, (Entity(0, 4, "PERSON", None),)),  # type: ignore[arg-type]
    "list_diagnostics": lambda i: Prediction(i, (), (), [1, 2]),  # type: ignore[arg-type]
    "quote_in_entities": lambda i: Prediction(i, (Quote(0, 4),)),  # type: ignore[arg-type]
}


@dataclass(frozen=True)
class BadOptions:
    mode: str = "none"


class Bad(Extractor):
    name = "bad"
    version = "1"
    tasks = frozenset({"entities", "quotes", "speakers"})
    Options = BadOptions

    def __init__(self, options: Any = None, tasks: Any = None) -> None:
        super().__init__(options, tasks)
        if self.options.mode == "init_exit":
            sys.exit(4)
        if self.options.mode == "init_raise":
            raise ValueError("no model here")

    def setup(self) -> None:
        if self.options.mode == "setup_exit":
            sys.exit(0)
        if self.options.mode == "print":
            print("SETUP-NOISE")

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        mode = self.options.mode
        if mode == "returns_none":
            return None  # type: ignore[return-value]
        return self._each(docs, mode)

    def _each(self, docs: Sequence[TextDoc], mode: str) -> Iterator[Any]:
        for doc in docs:
            if mode == "print":
                print(f"EXTRACT-NOISE {doc.id}")
            if doc.id == "doc2" and mode == "exit":
                sys.exit(3)
            if doc.id == "doc2" and mode in BAD:
                yield BAD[mode](doc.id)
            else:
                yield Prediction(doc.id, [Entity(0, 4, "PERSON")])  # a list: accepted


class BadPlugin:
    @staticmethod
    @hookimpl
    def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
        register(Bad)


@pytest.fixture(autouse=True)
def _bad_plugin() -> None:
    reset_plugins([("bad-plugin", BadPlugin)])


def _config(tmp_path: Path, gold: Path, mode: str, fail_fast: bool = False) -> Path:
    p = tmp_path / "run.yaml"
    p.write_text(
        f"goldset: {gold}\noutput: {tmp_path / 'out'}\ncache: null\nbootstrap: {{samples: 0}}\n"
        f"extractors: [{{name: bad, options: {{mode: {mode}}}}}]\n",
        encoding="utf-8",
    )
    return p


@pytest.mark.parametrize("mode", sorted(BAD))
def test_a_wrong_value_is_an_error_of_that_document_only(
    mode: str, mini: Path, tmp_path: Path
) -> None:
    result = runner.run(load_config(_config(tmp_path, mini, mode)))
    (run,) = result.extractors
    assert [e.doc_id for e in run.errors] == ["doc2"], run.errors
    assert run.errors[0].error == "InvalidPrediction"
    assert not result.complete
    # doc1's prediction (a list of entities, made a tuple) is scored; doc2 as empty
    assert [p.entities for p in run.predictions] == [(Entity(0, 4, "PERSON"),), ()]


def test_none_for_a_document_is_named_in_the_error(mini: Path, tmp_path: Path) -> None:
    (run,) = runner.run(load_config(_config(tmp_path, mini, "none"))).extractors
    assert "expected a harness.model.Prediction, got NoneType None" in run.errors[0].message


def test_the_cli_reports_a_wrong_value_with_exit_5_and_no_traceback(
    mini: Path, tmp_path: Path
) -> None:
    res = CliRunner().invoke(app, ["eval", "-c", str(_config(tmp_path, mini, "dict")), "-q"])
    assert res.exit_code == 5, res.output
    assert "Traceback" not in res.output
    assert "got dict {'doc_id': 'doc2'" in res.output
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    assert data["complete"] is False
    assert data["extractors"]["bad"]["errors"][0]["doc_id"] == "doc2"


def test_fail_fast_stops_at_a_wrong_value(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(ExtractorError, match=r"doc2.*Prediction, got NoneType"):
        runner.run(load_config(_config(tmp_path, mini, "none")), fail_fast=True)


def test_sys_exit_in_extract_is_an_error_of_the_document(mini: Path, tmp_path: Path) -> None:
    (run,) = runner.run(load_config(_config(tmp_path, mini, "exit"))).extractors
    assert [(e.doc_id, e.error) for e in run.errors] == [("doc2", "PluginFault")]
    assert "sys.exit(3)" in run.errors[0].message


def test_sys_exit_in_the_cli_gives_the_harness_exit_code(mini: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["eval", "-c", str(_config(tmp_path, mini, "exit")), "-q"])
    assert res.exit_code == 5, res.output


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("setup_exit", "setup failed: PluginFault: setup() called sys.exit(0)"),
        ("init_exit", "could not be created: PluginFault: Bad.__init__ called sys.exit(4)"),
        ("init_raise", "could not be created: ValueError: no model here"),
    ],
)
def test_sys_exit_or_a_crash_while_starting_is_an_extractor_error(
    mode: str, message: str, mini: Path, tmp_path: Path
) -> None:
    with pytest.raises(ExtractorError, match=message.replace("(", r"\(").replace(")", r"\)")):
        runner.run(load_config(_config(tmp_path, mini, mode)))
    res = CliRunner().invoke(app, ["eval", "-c", str(_config(tmp_path, mini, mode)), "-q"])
    assert res.exit_code == 5 and "Traceback" not in res.output, res.output


def test_extract_returning_none_fails_every_document(mini: Path, tmp_path: Path) -> None:
    (run,) = runner.run(load_config(_config(tmp_path, mini, "returns_none"))).extractors
    assert [e.doc_id for e in run.errors] == ["doc1", "doc2"]
    assert "extract() returned NoneType None" in run.errors[0].message


def test_a_plugin_print_goes_to_stderr(
    mini: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    runner.run(load_config(_config(tmp_path, mini, "print")))
    out, err = capfd.readouterr()
    assert "NOISE" not in out
    assert "SETUP-NOISE" in err and "EXTRACT-NOISE doc2" in err


def test_output_of_c_code_and_children_goes_to_stderr_too(
    capfd: pytest.CaptureFixture[str],
) -> None:
    import os
    import subprocess

    print("before", flush=True)
    with plugin_output():
        os.write(1, b"fd-level\n")
        subprocess.run([sys.executable, "-c", "print('child')"], check=True)
        print("python-level")
    print("after", flush=True)
    out, err = capfd.readouterr()
    assert out.split() == ["before", "after"]
    assert err.split() == ["fd-level", "child", "python-level"]


def test_the_guard_counts_values_and_wraps_the_rest() -> None:
    class Two(Extractor):
        name, version, tasks = "two", "1", frozenset({"entities"})

        def extract(self, docs: Sequence[TextDoc]) -> list[Any]:
            return [Prediction(d.id) for d in docs] + [None]

    with pytest.raises(PluginFault, match="returned 3 predictions for 2 documents"):
        extract(Two(), [DOC, DOC])
    # a value that is not a Prediction comes back wrapped, for validate_prediction to report
    (wrapped,) = extract(type("One", (Two,), {"extract": lambda s, d: [{"x": 1}]})(), [DOC])
    assert wrapped == NotAPrediction({"x": 1})


@pytest.mark.parametrize(
    ("pred", "problem"),
    [
        (NotAPrediction(None), "expected a harness.model.Prediction, got NoneType None"),
        (Prediction("d1", [Entity(0, 3, "X")]), "entities should be a tuple, got list"),  # type: ignore[arg-type]
        (
            Prediction("d1", (Entity(0, 3, ("X",)),)),
            "entity #0: label should be a non-empty string",
        ),  # type: ignore[arg-type]
        (Prediction("d1", ((0, 3, "X"),)), "entity #0: expected a harness.model.Entity, got tuple"),  # type: ignore[arg-type]
        (
            Prediction("d1", (), (Quote(0, 3, cue=(0, 2)),)),
            "quote #0 cue: expected a harness.model.Span",
        ),  # type: ignore[arg-type]
        (
            Prediction("d1", (), (Quote(0, 3, "direct", ["Ann"]),)),
            "quote #0: speaker should be a name",
        ),  # type: ignore[arg-type]
        (
            Prediction("d1", (), ({"start": 0},)),
            "quote #0: expected a harness.model.Quote, got dict",
        ),  # type: ignore[arg-type]
        (Prediction(1, ()), "doc_id should be a string, got int 1"),  # type: ignore[arg-type]
        (Prediction("d1", (), (), None), "diagnostics should be a mapping, got NoneType"),  # type: ignore[arg-type]
        (
            Prediction("d1", (Entity(0, 3, "X", 5),)),
            "entity #0: text should be a string, got int 5",
        ),  # type: ignore[arg-type]
    ],
)
def test_each_wrong_type_is_named(pred: Any, problem: str) -> None:
    problems = validate_prediction(pred, DOC)
    assert len(problems) == 1, problems
    assert problems[0].startswith(problem), problems


def test_a_good_prediction_with_every_part_passes() -> None:
    pred = Prediction(
        "d1",
        (Entity(0, 3, "PERSON", "Ann"),),
        (Quote(9, 20, "indirect", "Ann", Span(0, 3), Span(4, 8)),),
    )
    assert validate_prediction(pred, DOC) == []


class RaisingRegistration:
    @staticmethod
    @hookimpl
    def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
        raise KeyError("models")


class ExitingRegistration:
    @staticmethod
    @hookimpl
    def register_scores(register: Callable[[Any], None]) -> None:
        sys.exit(2)


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (RaisingRegistration, "plugin 'broken': register_extractors failed: KeyError: 'models'"),
        (ExitingRegistration, "plugin 'broken': register_scores failed: SystemExit: 2"),
    ],
)
def test_a_registration_hook_that_raises_or_exits_is_a_plugin_error(
    plugin: object, message: str
) -> None:
    from harness.errors import PluginError

    with pytest.raises(PluginError, match=message.replace("(", r"\(")) as caught:
        reset_plugins([("broken", plugin)])
    assert "HARNESS_DISABLE_PLUGINS=broken" in str(caught.value)
