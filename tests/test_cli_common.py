"""Console sizing of the CLI's tables."""

from __future__ import annotations

import io

import pytest

from harness.cli_common import _width


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
