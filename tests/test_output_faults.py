"""Nothing finished is lost (issue #19): results are written before anything that may fail
after them, atomically, and a full or read-only disk, a file where the output folder should be
or a file size limit (``ulimit -f``) is a clear error naming the path (exit 8), with no
temporary file left behind."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness import atomic, results
from harness.cli import app
from harness.config import load_config
from harness.errors import OutputError
from harness.plugins import reset_plugins
from harness.results import PREDICTIONS_FILE, RESULTS_FILE, check_output, write_run
from harness.runner import run

from . import plugin_fixtures
from .faults import fill, leftovers, run_harness, tmpfs

cli = CliRunner()


@pytest.fixture(autouse=True)
def _test_plugins() -> None:
    reset_plugins([("test-plugins", plugin_fixtures)])


def _config(tmp_path: Path, gold: Path, output: Path | None = None) -> Path:
    cfg = tmp_path / "run.yaml"
    cfg.write_text(
        f"goldset: {gold}\noutput: {output or tmp_path / 'out'}\ncache: null\n"
        "bootstrap: {samples: 10}\nextractors: [{name: crashy, options: {crash_on: none}}]\n"
    )
    return cfg


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_output_naming_a_file_is_refused_before_the_run(mini: Path, tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("keep me")
    res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, mini)), "-q", "-o", str(target)])
    assert res.exit_code == 8, res.output
    assert f"output {target} is a file, not a folder" in res.output
    assert target.read_text() == "keep me"
    assert plugin_fixtures.CALLS == []  # refused before any extraction


def test_an_unwritable_output_is_refused_before_the_run(mini: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):  # root writes anyway: use a read-only tmpfs instead
            pytest.skip("running as root: see the tmpfs test")
        res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, mini, ro / "x")), "-q"])
    finally:
        ro.chmod(0o700)
    assert res.exit_code == 8, res.output
    assert f"output folder {ro / 'x'} cannot be written" in res.output


def test_a_read_only_disk_is_refused_before_the_run(mini: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", readonly=True) as ro:
        res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, mini, ro / "x")), "-q"])
    assert res.exit_code == 8, res.output
    assert "cannot be written" in res.output and "Read-only file system" in res.output


def test_a_full_disk_is_refused_before_the_run_and_nothing_is_left(
    mini: Path, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "full", size="16k") as full:
        fill(full)
        res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, mini, full / "x")), "-q"])
        left = sorted(p.name for p in full.iterdir() if not p.name.startswith("filler"))
    assert res.exit_code == 8, res.output
    assert "No space left on device" in res.output
    assert left == []  # the folder the check created is removed again


def test_check_output_removes_the_folders_it_created_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results.os, "write", _no_space)
    with pytest.raises(OutputError, match="cannot be written: No space left on device"):
        check_output(tmp_path / "a" / "b")
    assert list(tmp_path.iterdir()) == []


def test_results_are_written_before_the_predictions(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(load_config(_config(tmp_path, mini)))
    out = tmp_path / "out"
    out.mkdir()
    (out / PREDICTIONS_FILE).write_text("a previous run's predictions\n")
    monkeypatch.setattr(results, "write_chunks", _no_space)
    with pytest.raises(OutputError) as caught:
        write_run(result, out)
    assert "cannot write the predictions" in str(caught.value)
    assert f"{out / RESULTS_FILE} was written" in str(caught.value)
    assert json.loads((out / RESULTS_FILE).read_text())["complete"] is True
    # never results paired with another run's predictions
    assert not (out / PREDICTIONS_FILE).exists()


def test_results_that_cannot_be_written_are_saved_elsewhere(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    real = atomic.write_text

    def full_output(path: Path, text: str) -> None:
        if out in path.parents:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)

    monkeypatch.setattr(atomic, "write_text", full_output)
    res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, mini)), "-q"])
    assert res.exit_code == 8, res.output
    assert "entities strict F1" in res.output  # the scores were printed before the write
    assert f"{out / RESULTS_FILE}: No space left on device" in res.output
    rescue = Path(res.output.split("the whole run was saved to ")[1].split()[0])
    try:
        assert json.loads((rescue / RESULTS_FILE).read_text())["complete"] is True
        assert (rescue / PREDICTIONS_FILE).exists()
    finally:
        shutil.rmtree(rescue)


def test_results_are_kept_when_the_report_cannot_be_written(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "plots").write_text("a file where the plots folder goes")
    res = cli.invoke(app, ["eval", "-c", str(_config(tmp_path, mini)), "-q", "--report"])
    assert res.exit_code == 8, res.output
    assert "cannot write the report" in res.output and "plots" in res.output
    assert f"{out / RESULTS_FILE} was written" in res.output
    assert json.loads((out / RESULTS_FILE).read_text())["complete"] is True


def test_an_atomic_write_that_fails_names_the_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "results.json"
    target.write_text("old")
    monkeypatch.setattr(atomic.os, "replace", _no_space)
    with pytest.raises(OSError) as caught:
        atomic.write_text(target, "new")
    assert caught.value.filename == str(target)
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("limit", [2_000, 30_000])
def test_a_file_size_limit_is_an_error_naming_the_file(
    limit: int, mini: Path, tmp_path: Path
) -> None:
    """``ulimit -f``: at 2 KB the results do not fit (nor in the temporary folder); at 30 KB
    results.json fits and the predictions do not... or everything fits: either way a clear
    message or success, never a traceback, never a temporary file left behind."""
    cfg = _config(tmp_path, mini)
    cfg.write_text(
        cfg.read_text().replace(
            "{name: crashy", "{name: sleepy, options: {sleep: 0}}, {name: crashy"
        )
    )
    assert run_harness(["validate", str(mini)], tmp_path).returncode == 0  # the goldset cache
    p = run_harness(["eval", "-c", str(cfg), "-q"], tmp_path, fsize=limit)
    assert "Traceback" not in p.stderr, p.stderr
    assert leftovers(tmp_path / "out") == []
    if p.returncode == 0:
        assert (tmp_path / "out" / RESULTS_FILE).exists()
        return
    assert p.returncode == 8, p.stderr
    assert "File too large (the file size limit, `ulimit -f`, was reached)" in p.stderr
    # the file named: in the output folder, or the run's per-document files in TMPDIR
    assert str(tmp_path / "out") in p.stderr or str(tmp_path / "tmp") in p.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # the run's temporary folder removed


def test_a_full_disk_while_writing_the_results(mini: Path, tmp_path: Path) -> None:
    """The disk fills up after the check: the run is saved in the temporary folder."""
    with tmpfs(tmp_path / "small", size="12k") as small:
        cfg = _config(tmp_path, mini, small / "x")
        p = run_harness(["eval", "-c", str(cfg), "-q"], tmp_path)
        left = leftovers(small)
    assert "Traceback" not in p.stderr, p.stderr
    assert p.returncode == 8, p.stderr
    assert "No space left on device" in p.stderr and "the whole run was saved to" in p.stderr
    assert left == []


def test_a_goldset_cache_that_cannot_be_written_is_exit_8_naming_it(
    mini: Path, tmp_path: Path
) -> None:
    """Before: 'goldset ...: reading failed: OSError: File too large', exit 3, as if the goldset
    were broken."""
    p = run_harness(["validate", str(mini)], tmp_path, fsize=1024)
    assert p.returncode == 8, p.stderr
    assert "the goldset cache cannot be written in" in p.stderr
    assert str(tmp_path / "goldset-cache") in p.stderr and "ulimit -f" in p.stderr
    assert "Traceback" not in p.stderr
    assert run_harness(["validate", str(mini)], tmp_path).returncode == 0  # nothing left behind
