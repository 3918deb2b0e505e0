"""Extractor diagnostics: per-document numbers an extractor reports, summed into run totals,
cached with the predictions, written to results.json and to the Markdown report."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import hookimpl, runner
from harness.codec import prediction_from_dict, prediction_to_dict
from harness.config import load_config
from harness.diagnostics import DiagnosticsTally, with_rates
from harness.errors import ExtractorError
from harness.extractors import Extractor, check_extractor_class, map_labels, validate_prediction
from harness.model import Entity, Prediction, TextDoc
from harness.plugins import reset_plugins
from harness.report import MARKDOWN_FILE, write_report
from harness.results import read_results, write_run


@dataclass(frozen=True)
class DiagOptions:
    fail_on: str = ""
    bad_value: bool = False


class Diagnosing(Extractor):
    """Tags the first word as PERSON and reports made-up diagnostics that depend on the text."""

    name = "diagnosing"
    version = "1"
    tasks = frozenset({"entities"})
    Options = DiagOptions
    diagnostic_rates = {"unaligned_rate": ("unaligned", "generated")}

    def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        for doc in docs:
            words = len(doc.text.split())
            diag = {"generated": words, "unaligned": words % 3, "tokens": 10 * words}
            if doc.id == self.options.fail_on:
                raise ExtractorError(self.name, doc.id, "bad output", diagnostics={"tokens": 7})
            if self.options.bad_value:
                diag["tokens"] = float("nan")
            yield Prediction(doc.id, (Entity(0, 4, "PERSON"),), diagnostics=diag)


@hookimpl
def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
    register(Diagnosing)


@pytest.fixture(autouse=True)
def _plugin() -> None:
    reset_plugins([("diag-test", sys.modules[__name__])])


def _config(tmp_path: Path, gold: Path, options: str = "{}") -> Path:
    p = tmp_path / "run.yaml"
    p.write_text(
        f"goldset: {gold}\noutput: out\ncache: cache\nbootstrap: {{samples: 0}}\n"
        f"tasks: [entities]\nextractors:\n  - {{name: diagnosing, options: {options}}}\n",
        encoding="utf-8",
    )
    return p


def _expected(gold: Path) -> dict[str, dict[str, float]]:
    out = {}
    for f in sorted(gold.glob("*.json")):
        rec = json.loads(f.read_text())
        words = len((gold / rec["text_path"]).read_text(encoding="utf-8").split())
        out[rec["id"]] = {"generated": words, "unaligned": words % 3, "tokens": 10 * words}
    return out


def test_results_carry_per_document_values_totals_and_rates(mini: Path, tmp_path: Path) -> None:
    expected = _expected(mini)
    result = runner.run(load_config(_config(tmp_path, mini)))
    write_run(result, tmp_path / "out")
    diag = read_results(tmp_path / "out")["extractors"]["diagnosing"]["diagnostics"]
    assert diag["rates"] == {"unaligned_rate": ["unaligned", "generated"]}
    gen = sum(v["generated"] for v in expected.values())
    una = sum(v["unaligned"] for v in expected.values())
    assert diag["total"]["generated"] == gen and diag["total"]["unaligned"] == una
    assert math.isclose(diag["total"]["unaligned_rate"], una / gen, rel_tol=1e-5)
    assert diag["this_run"] == diag["total"]
    for doc_id, values in expected.items():
        got = diag["per_document"][doc_id]
        assert {k: got[k] for k in values} == values
        assert math.isclose(
            got["unaligned_rate"], values["unaligned"] / values["generated"], rel_tol=1e-5
        )


def test_cached_rerun_keeps_diagnostics_and_spends_nothing(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, mini))
    first = runner.run(cfg)
    second = runner.run(cfg)
    run = second.extractors[0]
    assert run.cached_docs == 2
    d1, d2 = first.extractors[0].diagnostics.to_dict(), run.diagnostics.to_dict()
    assert d2["total"] == d1["total"] and d2["per_document"] == d1["per_document"]
    assert d2["this_run"]["tokens"] == 0 and d2["this_run"]["generated"] == 0
    assert "unaligned_rate" not in d2["this_run"]  # 0 / 0 is no rate


def test_a_failed_document_counts_its_diagnostics(mini: Path, tmp_path: Path) -> None:
    result = runner.run(load_config(_config(tmp_path, mini, "{fail_on: doc2}")))
    write_run(result, tmp_path / "out")
    data = read_results(tmp_path / "out")["extractors"]["diagnosing"]
    assert [e["doc_id"] for e in data["errors"]] == ["doc2"]
    assert "diagnostics" not in data["errors"][0]
    doc1 = _expected(mini)["doc1"]
    assert data["diagnostics"]["per_document"]["doc2"] == {"tokens": 7}
    assert data["diagnostics"]["total"]["tokens"] == doc1["tokens"] + 7


def test_non_numeric_diagnostics_make_an_invalid_prediction(mini: Path, tmp_path: Path) -> None:
    result = runner.run(load_config(_config(tmp_path, mini, "{bad_value: true}")))
    errors = result.extractors[0].errors
    assert [e.error for e in errors] == ["InvalidPrediction"] * 2
    assert "diagnostic 'tokens': expected a finite number, got nan" in errors[0].message
    problems = validate_prediction(
        Prediction("d", diagnostics={"x": "3", "y": True, "z": 1.5}), TextDoc("d", "text")
    )
    assert problems == [
        "diagnostic 'x': expected a finite number, got '3'",
        "diagnostic 'y': expected a finite number, got True",
    ]


def test_extractors_without_diagnostics_write_no_section(mini: Path, tmp_path: Path) -> None:
    tally = DiagnosticsTally({"r": ("a", "b")})
    tally.add("doc", {}, fresh=True)
    assert not tally and tally.to_dict() == {}


def test_markdown_report_lists_totals_and_worst_documents(mini: Path, tmp_path: Path) -> None:
    result = runner.run(load_config(_config(tmp_path, mini)))
    write_run(result, tmp_path / "out")
    write_report(tmp_path / "out")
    text = (tmp_path / "out" / MARKDOWN_FILE).read_text(encoding="utf-8")
    assert "## Extractor diagnostics" in text
    expected = _expected(mini)
    tokens = sum(v["tokens"] for v in expected.values())
    assert f"| tokens | {tokens} | {tokens} |" in text
    worst = max(expected, key=lambda d: expected[d]["unaligned"] / expected[d]["generated"])
    assert f"| `{worst}` |" in text
    assert "Highest unaligned_rate (unaligned / generated):" in text


def test_contract_helpers_keep_and_check_diagnostics() -> None:
    pred = Prediction("d", (Entity(0, 1, "PER"),), diagnostics={"tokens": 3})
    assert prediction_from_dict(prediction_to_dict(pred)).diagnostics == {"tokens": 3}
    assert "diagnostics" not in prediction_to_dict(Prediction("d"))
    assert map_labels(pred, {"PER": "PERSON"})[0].diagnostics == {"tokens": 3}
    assert pred == Prediction("d", (Entity(0, 1, "PER"),))  # not part of equality

    class BadRates(Diagnosing):
        diagnostic_rates = {"r": "unaligned/generated"}  # type: ignore[dict-item]

    assert any("diagnostic_rates['r']" in p for p in check_extractor_class(BadRates))
    assert with_rates({"a": 1, "b": 0}, {"r": ("a", "b")}) == {"a": 1, "b": 0}
