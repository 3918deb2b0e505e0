"""brat as PolNeAR writes it: separate text and annotation folders, ``<doc>_<annotator>.ann``,
attribution events with trigger and role lines, and the conversion conventions of
goldsets/GUIDELINES.md ("Converting other corpora"). The fixture ``polnear_like`` is hand-made in
PolNeAR's layout; the checks on the real corpus run when it is at ../shared/data/polnear."""

from __future__ import annotations

import itertools
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.errors import ConfigError, GoldsetError
from harness.formats.brat import BratFormat, BratOptions, annotators
from harness.formats.conventions import VERB_AFTER_THAT
from harness.formats.conversion import collect
from harness.goldset import load_goldset
from harness.model import Document, Quote

FIX = Path(__file__).parent / "fixtures" / "formats" / "polnear_like"
POLNEAR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polnear"

pytestmark = pytest.mark.usefixtures("builtin_only")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(FIX, tmp_path / "corpus")
    return tmp_path / "corpus"


def read(path: Path, **options: object) -> list[Document]:
    return list(BratFormat().read(path, BratOptions(**options)))  # type: ignore[arg-type]


def by_text(doc: Document) -> dict[str, Quote]:
    return {q.text: q for q in doc.quotes}


def test_polnear_layout_reads_texts_from_their_own_folder(corpus: Path) -> None:
    markets, senate = read(corpus, preset="polnear")
    assert (markets.id, senate.id) == ("markets", "senate-vote")
    assert senate.text == (corpus / "text" / "senate-vote.txt").read_text(encoding="utf-8")
    assert senate.entities == () and markets.entities == ()  # triggers, Discard, Discuss: none


def test_events_become_quotes_by_the_conventions(corpus: Path) -> None:
    _, doc = read(corpus, preset="polnear")
    q = by_text(doc)
    assert [(x.text, x.type) for x in doc.quotes] == [
        ("the bill would pass by Friday", "indirect"),  # C6 "that", C7 full stop
        ("We have the votes,", "direct"),  # C2: words between the fragments split them
        ("and we will use them.", "direct"),  # C5: marks left out, the comma inside stays
        ("the senator was “confident, but not complacent.”", "mixed"),
        ("the leadership agreed", "indirect"),  # numbered role Content2
        ("The count is solid,", "direct"),  # straight marks
        ("Nobody is wavering,", "direct"),  # two apostrophes as a double mark
        ("The bill is fair.", "direct"),  # C3: one quote per paragraph
        ("It is also overdue.", "direct"),
    ]
    first = q["the bill would pass by Friday"]
    assert first.speaker == "jane-ortiz" and first.cue is not None and first.cue.text == "said"
    assert first.speaker_span is not None and first.speaker_span.text == "Senator Jane Ortiz"
    # the trigger is the cue when the event has no Cue role
    mixed = q["the senator was “confident, but not complacent.”"]
    assert mixed.cue is not None and mixed.cue.text == "said" and mixed.speaker == "tom-reyes"
    # an attribution without a Source is not a quote (C8) unless asked for
    assert "the vote could slip" not in q
    _, kept = read(corpus, preset="polnear", sourceless="keep")
    assert by_text(kept)["the vote could slip"].speaker is None
    # both parts of the interrupted quote keep the attribution (same paragraph)
    for text in ("We have the votes,", "and we will use them."):
        assert q[text].speaker == "jane-ortiz" and q[text].cue is not None
    # a paragraph that continues the quotation has no speaker span or cue of its own (R-Q3)
    cont = q["It is also overdue."]
    assert (cont.speaker, cont.speaker_span, cont.cue) == ("jane-ortiz", None, None)
    assert q["The bill is fair."].cue is not None


