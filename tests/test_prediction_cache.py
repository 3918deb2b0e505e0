"""The prediction cache as a store: shared, validated, and never in the way of the results.

Each case is one of the faults found in #19: entries lost between runs sharing a cache, bad bytes
or wrong types crashing every later run, entries with offsets outside the text trusted, a
read-only or full cache folder preventing the results from being written, an interrupted run
losing its finished entries or leaving temporary files behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness import runner
from harness.cache import CACHE_FILE, PredictionCache, doc_key
from harness.config import load_config
from harness.model import Entity, Prediction, TextDoc
from harness.plugins import reset_plugins
from harness.results import read_results, write_run
from harness.runcache import RUNS_DIR

from . import plugin_fixtures

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _test_plugins() -> None:
    reset_plugins([("test-plugins", plugin_fixtures)])
    plugin_fixtures.CALLS.clear()


def _config(tmp_path: Path, gold: Path, cache: Path, name: str = "run") -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(
        f"goldset: {gold}\noutput: {name}-out\ncache: {cache}\nbootstrap: {{samples: 50}}\n"
        "extractors:\n  - {name: crashy, options: {crash_on: none}}\n",
        encoding="utf-8",
    )
    return p


def _rows(cache: Path) -> list[tuple[str, str, bytes]]:
    with sqlite3.connect(cache / CACHE_FILE) as conn:
        try:
            return conn.execute("SELECT extractor, doc, value FROM predictions").fetchall()
        except sqlite3.OperationalError:  # not made yet (a run is starting)
            return []


def _set_entry(cache: Path, doc_id: str, value: bytes) -> None:
    """Replace the stored entry of ``doc_id`` (found by its prediction's doc_id) by ``value``."""
    with sqlite3.connect(cache / CACHE_FILE) as conn:
        for ext, doc, stored in conn.execute("SELECT * FROM predictions").fetchall():
            if json.loads(stored)[0] == doc_id:
                conn.execute(
                    "UPDATE predictions SET value = ? WHERE extractor = ? AND doc = ?",
                    (value, ext, doc),
                )


def test_a_rerun_reads_every_entry_and_extracts_nothing(mini: Path, tmp_path: Path) -> None:
    cfg = load_config(_config(tmp_path, mini, tmp_path / "cache"))
    first = runner.run(cfg).extractors[0]
    assert plugin_fixtures.CALLS == ["doc1", "doc2"] and len(_rows(tmp_path / "cache")) == 2
    shutil.rmtree(tmp_path / "cache" / RUNS_DIR)  # read the entries, not the whole run
    again = runner.run(cfg).extractors[0]
    assert plugin_fixtures.CALLS == ["doc1", "doc2"]
    assert again.cached_docs == 2 and again.scores == first.scores and not again.warnings


def _copy_goldset(mini: Path, dest: Path, suffix: str) -> Path:
    """A copy of the mini goldset whose texts differ (another goldset for the cache)."""
    shutil.copytree(mini, dest / "gold")
    for f in (dest / "gold").glob("doc*.json"):
        rec = json.loads(f.read_text(encoding="utf-8"))
        text_file = dest / "gold" / rec["text_path"]
        body = text_file.read_bytes() + suffix.encode()
        text_file.write_bytes(body)
        rec["text_sha256"] = hashlib.sha256(body).hexdigest()
        f.write_text(json.dumps(rec), encoding="utf-8")
    return dest / "gold"


def test_two_goldsets_sharing_a_cache_keep_each_others_entries(mini: Path, tmp_path: Path) -> None:
    cache = tmp_path / "shared"
    other = _copy_goldset(mini, tmp_path / "other", "\nMore text.\n")
    a = load_config(_config(tmp_path, mini, cache, "a"))
    b = load_config(_config(tmp_path, other, cache, "b"))
    runner.run(a)
    runner.run(b)
    assert len(_rows(cache)) == 4
    plugin_fixtures.CALLS.clear()
    assert runner.run(a).extractors[0].cached_docs == 2
    assert runner.run(b).extractors[0].cached_docs == 2
    assert plugin_fixtures.CALLS == []  # the last writer did not wipe the other's entries


def _entity(entity: str) -> bytes:
    return ('["doc1", [' + entity + "], [], null]").encode()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (b"\xff\xfe not json", "not valid JSON"),
        (_entity('["0", 4, "PERSON", ""]'), "entities[0].start is '0', not an integer"),
        (_entity('[0, 4, ["PER"], ""]'), "entities[0].label is ['PER'], not a string"),
        (_entity("[0, 4]"), "entities[0] is [0, 4], not a list [start, end, label, text]"),
        (_entity('[0, 9999, "PERSON", ""]'), "outside the text"),
        (b'["doc2", [], [], null]', "prediction is for document 'doc2'"),
        (b'{"doc_id": "doc1"}', "not an entry"),
        (b'["doc1", [], [[0, 4, "direct", 7, null, null, ""]], null]', "quotes[0]"),
        (b'["doc1", [], [], {"tokens": "many"}]', "diagnostics['tokens'] is 'many'"),
    ],
)
def test_a_bad_entry_is_reported_skipped_and_recomputed(
    mini: Path, tmp_path: Path, value: bytes, problem: str
) -> None:
    cache = tmp_path / "cache"
    cfg = load_config(_config(tmp_path, mini, cache))
    fresh = runner.run(cfg).extractors[0]
    _set_entry(cache, "doc1", value)
    shutil.rmtree(cache / RUNS_DIR)  # the whole run is not reused: the entries are read
    plugin_fixtures.CALLS.clear()
    again = runner.run(cfg).extractors[0]
    assert plugin_fixtures.CALLS == ["doc1"]  # recomputed, the other entry still used
    assert again.cache_rejected == 1 and again.cached_docs == 1
    assert len(again.warnings) == 1 and problem in again.warnings[0]
    assert "'doc1'" in again.warnings[0] and "extracting it again" in again.warnings[0]
    assert again.scores == fresh.scores
    plugin_fixtures.CALLS.clear()
    shutil.rmtree(cache / RUNS_DIR)
    assert runner.run(cfg).extractors[0].cached_docs == 2  # the bad entry was replaced
    assert plugin_fixtures.CALLS == []


