"""Console sizing of the CLI's tables."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.cli_common import _width, parse_pairs
from harness.errors import ConfigError


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_tables_are_not_squeezed_into_80_columns_in_a_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert _width(io.StringIO()) == 200


def test_a_terminal_or_columns_leaves_the_width_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert _width(_Tty()) is None
    monkeypatch.setenv("COLUMNS", "120")
    assert _width(io.StringIO()) is None


# ---- KEY=VALUE options ------------------------------------------------------------------------


def _bomb(levels: int = 6) -> str:
    """A YAML value of a few hundred bytes whose aliases expand to 10**levels values."""
    parts = ["&l0 [0,0,0,0,0,0,0,0,0,0]"]
    for i in range(1, levels):
        parts.append(f"&l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]")
    return "[" + ", ".join(parts) + "]"


def test_pairs_read_values_as_yaml() -> None:
    assert parse_pairs(["scheme=iob2", "labels=[PER, ORG]", "columns=2", "x="]) == {
        "scheme": "iob2",
        "labels": ["PER", "ORG"],
        "columns": 2,
        "x": None,
    }


@pytest.mark.parametrize(
    ("pair", "says"),
    [
        ("labels={a: 1, a: 2}", "key 'a' is given twice"),
        ("labels=[PER, ORG", "malformed YAML"),
        (f"labels={_bomb()}", "alias bomb"),
        ("novalue", "expected key=value"),
        ("=1", "expected key=value"),
    ],
)
def test_a_bad_pair_is_a_usage_error_naming_option_and_value(pair: str, says: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_pairs([pair], "--read-option")
    assert exc.value.exit_code == 2
    assert f"--read-option {pair[:40]}" in str(exc.value).replace("'", "")
    assert says in str(exc.value)


def test_a_key_given_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="'scheme' is given twice"):
        parse_pairs(["scheme=iob1", "scheme=iob2"])


def test_cli_option_value_error_exits_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["validate", str(tmp_path), "-o", "labels={a: 1, a: 2}"])
    assert r.exit_code == 2, r.output
    assert "--option" in r.output and "given twice" in r.output
    assert "Traceback" not in r.output