def test_speaker_registry_from_source_mentions(corpus: Path) -> None:
    _, doc = read(corpus, preset="polnear")
    speakers = {s.id: s for s in doc.speakers}
    # "Senator Jane Ortiz" and "Ortiz" are one speaker; the apposition gives the name
    assert speakers["jane-ortiz"].aliases == ("Senator Jane Ortiz", "Ortiz")
    assert speakers["tom-reyes"].name == "Tom Reyes"
    assert speakers["tom-reyes"].aliases == ("Her spokesman, Tom Reyes", "Reyes")
    assert speakers["mark-lee"].aliases == ("Mark Lee, a Republican aide",)
    # a pronoun names nobody: a speaker of its own, without aliases
    he = by_text(doc)["Nobody is wavering,"].speaker
    assert he is not None and he.startswith("he-") and speakers[he].aliases == ()
    assert set(speakers) == {q.speaker for q in doc.quotes} - {None}


def line_of(ann: Path, prefix: str) -> int:
    lines = ann.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


def test_conversion_report_names_file_line_and_reason(corpus: Path) -> None:
    with collect() as report:
        read(corpus, preset="polnear")
    path = corpus / "attributions" / "senate-vote_a1.ann"
    got = {(c.action, c.reason, c.line) for c in report.changes if c.file == str(path)}
    t3, t7, e1 = line_of(path, "T3\t"), line_of(path, "T7\t"), line_of(path, "E1\t")
    assert {
        ("repaired", "complementiser 'that' left out", t3),
        ("repaired", "sentence-final full stop left out", t3),
        ("repaired", "fragments sorted into text order", t7),
        ("split", "words between fragments (a quote interrupted by its attribution)", t7),
        ("repaired", "quotation marks of a direct quote left out", t7),
        ("merged", "event trigger repeats its Cue", e1),
        ("split", "one quote per paragraph", line_of(path, "T29\t")),
        ("dropped", "Discard annotation (ignore_types)", line_of(path, "T31\t")),
        (
            "dropped",
            "attribution without a Source is not a quote (sourceless report, R-Q8)",
            line_of(path, "T17\t"),
        ),
        ("dropped", "attribution event without a Content", line_of(path, "E9\t")),
        ("dropped", "annotator note (a comment)", line_of(path, "#1\t")),
    } <= got
    other = str(corpus / "attributions" / "senate-vote_b2.ann")
    assert ("dropped", "annotation file of another annotator (not the chosen annotator)") in {
        (c.action, c.reason) for c in report.changes if c.file == other
    }
    markets = str(corpus / "attributions" / "markets_a1.ann")
    assert ("repaired", "Discuss region used as the Cue of an event", 10) in {  # the event
        (c.action, c.reason, c.line) for c in report.changes if c.file == markets
    }
    assert all(c.document in ("senate-vote", "markets") for c in report.changes)


def test_discuss_region_used_as_cue_is_the_cue(corpus: Path) -> None:
    markets, _ = read(corpus, preset="polnear")
    (_, bank) = markets.quotes
    assert (bank.text, bank.type, bank.speaker) == (
        "“persistent” inflation",
        "mixed",
        "central-bank",
    )
    assert bank.cue is not None and bank.cue.text == "warned of"


def test_several_annotators_need_a_choice(corpus: Path) -> None:
    with pytest.raises(GoldsetError) as exc:
        read(corpus, ignore_types=["Discard", "Discuss"])
    msg = str(exc.value)
    assert "document 'senate-vote' has 2 annotation files" in msg
    assert "senate-vote_a1.ann, senate-vote_b2.ann" in msg and "annotator" in msg
    assert annotators(corpus, BratOptions()) == ["a1", "b2"]
    # a named annotator: only the documents that annotator did
    (doc,) = read(corpus, preset="polnear", annotator="b2")
    assert doc.id == "senate-vote" and [q.text for q in doc.quotes] == [
        "the bill would pass by Friday"
    ]
    assert doc.speakers[0].id == "jane-ortiz"
    with pytest.raises(ConfigError, match="one goldset per annotator"):
        read(corpus, preset="polnear", annotator="each")


