"""Gate thresholds that are not finite numbers: a ConfigError naming the file and the key."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.errors import ConfigError
from harness.gate import Gate

BAD = ["0.02", True, [0.02], {"x": 1}, math.nan, math.inf, -math.inf, None]
YAML_BAD = ['"0.02"', "true", "[0.02]", "{x: 1}", ".nan", ".inf", "-.inf"]


@pytest.mark.parametrize("value", BAD[:-1])
@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (lambda v: {"max_drop": v}, "gate.max_drop"),
        (lambda v: {"metrics": {"m": {"max_drop": v}}}, "gate.metrics.m.max_drop"),
        (lambda v: {"metrics": {"m": {"min": v}}}, "gate.metrics.m.min"),
    ],
)
def test_from_config_refuses_a_non_number_naming_file_and_key(value, raw, key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        Gate.from_config(raw(value), "configs/x.yaml: gate")
    assert f"configs/x.yaml: {key}:" in str(exc.value)
    assert exc.value.exit_code == 2


@pytest.mark.parametrize("value", [True, False, "0.1", [0.1], math.nan, math.inf])
def test_a_gate_made_in_code_refuses_a_non_number(value) -> None:
    with pytest.raises(ConfigError, match="finite numbers"):
        Gate(max_drop=value)
    with pytest.raises(ConfigError, match="finite numbers"):
        Gate(minimums={"m": value})


@pytest.mark.parametrize("value", YAML_BAD)
@pytest.mark.parametrize("where", ["max_drop: {v}", "metrics: {{m: {{min: {v}}}}}"])
def test_compare_with_a_bad_config_gate_exits_2_naming_file_and_key(
    tmp_path: Path, value: str, where: str
) -> None:
    cfg = tmp_path / "gate.yaml"
    cfg.write_text(
        "goldset: goldsets/seeds\nextractors: [{name: replay, options: {path: p.jsonl}}]\n"
        f"gate: {{{where.format(v=value)}}}\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["compare", "a", "b", "--config", str(cfg)])
    assert res.exit_code == 2, res.output
    assert str(cfg) in res.output.replace("\n", "")
    assert ("gate.max_drop" if "max_drop" in where else "gate.metrics.m.min") in res.output
    assert "Traceback" not in res.output
