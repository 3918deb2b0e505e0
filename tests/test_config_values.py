"""Config values are checked where they enter, before any work, every problem at once, each
naming the file and the key (issue #19): numbers and their bounds, gate thresholds, label maps,
YAML itself (duplicate keys, alias bombs), environment variables in paths."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from harness.config import MAX_BOOTSTRAP_SAMPLES, expand_path, load_config
from harness.errors import ConfigError

GOLD = Path(__file__).parent / "fixtures" / "mini" / "gold"
REPLAY = "extractors: [{name: replay, options: {path: p.jsonl}}]\n"


def write(tmp_path: Path, body: str, extractors: str = REPLAY) -> Path:
    p = tmp_path / "run.yaml"
    p.write_text(f"goldset: {GOLD}\n{body}\n{extractors}", encoding="utf-8")
    return p


def refused(tmp_path: Path, body: str, extractors: str = REPLAY) -> str:
    path = write(tmp_path, body, extractors)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    return str(info.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # a boolean is not a number (Python says True == 1)
        ("bootstrap: {samples: true}", r"bootstrap\.samples should be an integer from 0 to"),
        ("bootstrap: {samples: 100000000000}", r"bootstrap\.samples .* got 100000000000"),
        ("bootstrap: {samples: 1e11}", r"bootstrap\.samples .* got '1e11'"),  # YAML: a string
        ("bootstrap: {seed: -1}", r"bootstrap\.seed should be an integer from 0 to"),
        ("bootstrap: {seed: 1.5}", r"bootstrap\.seed .* got 1\.5"),
        ("batch_size: true", r"batch_size should be an integer from 1 to"),
        ("output: [a, b]", r"output should be a path \(a string\), got \['a', 'b'\]"),
        ("cache: true", r"cache should be a path \(a string\), got True"),
        ("output: 5", r"output should be a path"),
        ("tasks: [entities, entities]", r"names a task twice"),
    ],
)
def test_numbers_types_and_bounds(tmp_path: Path, body: str, message: str) -> None:
    msg = refused(tmp_path, body)
    assert re.search(message, msg), msg


def test_the_upper_bound_of_samples_is_accepted(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, f"bootstrap: {{samples: {MAX_BOOTSTRAP_SAMPLES}}}"))
    assert cfg.bootstrap_samples == MAX_BOOTSTRAP_SAMPLES


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("gate: {max_drop: .nan}", "gate.max_drop should be a finite number >= 0, got nan"),
        ("gate: {max_drop: .inf}", "gate.max_drop should be a finite number >= 0, got inf"),
        ("gate: {max_drop: -0.1}", "gate.max_drop should be a finite number >= 0, got -0.1"),
        ("gate: {max_drop: abc}", "gate.max_drop should be a number, got 'abc'"),
        ("gate: {max_drop: true}", "gate.max_drop should be a number, got True"),
        ("gate: {max_drp: 0.1}", "Did you mean 'max_drop'?"),
        ("gate: {significant_only: 'yes'}", "gate.significant_only should be true or false"),
        ("gate: {metrics: [f1]}", "gate.metrics should be a mapping"),
        ("gate: {metrics: {f1: 0.1}}", "gate.metrics.f1: expected {max_drop: x, min: y}"),
        ("gate: {metrics: {f1: {min: abc}}}", "gate.metrics.f1.min should be a number"),
        ("gate: {metrics: {f1: {min: -.inf}}}", "gate.metrics.f1.min should be a finite number"),
        ("gate: {metrics: {f1: {max_drop: -1}}}", "gate.metrics.f1.max_drop should be a finite"),
        ("gate: {metrics: {f1: {mini: 0.5}}}", "Did you mean 'min'?"),
        ("gate: 5", "gate should be a mapping"),
    ],
)
def test_gate_thresholds(tmp_path: Path, body: str, message: str) -> None:
    assert message in refused(tmp_path, body)


def test_every_gate_problem_at_once(tmp_path: Path) -> None:
    body = "gate: {max_drop: -1, significant_only: 3, metrics: {a: {min: x}, b: {max_drop: .nan}}}"
    msg = refused(tmp_path, body)
    assert "4 problems" in msg, msg
    for part in ("gate.max_drop", "gate.significant_only", "metrics.a.min", "metrics.b.max_drop"):
        assert part in msg, (part, msg)


def test_a_valid_gate_comes_out_as_floats(tmp_path: Path) -> None:
    body = "gate: {max_drop: 0, significant_only: true, metrics: {f1: {min: 0.5, max_drop: 1}}}"
    cfg = load_config(write(tmp_path, body))
    assert cfg.gate == {
        "max_drop": 0.0,
        "significant_only": True,
        "metrics": {"f1": {"min": 0.5, "max_drop": 1.0}},
    }
    assert all(type(v) is float for v in cfg.gate["metrics"]["f1"].values())


def test_non_finite_numbers_anywhere_are_refused(tmp_path: Path) -> None:
    ex = "extractors: [{name: replay, options: {path: p.jsonl, other: .nan}}]\n"
    msg = refused(tmp_path, "batch_size: .inf\nextra: {deep: [1, -.inf]}", ex)
    assert "batch_size should be an integer from 1 to 100,000, got inf" in msg
    assert "extractors[0].options.other: not a finite number" in msg
    assert "extra.deep[1]: not a finite number" in msg
    assert "batch_size: not a finite" not in msg  # said once, by its own check


@pytest.mark.parametrize(
    ("extractors", "message"),
    [
        (
            "extractors: [{name: replay, options: {path: p}, gold_label_map: [a, b]}]",
            "gold_label_map: expected a scheme name (e.g. conll) or a mapping",
        ),
        (
            "extractors: [{name: replay, options: {path: p}, gold_label_map: {PERSON: [PER]}}]",
            "each gold label should map to a label (a string) or null; not 'PERSON': ['PER']",
        ),
        ("extractors: [{name: [replay]}]", "extractors[0].name should be an extractor name"),
        ("extractors: [{name: replay, options: {path: p}, label: [a]}]", ".label should be a"),
        ("extractors: [{name: replay, options: {path: p}, batch_size: 0}]", "batch_size should"),
        ("extractors: [{name: replay, options: {1: x}}]", "unknown option 1."),
        ("extractors: [{name: replay, options: {path: .nan}}]", "not a finite number"),
    ],
)
def test_extractor_entries(tmp_path: Path, extractors: str, message: str) -> None:
    assert message in refused(tmp_path, "", extractors)


def test_every_problem_of_the_values_at_once(tmp_path: Path) -> None:
    msg = refused(
        tmp_path,
        "bootstrap: {samples: true, seed: -1}\nbatch_size: 0\ngate: {max_drop: .nan}\n",
        "extractors: [{name: replay, options: {path: p}, gold_label_map: [x]}]\n",
    )
    for part in ("bootstrap.samples", "bootstrap.seed", "batch_size", "max_drop", "gold_label"):
        assert part in msg, (part, msg)
    assert "5 problems" in msg, msg


# ---- YAML -------------------------------------------------------------------------------------


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    msg = refused(tmp_path, "tasks: [entities]\ntasks: [quotes]")
    assert "line 3: key 'tasks' is given twice in one mapping (first at line 2)" in msg


def test_duplicate_keys_inside_a_flow_mapping(tmp_path: Path) -> None:
    assert "key 'seed' is given twice" in refused(tmp_path, "bootstrap: {seed: 1, seed: 2}")


def test_a_merge_key_may_be_overridden(tmp_path: Path) -> None:
    body = "x-base: &b {samples: 10, seed: 1}\n"
    path = write(tmp_path, "bootstrap:\n  <<: {samples: 10, seed: 1}\n  seed: 2")
    cfg = load_config(path)
    assert (cfg.bootstrap_samples, cfg.bootstrap_seed) == (10, 2)
    assert "unknown key 'x-base'" in refused(tmp_path, body)


BILLION_LAUGHS = "gate:\n  a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  {n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """9**9 (387 million) values from 300 bytes: refused before a value is built."""
    start = time.perf_counter()
    msg = refused(tmp_path, BILLION_LAUGHS)
    assert time.perf_counter() - start < 2.0
    assert "aliases expand to more than 100,000 values" in msg


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert "refers to the anchor it is inside" in refused(tmp_path, "gate: &a {x: *a}")


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    with pytest.raises(ConfigError, match="larger than 1,000,000 bytes"):
        load_config(path)


# ---- environment variables in paths -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "env", "expected"),
    [
        ("${V:-d}/x", {"V": ""}, "d/x"),  # :- : unset or empty takes the default
        ("${V-d}/x", {"V": ""}, "/x"),  # -  : only unset takes the default
        ("${V-d}/x", {}, "d/x"),
        ("${V:-d}/x", {"V": "set"}, "set/x"),
        ("${V:-${W:-deep}}/x", {}, "deep/x"),  # a default may hold a variable
        ("a/${V}/${W}", {"V": "1", "W": "2"}, "a/1/2"),
        ("$HOME/x", {}, "$HOME/x"),  # only ${...} is expanded
    ],
)
def test_shell_semantics(
    monkeypatch: pytest.MonkeyPatch, value: str, env: dict[str, str], expected: str
) -> None:
    for name in ("V", "W"):
        monkeypatch.delenv(name, raising=False)
    for name, v in env.items():
        monkeypatch.setenv(name, v)
    assert expand_path(value, "output", "c.yaml") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("${HOME", r"output: unclosed \$\{ in '\$\{HOME'"),
        ("x/${HOME/y", r"unclosed"),
        ("${}", r"malformed variable \$\{\}"),
        ("${1X}", r"malformed variable"),
        ("${V:x}", r"malformed variable"),
        ("${V}", r"environment variable 'V' is empty"),
    ],
)
def test_malformed_or_empty_variables(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("V", "")
    with pytest.raises(ConfigError, match=message):
        expand_path(value, "output", "c.yaml")


def test_an_unclosed_variable_does_not_become_a_folder(tmp_path: Path) -> None:
    assert "unclosed ${" in refused(tmp_path, "output: ${HOME/runs")
    assert not (tmp_path / "${HOME").exists()


def test_an_empty_variable_takes_its_default_in_a_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_TEST_EMPTY", "")
    cfg = load_config(write(tmp_path, "output: ${HARNESS_TEST_EMPTY:-elsewhere}/out"))
    assert cfg.output == (tmp_path / "elsewhere" / "out").resolve()
