"""End-to-end runs on the two-document goldset, through the CLI and the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness import runner
from harness.cli import app
from harness.codec import prediction_to_dict
from harness.config import load_config
from harness.errors import ExtractorError
from harness.goldset import load_goldset
from harness.model import Prediction
from harness.plugins import reset_plugins
from harness.results import SCHEMA, read_results, write_run

from . import plugin_fixtures

cli = CliRunner()


@pytest.fixture(autouse=True)
def _test_plugins() -> None:
    reset_plugins([("test-plugins", plugin_fixtures)])
    plugin_fixtures.CALLS.clear()


def gold_as_replay(gold: Path, dest: Path, drop_quotes: bool = False) -> Path:
    g = load_goldset(gold)
    lines = [
        json.dumps(
            prediction_to_dict(Prediction(d.id, d.entities, () if drop_quotes else d.quotes))
        )
        for d in g
    ]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def config(tmp_path: Path, gold: Path, extractors: str) -> Path:
    p = tmp_path / "run.yaml"
    p.write_text(
        f"goldset: {gold}\noutput: out\ncache: cache\nbootstrap: {{samples: 200}}\n"
        f"extractors:\n{extractors}",
        encoding="utf-8",
    )
    return p


def test_perfect_replay_scores_one_and_writes_provenance(mini: Path, tmp_path: Path) -> None:
    preds = gold_as_replay(mini, tmp_path / "gold.jsonl")
    cfg = config(tmp_path, mini, f"  - {{name: replay, options: {{path: {preds}}}}}\n")
    res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"])
    assert res.exit_code == 0, res.output
    data = read_results(tmp_path / "out")
    assert data["schema"] == SCHEMA and data["complete"] is True
    scores = data["extractors"]["replay"]["scores"]
    for key in (
        "entities.strict.micro.f1",
        "quotes.exact.f1",
        "speakers.accuracy",
        "attribution.f1",
    ):
        assert scores[key] == 1.0, key
    assert data["goldset"]["name"] == "mini" and len(data["goldset"]["sha256"]) == 64
    assert len(data["config_sha256"]) == 64
    assert "harness" in data["packages"] and "datasets" in data["packages"]
    assert data["extractors"]["replay"]["intervals"]["entities.strict.micro.f1"] == [1.0, 1.0]
    lines = (tmp_path / "out" / "predictions.jsonl").read_text().splitlines()
    assert [json.loads(x)["doc_id"] for x in lines] == ["doc1", "doc2"]


def test_predictions_file_replays_to_the_same_scores(mini: Path, tmp_path: Path) -> None:
    cfg = config(tmp_path, mini, "  - {name: crashy, options: {crash_on: none}}\n")
    first = runner.run(load_config(cfg))
    write_run(first, tmp_path / "out")
    cfg2 = config(
        tmp_path,
        mini,
        f"  - {{name: replay, options: {{path: {tmp_path / 'out/predictions.jsonl'}, "
        "extractor: crashy}}\n",
    )
    second = runner.run(load_config(cfg2))
    assert second.extractors[0].scores["entities.strict.micro.f1"] == pytest.approx(
        first.extractors[0].scores["entities.strict.micro.f1"]
    )
    assert first.extractors[0].scores["entities.partial.micro.r"] > 0


def test_crash_on_one_document_is_recorded_and_run_goes_on(mini: Path, tmp_path: Path) -> None:
    cfg = config(tmp_path, mini, "  - {name: crashy}\n")
    res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"])
    assert res.exit_code == 5, res.output
    assert "failed on document 'doc2'" in res.output
    data = read_results(tmp_path / "out")
    assert data["complete"] is False
    assert data["extractors"]["crashy"]["errors"] == [
        {"doc_id": "doc2", "error": "RuntimeError", "message": "boom"}
    ]
    # doc1 was still extracted and scored
    assert data["extractors"]["crashy"]["per_document"]["doc1"]["entities.partial"][1] == 1


def test_fail_fast_stops_and_writes_nothing(mini: Path, tmp_path: Path) -> None:
    cfg = config(tmp_path, mini, "  - {name: crashy}\n")
    res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet", "--fail-fast"])
    assert res.exit_code == 5
    assert "extractor 'crashy'" in res.output and "boom" in res.output
    assert not (tmp_path / "out" / "results.json").exists()
    with pytest.raises(ExtractorError):
        runner.run(load_config(cfg), fail_fast=True)


def test_fail_fast_keeps_the_predictions_made_before_the_failure(
    mini: Path, tmp_path: Path
) -> None:
    cfg = load_config(config(tmp_path, mini, "  - {name: crashy, batch_size: 1}\n"))
    with pytest.raises(ExtractorError):
        runner.run(cfg, fail_fast=True)
    assert plugin_fixtures.CALLS == ["doc1", "doc2"]
    again = runner.run(cfg).extractors[0]
    assert plugin_fixtures.CALLS == ["doc1", "doc2", "doc2"]  # doc1 came from the cache
    assert again.cached_docs == 1


def test_invalid_predictions_are_reported_with_plugin_name(mini: Path, tmp_path: Path) -> None:
    cfg = config(tmp_path, mini, "  - {name: outofbounds}\n")
    result = runner.run(load_config(cfg))
    errs = result.extractors[0].errors
    assert [e.doc_id for e in errs] == ["doc1", "doc2"]
    assert "outside the text" in errs[0].message and "outofbounds" in errs[0].message


def test_labels_outside_the_scheme_are_ignored_and_counted(mini: Path, tmp_path: Path) -> None:
    cfg = config(tmp_path, mini, "  - {name: foreign}\n")
    r = runner.run(load_config(cfg)).extractors[0]
    assert r.ignored_pred_labels == {"WEIRD": 2}
    assert r.unmapped_pred_labels == {"JUNK": 2}
    assert r.scores["entities.n_pred"] == 2  # the two mapped PER -> PERSON spans


def test_cache_skips_extraction_on_rerun(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(config(tmp_path, mini, "  - {name: crashy, options: {crash_on: none}}\n"))
    a = runner.run(cfg)
    assert plugin_fixtures.CALLS == ["doc1", "doc2"]
    b = runner.run(cfg)
    assert plugin_fixtures.CALLS == ["doc1", "doc2"]  # nothing re-extracted
    assert b.extractors[0].cached_docs == 2
    assert a.extractors[0].scores == b.extractors[0].scores
    runner.run(cfg, use_cache=False)
    assert len(plugin_fixtures.CALLS) == 4


def test_changed_options_miss_the_cache(mini: Path, tmp_path: Path) -> None:
    runner.run(load_config(config(tmp_path, mini, "  - {name: crashy, options: {crash_on: a}}\n")))
    runner.run(load_config(config(tmp_path, mini, "  - {name: crashy, options: {crash_on: b}}\n")))
    assert len(plugin_fixtures.CALLS) == 4


def test_validate_command(mini: Path) -> None:
    ok = cli.invoke(app, ["validate", str(mini)])
    assert ok.exit_code == 0 and "2 documents" in ok.output
    (mini / "doc1.json").write_text("{", encoding="utf-8")
    bad = cli.invoke(app, ["validate", str(mini)])
    assert bad.exit_code == 3
    assert "doc1.json: malformed JSON" in bad.output


def test_plugins_command_lists_extractors_and_tasks() -> None:
    res = cli.invoke(app, ["plugins"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert "replay" in res.output and "crashy" in res.output
    assert "entities, quotes," in res.output


def test_config_error_exit_code(tmp_path: Path, mini: Path) -> None:
    cfg = config(tmp_path, mini, "  - {name: crashi}\n")
    res = cli.invoke(app, ["eval", "--config", str(cfg)])
    assert res.exit_code == 2
    assert "Did you mean 'crashy'?" in res.output


def test_coarse_extractor_scored_on_mapped_gold(mini: Path, tmp_path: Path) -> None:
    cfg = config(tmp_path, mini, "  - {name: coarse}\n")
    r = runner.run(load_config(cfg)).extractors[0]
    assert r.gold_label_map == "conll"
    assert r.labels == ("PER", "ORG", "LOC", "MISC")
    # DATE and CARDINAL have no CoNLL counterpart: left out of the gold and counted
    assert r.unmapped_gold_labels == {"DATE": 1, "CARDINAL": 1}
    assert r.scores["entities.n_gold"] == 6  # 8 gold entities minus the two numeric ones
    # doc1 "Jane" overlaps gold PERSON (-> PER); doc2 "The " overlaps an ORG: PER precision 1/2
    assert r.scores["entities.type.PER.p"] == 0.5
    assert r.scores["entities.type.PER.r"] == 0.5  # 1 of the 2 gold PER (Jane Smith, Smith)


def test_a_plugins_label_map_option_is_applied_by_the_runner_and_its_drops_counted(
    mini: Path, tmp_path: Path
) -> None:
    reset_plugins()  # the installed plugins (regex)
    cfg = config(tmp_path, mini, "  - {name: regex, options: {label_map: {DATE: null}}}\n")
    result = runner.run(load_config(cfg))
    r = result.extractors[0]
    assert r.unmapped_pred_labels["DATE"] >= 1  # dropped by the map: counted, not lost
    assert r.label_maps["prediction"] == {"DATE": None}
    written = read_results(write_run(result, tmp_path / "out"))["extractors"]["regex"]
    assert written["counts"]["unmapped_prediction_labels"] == dict(r.unmapped_pred_labels)
    assert written["label_maps"] == {"gold": {}, "prediction": {"DATE": None}}
    assert "DATE" not in {
        e["label"] for d in r.predictions for e in prediction_to_dict(d)["entities"]
    }
