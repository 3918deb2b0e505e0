"""What is declared once in code and shown in the docs: the docs are checked against the code."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from harness.cli import app
from harness.errors import ConfigError, ExtractorError, GoldsetError, PluginError, ResultsError
from harness.exitcodes import ExitCode
from harness.exitcodes import markdown_table as exit_table
from harness.scoring.metrics import BUILTIN, Metrics
from harness.scoring.metrics import markdown_table as metrics_table

ROOT = Path(__file__).resolve().parents[1]


def test_readme_lists_exactly_the_exit_codes() -> None:
    assert exit_table() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_errors_carry_the_enums_exit_codes() -> None:
    assert ConfigError.exit_code == ExitCode.CONFIG == 2
    assert GoldsetError.exit_code == ExitCode.GOLDSET
    assert PluginError.exit_code == ExitCode.PLUGIN
    assert ExtractorError.exit_code == ExitCode.EXTRACTOR
    assert ResultsError.exit_code == ExitCode.RESULTS


def test_scores_doc_lists_exactly_the_declared_metrics() -> None:
    doc = (ROOT / "docs" / "scores.md").read_text(encoding="utf-8")
    start = doc.index("-->\n", doc.index("<!-- metrics:start")) + 4
    assert doc[start : doc.index("<!-- metrics:end -->")] == metrics_table(BUILTIN), (
        "docs/scores.md is out of date: run `harness metrics --markdown` and paste the table"
    )


def test_metrics_command_prints_the_docs_table() -> None:
    res = CliRunner().invoke(app, ["metrics", "--markdown"])
    assert res.exit_code == 0, res.output
    assert res.output == metrics_table(BUILTIN)


def test_declarations_find_their_families_and_headlines() -> None:
    m = Metrics()
    assert m.get("entities.strict.PERSON.f1").key == "entities.strict.<LABEL>.f1"  # type: ignore[union-attr]
    assert m.get("quotes.overlap@0.3.mixed.r").key == "quotes.overlap@0.3.<type>.r"  # type: ignore[union-attr]
    assert m.get("no.such.key") is None and m.better("no.such.key") == "higher"
    assert m.better("entities.n_gold") is None
    assert m.headline_keys(["speakers"]) == ["speakers.accuracy", "attribution.f1"]
    assert m.headline_keys(["entities"])[0] == "entities.strict.micro.f1"
    assert all(x.better for x in m.headline())
