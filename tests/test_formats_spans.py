"""brat standoff and Label Studio: attribution as quotes, errors naming file and line, round trips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import GoldsetError
from harness.formats.brat import BratFormat, BratOptions
from harness.formats.conversion import collect
from harness.formats.labelstudio import LabelStudioFormat, LabelStudioOptions
from harness.goldset import load_goldset
from harness.model import Document, Entity, Quote, Span

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


# ---- round trips --------------------------------------------------------------------------

WORDS = ["Ana", "Berg", "said", "the", "bank", "will", "grow", "“Yes”", "🙂", "Öl", "told", "we"]


@st.composite
def documents(draw: st.DrawFn) -> list[Document]:
    docs = []
    for k in range(draw(st.integers(1, 3))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=25))
        text = " ".join(words) + "\n"
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        spans = [(s, s + len(w)) for s, w in zip(starts, words, strict=True)]

        def span(i: int, n: int, spans: list[tuple[int, int]] = spans) -> tuple[int, int]:
            return spans[i][0], spans[min(i + n, len(spans)) - 1][1]

        ents, i = [], 0
        while i < len(spans):
            if draw(st.integers(0, 3)) == 0:
                n = draw(st.integers(1, 2))
                s, e = span(i, n)
                ents.append(Entity(s, e, draw(st.sampled_from(["PER", "ORG", "GPE"]))))
                i += n
            else:
                i += 1
        quotes = []
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(spans) - 1))
            s, e = span(i, draw(st.integers(1, 3)))
            src = draw(st.none() | st.integers(0, len(spans) - 1))
            cue = draw(st.none() | st.integers(0, len(spans) - 1))
            quotes.append(
                Quote(
                    s,
                    e,
                    draw(st.sampled_from(["direct", "indirect", "mixed"])),
                    None,
                    None if src is None else Span(*spans[src]),
                    None if cue is None else Span(*spans[cue]),
                )
            )
        quotes = list({(q.start, q.end): q for q in quotes}.values())
        docs.append(Document(f"doc-{k}", text, tuple(ents), tuple(quotes)))
    return docs


def write_read(
    fmt: object, opts: object, docs: list[Document], path: Path, name: str
) -> list[Document]:
    fmt.write(docs, path, opts)  # type: ignore[attr-defined]
    return list(load_goldset(path, name))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents(), st.sampled_from(["brat", "labelstudio"]))
def test_import_export_import_keeps_every_annotation(
    tmp_path_factory: pytest.TempPathFactory, docs: list[Document], name: str
) -> None:
    tmp = tmp_path_factory.mktemp(name)
    if name == "brat":
        fmt, opts, a, b = BratFormat(), BratOptions(), tmp / "a", tmp / "b"
    else:
        fmt, opts, a, b = LabelStudioFormat(), LabelStudioOptions(), tmp / "a.json", tmp / "b.json"
    first = write_read(fmt, opts, docs, a, name)
    # The first import holds what was written (speakers are derived from the source spans).
    for d, orig in zip(first, docs, strict=True):
        assert d.text == orig.text and set(d.entities) == set(orig.entities)
        got = {(q.start, q.end, q.type, q.speaker_span, q.cue) for q in d.quotes}
        assert got == {(q.start, q.end, q.type, q.speaker_span, q.cue) for q in orig.quotes}
    second = write_read(fmt, opts, first, b, name)
    assert second == first
