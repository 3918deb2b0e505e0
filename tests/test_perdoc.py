"""Per-document files (harness.perdoc) and the run reader (harness.results.load_run)."""

from __future__ import annotations

import importlib
import json
import os
import pickle
import time
from pathlib import Path

import numpy as np
import pyarrow.ipc as ipc
import pytest

from harness import perdoc, runner
from harness.config import load_config
from harness.model import Entity, Prediction, Quote, Span
from harness.perdoc import (
    CountsWriter,
    PredictionsFile,
    PredictionsWriter,
    RunFiles,
    remove_stale_run_folders,
)
from harness.plugins import reset_plugins
from harness.results import (
    PER_DOCUMENT_DIR,
    RESULTS_FILE,
    SCHEMA,
    embedded,
    load_run,
    read_results,
    write_run,
)
from harness.scoring.bootstrap import paired_bootstrap, paired_bootstrap_sources, summarise_matrix
from harness.scoring.prf import CountMatrix

from . import plugin_fixtures

ROOT = Path(__file__).resolve().parents[1]
# the module (harness.scoring exports a function of the same name)
bootstrap_module = importlib.import_module("harness.scoring.bootstrap")


def _pred(i: int) -> Prediction:
    quotes = (
        Quote(0, 5, "mixed", "Ann “Bé”", Span(6, 9, "Ann"), None, "«x»"),
        Quote(10, 12, "direct", None, None, Span(1, 2, "s"), ""),
    )
    return Prediction(f"d{i}", (Entity(i, i + 3, "PERSON", "Ann"),) * (i % 3), quotes[: i % 3])


def test_predictions_round_trip_in_order_with_errors_and_diagnostics(tmp_path: Path) -> None:
    w = PredictionsWriter(tmp_path / "p.arrow")
    preds = [_pred(i) for i in range(10)]
    w.write(preds[:4], {"d1": ("RuntimeError", "boom")}, [None, {"tokens": 3.0}, None, None])
    w.write([])
    w.write(preds[4:])
    w.close()
    f = PredictionsFile(tmp_path / "p.arrow")
    assert list(f) == preds and len(f) == 10 and f[3] == preds[3] and f[-1] == preds[-1]
    assert [p.quotes for p in f] == [p.quotes for p in preds]  # spans, None and texts kept
    assert f.errors() == {"d1": ("RuntimeError", "boom")}
    assert f.diagnostics() == {"d1": {"tokens": 3.0}}
    assert f.table().num_rows == 10
    assert pickle.loads(pickle.dumps(f)).errors() == f.errors()
    # an ordinary Arrow file: readable without the harness
    table = ipc.open_file(str(tmp_path / "p.arrow")).read_all()
    assert table.column("doc_id").to_pylist()[:2] == ["d0", "d1"]
    assert table.schema.metadata[b"schema"] == perdoc.PREDICTIONS_SCHEMA.encode()


def _counts(n: int, seed: int) -> list[dict[str, tuple[float, float, float]]]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        c = {"entities.strict": (float(rng.integers(0, 3)), 3.0, 4.0)}
        if i % 4 == 3:  # keys that first appear late (a delta of the key dictionary)
            c[f"entities.strict.L{i % 7}|pred"] = (0.5, 1.0, 0.0)
        out.append(c)
    return out


def test_counts_round_trip_and_read_as_dense_chunks(tmp_path: Path) -> None:
    per_doc = _counts(50, 0)
    w = CountsWriter(tmp_path / "c.arrow")
    for a in range(0, 50, 8):
        w.add([f"d{i}" for i in range(a, min(a + 8, 50))], per_doc[a : a + 8])
    f = w.finish()
    assert list(f) == per_doc and len(f) == 50 and f[49] == per_doc[49]
    assert f.doc_ids() == [f"d{i}" for i in range(50)]
    matrix = CountMatrix()
    matrix.add(per_doc)
    assert f.keys() == matrix.keys()
    wide = ["a.first", *matrix.keys(), "z.last"]
    chunks = list(f.chunks(wide, max_docs=7))
    assert [len(c) for c in chunks] == [7] * 7 + [1]
    dense = np.concatenate(chunks)
    assert (dense[:, 1:-1] == matrix.array()).all() and not dense[:, [0, -1]].any()
    assert f.by_document()["d3"] == per_doc[3]
    with pytest.raises(KeyError, match="not among the keys"):
        list(f.chunks(["entities.strict"]))


