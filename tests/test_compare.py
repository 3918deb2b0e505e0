"""Comparing runs, the regression gate, baselines and the pytest plugin."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.codec import prediction_to_dict
from harness.goldset import load_goldset
from harness.model import Prediction

cli = CliRunner()
SEEDS = Path(__file__).parents[1] / "goldsets" / "seeds"


def replay_file(dest: Path, keep: float = 1.0, seed: int = 0) -> Path:
    """The seed gold as predictions, keeping a random ``keep`` share of entities and quotes."""
    rng = random.Random(seed)
    lines = []
    for d in load_goldset(SEEDS):
        ents = tuple(e for e in d.entities if rng.random() < keep)
        quotes = tuple(q for q in d.quotes if rng.random() < keep)
        lines.append(json.dumps(prediction_to_dict(Prediction(d.id, ents, quotes))))
    dest.write_text("\n".join(lines) + "\n")
    return dest


def evaluate(tmp_path: Path, name: str, preds: Path, goldset: Path = SEEDS) -> Path:
    cfg = tmp_path / f"{name}.yaml"
    cfg.write_text(
        f"goldset: {goldset}\noutput: runs/{name}\ncache: null\nbootstrap: {{samples: 200}}\n"
        f"extractors:\n  - {{name: replay, options: {{path: {preds}}}}}\n"
        "gate: {max_drop: 0.02}\n"
    )
    res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"])
    assert res.exit_code == 0, res.output
    return tmp_path / "runs" / name


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("runs")
    good = replay_file(tmp / "good.jsonl", keep=0.9)
    bad = replay_file(tmp / "bad.jsonl", keep=0.5, seed=1)
    return {
        "base": evaluate(tmp, "base", good),
        "same": evaluate(tmp, "same", good),
        "worse": evaluate(tmp, "worse", bad),
        "tmp": tmp,
    }


def test_identical_rerun_is_unchanged(runs: dict[str, Path]) -> None:
    res = cli.invoke(
        app,
        ["compare", str(runs["base"]), str(runs["same"]), "--max-drop", "0", "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["rows"] and all(r["verdict"] == "unchanged" for r in data["rows"])
    assert all(r["p_value"] == 1.0 for r in data["rows"])
    assert data["gate"] == {"thresholds": True, "passed": True, "violations": []}


def test_degraded_run_fails_the_gate_naming_the_metric(runs: dict[str, Path]) -> None:
    res = cli.invoke(app, ["compare", str(runs["base"]), str(runs["worse"]), "--max-drop", "0.01"])
    assert res.exit_code == 7, res.output
    assert "regression gate failed" in res.output
    assert "replay: entities.strict.micro.f1 dropped by" in res.output
    assert "worse" in res.output


def test_per_metric_threshold_and_minimum(runs: dict[str, Path]) -> None:
    loose = ["--max-drop", "1", "--max-drop", "quotes.exact.f1=0.01"]
    res = cli.invoke(app, ["compare", str(runs["base"]), str(runs["worse"]), *loose])
    assert res.exit_code == 7
    assert "quotes.exact.f1 dropped" in res.output
    assert "entities.strict.micro.f1 dropped" not in res.output
    res = cli.invoke(
        app, ["compare", str(runs["base"]), str(runs["same"]), "--min", "attribution.f1=0.99"]
    )
    assert (
        res.exit_code == 7
        and "attribution.f1 = " in res.output
        and "below the minimum" in res.output
    )


def test_gate_from_config(runs: dict[str, Path]) -> None:
    cfg = runs["tmp"] / "worse.yaml"
    res = cli.invoke(app, ["compare", str(runs["base"]), str(runs["worse"]), "--config", str(cfg)])
    assert res.exit_code == 7
    assert "more than the allowed 0.02" in res.output


def test_markdown_output(runs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    res = cli.invoke(
        app,
        [
            "compare",
            str(runs["base"]),
            str(runs["worse"]),
            "--format",
            "markdown",
            "--output",
            str(out),
        ],
    )
    assert res.exit_code == 0  # no thresholds given: report only
    text = out.read_text()
    assert text.startswith("**baseline**") and "| replay | `entities.strict.micro.f1` |" in text
    assert "❌ worse" in text and text == res.stdout


def test_non_comparable_runs_are_refused(runs: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "seeds-v2"
    shutil.copytree(SEEDS, other)
    manifest = other / "goldset.yaml"
    manifest.write_text(manifest.read_text().replace('version: "1.0.0"', 'version: "2.0.0"'))
    # the texts' paths (seeds/...) are relative to the repository root: outside the repository
    # a goldset reads only its own folder, so the texts go with the copy
    shutil.copytree(SEEDS.parents[1] / "seeds", other / "seeds")
    v2 = evaluate(tmp_path, "v2", replay_file(tmp_path / "p.jsonl"), goldset=other)
    res = cli.invoke(app, ["compare", str(runs["base"]), str(v2)])
    assert res.exit_code == 6
    assert (
        "not comparable" in res.output
        and "goldset version differs: '1.0.0' vs '2.0.0'" in res.output
    )
    forced = cli.invoke(app, ["compare", str(runs["base"]), str(v2), "--force"])
    assert forced.exit_code == 0 and "compared anyway" in forced.output


def test_baseline_update_and_check(tmp_path: Path) -> None:
    preds = replay_file(tmp_path / "p.jsonl", keep=0.8)
    cfg = tmp_path / "ci.yaml"
    cfg.write_text(
        f"goldset: {SEEDS}\noutput: runs/ci\ncache: null\nbootstrap: {{samples: 100}}\n"
        f"extractors:\n  - {{name: replay, options: {{path: {preds}}}}}\ngate: {{max_drop: 0.0}}\n"
    )
    scores = tmp_path / "scores"
    res = cli.invoke(app, ["baseline", "update", "--config", str(cfg), "--scores", str(scores)])
    assert res.exit_code == 0, res.output
    assert (scores / "ci.json").is_file()
    ok = cli.invoke(app, ["baseline", "check", "--config", str(cfg), "--scores", str(scores)])
    assert ok.exit_code == 0, ok.output
    replay_file(preds, keep=0.5, seed=3)  # the extractor got worse
    bad = cli.invoke(app, ["baseline", "check", "--config", str(cfg), "--scores", str(scores)])
    assert bad.exit_code == 7 and "dropped by" in bad.output


def test_pytest_plugin(pytester: pytest.Pytester, runs: dict[str, Path]) -> None:
    pytester.makepyfile(
        f"""
        def test_passes(harness_results):
            ev = harness_results({str(runs["base"])!r})
            ev.assert_score("replay", "entities.strict.micro.f1", at_least=0.5)
            ev.assert_no_regression({str(runs["same"])!r}, max_drop=0.0)

        def test_regressed(harness_results):
            ev = harness_results({str(runs["worse"])!r})
            ev.assert_no_regression({str(runs["base"])!r}, max_drop=0.01)

        def test_too_low(harness_results):
            harness_results({str(runs["worse"])!r}).assert_score(
                "replay", "quotes.exact.f1", at_least=0.99)

        def test_typo(harness_results):
            harness_results({str(runs["base"])!r}).score("replay", "entities.strict.mirco.f1")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*scores regressed against baseline*",
            "*replay: entities.strict.micro.f1 dropped by*",
            "*replay: quotes.exact.f1 = 0.*, expected at least 0.9900*",
            "*Did you mean 'entities.strict.micro.f1'?*",
        ]
    )