def test_a_cache_file_that_is_not_a_database_is_set_aside(mini: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    result = runner.run(load_config(_config(tmp_path, mini, cache)))
    run = result.extractors[0]
    assert run.scores["entities.n_pred"] == 2 and not run.errors
    assert any("not a usable database" in w and "moved to" in w for w in run.warnings)
    assert [p.name for p in cache.glob(f"{CACHE_FILE}.broken-*")]
    assert len(_rows(cache)) == 2  # a new cache, filled by this run
    results = read_results(write_run(result, tmp_path / "out"))
    assert results["extractors"]["crashy"]["warnings"] == run.warnings


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount small tmpfs file systems (``options``: ``size=200k``...) for the test; skips where
    mounting is not allowed."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        where = tmp_path / f"fs{len(mounted)}"
        where.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode:
            pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_cache_folder_warns_and_the_results_are_written(
    mini: Path, tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    small_disk = tmpfs("size=200k")
    cache = small_disk / "cache"
    runner.run(load_config(_config(tmp_path, mini, cache)))  # the cache exists, then...
    _fill(small_disk)  # ...the disk is full
    other = _copy_goldset(mini, tmp_path / "other", "\nMore text.\n")
    result = runner.run(load_config(_config(tmp_path, other, cache, "full")))
    run = result.extractors[0]
    assert not run.errors and run.scores["entities.n_pred"] == 2
    assert run.warnings and all("cache" in w for w in run.warnings)
    assert any("full" in w for w in run.warnings)
    assert read_results(write_run(result, tmp_path / "out"))["complete"] is True
    # a cache that cannot even be created
    result = runner.run(load_config(_config(tmp_path, mini, small_disk / "new" / "c", "new")))
    assert result.extractors[0].scores == run.scores and result.extractors[0].warnings


def test_a_read_only_cache_is_read_and_the_results_are_written(
    mini: Path, tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    cache = tmp_path / "rw"
    cfg = load_config(_config(tmp_path, mini, cache))
    first = runner.run(cfg).extractors[0]
    mounted = tmpfs("size=1m")
    shutil.copy(cache / CACHE_FILE, mounted / CACHE_FILE)
    subprocess.run(["mount", "-o", "remount,ro", str(mounted)], check=True)
    plugin_fixtures.CALLS.clear()
    result = runner.run(load_config(_config(tmp_path, mini, mounted, "ro")))
    run = result.extractors[0]
    assert run.cached_docs == 2 and plugin_fixtures.CALLS == [], run.warnings  # read
    assert run.scores == first.scores
    assert any("cannot write" in w for w in run.warnings)
    assert read_results(write_run(result, tmp_path / "out"))["complete"] is True
    # a read-only folder without a cache: no cache at all, still results
    result = runner.run(load_config(_config(tmp_path, mini, mounted / "nothing", "none")))
    assert result.extractors[0].scores == first.scores
    assert result.extractors[0].warnings


def test_the_cache_validates_what_it_stores_and_reads_batches() -> None:
    cache = PredictionCache(None, "x", "1", {})
    assert not cache.enabled and cache.get_many([TextDoc("a", "text")]) == [None]


def test_entries_are_keyed_by_document_text(tmp_path: Path) -> None:
    cache = PredictionCache(tmp_path, "x", "1", {})
    a, b = TextDoc("d", "Ann met Bo."), TextDoc("d", "Ann met Bob.")
    cache.put_many([(a, Prediction("d", (Entity(0, 3, "PERSON"),)))])
    assert cache.get_many([a, b])[1] is None
    assert cache.get_many([a])[0] == Prediction("d", (Entity(0, 3, "PERSON"),))
    assert doc_key(a) != doc_key(b)
    cache.close()
    cache.close()


# ---- interrupted runs ---------------------------------------------------------------------------

SLOW_RUN = textwrap.dedent(
    """
    import sys, time
    from collections.abc import Iterator, Sequence
    from harness import hookimpl, runner
    from harness.config import load_config
    from harness.extractors import Extractor
    from harness.model import Entity, Prediction, TextDoc
    from harness.plugins import reset_plugins

    class Slow(Extractor):
        name = "slow"
        version = "1"
        tasks = frozenset({"entities"})

        def extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
            time.sleep(0.3)
            for doc in docs:
                yield Prediction(doc.id, (Entity(0, 1, "PERSON"),))

    class Plugin:
        @hookimpl
        def register_extractors(self, register):
            register(Slow)

    reset_plugins([("slow", Plugin())])
    runner.run(load_config(sys.argv[1]))
    print("finished")
    """
)


def _many_documents(dest: Path, n: int) -> Path:
    """A CoNLL file of ``n`` one-sentence documents."""
    path = dest / "many.conll"
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(f"-DOCSTART- -X- -X- O\n\nAnn NN O B-PER\nmet NN O O\nBo{i} NN O B-PER\n\n")
    return path


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_an_interrupted_run_keeps_its_finished_entries_and_leaves_no_temporary_files(
    tmp_path: Path, sig: signal.Signals
) -> None:
    gold = _many_documents(tmp_path, 40)
    cache = tmp_path / "cache"
    cfg = tmp_path / "slow.yaml"
    cfg.write_text(
        f"goldset: {{format: conll, path: {gold}, scheme: iob2}}\noutput: out\ncache: {cache}\n"
        "batch_size: 2\nbootstrap: {samples: 0}\n"
        "extractors: [{name: slow}]\n",
        encoding="utf-8",
    )
    script = tmp_path / "slow_run.py"
    script.write_text(SLOW_RUN, encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    proc = subprocess.Popen(
        [sys.executable, str(script), str(cfg)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (cache / CACHE_FILE).is_file() and len(_rows(cache)) >= 4:
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=120)
    assert "finished" not in out
    kept = len(_rows(cache))
    assert 4 <= kept < 40  # every batch finished before the signal, not the whole run
    assert kept % 2 == 0  # whole batches: each is one transaction
    leftovers = [p.name for p in cache.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    if sig == signal.SIGINT:  # the run's own temporary folder is removed on the way out
        assert list((tmp_path / "tmp").iterdir()) == []


def test_the_command_line_shows_the_cache_warnings(mini: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"not a database at all" * 100)
    res = CliRunner().invoke(app, ["eval", "-c", str(_config(tmp_path, mini, cache)), "-q"])
    assert res.exit_code == 0, res.output
    assert "warning (crashy):" in res.output and "not a usable database" in res.output
