"""The HTML error-analysis report: segments, error classification, escaping, files, failures.

Runs are made with the runner and the ``replay`` extractor on small invented goldsets; no model
is needed. The browser checks live in ``test_report_browser.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from harness import runner
from harness.config import load_config
from harness.errors import ResultsError
from harness.model import Document, Entity, Prediction, Quote, Span, Speaker
from harness.report import REPORT_FILE, write_report
from harness.report.classify import (
    MISSED,
    SPURIOUS,
    classify_document,
    classify_entities,
    classify_quotes,
)
from harness.report.data import KIND_BITS
from harness.report.load import _without_per_document
from harness.results import write_run

EVIL_TEXT = (
    'Ann Lee said <script>alert(1)</script> was "fine" & <b>bold</b>.\n\n'
    "\u201cWe <img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> won,\u201d "
    "Lee told O'Brien Ltd on Monday."
)


# -- helpers shared with test_report_browser.py -----------------------------------------------


def span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``part`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def ent(text: str, part: str, label: str, nth: int = 0) -> dict[str, Any]:
    s, e = span(text, part, nth)
    return {"start": s, "end": e, "label": label, "text": part}


def sp(text: str, part: str, nth: int = 0) -> dict[str, Any]:
    s, e = span(text, part, nth)
    return {"start": s, "end": e, "text": part}


def quote(
    text: str, part: str, qtype: str, speaker: str | None, mention: str | None, cue: str | None
) -> dict[str, Any]:
    s, e = span(text, part)
    return {
        "start": s,
        "end": e,
        "text": part,
        "type": qtype,
        "speaker": speaker,
        "speaker_span": sp(text, mention) if mention else None,
        "cue": sp(text, cue) if cue else None,
    }


def write_goldset(root: Path, docs: Sequence[dict[str, Any]], name: str = "tiny") -> Path:
    """A goldset folder ``root/gold`` with its texts in ``root/gold/texts``; returns the gold
    folder."""
    gold, texts = root / "gold", root / "gold" / "texts"
    gold.mkdir(parents=True)
    texts.mkdir(parents=True)
    labels = sorted({e["label"] for d in docs for e in d.get("entities", [])} | {"PERSON"})
    (gold / "goldset.yaml").write_text(
        f"name: {name}\nversion: '1'\ndescription: invented test documents\n"
        f"label_scheme: ontonotes\nlabels: {json.dumps(labels)}\n",
        encoding="utf-8",
    )
    for d in docs:
        raw = d["text"].encode("utf-8")
        (texts / f"{d['id']}.txt").write_bytes(raw)
        rec = {
            "id": d["id"],
            "text_path": f"texts/{d['id']}.txt",
            "text_sha256": hashlib.sha256(raw).hexdigest(),
            "entities": d.get("entities", []),
            "speakers": d.get("speakers", {}),
            "quotes": d.get("quotes", []),
        }
        (gold / f"{d['id']}.json").write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    return gold


def make_run(
    tmp: Path,
    gold: Path,
    predictions: dict[str, Sequence[dict[str, Any]]],
    extra: str = "",
    tasks: Sequence[str] = ("entities", "quotes", "speakers"),
) -> Path:
    """Run one ``replay`` extractor per entry of ``predictions`` (label -> JSONL records)."""
    lines = []
    for label, records in predictions.items():
        path = tmp / f"{label}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        lines.append(f"  - {{name: replay, label: {label}, options: {{path: '{path}'}}}}\n")
    cfg = tmp / "run.yaml"
    cfg.write_text(
        f"goldset: {gold}\noutput: run\ncache: null\ntasks: {json.dumps(list(tasks))}\n"
        f"bootstrap: {{samples: 50}}\nextractors:\n{''.join(lines)}{extra}",
        encoding="utf-8",
    )
    result = runner.run(load_config(cfg))
    write_run(result, tmp / "run")
    return tmp / "run"


def evil_doc() -> dict[str, Any]:
    t = EVIL_TEXT
    return {
        "id": "evil",
        "text": t,
        "entities": [
            ent(t, "Ann Lee", "PERSON"),
            ent(t, "<b>bold</b>", "WORK_OF_ART"),
            ent(t, "Lee", "PERSON", 1),
            ent(t, "O'Brien Ltd", "ORG"),
            ent(t, "Monday", "DATE"),
        ],
        "speakers": {
            "ann-lee": {"name": 'Ann "<i>" Lee', "type": "PERSON", "aliases": ["Lee", "Ann Lee"]}
        },
        "quotes": [
            quote(
                t, '<script>alert(1)</script> was "fine"', "indirect", "ann-lee", "Ann Lee", "said"
            ),
            quote(
                t, t[t.index("We <img") : t.index(" won") + 4], "direct", "ann-lee", "Lee", "told"
            ),
        ],
    }


def plain_doc() -> dict[str, Any]:
    t = "Maria Rossi said the Harbour Board would hire 40 divers in Genoa."
    return {
        "id": "plain",
        "text": t,
        "entities": [
            ent(t, "Maria Rossi", "PERSON"),
            ent(t, "the Harbour Board", "ORG"),
            ent(t, "40", "CARDINAL"),
            ent(t, "Genoa", "GPE"),
        ],
        "speakers": {
            "maria-rossi": {"name": "Maria Rossi", "type": "PERSON", "aliases": ["Rossi"]}
        },
        "quotes": [
            quote(
                t,
                "the Harbour Board would hire 40 divers in Genoa",
                "indirect",
                "maria-rossi",
                "Maria Rossi",
                "said",
            )
        ],
    }


def degraded(doc: dict[str, Any]) -> dict[str, Any]:
    """Predictions with one error of each kind where the document allows it."""
    t = doc["text"]
    ents = [dict(e) for e in doc["entities"]]
    ents[0]["label"] = "ORG"  # wrong label
    ents[1]["start"] += 1  # wrong boundary
    del ents[2]  # missed
    ents.append({"start": len(t) - 2, "end": len(t) - 1, "label": "PERSON"})  # spurious
    quotes = [dict(q) for q in doc["quotes"]]
    quotes[0]["speaker"] = "Someone Else"  # wrong speaker
    quotes[0]["speaker_span"] = None
    return {"doc_id": doc["id"], "entities": ents, "quotes": quotes}


def perfect(doc: dict[str, Any]) -> dict[str, Any]:
    return {"doc_id": doc["id"], "entities": doc.get("entities", []), "quotes": doc["quotes"]}


@pytest.fixture
def tricky_run(tmp_path: Path) -> Path:
    gold = write_goldset(tmp_path / "gs", [evil_doc(), plain_doc()])
    docs = [evil_doc(), plain_doc()]
    return make_run(
        tmp_path,
        gold,
        {"good": [perfect(d) for d in docs], "bad": [degraded(d) for d in docs]},
    )


class Tags(HTMLParser):
    """Collects start tags (with their attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def page_data(html: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The page's metadata and document records, read back from its JSON elements."""
    meta = re.search(r'<script type="application/json" id="hr-meta">(.*?)</script>', html, re.S)
    assert meta is not None
    chunks = re.findall(
        r'<script type="application/json" class="hr-chunk">(.*?)</script>', html, re.S
    )
    docs = [d for c in chunks for d in json.loads(c)]
    return json.loads(meta.group(1)), docs


def kinds_of(bits: int) -> list[str]:
    return [k for k, b in KIND_BITS.items() if bits & b]


def errors_of(
    meta: dict[str, Any], docs: list[dict[str, Any]], label: str
) -> list[tuple[str, list[str]]]:
    """``(task, kinds)`` of every error of the extractor ``label``."""
    i = [x["label"] for x in meta["extractors"]].index(label)
    tasks = ["entities", "quotes", "speakers"]
    return [
        (tasks[f[0]], kinds_of(f[3])) for d in docs if d["x"][i] for f in d["x"][i]["f"] if f[3]
    ]


# -- classification --------------------------------------------------------------------------


def test_entity_errors_are_classified() -> None:
    gold = [
        Entity(0, 4, "PERSON"),
        Entity(10, 15, "ORG"),
        Entity(20, 25, "GPE"),
        Entity(30, 33, "DATE"),
    ]
    pred = [
        Entity(0, 4, "PERSON"),
        Entity(10, 15, "GPE"),
        Entity(19, 25, "GPE"),
        Entity(40, 44, "ORG"),
    ]
    found = {(f.gold, f.pred): f.kinds for f in classify_entities(gold, pred)}
    assert found == {
        (0, 0): (),
        (1, 1): ("label",),
        (2, 2): ("boundary",),
        (3, None): ("missed",),
        (None, 3): ("spurious",),
    }
    both = classify_entities([Entity(0, 10, "ORG")], [Entity(2, 10, "GPE")])
    assert both[0].kinds == ("boundary", "label")


def test_quote_and_speaker_errors_are_classified() -> None:
    text = "Jo Ng said rates will rise. Al Bo said nothing new. Cy Do noted more. Ed Fu wrote this."
    speakers = (
        Speaker("jo-ng", "Jo Ng", "PERSON", ("Ng",)),
        Speaker("al-bo", "Al Bo", "PERSON", ()),
        Speaker("cy-do", "Cy Do", "PERSON", ()),
    )
    g = [
        Quote(*span(text, "rates will rise"), "indirect", "jo-ng", Span(*span(text, "Jo Ng"))),
        Quote(*span(text, "nothing new"), "indirect", "al-bo", Span(*span(text, "Al Bo"))),
        Quote(*span(text, "more"), "indirect", "cy-do", Span(*span(text, "Cy Do"))),
    ]
    doc = Document("d", text, quotes=tuple(g), speakers=speakers)
    s_rates, _ = span(text, "rates will rise")
    p = [
        Quote(s_rates, s_rates + 10, "indirect", "Ng"),  # boundary; right speaker by alias
        Quote(*span(text, "nothing new"), "direct", "Jo Ng"),  # wrong type, wrong speaker
        Quote(*span(text, "this"), "direct", None),  # spurious; gold "more" missed
    ]
    found = {
        (f.task, f.gold, f.pred): f.kinds for f in classify_quotes(doc, p, ("quotes", "speakers"))
    }
    assert found == {
        ("quotes", 0, 0): ("boundary",),
        ("speakers", 0, 0): (),
        ("quotes", 1, 1): ("label",),
        ("speakers", 1, 1): ("speaker",),
        ("quotes", 2, None): ("missed",),
        ("quotes", None, 2): ("spurious",),
    }
    only_speakers = classify_quotes(doc, p, ("speakers",))
    assert {f.task for f in only_speakers} == {"speakers"}
    assert sorted(k for f in only_speakers for k in f.kinds) == ["missed", "speaker", "spurious"]


def test_confusion_counts_pairs_missed_and_spurious() -> None:
    doc = Document(
        "d",
        "x" * 50,
        entities=(Entity(0, 4, "PERSON"), Entity(10, 15, "ORG"), Entity(20, 22, "DATE")),
    )
    pred = Prediction("d", (Entity(0, 4, "PERSON"), Entity(11, 15, "GPE"), Entity(30, 33, "GPE")))
    a = classify_document(doc, pred, ("entities",), ("PERSON", "ORG", "GPE", "DATE"))
    assert a.confusion() == {
        ("PERSON", "PERSON"): 1,
        ("ORG", "GPE"): 1,
        ("DATE", MISSED): 1,
        (SPURIOUS, "GPE"): 1,
    }
    assert len(a.errors()) == 3


# -- the report ------------------------------------------------------------------------------


def test_report_files_and_contents(tricky_run: Path) -> None:
    path = write_report(tricky_run)
    assert path == tricky_run / REPORT_FILE
    html = path.read_text(encoding="utf-8")
    plots = sorted(p.name for p in (tricky_run / "plots").glob("*.svg"))
    assert plots == [
        "entity_labels.svg", "error_kinds.svg", "quote_types_exact.svg",
        "quote_types_overlap03.svg", "scores.svg",
    ]  # fmt: skip
    for p in (tricky_run / "plots").glob("*.svg"):
        root = ET.fromstring(p.read_text(encoding="utf-8"))  # well-formed standalone SVG
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.findall(".//{http://www.w3.org/2000/svg}rect")
    meta, docs = page_data(html)
    assert [x["label"] for x in meta["extractors"]] == ["good", "bad"]
    assert [d["id"] for d in docs] == ["evil", "plain"]  # each document once
    assert html.count('class="hr-chunk"') == 1
    # every error kind of the degraded extractor is there, none for the perfect one
    assert errors_of(meta, docs, "good") == []
    bad = errors_of(meta, docs, "bad")
    assert sorted({k for _, ks in bad for k in ks}) == [
        "boundary",
        "label",
        "missed",
        "speaker",
        "spurious",
    ]
    assert ("speakers", ["speaker"]) in bad
    # correct pairs are recorded too (the page links gold items to what each extractor made)
    good = docs[1]["x"][0]["f"]
    assert good and all(f[3] == 0 and f[1] >= 0 and f[2] >= 0 for f in good)
    # scores with their intervals, from results.json
    results = json.loads((tricky_run / "results.json").read_text())
    f1 = results["extractors"]["bad"]["scores"]["entities.strict.micro.f1"]
    lo, hi = results["extractors"]["bad"]["intervals"]["entities.strict.micro.f1"]
    assert f'{f1:.3f} <span class="ci">[{lo:.2f}&ndash;{hi:.2f}]</span>' in html
    assert 'class="confusion"' in html and "(missed)" in html and "(spurious)" in html
    # offline: no external assets
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html


def test_untrusted_text_is_escaped(tricky_run: Path) -> None:
    html = write_report(tricky_run).read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(html)
    scripts = [attrs for t, attrs in parser.tags if t == "script"]
    # the data is inert JSON; one script runs, the report's own
    assert [a.get("type") for a in scripts] == ["application/json", "application/json", None]
    tags = [t for t, _ in parser.tags]
    assert "img" not in tags and "i" not in tags
    assert "<script>alert" not in html and "<b>bold</b>" not in html and "<img" not in html
    # names never break out of attributes either
    names = {a for _, attrs in parser.tags for a in attrs}
    assert "onerror" not in names and "src" not in names
    _, docs = page_data(html)
    assert docs[0]["t"] == EVIL_TEXT  # the text itself survives, as text
    assert docs[0]["s"][0][1] == 'Ann "<i>" Lee'


def test_json_in_the_page_cannot_close_its_element() -> None:
    from harness.report.page import script_json

    text = script_json({"t": "</script><!-- \u2028 & >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- \u2028 & >"}


def test_report_to_another_path(tricky_run: Path, tmp_path: Path) -> None:
    out = write_report(tricky_run, tmp_path / "elsewhere" / "r.html")
    assert out.is_file() and not (tricky_run / REPORT_FILE).exists()
    assert (tricky_run / "plots" / "scores.svg").is_file()


def test_changed_goldset_is_refused(tricky_run: Path, tmp_path: Path) -> None:
    doc = tmp_path / "gs" / "gold" / "plain.json"
    rec = json.loads(doc.read_text())
    rec["entities"].pop()
    doc.write_text(json.dumps(rec))
    with pytest.raises(ResultsError, match="changed since the run"):
        write_report(tricky_run)


def test_missing_goldset_is_reported(tricky_run: Path, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "gs")
    with pytest.raises(ResultsError, match="cannot load the goldset"):
        write_report(tricky_run)


def test_missing_predictions_are_reported(tricky_run: Path) -> None:
    (tricky_run / "predictions.jsonl").unlink()
    with pytest.raises(ResultsError, match="predictions file"):
        write_report(tricky_run)


def test_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="does not exist"):
        write_report(tmp_path)


def test_failed_document_and_gold_label_map(tmp_path: Path) -> None:
    doc = plain_doc()
    gold = write_goldset(tmp_path / "gs", [doc])
    conll = [
        {
            "start": e["start"],
            "end": e["end"],
            "label": {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC"}[e["label"]],
        }
        for e in doc["entities"]
        if e["label"] != "CARDINAL"
    ]
    conll[1]["label"] = "LOC"  # ORG predicted as LOC
    (tmp_path / "coarse.jsonl").write_text(
        json.dumps({"doc_id": "plain", "entities": conll}) + "\n"
    )
    run = make_run(
        tmp_path,
        gold,
        {"empty": []},
        extra=(
            f"  - {{name: replay, label: coarse, gold_label_map: conll, options: "
            f"{{path: '{tmp_path / 'coarse.jsonl'}', label_scheme: conll}}}}\n"
        ),
        tasks=("entities",),
    )
    html = write_report(run).read_text(encoding="utf-8")
    meta, docs = page_data(html)
    assert meta["tasks"] == ["entities"]
    labels = [x["label"] for x in meta["extractors"]]
    empty, coarse = docs[0]["x"][labels.index("empty")], docs[0]["x"][labels.index("coarse")]
    assert "fail" in empty  # "empty" has no line for the document
    # the CARDINAL gold entity has no CoNLL label: it is left out, not "missed"
    assert errors_of(meta, docs, "coarse") == [("entities", ["label"])]
    assert coarse["gl"] == ["PER", "ORG", None, "LOC"]
    cardinal = next(i for i, e in enumerate(docs[0]["e"]) if e[2] == "CARDINAL")
    assert all(f[1] != cardinal for f in coarse["f"])


def test_wrong_speaker_on_a_quote_without_gold_speaker_is_marked(tmp_path: Path) -> None:
    """Wrong speakers follow the attribution rule; those on gold quotes whose speaker is unknown
    are flagged and said not to count in speaker accuracy, so the numbers add up."""
    t = "Ann Lee said the port would close. Someone said prices would rise."
    doc = {
        "id": "d",
        "text": t,
        "speakers": {"ann-lee": {"name": "Ann Lee", "type": "PERSON", "aliases": []}},
        "quotes": [
            quote(t, "the port would close", "indirect", "ann-lee", "Ann Lee", "said"),
            quote(t, "prices would rise", "indirect", None, None, None),
        ],
    }
    gold = write_goldset(tmp_path / "gs", [doc])
    pred = perfect(doc)
    pred["quotes"] = [dict(q, speaker="Ann Lee") for q in doc["quotes"]]  # names one for both
    run = make_run(tmp_path, gold, {"x": [pred]}, tasks=("quotes", "speakers"))
    html = write_report(run).read_text(encoding="utf-8")
    meta, docs = page_data(html)
    assert meta["tasks"] == ["quotes", "speakers"]  # a quotes-only run: no entity column
    speakers = [f for f in docs[0]["x"][0]["f"] if f[0] == 2]
    assert [(f[1], kinds_of(f[3]), f[4]) for f in speakers] == [(0, [], 0), (1, ["speaker"], 1)]
    results = json.loads((run / "results.json").read_text())["extractors"]["x"]["scores"]
    assert results["speakers.accuracy"] == 1.0 and results["attribution.f1"] == 0.5
    assert "1 wrong speaker, 1 of them on gold quotes whose speaker is unknown" in html
    assert "speaker accuracy 1.000 over 1 matched quotes = 0 wrong" in html
    md = (run / "report.md").read_text(encoding="utf-8")
    assert "1 of the wrong speakers are on gold quotes whose speaker is unknown" in md


def test_report_against_a_baseline_run(tmp_path: Path) -> None:
    docs = [evil_doc(), plain_doc()]
    gold = write_goldset(tmp_path / "gs", docs)
    for sub in ("a", "b", "c"):
        (tmp_path / sub).mkdir()
    new = make_run(tmp_path / "a", gold, {"x": [perfect(d) for d in docs]})
    base = make_run(tmp_path / "b", gold, {"x": [degraded(d) for d in docs]})
    html = write_report(new, against=base).read_text(encoding="utf-8")
    meta, records = page_data(html)
    assert [(x["label"], x["run"], x["own"]) for x in meta["extractors"]] == [
        ("x", "", "x"), ("x (baseline)", "baseline", "x")
    ]  # fmt: skip
    assert errors_of(meta, records, "x") == [] and errors_of(meta, records, "x (baseline)")
    presets = re.findall(r'data-preset="([^"]+)"', html)
    assert [json.loads(unescape(p)) for p in presets] == [
        {"ex": [0], "right": 1},  # what broke: errors of x that the baseline got right
        {"ex": [1], "right": 0},  # what got fixed
    ]
    other = write_goldset(tmp_path / "other", [plain_doc()])
    elsewhere = make_run(tmp_path / "c", other, {"x": [perfect(plain_doc())]})
    with pytest.raises(ResultsError, match="another goldset"):
        write_report(new, against=elsewhere)


def test_folder_mode_writes_the_data_beside_the_page(tricky_run: Path) -> None:
    path = write_report(tricky_run, folder=True)
    html = path.read_text(encoding="utf-8")
    meta, docs = page_data(html)
    assert docs == [] and meta["folder"] == "report_files/" and meta["chunks"] == 1
    chunk = (tricky_run / "report_files" / "chunk-0000.js").read_text(encoding="utf-8")
    assert chunk.startswith("HarnessReportChunk(0,") and "<" not in chunk
    assert "script-src 'unsafe-inline' file: 'self'" in html
    write_report(tricky_run, folder=True)  # again: the folder is replaced, nothing left over
    assert sorted(p.name for p in tricky_run.iterdir() if "report_files" in p.name) == [
        "report_files"
    ]


@pytest.mark.parametrize("block", [5, 64, 1 << 22])
def test_large_results_are_read_without_per_document_counts(
    tricky_run: Path, block: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from harness.atomic import dumps
    from harness.report import load
    from harness.results import embedded

    monkeypatch.setattr(load, "_BLOCK", block)  # blocks cut keys and closing lines in two
    path = tmp_path / "results.json"  # a self-contained results file: the counts inline
    path.write_text(dumps(embedded(tricky_run)), encoding="utf-8")
    full = json.loads(path.read_text(encoding="utf-8"))
    assert all(x["per_document"] for x in full["extractors"].values())
    for x in full["extractors"].values():
        x["per_document"] = {}
    assert json.loads(_without_per_document(path)) == full


def new_and_baseline(tmp_path: Path) -> tuple[Path, Path]:
    """Two runs of extractor ``x`` on the same two documents: right, and degraded."""
    docs = [evil_doc(), plain_doc()]
    gold = write_goldset(tmp_path / "gs", docs)
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    new = make_run(tmp_path / "a", gold, {"x": [perfect(d) for d in docs]})
    base = make_run(tmp_path / "b", gold, {"x": [degraded(d) for d in docs]})
    return new, base


def test_report_command_options(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    new, base = new_and_baseline(tmp_path)
    res = CliRunner().invoke(app, ["report", str(new), "--against", str(base), "--folder"])
    assert res.exit_code == 0, res.output
    assert (new / "report_files" / "chunk-0000.js").is_file()
    meta, _ = page_data((new / "report.html").read_text(encoding="utf-8"))
    assert [x["run"] for x in meta["extractors"]] == ["", "baseline"]
    res = CliRunner().invoke(app, ["report", str(new), "--against", str(tmp_path / "nowhere")])
    assert res.exit_code == 6 and "no results found" in res.output


def test_several_processes_write_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.report import parallel

    from .generated import generated_run

    run = generated_run(tmp_path, 30, ("spacy", "llm"), samples=10)
    monkeypatch.setattr(parallel, "PARALLEL_DOCUMENTS", 10)
    # processes classify documents only for runs that did not record findings
    monkeypatch.setattr("harness.report.column_source", lambda run: None)
    monkeypatch.setattr("harness.report.FOLDER_CHUNK", 4)  # 8 chunks: 3 parts of 2 or 3
    pages = {}
    for n in ("1", "3"):
        monkeypatch.setenv("HARNESS_REPORT_WORKERS", n)
        path = write_report(run, tmp_path / n / "report.html", folder=True)
        files = sorted((tmp_path / n / "report_files").iterdir())
        pages[n] = (
            path.read_text(encoding="utf-8"),
            [f.read_text(encoding="utf-8") for f in files],
        )
    assert len(pages["1"][1]) == 8 and pages["1"] == pages["3"]


def test_per_document_blocks_are_stripped_wherever_a_read_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that ends right after ``"per_document": {`` (before the newline that says the
    block opens its own line) used to keep the block: the test above failed now and then."""
    from harness.report import load

    path = tmp_path / "results.json"
    data = {"extractors": {"x": {"per_document": {"d1": [1, 2], "d2": [3]}, "n": 1}}, "k": 2}
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    for block in range(1, len(path.read_bytes()) + 1):
        monkeypatch.setattr(load, "_BLOCK", block)
        stripped = json.loads(_without_per_document(path))
        assert stripped["extractors"]["x"] == {"per_document": {}, "n": 1}, block
