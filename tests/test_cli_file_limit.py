"""``--max-file-bytes``: the goldset file size limit on the command line (as ``goldset:
{max_file_bytes: N}`` in a config), checked the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app

SEEDS = Path(__file__).parents[1] / "goldsets" / "seeds"
cli = CliRunner()


@pytest.fixture(autouse=True)
def _private_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A goldset whose rows are cached is not read again (only hashed): each test reads."""
    monkeypatch.setenv("HARNESS_GOLDSET_CACHE", str(tmp_path / "rows"))


def _conll(tmp_path: Path) -> Path:
    path = tmp_path / "in.conll"
    path.write_text("-DOCSTART- O\n\n" + "Ana B-PER\nBerg I-PER\nsaid O\n. O\n\n" * 50)
    return path


def test_validate_refuses_a_file_over_the_limit_and_says_how_to_raise_it() -> None:
    res = cli.invoke(app, ["validate", str(SEEDS), "--max-file-bytes", "10000"])
    assert res.exit_code == 3, res.output
    assert "more than the limit of 10,000 bytes" in res.output
    assert "--max-file-bytes N" in res.output
    res = cli.invoke(app, ["validate", str(SEEDS), "--max-file-bytes", "1000000"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("value", ["0", "-5", "4611686018427387905"])
def test_a_limit_out_of_range_is_a_usage_error(value: str) -> None:
    res = cli.invoke(app, ["validate", str(SEEDS), "--max-file-bytes", value])
    assert res.exit_code == 2, res.output
    assert "--max-file-bytes should be an integer from 1" in res.output


def test_a_limit_that_is_not_a_number_is_a_usage_error() -> None:
    res = cli.invoke(app, ["validate", str(SEEDS), "--max-file-bytes", "1e6"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_import_and_export_apply_the_limit(tmp_path: Path) -> None:
    src = _conll(tmp_path)
    args = ["goldset", "import", str(src), str(tmp_path / "g"), "-f", "conll"]
    res = cli.invoke(app, [*args, "--max-file-bytes", "100"])
    assert res.exit_code == 3 and "more than the limit of 100 bytes" in res.output
    assert not (tmp_path / "g").exists()
    res = cli.invoke(app, [*args, "--max-file-bytes", "100000"])
    assert res.exit_code == 0, res.output
    export = ["goldset", "export", str(tmp_path / "g"), str(tmp_path / "out.conll"), "-t", "conll"]
    res = cli.invoke(app, [*export, "--max-file-bytes", "100"])
    assert res.exit_code == 3 and "more than the limit of 100 bytes" in res.output
    res = cli.invoke(app, [*export, "--max-file-bytes", "100000"])
    assert res.exit_code == 0, res.output


def test_agreement_applies_the_limit(tmp_path: Path) -> None:
    src = _conll(tmp_path)
    args = ["agreement", str(src), str(src), "-f", "conll", "--max-file-bytes"]
    res = cli.invoke(app, [*args, "100"])
    assert res.exit_code == 3 and "more than the limit of 100 bytes" in res.output
    assert cli.invoke(app, [*args, "100000"]).exit_code == 0


def test_eval_limit_overrides_the_configs(tmp_path: Path) -> None:
    src = _conll(tmp_path)
    preds = tmp_path / "p.jsonl"
    preds.write_text("")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        f"goldset: {{path: {src}, format: conll, max_file_bytes: 100}}\n"
        f"output: {tmp_path / 'run'}\ncache: null\nbootstrap: {{samples: 0}}\n"
        f"extractors: [{{name: replay, options: {{path: {preds}}}}}]\n"
    )
    res = cli.invoke(app, ["eval", "-c", str(cfg), "-q"])
    assert res.exit_code == 3 and "more than the limit of 100 bytes" in res.output
    res = cli.invoke(app, ["eval", "-c", str(cfg), "-q", "--max-file-bytes", "100000"])
    assert "more than the limit" not in res.output
    assert (tmp_path / "run" / "results.json").exists(), res.output
    res = cli.invoke(app, ["eval", "-c", str(cfg), "-q", "--max-file-bytes", "0"])
    assert res.exit_code == 2 and "--max-file-bytes should be an integer" in res.output