def test_the_bootstrap_read_chunk_by_chunk_from_a_file_is_the_one_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _counts(300, 1), _counts(300, 2)
    files = []
    for name, per_doc in (("a", a), ("b", b)):
        w = CountsWriter(tmp_path / f"{name}.arrow")
        w.add([str(i) for i in range(300)], per_doc)
        files.append(w.finish())
    matrix = CountMatrix()
    matrix.add(a)
    keys, labels = ["entities.strict.micro.f1"], [f"L{i}" for i in range(7)]
    in_memory = summarise_matrix(matrix, labels, keys, n=200, seed=4)
    p_memory = paired_bootstrap(a, b, keys, labels, n=200, seed=4)
    assert in_memory[1] and p_memory
    monkeypatch.setattr(bootstrap_module, "KEEP_BYTES", 0)  # read from the file each time...
    monkeypatch.setattr(perdoc, "CHUNK_BYTES", 24 * 40)  # ...a few documents at a time
    assert summarise_matrix(files[0], labels, keys, n=200, seed=4) == in_memory
    assert paired_bootstrap_sources(files[0], files[1], keys, labels, n=200, seed=4) == p_memory


@pytest.fixture
def mini_run(mini: Path, tmp_path: Path) -> runner.RunResult:
    reset_plugins([("test-plugins", plugin_fixtures)])
    cfg = tmp_path / "run.yaml"
    cfg.write_text(
        f"goldset: {mini}\noutput: out\ncache: null\nbootstrap: {{samples: 50}}\n"
        "extractors: [{name: crashy}, {name: coarse, label: 'odd/label'}]\n",
        encoding="utf-8",
    )
    return runner.run(load_config(cfg))


def test_a_run_folder_holds_a_small_summary_and_the_per_document_files(
    mini_run: runner.RunResult, tmp_path: Path
) -> None:
    path = write_run(mini_run, tmp_path / "out")
    summary = json.loads(path.read_text(encoding="utf-8"))
    assert summary["schema"] == SCHEMA
    crashy = summary["extractors"]["crashy"]
    assert "per_document" not in crashy
    assert set(crashy["files"]) == {"predictions", "counts"}
    for rel in crashy["files"].values():
        assert (path.parent / rel).is_file() and rel.startswith(f"{PER_DOCUMENT_DIR}/")
    run = load_run(tmp_path / "out")
    assert set(run.extractors) == {"crashy", "odd/label"}
    counts = run.extractors["crashy"].counts()
    assert counts is not None and counts.doc_ids() == ["doc1", "doc2"]
    preds = run.extractors["crashy"].predictions()
    assert preds is not None and [p.doc_id for p in preds] == ["doc1", "doc2"]
    assert preds.errors() == {"doc2": ("RuntimeError", "boom")}
    # code written for schema 1 still finds per_document
    old = read_results(tmp_path / "out")["extractors"]["crashy"]["per_document"]
    assert old["doc1"]["entities.partial"][1] == 1
    assert list(mini_run.extractors[0].per_doc) == list(counts)


def test_writing_again_replaces_the_files_and_removes_the_old_ones(
    mini_run: runner.RunResult, tmp_path: Path, mini: Path
) -> None:
    out = tmp_path / "out"
    write_run(mini_run, out)
    first = set((out / PER_DOCUMENT_DIR).iterdir())
    cfg = load_config(tmp_path / "run.yaml")
    write_run(runner.run(cfg), out)
    second = set((out / PER_DOCUMENT_DIR).iterdir())
    assert len(second) == 4 and not first & second
    named = {
        rel for ex in load_run(out).summary["extractors"].values() for rel in ex["files"].values()
    }
    assert {f"{PER_DOCUMENT_DIR}/{p.name}" for p in second} == named


