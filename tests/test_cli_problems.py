"""Every problem of an invalid goldset can be seen: the first 50 printed, all with
``--max-problems 0`` or in ``--problems-file``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app

pytestmark = pytest.mark.usefixtures("builtin_only")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A brat folder with 60 entities outside the text: 60 problems."""
    folder = tmp_path / "ann"
    folder.mkdir()
    (folder / "d.txt").write_text("Short text.\n", encoding="utf-8")
    lines = [f"T{i}\tPER {100 + i} {105 + i}\tXXXXX" for i in range(1, 61)]
    (folder / "d.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_validate_prints_fifty_and_says_how_to_see_the_rest(broken: Path) -> None:
    r = CliRunner().invoke(app, ["validate", str(broken), "-f", "brat"])
    assert r.exit_code == 3
    assert ": 60 problems:" in r.output
    assert r.output.count("outside the text") == 50
    assert "... and 10 more: --max-problems 0 prints all of them" in r.output


def test_validate_prints_or_writes_all_of_them(broken: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["validate", str(broken), "-f", "brat", "--max-problems", "0"])
    assert r.exit_code == 3 and r.output.count("outside the text") == 60
    listing = tmp_path / "problems.txt"
    r = CliRunner().invoke(
        app, ["validate", str(broken), "-f", "brat", "--max-problems", "3",
              "--problems-file", str(listing)],
    )  # fmt: skip
    assert r.exit_code == 3 and r.output.count("outside the text") == 3
    lines = listing.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 60 and all(f"{broken / 'd.ann'}, line" in x for x in lines)


def test_import_takes_the_same_options(broken: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        app, ["goldset", "import", str(broken), str(tmp_path / "out"), "-f", "brat",
              "--max-problems", "0"],
    )  # fmt: skip
    assert r.exit_code == 3 and r.output.count("outside the text") == 60
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_formats_lists_a_formats_options_with_what_they_do() -> None:
    r = CliRunner().invoke(app, ["goldset", "formats", "brat"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "annotator" in r.output and "Which annotation of a document annotated" in r.output
    assert "sourceless" in r.output and "'drop'" in r.output
