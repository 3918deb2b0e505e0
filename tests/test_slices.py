"""Scores by slice: document metadata, quote type, speaker attributes - in results.json, the
CLI (--by), checked against the goldset's declarations, and consistent with the run's scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness import runner
from harness.cli import app
from harness.config import load_config
from harness.errors import ConfigError
from harness.goldset import load_goldset
from harness.results import build_results
from harness.scoring import evaluate
from harness.scoring.slices import check_slices, parse_slice

from .generated import generated_run, write_config, write_goldset, write_predictions

cli = CliRunner()
SLICES = ["outlet", "quote.type", "speaker.gender", "speaker.type"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_run(
        tmp_path_factory.mktemp("slices"), 60, ("regex", "spacy"), samples=100, slices=SLICES
    )


@pytest.fixture(scope="module")
def results(run: Path) -> dict:
    return json.loads((run / "results.json").read_text(encoding="utf-8"))


def test_slice_names() -> None:
    assert parse_slice("outlet", "x").kind == "document"
    assert parse_slice("document.outlet", "x").key == "outlet"
    assert (parse_slice("quote.type", "x").kind, parse_slice("speaker.gender", "x").key) == (
        "quote", "gender"
    )  # fmt: skip
    with pytest.raises(ConfigError, match="expected a document metadata key"):
        parse_slice("quote.speaker", "x")
    with pytest.raises(ConfigError, match="Did you mean 'outlet'"):
        check_slices(["outlt"], ["outlet", "date"], [], "cfg: slices")
    with pytest.raises(ConfigError, match="Did you mean 'gender'"):
        check_slices(["speaker.gendr"], [], ["gender"], "cfg: slices")


def test_results_record_every_slice(results: dict) -> None:
    section = results["slices"]
    assert list(section) == SLICES
    assert section["outlet"]["kind"] == "document" and section["quote.type"]["kind"] == "quote"
    docs = section["outlet"]["documents"]
    assert sum(len(v) for v in docs.values()) == 60 and set(docs) == set(
        section["outlet"]["values"]
    )
    for label, x in results["extractors"].items():
        outlets = x["slices"]["outlet"]
        assert {v: s["n"] for v, s in outlets.items()} == {v: len(d) for v, d in docs.items()}
        for s in outlets.values():  # intervals of the headline scores, around the score
            lo, hi = s["intervals"]["entities.strict.micro.f1"]
            assert lo <= s["scores"]["entities.strict.micro.f1"] <= hi, label


def test_a_document_slice_is_the_run_on_its_documents(run: Path, results: dict) -> None:
    gold = load_goldset(results["goldset"]["path"])
    docs = results["slices"]["outlet"]["documents"]
    value, ids = next(iter(docs.items()))
    preds = [json.loads(line) for line in (run.parent / "spacy.jsonl").read_text().splitlines()]
    from harness.codec import prediction_from_dict

    subset = [d for d in gold if d.id in set(ids)]
    mine = {p["doc_id"]: prediction_from_dict(p) for p in preds if p["doc_id"] in set(ids)}
    alone = evaluate(subset, mine, labels=gold.labels)
    sliced = results["extractors"]["spacy"]["slices"]["outlet"][value]["scores"]
    for key, v in sliced.items():
        assert v == pytest.approx(alone.scores[key]), key


def test_quote_slices_add_up_to_the_run(results: dict) -> None:
    for x in results["extractors"].values():
        scores = x["scores"]
        types = x["slices"]["quote.type"]
        for qtype, s in types.items():  # the same numbers as the per-type recall
            for m in ("exact", "overlap@0.3", "overlap@0.8"):
                assert s["scores"][f"quotes.{m}.r"] == pytest.approx(
                    scores[f"quotes.{m}.{qtype}.r"]
                )
            assert "quotes.exact.p" not in s["scores"]  # no precision on gold quotes
        genders = x["slices"]["speaker.gender"]
        assert sum(s["n"] for s in genders.values()) == scores["quotes.n_gold"]
        matched = sum(s["scores"]["speakers.n_matched"] for s in genders.values())
        assert matched == scores["speakers.n_matched"]
        right = sum(s["scores"]["speakers.accuracy"] * s["scores"]["speakers.n_matched"]
                    for s in genders.values())  # fmt: skip
        assert right == pytest.approx(scores["speakers.accuracy"] * scores["speakers.n_matched"])
        assert set(x["slices"]["speaker.type"]) == {"PERSON"}


def test_cli_by_and_show(run: Path) -> None:
    res = cli.invoke(app, ["show", str(run), "--by", "outlet", "--by", "speaker.gender"])
    assert res.exit_code == 0, res.output
    assert "by outlet (documents)" in res.output and "by speaker.gender (gold quotes)" in res.output
    assert "female" in res.output and "speaker accuracy" in res.output
    res = cli.invoke(app, ["show", str(run), "--by", "outlt"])
    assert res.exit_code == 2 and "Did you mean 'outlet'" in res.output


def test_eval_by_adds_the_slice_and_an_undeclared_slice_fails_first(tmp_path: Path) -> None:
    gold = write_goldset(tmp_path / "gold", 8)
    preds = write_predictions(gold, tmp_path / "p.jsonl", "spacy")
    cfg = write_config(tmp_path, gold, {"spacy": preds}, samples=20)
    res = cli.invoke(app, ["eval", "-c", str(cfg), "-q", "--by", "section"])
    assert res.exit_code == 0, res.output
    assert "by section (documents)" in res.output
    saved = json.loads((tmp_path / "run" / "results.json").read_text())
    assert list(saved["slices"]) == ["section"]
    bad = write_config(tmp_path, gold, {"spacy": preds}, name="bad", slices=["publisher"])
    res = cli.invoke(app, ["eval", "-c", str(bad), "-q"])
    assert res.exit_code == 2 and "'publisher' is not a metadata key" in res.output
    with pytest.raises(ConfigError, match="slices should be a list"):
        cfg.write_text(cfg.read_text() + "slices: {outlet: 1}\n")
        load_config(cfg)


def test_no_slices_no_section(tmp_path: Path) -> None:
    gold = write_goldset(tmp_path / "gold", 3)
    cfg = write_config(tmp_path, gold, {"x": write_predictions(gold, tmp_path / "p.jsonl", "llm")})
    result = runner.run(load_config(cfg))
    data = build_results(result)
    assert "slices" not in data and all("slices" not in x for x in data["extractors"].values())


def test_compare_by_slice(run: Path) -> None:
    res = cli.invoke(
        app,
        ["compare", str(run), "--extractors", "regex,spacy", "--by", "outlet", "--by",
         "quote.type", "--format", "json", "--samples", "200"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    outlets = [r for r in rows if (r["slice"] or "").startswith("outlet=")]
    assert outlets and all(r["p_value"] is not None for r in outlets)
    types = [r for r in rows if (r["slice"] or "").startswith("quote.type=")]
    assert {r["metric"] for r in types} >= {"quotes.exact.r", "speakers.accuracy"}
    assert all(r["p_value"] is None and r["verdict"] in ("changed", "unchanged") for r in types)
    # slice rows are shown, never gated
    res = cli.invoke(app, ["compare", str(run), str(run), "--by", "outlet", "--max-drop", "0"])
    assert res.exit_code == 0, res.output
    res = cli.invoke(app, ["compare", str(run), str(run), "--by", "section"])
    assert res.exit_code == 2 and "no such slice" in res.output
