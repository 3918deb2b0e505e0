"""The report made column-wise from the findings a run recorded (harness.report.columns) is the
report made by classifying each document again (harness.report.classify), byte for byte."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

import harness.report as report
from harness.report import columns, jsontext, write_report
from harness.report.classify import classify_document
from harness.report.load import load_run
from harness.results import load_run as load_results

from .generated import generated_run
from .test_report import (
    degraded,
    evil_doc,
    make_run,
    new_and_baseline,
    perfect,
    plain_doc,
    write_goldset,
)


def _written(run: Path, out: Path, **kwargs: Any) -> dict[str, str]:
    """Every file the report writes (the page, its data folder, report.md, the charts)."""
    page = write_report(run, out / "report.html", **kwargs)
    files = {"report.html": page.read_text(encoding="utf-8")}
    folder = out / "report_files"
    if folder.is_dir():
        files.update({f.name: f.read_text(encoding="utf-8") for f in folder.iterdir()})
    files["report.md"] = (run / "report.md").read_text(encoding="utf-8")
    files.update({f.name: f.read_text(encoding="utf-8") for f in (run / "plots").iterdir()})
    return files


def both_ways(
    run: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any
) -> tuple[dict[str, str], dict[str, str]]:
    """The report from the recorded findings, and the report classified again."""
    used: list[bool] = []
    real = columns.column_source

    def spy(run_data: Any) -> Any:
        found = real(run_data)
        used.append(found is not None)
        return found

    monkeypatch.setattr(report, "column_source", spy)
    fast = _written(run, tmp / "fast", **kwargs)
    assert used == [True], "the report did not use the recorded findings"
    monkeypatch.setattr(report, "column_source", lambda run_data: None)
    slow = _written(run, tmp / "slow", **kwargs)
    return fast, slow


def test_recorded_findings_are_the_classification(tmp_path: Path) -> None:
    run = generated_run(tmp_path, 40, ("regex", "spacy", "llm"), samples=10)
    data = load_run(run)
    summary = load_results(run).summary
    try:
        for x in data.extractors:
            path = run / summary["extractors"][x.label]["files"]["counts"]
            recorded = ipc.open_file(str(path)).read_all().column("findings").to_pylist()
            for doc, found in zip(data.documents(), recorded, strict=True):
                a = classify_document(x.gold(doc), x.prediction(doc.id), x.tasks, x.labels)
                rows = [(f["task"], f["gold"], f["pred"], f["kinds"]) for f in found]
                assert [(r[0], r[1], r[2]) for r in rows] == [
                    (("entities", "quotes", "speakers").index(f.task), f.gold if f.gold is not None
                     else -1, f.pred if f.pred is not None else -1) for f in a.findings
                ]  # fmt: skip
                assert [r[3] != 0 for r in rows] == [f.is_error for f in a.findings]
    finally:
        data.close()


@pytest.mark.parametrize("folder", [False, True])
def test_generated_run_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: bool
) -> None:
    run = generated_run(
        tmp_path, 45, ("regex", "spacy", "llm"), samples=10, slices=["outlet", "speaker.gender"]
    )
    monkeypatch.setattr(report, "CHUNK", 7)  # chunks that cut the files' record batches
    monkeypatch.setattr(report, "FOLDER_CHUNK", 11)
    fast, slow = both_ways(run, tmp_path, monkeypatch, folder=folder)
    assert fast == slow
    assert len([f for f in fast if f.startswith("chunk-")]) == (5 if folder else 0)


def test_untrusted_text_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [evil_doc(), plain_doc()]
    gold = write_goldset(tmp_path / "gs", docs)
    run = make_run(
        tmp_path, gold, {"good": [perfect(d) for d in docs], "bad": [degraded(d) for d in docs]}
    )
    fast, slow = both_ways(run, tmp_path, monkeypatch)
    assert fast == slow


def test_gold_label_map_failure_and_tasks_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = plain_doc()
    gold = write_goldset(tmp_path / "gs", [doc, evil_doc()])
    coarse = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC"}
    conll = [
        {"start": e["start"], "end": e["end"], "label": coarse[e["label"]]}
        for e in doc["entities"]
        if e["label"] != "CARDINAL"
    ]
    conll[1]["label"] = "LOC"
    (tmp_path / "coarse.jsonl").write_text(json.dumps({"doc_id": "plain", "entities": conll}))
    run = make_run(
        tmp_path,
        gold,
        {"empty": [], "half": [perfect(doc)]},  # "empty" fails on both, "half" on one
        extra=(
            f"  - {{name: replay, label: coarse, gold_label_map: conll, options: "
            f"{{path: '{tmp_path / 'coarse.jsonl'}', label_scheme: conll}}}}\n"
        ),
    )
    fast, slow = both_ways(run, tmp_path, monkeypatch)
    assert fast == slow
    assert '"gl":["PER","ORG",null,"LOC"]' in fast["report.html"]
    (tmp_path / "q").mkdir()
    quotes_only = make_run(
        tmp_path / "q", gold, {"x": [degraded(d) for d in (doc, evil_doc())]},
        tasks=("quotes", "speakers"),
    )  # fmt: skip
    fast, slow = both_ways(quotes_only, tmp_path / "q", monkeypatch)
    assert fast == slow


def test_against_a_baseline_same_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new, base = new_and_baseline(tmp_path)
    fast, slow = both_ways(new, tmp_path, monkeypatch, against=base)
    assert fast == slow


def reported_after(tmp_path: Path, change: Callable[[pa.Table], pa.Table]) -> tuple[Path, str, str]:
    """A small run, its page, and its page after ``change`` rewrote its counts file."""
    run = generated_run(tmp_path, 12, ("llm",), samples=10)
    expected = write_report(run, tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    info = load_results(run).summary["extractors"]["llm"]
    path = run / info["files"]["counts"]
    with pa.OSFile(str(path)) as f:
        table = change(ipc.open_file(f).read_all())
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    again = write_report(run, tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    return run, expected, again


def test_counts_file_without_findings_is_classified(tmp_path: Path) -> None:
    """Counts files written before findings were recorded: the report classifies documents."""
    run, expected, again = reported_after(tmp_path, lambda t: t.drop_columns(["findings"]))
    assert again == expected
    data = load_run(run)
    try:
        assert columns.column_source(data) is None
    finally:
        data.close()


def test_json_text_is_json_dumps() -> None:
    rnd = random.Random(7)
    n = 3000
    words = ["PER", "ORG", 'qu"ote', "Ünï</script>", "", "a\u2028b", "x\\y", "\x00nul"]
    ints = [rnd.choice([-1, 0, 9, 10, 99, 65535, 65536, 123456789]) for _ in range(n)]
    small = [rnd.randrange(-1, 300) for _ in range(n)]
    text = [None if rnd.random() < 0.2 else rnd.choice(words) for _ in range(n)]
    cells = [
        jsontext.ints(np.array(ints)), jsontext.ints(np.array(small)),
        jsontext.strings(pa.array(text, pa.string())),
        jsontext.strings(pa.array(text, pa.string()), "direct"),
    ]  # fmt: skip
    cuts = sorted({0, n, *(rnd.randrange(n) for _ in range(80))})
    got = jsontext.lists(*jsontext.rows(cells), cuts)
    rows = [
        [a, b, t, "direct" if t is None else t] for a, b, t in zip(ints, small, text, strict=True)
    ]
    assert got == [
        json.dumps(rows[a:b], ensure_ascii=False, separators=(",", ":")) for a, b in pairwise(cuts)
    ]
    assert jsontext.lists(*jsontext.rows([jsontext.ints(np.array([], np.int64))]), [0, 0]) == ["[]"]
    with pytest.raises(ValueError, match="below -1"):
        jsontext.ints(np.array([-2]))


def test_files_not_in_goldset_order_are_classified(tmp_path: Path) -> None:
    """Per-document files whose rows are not the goldset's documents in order (not written by
    harness): the report classifies the documents instead, with the same result."""
    _, expected, again = reported_after(
        tmp_path, lambda t: t.take(pa.array(list(range(t.num_rows))[::-1]))
    )
    assert again == expected
