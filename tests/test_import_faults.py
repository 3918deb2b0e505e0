"""``harness goldset import`` writes into a temporary folder and moves it into place (issue
#19): a refused, failed or interrupted import leaves nothing that blocks the retry."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.formats.native import NativeFormat

cli = CliRunner()


def _brat(tmp_path: Path, second: str = "T1\tPERSON 0 99\tJane Smith\n") -> Path:
    """Two annotators of one text; the second one's annotation is broken by default."""
    src = tmp_path / "brat"
    src.mkdir()
    (src / "a.txt").write_text("Jane Smith spoke.")
    (src / "a_ann1.ann").write_text("T1\tPERSON 0 10\tJane Smith\n")
    (src / "a_ann2.ann").write_text(second)
    return src


def _import(src: Path, out: Path) -> Any:
    return cli.invoke(
        app, ["goldset", "import", str(src), str(out), "--format", "brat", "-o", "annotator=each"]
    )


def _hidden(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.usefixtures("builtin_only")
def test_a_per_annotator_import_refused_half_way_leaves_nothing(tmp_path: Path) -> None:
    src, out = _brat(tmp_path), tmp_path / "imported"
    res = _import(src, out)
    assert res.exit_code == 3, res.output
    assert "a_ann2.ann, line 1" in res.output
    assert not out.exists()  # before: imported/ann1 was written, and blocked the retry
    assert _hidden(tmp_path) == []
    (src / "a_ann2.ann").write_text("T1\tPERSON 0 10\tJane Smith\n")
    again = _import(src, out)
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in out.iterdir()) == ["ann1", "ann2"]


@pytest.mark.usefixtures("builtin_only")
@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), 8, "No space left on device"),
        (KeyboardInterrupt(), 130, ""),
    ],
)
def test_a_write_that_fails_or_is_interrupted_leaves_nothing(
    failure: BaseException, code: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _brat(tmp_path, "T1\tPERSON 0 10\tJane Smith\n"), tmp_path / "imported"
    real = NativeFormat.write
    calls: list[Path] = []

    def second_fails(self: NativeFormat, goldset: Any, path: Path, options: Any) -> Any:
        calls.append(path)
        if len(calls) == 2:
            raise failure
        return real(self, goldset, path, options)

    monkeypatch.setattr(NativeFormat, "write", second_fails)
    res = _import(src, out)
    assert res.exit_code == code, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not out.exists() and _hidden(tmp_path) == []


@pytest.mark.usefixtures("builtin_only")
def test_an_import_into_a_folder_with_files_is_refused_and_the_files_kept(tmp_path: Path) -> None:
    src, out = _brat(tmp_path, "T1\tPERSON 0 10\tJane Smith\n"), tmp_path / "imported"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    res = _import(src, out)
    assert res.exit_code == 2, res.output
    assert "output exists and is not an empty folder" in res.output
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


@pytest.mark.usefixtures("builtin_only")
def test_an_import_into_an_empty_folder_fills_it(tmp_path: Path) -> None:
    src, out = _brat(tmp_path, "T1\tPERSON 0 10\tJane Smith\n"), tmp_path / "imported"
    out.mkdir()
    assert _import(src, out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["ann1", "ann2"]
