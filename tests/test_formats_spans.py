"""brat standoff and Label Studio: attribution as quotes, errors naming file and line (round trips:
test_roundtrip.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.errors import GoldsetError
from harness.formats.brat import BratFormat, BratOptions
from harness.formats.conversion import collect
from harness.formats.labelstudio import LabelStudioFormat, LabelStudioOptions
from harness.goldset import load_goldset
from harness.model import Document

FIX = Path(__file__).parent / "fixtures" / "formats"


pytestmark = pytest.mark.usefixtures("builtin_only")


@pytest.fixture
def brat(tmp_path: Path) -> Path:
    shutil.copytree(FIX / "brat", tmp_path / "brat")
    return tmp_path / "brat"


# ---- brat ---------------------------------------------------------------------------------


def test_brat_relations_and_events_become_quotes(brat: Path) -> None:
    g = load_goldset(brat, "brat")
    assert [d.id for d in g] == ["a", "b"] and g.labels == ("LOC", "ORG", "PER")
    a = g.documents[0]
    assert [(e.label, e.text) for e in a.entities] == [("PER", "Maria Lindqvist"), ("LOC", "Oslo")]
    q1, q2 = a.quotes
    assert (q1.text, q1.type, q1.speaker) == ("the bank will grow", "indirect", "maria-lindqvist")
    assert q1.speaker_span is not None and q1.speaker_span.text == "Maria Lindqvist"
    assert q1.cue is not None and q1.cue.text == "said"
    assert (q2.text, q2.type, q2.speaker) == ("We are ready,", "direct", "chief-executive")
    assert q2.cue is not None and q2.cue.text == "told"  # the event trigger
    speakers = {s.id: s for s in a.speakers}
    assert speakers["maria-lindqvist"].type == "PER"
    assert speakers["chief-executive"].type == "UNKNOWN"
    assert speakers["chief-executive"].aliases == ("the chief executive",)


def edit_ann(brat: Path, old: str, new: str) -> Path:
    ann = brat / "a.ann"
    body = ann.read_text(encoding="utf-8")
    assert old in body
    ann.write_text(body.replace(old, new), encoding="utf-8")
    return ann


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("LOC 95 99", "LOC 95 990", 8, "T8: offsets 95..990 outside the text"),
        ("LOC 95 99\tOslo", "LOC 95 99\tOsl", 8, "differs from the covered characters"),
        ("Arg2:T3", "Arg2:T30", 10, "T30 is not defined"),
        ("T8\tLOC", "T9\tORG 6 20\tLindqvist said\nT8\tLOC", 8, "T9 ORG 6..20 overlaps T1"),
        ("LOC 95 99", "LOC 95 97;98 99", 8, "discontinuous span"),
        ("A1\tQuoteType T5 direct", "A1\tQuoteType T5 verbatim", 12, "quote type 'verbatim'"),
        (
            "#1\tAnnotatorNotes",
            "N1\tReference T1 Wiki:1\tx\n#1\tAnnotatorNotes",
            13,
            "normalization",
        ),
        ("R1\tSource Arg1:T4 Arg2:T2", "R1\tSource Arg1:T1 Arg2:T8", 9, "only Content-Source"),
    ],
)
def test_brat_errors_name_file_and_line(
    brat: Path, old: str, new: str, line: int, message: str
) -> None:
    ann = edit_ann(brat, old, new)
    with pytest.raises(GoldsetError) as exc:
        load_goldset(brat, "brat")
    assert f"{ann}, line {line}:" in str(exc.value)
    assert message in str(exc.value)


def test_brat_discontinuous_content_is_one_quote_per_part(tmp_path: Path) -> None:
    text = "“We will win,” the minister said, “and we will win soon.”\n"

    def at(sub: str) -> str:
        start = text.index(sub)
        return f"{start} {start + len(sub)}"

    first, second = "We will win,", "and we will win soon."
    folder = tmp_path / "disc"
    folder.mkdir()
    (folder / "d.txt").write_text(text, encoding="utf-8")
    (folder / "d.ann").write_text(
        f"T1\tSource {at('the minister')}\tthe minister\n"
        f"T2\tCue {at('said')}\tsaid\n"
        f"T3\tContent {at(first)};{at(second)}\t{first} {second}\n"
        "R1\tSource Arg1:T3 Arg2:T1\n"
        "R2\tCue Arg1:T3 Arg2:T2\n",
        encoding="utf-8",
    )
    (doc,) = load_goldset(folder, "brat")
    assert [(q.text, q.type) for q in doc.quotes] == [(first, "direct"), (second, "direct")]
    assert {q.speaker for q in doc.quotes} == {"minister"}
    assert all(q.cue is not None and q.cue.text == "said" for q in doc.quotes)
    # written back as two Content regions; reading them again gives the same document
    again = write_read(BratFormat(), BratOptions(), [doc], tmp_path / "out", "brat")
    assert again == [doc]


def test_brat_discontinuous_parts_out_of_order_are_sorted_and_reported(brat: Path) -> None:
    ann = edit_ann(brat, "T8\tLOC 95 99\tOslo", "T8\tContent 67 76;57 66\texecutive the chief")
    with collect() as report:
        (a, _) = list(BratFormat().read(brat, BratOptions(sourceless="keep")))
    assert "the chief executive" in [q.text for q in a.quotes]
    (change,) = [c for c in report.changes if c.reason == "fragments sorted into text order"]
    assert (change.file, change.line, change.document) == (str(ann), 8, "a")


def test_brat_unlinked_source_is_dropped_and_reported(brat: Path) -> None:
    ann = edit_ann(brat, "E1\tAttribution:T7 Source:T6 Content:T5", "")
    with collect() as report:
        (a, _) = list(BratFormat().read(brat, BratOptions()))
    assert "chief-executive" not in {s.id for s in a.speakers}
    dropped = [(c.reason, c.line) for c in report.changes if c.action == "dropped"]
    assert ("Source linked to no Content", 6) in dropped
    assert all(c.file == str(ann) for c in report.changes)


def test_brat_ignore_types_skips_on_purpose(brat: Path) -> None:
    edit_ann(brat, "#1\tAnnotatorNotes", "N1\tReference T1 Wiki:1\tx\n#1\tAnnotatorNotes")
    g = load_goldset(brat, "brat", {"ignore_types": ["Reference"]})
    assert len(g) == 2


def test_brat_bad_encoding_and_missing_files(brat: Path) -> None:
    (brat / "b.txt").write_bytes("Caf\xe9 ouvert.\n".encode("latin-1"))
    (brat / "c.txt").write_text("orphan\n", encoding="utf-8")
    with pytest.raises(GoldsetError) as exc:
        load_goldset(brat, "brat")
    msg = str(exc.value)
    assert f"{brat / 'b.txt'}, line 1: not valid UTF-8" in msg
    assert f"{brat / 'c.txt'}: has no .ann file" in msg


# ---- Label Studio -------------------------------------------------------------------------


def test_labelstudio_regions_relations_choices_and_utf16() -> None:
    g = load_goldset(FIX / "labelstudio" / "export.json", "labelstudio")
    d, plain = g.documents
    assert d.id == "task-7" and plain.id == "plain" and plain.entities == ()
    assert [(e.label, e.text) for e in d.entities] == [("PER", "Ana Ruiz"), ("LOC", "Lima")]
    (q,) = d.quotes
    assert q.text == "Prices will fall." and q.type == "direct" and q.speaker == "ana-ruiz"
    assert q.cue is not None and q.cue.text == "said"  # after the emoji: UTF-16 offsets converted


def test_labelstudio_offsets_option_and_several_annotations(tmp_path: Path) -> None:
    tasks = json.loads((FIX / "labelstudio" / "export.json").read_text(encoding="utf-8"))
    with pytest.raises(GoldsetError, match=r"differs from the covered characters"):
        load_goldset(FIX / "labelstudio" / "export.json", "labelstudio", {"offsets": "codepoints"})
    tasks[0]["annotations"][1]["was_cancelled"] = False
    p = tmp_path / "two.json"
    p.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"two.json, line 3: task 7 has 2 annotations"):
        load_goldset(p, "labelstudio")
    assert len(load_goldset(p, "labelstudio", {"annotation": "first"}).documents[0].quotes) == 1
    assert load_goldset(p, "labelstudio", {"annotation": "last"}).documents[0].quotes == ()


def test_labelstudio_errors_name_the_line(tmp_path: Path) -> None:
    raw = (FIX / "labelstudio" / "export.json").read_text(encoding="utf-8")
    p = tmp_path / "bad.json"
    p.write_text(raw.replace('"to_id": "s1"', '"to_id": "s9"'), encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"bad.json, line \d+: link q1 -> s9: s9 is not defined"):
        load_goldset(p, "labelstudio")
    p.write_text(raw.replace('"end": 8,', '"end": 800,', 1), encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"bad.json, line 12: task 7: region e1 0..800 outside"):
        load_goldset(p, "labelstudio")
    p.write_text(raw[:200], encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"bad.json, line \d+: malformed JSON"):
        load_goldset(p, "labelstudio")


def write_read(
    fmt: object, opts: object, docs: list[Document], path: Path, name: str
) -> list[Document]:
    fmt.write(docs, path, opts)  # type: ignore[attr-defined]
    return list(load_goldset(path, name))


# ---- conversion of tasks made elsewhere ----------------------------------------------------


def test_labelstudio_tasks_made_elsewhere_are_converted_and_reported(tmp_path: Path) -> None:
    text = "Ana Ruiz said that prices would fall. Lima agreed."

    def region(rid: str, label: str, sub: str) -> dict[str, object]:
        s = text.index(sub)
        value = {"start": s, "end": s + len(sub), "text": sub, "labels": [label]}
        return {
            "id": rid,
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": value,
        }

    result = [
        region("s", "Source", "Ana Ruiz"),
        region("q", "Content", "that prices would fall."),
        region("o", "Content", "Lima agreed"),
        {"type": "relation", "from_id": "q", "to_id": "s", "labels": []},
    ]
    p = tmp_path / "tasks.json"
    tasks = [{"id": 1, "data": {"text": text}, "annotations": [{"result": result}]}]
    p.write_text(json.dumps(tasks, indent=1), encoding="utf-8")
    with collect() as report:
        (doc,) = LabelStudioFormat().read(p, LabelStudioOptions())
    (q,) = doc.quotes
    assert (q.text, q.type, q.speaker) == ("prices would fall", "indirect", "ana-ruiz")
    reasons = {(c.action, c.reason) for c in report.changes if c.file == str(p)}
    assert ("repaired", "complementiser 'that' left out") in reasons
    assert (
        "dropped",
        "attribution without a Source is not a quote (sourceless report, R-Q8)",
    ) in reasons
    assert all(c.line is not None for c in report.changes)
