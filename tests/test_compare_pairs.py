"""``harness compare``: pairing extractors across runs and within one run, the exit-code rule,
and robustness (non-finite scores and thresholds, malformed results files, incomplete runs,
stdout kept clean for ``--format json``)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness import compare as compare_module
from harness.cli import app
from harness.compare import Row, compare_paths, pair_extractors
from harness.errors import ConfigError
from harness.gate import Gate

from .test_compare import SEEDS, replay_file

cli = CliRunner()


def run_of(tmp: Path, name: str, extractors: dict[str, Path], missing: str = "error") -> Path:
    """A run of one ``replay`` extractor per ``label: predictions file``."""
    lines = "".join(
        f"  - {{name: replay, label: {label}, options: {{path: {p}, missing: {missing}}}}}\n"
        for label, p in extractors.items()
    )
    cfg = tmp / f"{name}.yaml"
    cfg.write_text(
        f"goldset: {SEEDS}\noutput: runs/{name}\ncache: null\nbootstrap: {{samples: 200}}\n"
        f"extractors:\n{lines}"
    )
    res = cli.invoke(app, ["eval", "--config", str(cfg), "--quiet"])
    assert res.exit_code in (0, 5), res.output
    return tmp / "runs" / name


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("pairs")
    good = replay_file(tmp / "good.jsonl", keep=0.95)
    bad = replay_file(tmp / "bad.jsonl", keep=0.4, seed=1)
    return {
        "tmp": tmp,
        "regex": run_of(tmp, "regex", {"regex": bad}),
        "spacy": run_of(tmp, "spacy", {"spacy": good}),
        "both": run_of(tmp, "both", {"regex": bad, "spacy": good}),
        "both_again": run_of(tmp, "both_again", {"regex": bad, "spacy": good}),
    }


def compare_json(*args: str) -> tuple[int, dict[str, Any], str]:
    res = cli.invoke(app, ["compare", *args, "--format", "json"])
    data = json.loads(res.stdout) if res.stdout.strip().startswith("{") else {}
    return res.exit_code, data, res.stderr


def test_regex_run_against_spacy_run_pairs_the_two_and_exits_0(runs: dict[str, Path]) -> None:
    code, data, stderr = compare_json(str(runs["regex"]), str(runs["spacy"]))
    assert code == 0, stderr
    assert data["pairs"] == [{"baseline": "regex", "new": "spacy"}]
    verdicts = {r["verdict"] for r in data["rows"]}
    assert "gone" not in verdicts and "new" not in verdicts
    assert {r["baseline_extractor"] for r in data["rows"]} == {"regex"}
    assert any(r["verdict"] == "better" for r in data["rows"])  # 0.95 kept against 0.4
    assert "paired 'regex' (baseline) with 'spacy' (new run)" in stderr
    assert "no thresholds given: report only" in stderr


def test_explicit_pair_and_pair_by_label(runs: dict[str, Path]) -> None:
    code, data, _ = compare_json(str(runs["regex"]), str(runs["both"]), "--pair", "regex=spacy")
    assert code == 0 and data["pairs"] == [{"baseline": "regex", "new": "spacy"}]
    code, data, _ = compare_json(str(runs["regex"]), str(runs["spacy"]), "--pair-by", "label")
    assert code == 0
    assert {r["verdict"] for r in data["rows"]} == {"gone", "new"}
    res = cli.invoke(
        app, ["compare", str(runs["regex"]), str(runs["both"]), "--pair", "regx=spacy"]
    )
    assert res.exit_code == 2 and "Did you mean 'regex'?" in res.output
    assert "Traceback" not in res.output


def test_pair_by_name_pairs_the_same_extractor_under_other_labels() -> None:
    base = {"a": {"name": "spacy"}, "b": {"name": "regex"}}
    new = {"spacy-sm": {"name": "spacy"}, "regex-2": {"name": "regex"}}
    pairs, _ = pair_extractors(base, new, by="name")
    assert {(p.baseline, p.new) for p in pairs} == {("a", "spacy-sm"), ("b", "regex-2")}
    with pytest.raises(ConfigError, match="two 'spacy' extractors"):
        pair_extractors({"a": {"name": "spacy"}, "b": {"name": "spacy"}}, new, by="name")


def test_extractors_of_one_run(runs: dict[str, Path]) -> None:
    code, data, stderr = compare_json(str(runs["both"]), "--extractors", "regex,spacy")
    assert code == 0, stderr
    assert data["pairs"] == [{"baseline": "regex", "new": "spacy"}]
    rows = {r["metric"]: r for r in data["rows"]}
    assert rows["entities.strict.micro.f1"]["verdict"] == "better"
    assert 0 < rows["entities.strict.micro.f1"]["p_value"] < 0.05
    res = cli.invoke(app, ["compare", str(runs["both"])])
    assert res.exit_code == 2 and "--extractors A,B" in res.output
    res = cli.invoke(app, ["compare", str(runs["both"]), "--extractors", "regex,spcy"])
    assert res.exit_code == 2 and "Did you mean 'spacy'?" in res.output


def test_exit_code_rule(runs: dict[str, Path]) -> None:
    worse = [str(runs["spacy"]), str(runs["regex"])]  # spacy -> regex: significant drops
    code, data, _ = compare_json(*worse)
    assert code == 0 and any(r["verdict"] == "worse" for r in data["rows"])
    # an extractor that disappeared: reported, exit 0 without thresholds, 7 with one
    gone = [str(runs["both"]), str(runs["regex"]), "--pair-by", "label"]
    code, data, _ = compare_json(*gone)
    assert code == 0 and any(r["verdict"] == "gone" for r in data["rows"])
    code, data, _ = compare_json(*gone, "--max-drop", "1")
    assert code == 7
    assert any(
        "spacy: entities.strict.micro.f1 is missing" in v for v in data["gate"]["violations"]
    )
    code, data, _ = compare_json(*worse, "--max-drop", "0.01")
    assert code == 7 and data["gate"]["thresholds"] is True
    code, data, _ = compare_json(*worse, "--min", "entities.strict.mirco.f1=0.5")
    assert code == 7
    assert any("Did you mean 'entities.strict.micro.f1'" in v for v in data["gate"]["violations"])
    # a threshold on a metric outside the headline ones is checked (and shown)
    code, data, _ = compare_json(*worse, "--min", "entities.exact.micro.f1=0.99")
    assert code == 7 and any(r["metric"] == "entities.exact.micro.f1" for r in data["rows"])


def test_nan_never_passes_the_gate() -> None:
    row = Row("x", "entities.strict.micro.f1", 0.93, math.nan, None, "higher")
    assert Gate(max_drop=0.5).check([row]) == [
        "x: entities.strict.micro.f1 is not a number (nan) in the new run"
    ]
    assert Gate(minimums={"entities.strict.micro.f1": 0.1}).check([row])
    with pytest.raises(ConfigError, match="finite"):
        Gate.from_config({"max_drop": float("nan")})
    with pytest.raises(ConfigError, match="finite"):
        Gate.from_config({"metrics": {"quotes.exact.f1": {"min": float("inf")}}})
    with pytest.raises(ConfigError, match="finite"):
        Gate.from_config({"max_drop": True})


def test_nan_threshold_in_a_config_is_refused(runs: dict[str, Path]) -> None:
    cfg = runs["tmp"] / "nan.yaml"
    cfg.write_text(
        f"goldset: {SEEDS}\ncache: null\nextractors: [{{name: regex}}]\ngate: {{max_drop: .nan}}\n"
    )
    res = cli.invoke(app, ["compare", str(runs["spacy"]), str(runs["regex"]), "--config", str(cfg)])
    assert res.exit_code == 2, res.output
    assert "finite number" in res.output and "Traceback" not in res.output


def _edited(src: Path, dest: Path, edit: Any) -> Path:
    from harness.results import embedded

    data = embedded(src)  # one self-contained file: the per-document counts inline
    edit(data)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "results.json").write_text(json.dumps(data))
    return dest


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("extractors"), "extractors: missing"),
        (lambda d: d.__setitem__("tasks", "quotes"), "tasks: expected a list"),
        (lambda d: d["goldset"].pop("sha256"), "goldset.sha256: missing"),
        (
            lambda d: d["extractors"]["spacy"]["scores"].__setitem__("quotes.exact.f1", "high"),
            "extractors['spacy'].scores['quotes.exact.f1']: expected a finite number, got 'high'",
        ),
        (
            lambda d: d["extractors"]["spacy"]["scores"].__setitem__("quotes.exact.f1", math.nan),
            "expected a finite number, got nan",
        ),
        (
            lambda d: d["extractors"]["spacy"]["intervals"].__setitem__("quotes.exact.f1", [1]),
            "intervals['quotes.exact.f1']: expected [low, high]",
        ),
        (
            lambda d: d["extractors"].__setitem__("spacy", []),
            "extractors['spacy']: expected a mapping",
        ),
        (
            lambda d: next(iter(d["extractors"]["spacy"]["per_document"].values())).__setitem__(
                "quotes.exact", [1, "x", 2]
            ),
            "per_document['000_5914532cf89c17ec']['quotes.exact']: expected [matched, predicted, gold]",
        ),
    ],
)
def test_malformed_results_give_a_clear_error(
    runs: dict[str, Path], tmp_path: Path, edit: Any, message: str
) -> None:
    bad = _edited(runs["spacy"], tmp_path / "bad", edit)
    for args in ([str(runs["spacy"]), str(bad)], [str(bad), str(runs["spacy"])]):
        res = cli.invoke(app, ["compare", *args])
        assert res.exit_code == 6, res.output
        assert message in res.output and "Traceback" not in res.output
        assert str(bad / "results.json") in res.output


def test_incomplete_runs_are_warned_about_and_not_taken_as_baselines(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    partial = tmp_path / "partial.jsonl"
    lines = (runs["tmp"] / "good.jsonl").read_text().splitlines()
    partial.write_text("\n".join(lines[:3]) + "\n")  # two documents have no prediction
    run = run_of(tmp_path, "partial", {"spacy": partial})
    code, data, stderr = compare_json(str(runs["spacy"]), str(run))
    assert code == 0
    assert "the new run is incomplete: 'spacy' failed on 2 documents" in stderr
    assert any("incomplete" in w for w in data["warnings"])
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"goldset: {SEEDS}\nextractors: [{{name: regex}}]\n")
    scores = tmp_path / "scores"
    update = [
        "baseline",
        "update",
        "--config",
        str(cfg),
        "--scores",
        str(scores),
        "--from",
        str(run),
    ]
    res = cli.invoke(app, update)
    assert res.exit_code == 6 and "incomplete" in res.output and not scores.exists()
    res = cli.invoke(app, [*update, "--force"])
    assert res.exit_code == 0 and (scores / "c.json").is_file()


def test_a_plugin_printing_does_not_break_json(
    runs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def noisy() -> list[Any]:
        print("hello from a plugin")
        return []

    monkeypatch.setattr(compare_module, "_installed_scores", noisy)
    code, data, stderr = compare_json(str(runs["spacy"]), str(runs["regex"]))
    assert code == 0 and data["rows"]  # stdout parsed as JSON
    assert "hello from a plugin" in stderr


def test_library_comparison_of_paths(runs: dict[str, Path]) -> None:
    c = compare_paths(runs["both"], runs["both_again"], gate=Gate(max_drop=0.0), samples=100)
    assert not c.violations and {r.verdict for r in c.rows} == {"unchanged"}
    assert [(p.baseline, p.new) for p in c.pairs] == [("regex", "regex"), ("spacy", "spacy")]


def test_gold_label_maps_compared_like_for_like() -> None:
    from harness.compare import comparability_problems

    def run(ex: dict[str, Any]) -> dict[str, Any]:
        return {"goldset": {"name": "g", "version": "1", "sha256": "x"}, "tasks": ["entities"],
                "extractors": {"t": {"tasks": ["entities"], "labels": ["PER"], **ex}}}  # fmt: skip

    old = run({"gold_label_map": "conll"})  # a results file without the maps applied
    new = run({"gold_label_map": "conll", "label_maps": {"gold": {"PERSON": "PER"}}})
    assert comparability_problems(old, new) == []
    other = run({"gold_label_map": None, "label_maps": {"gold": {}}})
    assert comparability_problems(run({"gold_label_map": None}), other) == []
    changed = run({"gold_label_map": "conll", "label_maps": {"gold": {"PERSON": None}}})
    assert "gold label map differs" in comparability_problems(new, changed)[0]
