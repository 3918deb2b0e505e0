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
from hypothesis import given, settings
from hypothesis import strategies as st

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
from harness.report.highlight import Annotation, render, segments
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
    return {"doc_id": doc["id"], "entities": doc["entities"], "quotes": doc["quotes"]}


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
    """Collects start tags, the text of the article panes and the maximal span nesting."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.max_span_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)
        self.max_span_depth = max(self.max_span_depth, self.stack.count("span"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def visible_text(html: str) -> str:
    """Text of rendered segments with the label tags removed, unescaped."""
    return unescape(re.sub(r"<sup[^>]*>.*?</sup>", "", re.sub(r"<span[^>]*>|</span>", "", html)))


# -- segments --------------------------------------------------------------------------------


def test_overlapping_and_nested_annotations_become_flat_segments() -> None:
    text = "abcdefghij"
    anns = [
        Annotation(0, 6, "q", "q1"),
        Annotation(2, 4, "ent", "e1", tag="X"),
        Annotation(4, 9, "ent", "e2"),
        Annotation(3, 5, "spk", "s1"),
    ]
    segs = segments(text, anns)
    assert [(s.start, s.end) for s in segs] == [
        (0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)
    ]  # fmt: skip
    assert [[a.id for a in s.covering] for s in segs] == [
        ["q1"], ["q1", "e1"], ["q1", "e1", "s1"], ["q1", "e2", "s1"], ["q1", "e2"], ["e2"], []
    ]  # fmt: skip
    html = render(text, anns)
    assert visible_text(html) == text
    parser = Tags()
    parser.feed(html)
    assert parser.max_span_depth == 1
    assert html.count(">X</sup>") == 1  # the tag follows the entity's last segment


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="ab <>&\"'\n", min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45)), max_size=8),
)
def test_render_keeps_text_and_never_nests(text: str, bounds: list[tuple[int, int]]) -> None:
    anns = [
        Annotation(s, e, layer, f"a{i}", tag="L<&>", info='"x"')
        for i, ((s, e), layer) in enumerate(
            zip(bounds, ["ent", "q", "spk", "cue"] * 2, strict=False)
        )
    ]
    html = render(text, anns)
    assert visible_text(html) == text
    parser = Tags()
    parser.feed(html)
    assert parser.max_span_depth <= 1
    assert {t for t, _ in parser.tags} <= {"span", "sup"}


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
    # every error kind of the degraded extractor is listed, none for the perfect one
    rows = re.findall(
        r'<tr class="err" data-extractor="([^"]+)" data-task="(\w+)" data-kinds="([\w ]+)"', html
    )
    assert {x for x, _, _ in rows} == {"bad"}
    kinds = sorted({k for _, _, ks in rows for k in ks.split()})
    assert kinds == ["boundary", "label", "missed", "speaker", "spurious"]
    assert ("bad", "speakers", "speaker") in rows
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
    tags = [t for t, _ in parser.tags]
    assert tags.count("script") == 1  # the report's own script only
    assert "img" not in tags and "i" not in tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html and "<script>alert" not in html
    # attribute values never break out: every attribute parsed is one we wrote
    names = {a for _, attrs in parser.tags for a in attrs}
    assert "onerror" not in names and "src" not in names
    assert "Ann &quot;&lt;i&gt;&quot; Lee" in html


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
    assert "failed on this document" in html  # "empty" has no line for the document
    rows = re.findall(r'data-extractor="coarse" data-task="entities" data-kinds="([\w ]+)"', html)
    # the CARDINAL gold entity has no CoNLL label: it is left out, not "missed"
    assert rows == ["label"]
    assert "quotes" not in re.findall(r'name="task" value="(\w+)"', html)
