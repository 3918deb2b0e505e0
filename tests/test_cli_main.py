"""The top-level handler (issue #19): any unexpected exception is one line and a hint (the
traceback only with --debug), errors map to the documented exit codes, and Ctrl-C and SIGTERM
stop a run cleanly with their own codes, keeping the cached predictions."""

from __future__ import annotations

import errno
import hashlib
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from harness import cli_common, cli_main
from harness.cli import app
from harness.errors import ConfigError, OutputError
from harness.exitcodes import ExitCode

from .faults import HARNESS, harness_env, leftovers


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARNESS_DEBUG", raising=False)
    monkeypatch.setattr(cli_common, "DEBUG", False)


def _broken_goldset_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def load_goldset(*args: object, **kwargs: object) -> None:
        return 1 / 0  # type: ignore[return-value]

    monkeypatch.setattr("harness.goldset.load_goldset", load_goldset)


def test_an_unexpected_exception_is_one_line_and_a_hint(
    mini: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_goldset_loader(monkeypatch)
    code = cli_main.run(app, ["validate", str(mini)])
    err = capsys.readouterr().err
    assert code == ExitCode.INTERNAL == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 2, err
    assert lines[0].startswith("error: unexpected ZeroDivisionError in `harness validate`: ")
    assert "raised at tests/test_cli_main.py" in lines[0] and "in load_goldset" in lines[0]
    assert lines[1].startswith("hint: this is a bug in harness")
    assert f"`harness --debug validate {mini}`" in lines[1]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_debug_prints_the_traceback(
    how: str, mini: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_goldset_loader(monkeypatch)
    args = ["validate", str(mini)]
    if how == "option":
        args.insert(0, "--debug")
    else:
        monkeypatch.setenv("HARNESS_DEBUG", "1")
    assert cli_main.run(app, args) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err


def test_debug_shows_the_traceback_of_a_harness_error_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main.run(app, ["--debug", "eval", "-c", str(tmp_path / "none.yaml")])
    err = capsys.readouterr().err
    assert code == ExitCode.CONFIG
    assert "Traceback" in err and "none.yaml" in err


def test_an_exception_in_plugin_code_names_the_plugin() -> None:
    from harness_regex.extractor import RegexExtractor

    try:
        list(RegexExtractor().extract([None]))  # type: ignore[list-item]
    except Exception as exc:
        hint = cli_main._hint(exc, ["eval", "-c", "x.yaml"])
    assert "plugin 'regex' (harness-regex)" in hint
    assert "HARNESS_DISABLE_PLUGINS=regex" in hint and "`harness --debug eval -c x.yaml`" in hint


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (ConfigError("c.yaml: bad"), ExitCode.CONFIG, "error: c.yaml: bad"),
        (OutputError("cannot write x"), ExitCode.OUTPUT, "error: cannot write x"),
        (
            OSError(errno.ENOSPC, "No space left on device", "/runs/x/results.json"),
            ExitCode.OUTPUT,
            "error: /runs/x/results.json: No space left on device",
        ),
        (
            OSError(errno.EFBIG, "File too large", "/runs/x/results.json"),
            ExitCode.OUTPUT,
            "error: /runs/x/results.json: File too large (the file size limit, `ulimit -f`",
        ),
        (MemoryError(), ExitCode.INTERNAL, "hint: the process ran out of memory"),
    ],
)
def test_errors_no_command_handled_get_their_codes(
    exc: Exception, code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main.report(exc, ["eval"]) == code
    assert message in capsys.readouterr().err


def test_usage_errors_and_success_keep_their_codes(mini: Path) -> None:
    assert cli_main.run(app, ["eval", "--no-such-option"]) == ExitCode.CONFIG
    assert cli_main.run(app, ["validate", str(mini)]) == 0
    assert cli_main.run(app, ["--help"]) == 0


# ---- signals ------------------------------------------------------------------------------------


def _slow_run(tmp_path: Path, mini: Path) -> tuple[Path, Path]:
    """A config of 40 documents extracted slowly (0.2 s each, batches of 2)."""
    gold = tmp_path / "gold"
    (gold / "texts").mkdir(parents=True)
    (gold / "goldset.yaml").write_text((mini / "goldset.yaml").read_text())
    text = (mini / "texts" / "doc1.txt").read_text()
    for i in range(40):
        (gold / "texts" / f"d{i}.txt").write_text(f"{text} ({i})")
        data = (gold / "texts" / f"d{i}.txt").read_bytes()
        doc = {
            "id": f"d{i}", "text_path": f"texts/d{i}.txt",
            "text_sha256": hashlib.sha256(data).hexdigest(),
            "entities": [], "speakers": {}, "quotes": [],
        }  # fmt: skip
        (gold / f"d{i}.json").write_text(json.dumps(doc))
    started = tmp_path / "started"
    cfg = tmp_path / "slow.yaml"
    cfg.write_text(
        f"goldset: {gold}\noutput: {tmp_path / 'run'}\ncache: {tmp_path / 'cache'}\n"
        f"batch_size: 2\nbootstrap: {{samples: 10}}\n"
        f"extractors: [{{name: sleepy, options: {{sleep: 0.2, started: {started}}}}}]\n"
    )
    return cfg, started


@pytest.mark.parametrize(
    ("sig", "code", "name"),
    [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "Ctrl-C (SIGINT)")],
)
def test_a_signal_stops_the_run_cleanly_and_keeps_the_cache(
    sig: int, code: int, name: str, tmp_path: Path, mini: Path
) -> None:
    cfg, started = _slow_run(tmp_path, mini)
    env = harness_env(tmp_path)
    p = subprocess.Popen(
        [str(HARNESS), "eval", "-c", str(cfg), "-q"], cwd=tmp_path, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.1)
    time.sleep(1.5)  # a few batches
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    assert p.returncode == code, err
    assert "Traceback" not in err
    assert f"interrupted by {name}: stopped cleanly; no results were written" in err
    assert "kept in the prediction cache" in err
    assert not (tmp_path / "run" / "results.json").exists()
    assert leftovers(tmp_path / "run", tmp_path / "cache") == []
    # the next run starts from what was cached
    again = subprocess.run(
        [str(HARNESS), "eval", "-c", str(cfg), "-q"], cwd=tmp_path, env=env, text=True,
        capture_output=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    counts = json.loads((tmp_path / "run" / "results.json").read_text())["extractors"]["sleepy"]
    assert 0 < counts["counts"]["cached_documents"] < 40


def test_the_handler_restores_the_signal_handlers() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with cli_main.interrupts():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "a", "b", "--samples", "-5"],
        ["compare", "a", "b", "--samples", "100000000000"],
        ["validate", "x", "--max-problems", "-1"],
        ["goldset", "import", "a", "b", "--format", "conll", "--max-problems", "-3"],
        ["agreement", "a", "b", "--max-disagreements", "-1"],
    ],
)
def test_option_values_out_of_range_are_usage_errors(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main.run(app, args) == ExitCode.CONFIG
    err = capsys.readouterr().err
    assert "Invalid value for '--" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("import sys\nprint('noise at import')\nsys.exit(3)\n", "failed to import: SystemExit: 3"),
        ("raise RuntimeError('no GPU')\n", "failed to import: RuntimeError: no GPU"),
    ],
)
def test_a_plugin_that_exits_or_raises_at_import_is_exit_4(
    module: str, message: str, tmp_path: Path
) -> None:
    env = harness_env(tmp_path)
    site = Path(env["PYTHONPATH"].split(":")[0])
    (site / "bad_plugin.py").write_text(module)
    dist = site / "bad_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: bad-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[harness]\nbad = bad_plugin\n")
    p = subprocess.run(
        [str(HARNESS), "plugins"], cwd=tmp_path, env=env, text=True, capture_output=True
    )
    assert p.returncode == ExitCode.PLUGIN, p.stderr
    assert f"plugin 'bad' (bad_plugin) {message}" in p.stderr
    assert "HARNESS_DISABLE_PLUGINS=bad" in p.stderr and "Traceback" not in p.stderr
    assert "noise" not in p.stdout