def test_a_self_contained_copy_carries_the_counts_inline(
    mini_run: runner.RunResult, tmp_path: Path
) -> None:
    write_run(mini_run, tmp_path / "out")
    data = embedded(tmp_path / "out")
    assert "files" not in data["extractors"]["crashy"]
    lone = tmp_path / "lone.json"
    lone.write_text(json.dumps(data), encoding="utf-8")
    counts = load_run(lone).extractors["crashy"].counts()
    assert counts is not None and counts.doc_ids() == ["doc1", "doc2"]
    assert list(counts) == list(load_run(tmp_path / "out").extractors["crashy"].counts() or [])


def test_results_of_schema_1_are_still_read(tmp_path: Path) -> None:
    old = {"schema": "harness.results/1", "extractors": {"x": {"per_document": {"d": {}}}}}
    (tmp_path / RESULTS_FILE).write_text(json.dumps(old), encoding="utf-8")
    assert read_results(tmp_path)["extractors"]["x"]["per_document"] == {"d": {}}
    assert load_run(tmp_path).extractors["x"].counts() is not None


def test_a_missing_per_document_file_is_a_results_error(
    mini_run: runner.RunResult, tmp_path: Path
) -> None:
    from harness.errors import ResultsError

    path = write_run(mini_run, tmp_path / "out")
    for f in (tmp_path / "out" / PER_DOCUMENT_DIR).iterdir():
        f.unlink()
    with pytest.raises(ResultsError, match=r"counts file .* is missing"):
        load_run(path).extractors["crashy"].counts()
    with pytest.raises(ResultsError, match=r"cannot be read.*copy a run folder whole"):
        dict(read_results(path)["extractors"]["crashy"]["per_document"])


def test_a_run_folder_is_removed_when_its_process_is_gone(tmp_path: Path) -> None:
    dead = tmp_path / f"{perdoc.RUN_FOLDER_PREFIX}999999999-abc"
    alive = tmp_path / f"{perdoc.RUN_FOLDER_PREFIX}{os.getpid()}-abc"
    recent = tmp_path / f"{perdoc.RUN_FOLDER_PREFIX}999999998-abc"
    for folder in (dead, alive, recent):
        folder.mkdir()
        (folder / "0.counts.arrow").write_bytes(b"x")
    old = time.time() - 2 * perdoc.STALE_SECONDS
    for folder in (dead, alive):
        os.utime(folder / "0.counts.arrow", (old, old))
        os.utime(folder, (old, old))
    remove_stale_run_folders(tmp_path)
    assert not dead.exists() and alive.exists() and recent.exists()
    files = RunFiles()
    assert files.folder.name.startswith(f"{perdoc.RUN_FOLDER_PREFIX}{os.getpid()}-")
    files.cleanup()
    assert not files.folder.exists()


@pytest.mark.parametrize("extractors", [1.5, "x", [1]])
def test_a_results_file_of_the_wrong_shape_is_a_results_error(
    tmp_path: Path, extractors: object
) -> None:
    """Found by the slow fuzz job: ``"extractors": 1.5`` raised AttributeError in read_results."""
    from harness.errors import ResultsError
    from harness.results import read_results

    path = tmp_path / "results.json"
    path.write_text(json.dumps({"schema": "harness.results/2", "extractors": extractors}))
    with pytest.raises(ResultsError, match="'extractors' should map extractor labels"):
        read_results(path)


@pytest.mark.parametrize("files", [{"counts": 5}, 3, {"counts": ""}])
def test_a_counts_file_name_that_is_not_a_name_is_left_alone(tmp_path: Path, files: object) -> None:
    """``files.counts`` of the wrong type names no file: read_results does not read one."""
    from harness.results import read_results

    path = tmp_path / "results.json"
    data = {"schema": "harness.results/2", "extractors": {"a": {"files": files}}}
    path.write_text(json.dumps(data))
    assert "per_document" not in read_results(path)["extractors"]["a"]
