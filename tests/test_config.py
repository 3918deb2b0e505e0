"""Config validation: errors name the file and the key, and suggest the closest known name."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import load_config
from harness.errors import ConfigError

GOLD = Path(__file__).parent / "fixtures" / "mini" / "gold"


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "run.yaml"
    p.write_text(body.replace("GOLD", str(GOLD)), encoding="utf-8")
    return p


def test_valid_config(tmp_path: Path) -> None:
    cfg = load_config(
        write(tmp_path, "goldset: GOLD\nextractors:\n  - name: replay\n    options: {path: x}\n")
    )
    assert cfg.tasks == ("entities", "quotes", "speakers")
    assert cfg.extractors[0].parsed_options.path == "x"
    assert cfg.output == (tmp_path / "runs/latest").resolve()
    assert len(cfg.sha256) == 64


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "goldset: GOLD\nextractor: [replay]\n",
            r"unknown key 'extractor'\. Did you mean 'extractors'\?",
        ),
        ("goldset: GOLD\n", r"missing required key 'extractors'"),
        (
            "goldset: nowhere\nextractors: [replay]\n",
            r"goldset: .*nowhere.* \(harness format\) does not exist",
        ),
        (
            "goldset: GOLD\ntasks: [entites]\nextractors: [replay]\n",
            r"unknown task 'entites'\. Did you mean 'entities'\?",
        ),
        (
            "goldset: GOLD\nextractors: [{name: repaly}]\n",
            r"extractors\[0\]: unknown extractor 'repaly'\. Did you mean 'replay'\?",
        ),
        (
            "goldset: GOLD\nextractors: [{name: replay, options: {pth: x}}]\n",
            r"extractors\[0\]\.options \(replay\): unknown option 'pth'\. Did you mean 'path'\?",
        ),
        ("goldset: GOLD\nextractors: [{name: replay}]\n", r"missing required option 'path'"),
        (
            "goldset: GOLD\nextractors: [{name: replay, options: {path: 3}}]\n",
            r"option 'path' should be str, got 3",
        ),
        (
            "goldset: GOLD\nextractors: [{name: replay, options: {path: x, missing: maybe}}]\n",
            r"option 'missing' should be",
        ),
        ("goldset: GOLD\nbootstrap: {samples: -1}\nextractors: [replay]\n", r"bootstrap\.samples"),
        (
            "goldset: GOLD\nextractors:\n - {name: replay, options: {path: a}}\n - {name: replay, options: {path: b}}\n",
            r"give one a distinct 'label'",
        ),
        ("goldset: [GOLD\n", r"malformed YAML"),
        ("- just\n- a list\n", r"expected a mapping"),
    ],
)
def test_config_errors(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


def test_paths_expand_environment_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_TEST_DATA", str(GOLD.parent))
    monkeypatch.delenv("HARNESS_TEST_UNSET", raising=False)
    body = (
        "goldset: ${HARNESS_TEST_DATA}/gold\n"
        "output: ${HARNESS_TEST_UNSET:-elsewhere}/out\n"
        "extractors: [{name: replay, options: {path: p.jsonl}}]\n"
    )
    cfg = load_config(write(tmp_path, body))
    assert cfg.goldset.path == GOLD.resolve()
    assert cfg.output == (tmp_path / "elsewhere" / "out").resolve()


def test_unset_environment_variable_without_default_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "goldset: ${HARNESS_TEST_UNSET}/gold\nextractors: [replay]\n")
    with pytest.raises(ConfigError, match=r"goldset: environment variable 'HARNESS_TEST_UNSET'"):
        load_config(path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "goldset: GOLD\ntaskz: [entities]\noutputt: x\nbatch_size: 0\n"
        "extractors:\n  - name: repaly\n  - {name: replay, options: {pth: x}}\n",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}: 4 problems:"
    assert lines[1].startswith(
        "  - unknown keys 'taskz' (did you mean 'tasks'?), 'outputt' (did you mean 'output'?)."
    )
    assert "batch_size should be an integer from 1 to 100,000, got 0" in lines[2]
    assert "extractors[0]: unknown extractor 'repaly'. Did you mean 'replay'?" in lines[3]
    assert "extractors[1].options (replay): unknown option 'pth'" in lines[4]