def test_without_preset_the_polnear_only_labels_are_entities_or_refused(corpus: Path) -> None:
    docs = read(corpus, annotator="a1")
    assert {e.label for d in docs for e in d.entities} == {"Discard", "Discuss"}
    assert all(e.label != "Attribution" for d in docs for e in d.entities)


def test_import_each_annotator_and_validate(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "gold"
    r = runner.invoke(
        app, ["goldset", "import", str(corpus), str(out), "-f", "brat", "-o", "preset=polnear",
              "-o", "annotator=each"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["a1", "b2"]
    assert len(load_goldset(out / "a1")) == 2 and len(load_goldset(out / "b2")) == 1
    report = (out / "a1" / "conversion-report.tsv").read_text(encoding="utf-8").splitlines()
    assert report[0].split("\t") == ["action", "reason", "file", "line", "document", "detail"]
    assert any("complementiser 'that' left out" in line for line in report)
    assert "repaired" in r.output and "complementiser" in r.output  # the summary
    r = runner.invoke(app, ["validate", str(out / "a1")])
    assert r.exit_code == 0, r.output


def test_import_writes_report_even_when_the_goldset_is_cached(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["goldset", "import", str(corpus), "", "-f", "brat", "-o", "preset=polnear"]
    for name in ("one", "two"):
        args[3] = str(tmp_path / name)
        r = runner.invoke(app, args)
        assert r.exit_code == 0, r.output
        lines = (tmp_path / name / "conversion-report.tsv").read_text(encoding="utf-8")
        assert "complementiser" in lines


# ---- the real corpus (not in the repository; see ../shared/data/polnear/README.md) ----------


def _polnear_split(split: str) -> Path:
    path = POLNEAR / split
    if not path.is_dir():
        pytest.skip(f"PolNeAR {split} is not at {path}")
    if split == "train" and not os.environ.get("HARNESS_POLNEAR_TRAIN"):
        pytest.skip("set HARNESS_POLNEAR_TRAIN=1 to read PolNeAR train (about 5 s)")
    return path


@pytest.mark.parametrize("split", ["dev", "train"])
def test_real_polnear_imports_and_validates(split: str, tmp_path: Path) -> None:
    path = _polnear_split(split)
    with collect() as report:
        g = load_goldset(path, "brat", {"preset": "polnear"})
    docs = list(g)
    assert len(docs) == {"dev": 84, "train": 840}[split]
    types = Counter(q.type for d in docs for q in d.quotes)
    assert set(types) == {"direct", "indirect", "mixed"} and types["indirect"] > types["direct"]
    # every quote's own checks: no overlaps, registered speakers, no leading complementiser
    for d in docs:
        spans = sorted((q.start, q.end) for q in d.quotes)
        assert all(b[0] >= a[1] for a, b in itertools.pairwise(spans)), d.id
        assert {q.speaker for q in d.quotes} - {None} == {s.id for s in d.speakers}
        leading = [q.text.split()[1].lower().strip("'\"“”‘’") for q in d.quotes
                   if q.type != "direct" and q.text.lower().startswith("that ")]  # fmt: skip
        assert set(leading) <= VERB_AFTER_THAT, d.id
    assert report.files_read > 0 and report.summary()[("merged", "event trigger repeats its Cue")]
    out = tmp_path / "gold"
    r = CliRunner().invoke(app, ["goldset", "import", str(path), str(out), "-f", "brat",
                                 "-o", "preset=polnear"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert CliRunner().invoke(app, ["validate", str(out)]).exit_code == 0


# ---- other brat corpora: the annotation kinds of brat's standoff documentation --------------

DOC_TEXT = (
    "Sony formed a joint venture with Ericsson, a mobile phone company based in Sweden.\n"
    "Sony announced today that it would expand. The company said it was ready.\n"
)
DOC_ANN = """T1\tOrganization 0 4\tSony
T2\tMERGE-ORG 14 27\tjoint venture
T3\tOrganization 33 41\tEricsson
E1\tMERGE-ORG:T2 Org1:T1 Org2:T3
T4\tCountry 75 81\tSweden
R1\tOrigin Arg1:T3 Arg2:T4
A1\tNegation E1
N1\tReference T1 Wikipedia:534366\tSony
#1\tAnnotatorNotes T1\tcheck the name
T5\tSource 83 87\tSony
T6\tCue 88 97\tannounced
T7\tContent 104 125\tthat it would expand.
T8\tSource 126 137\tThe company
T9\tCue 138 142\tsaid
T10\tContent 143 156\tit was ready.
R2\tSource Arg1:T7 Arg2:T5
R3\tCue Arg1:T7 Arg2:T6
R4\tSource Arg1:T10 Arg2:T8
R5\tCue Arg1:T10 Arg2:T9
*\tCoref T5 T8
*\tEquiv T1 T3
"""


@pytest.fixture
def standoff(tmp_path: Path) -> Path:
    folder = tmp_path / "standoff"
    folder.mkdir()
    (folder / "DOC-1000.txt").write_text(DOC_TEXT, encoding="utf-8")
    (folder / "DOC-1000.ann").write_text(DOC_ANN, encoding="utf-8")
    return folder


def test_standoff_kinds_the_harness_cannot_hold_are_refused_with_file_and_line(
    standoff: Path,
) -> None:
    with pytest.raises(GoldsetError) as exc:
        read(standoff)
    msg, ann = str(exc.value), standoff / "DOC-1000.ann"
    assert f"{ann}, line 4: event type 'MERGE-ORG' is not an attribution" in msg
    assert f"{ann}, line 7: attribute 'Negation' is not imported" in msg
    assert f"{ann}, line 8: normalization 'T1 Wikipedia:534366' is not imported" in msg
    assert "ignore_types" in msg
    # links are checked once every line could be read
    with pytest.raises(GoldsetError) as exc:
        read(standoff, ignore_types=["MERGE-ORG", "Negation", "Reference"])
    assert f"{ann}, line 6: link T3 (Organization) -> T4 (Country): only" in str(exc.value)


def test_standoff_with_ignore_types_reads_entities_quotes_and_equivalences(
    standoff: Path,
) -> None:
    ignore = ["MERGE-ORG", "Origin", "Negation", "Reference"]
    with collect() as report:
        (doc,) = read(standoff, ignore_types=ignore)
    assert [(e.label, e.text) for e in doc.entities] == [
        ("Organization", "Sony"), ("Organization", "Ericsson"), ("Country", "Sweden"),
    ]  # fmt: skip
    assert [(q.text, q.type) for q in doc.quotes] == [
        ("it would expand", "indirect"),
        ("it was ready", "indirect"),
    ]
    # the equivalence line makes "Sony" and "The company" one speaker
    assert {q.speaker for q in doc.quotes} == {"sony"}
    assert doc.speakers[0].aliases == ("Sony", "The company")
    dropped = {(c.reason, c.line) for c in report.changes if c.action == "dropped"}
    assert {
        ("MERGE-ORG annotation (ignore_types)", 2),
        ("MERGE-ORG annotation (ignore_types)", 4),
        ("Origin annotation (ignore_types)", 6),
        ("Negation annotation (ignore_types)", 7),
        ("Reference annotation (ignore_types)", 8),
        ("annotator note (a comment)", 9),
        ("equivalence without a Source mention (only speakers use them)", 21),
    } <= dropped


def test_discontinuous_entity_is_refused(standoff: Path) -> None:
    ann = standoff / "DOC-1000.ann"
    ann.write_text("T1\tCountry 0 2;75 81\tSo Sweden\n", encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"DOC-1000.ann, line 1: T1: discontinuous span"):
        read(standoff)
