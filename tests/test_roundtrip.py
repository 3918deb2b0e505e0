"""Lossless round trips: native -> brat / Label Studio -> native gives the same documents (speaker
ids, names, aliases and types, quote types, cues, speaker spans, entity labels), so every score of
a fixed prediction set is the same against the original and the round-tripped gold; native ->
CoNLL -> native keeps what CoNLL can hold (entity mentions and labels) with default options; the
Label Studio export comes with a labeling config that Label Studio accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.formats.brat import BratFormat, BratOptions
from harness.formats.conll import ConllFormat, ConllOptions
from harness.formats.conversion import collect
from harness.formats.labelstudio import LabelStudioFormat, LabelStudioOptions, config_path
from harness.goldset import load_goldset
from harness.model import Document, Entity, Prediction, Quote, Span, Speaker
from harness.scoring import count_document, summarise

SEEDS = Path(__file__).resolve().parents[1] / "goldsets" / "seeds"
TASKS = ("entities", "quotes", "speakers")

pytestmark = pytest.mark.usefixtures("builtin_only")

FORMATS = {
    "brat": (BratFormat(), BratOptions(), "out"),
    "labelstudio": (LabelStudioFormat(), LabelStudioOptions(), "out.json"),
}


def round_trip(docs: list[Document], name: str, tmp: Path) -> list[Document]:
    fmt, opts, out = FORMATS[name]
    fmt.write(docs, tmp / out, opts)
    with collect() as report:
        back = list(fmt.read(tmp / out, opts))
    assert report.changes == []  # files the harness wrote are read exactly
    return back


def fixed_predictions(docs: list[Document]) -> list[Prediction]:
    """A prediction set that gets some things right and some wrong, made from the gold once."""
    preds = []
    for d in docs:
        ents = tuple(
            Entity(e.start, e.end, "ORG" if i % 3 == 0 else e.label)
            for i, e in enumerate(d.entities)
            if i % 4 != 1
        )
        quotes = []
        for i, q in enumerate(d.quotes):
            if i % 4 == 3:
                continue
            s = d.speaker(q.speaker)
            names = [s.name, *s.aliases] if s else [None]
            start = min(q.start + (i % 3), q.end - 1)
            span = q.speaker_span if i % 2 else None
            quotes.append(Quote(start, q.end, q.type, names[i % len(names)], span, q.cue))
        preds.append(Prediction(d.id, ents, tuple(quotes)))
    return preds


def scores(docs: list[Document], preds: list[Prediction], labels: list[str]) -> dict[str, float]:
    per_doc = [count_document(d, p, TASKS, labels) for d, p in zip(docs, preds, strict=True)]
    return summarise(per_doc, labels)


# ---- the seed goldset ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["brat", "labelstudio"])
def test_seeds_round_trip_keeps_documents_and_scores(name: str, tmp_path: Path) -> None:
    gold = load_goldset(SEEDS)
    fmt, opts, out = FORMATS[name]
    fmt.write(gold, tmp_path / out, opts)
    back = load_goldset(tmp_path / out, name)
    original = list(gold)
    again = list(back)
    assert [d.id for d in again] == [d.id for d in original]
    for a, b in zip(original, again, strict=True):
        assert (b.text, b.entities, b.quotes, b.speakers) == (
            a.text,
            a.entities,
            a.quotes,
            a.speakers,
        )
    preds = fixed_predictions(original)
    labels = list(gold.labels)
    assert scores(again, preds, labels) == scores(original, preds, labels)
    assert sum(len(d.speakers) for d in again) > 10  # the registry really made the trip


def test_seeds_conll_round_trip_with_default_options(tmp_path: Path) -> None:
    gold = load_goldset(SEEDS)
    ConllFormat().write(gold, tmp_path / "seeds.conll", ConllOptions())
    back = load_goldset(tmp_path / "seeds.conll", "conll")  # no options: labels detected
    assert back.label_scheme == "ontonotes"
    for a, b in zip(gold, back, strict=True):
        mentions = [(a.text[e.start : e.end], e.label) for e in a.entities]
        assert [(b.text[e.start : e.end], e.label) for e in b.entities] == mentions
    # and CoNLL -> native -> CoNLL -> native is a fixed point, offsets included
    ConllFormat().write(back, tmp_path / "again.conll", ConllOptions())
    again = load_goldset(tmp_path / "again.conll", "conll")
    assert [(d.text, d.entities) for d in again] == [(d.text, d.entities) for d in back]


def test_conll_label_scheme_detection_keeps_conll_files_conll(tmp_path: Path) -> None:
    p = tmp_path / "c.conll"
    p.write_text("-DOCSTART- -X- -X- O\n\nAna B-PER\nin O\nLima B-LOC\n\n", encoding="utf-8")
    assert load_goldset(p, "conll").label_scheme == "conll"
    p.write_text("Ana B-PERSON\nin O\nLima B-LOC\nsaw O\nX B-PRE\n\n", encoding="utf-8")
    with pytest.raises(Exception, match="unknown label 'PERSON'"):
        load_goldset(p, "conll")  # not all OntoNotes labels: still the CoNLL scheme, refused


def test_labelstudio_export_has_a_config_label_studio_accepts(tmp_path: Path) -> None:
    sdk = pytest.importorskip("label_studio_sdk.label_interface")
    gold = load_goldset(SEEDS)
    LabelStudioFormat().write(gold, tmp_path / "seeds.json", LabelStudioOptions())
    interface = sdk.LabelInterface(config_path(tmp_path / "seeds.json").read_text(encoding="utf-8"))
    interface.validate()  # raises on an invalid config
    tasks = json.loads((tmp_path / "seeds.json").read_text(encoding="utf-8"))
    for task in tasks:
        (annotation,) = task["annotations"]
        assert interface.validate_prediction(annotation, return_errors=True) == []
    # the check can fail: a label that is not in the config is refused
    annotation = tasks[0]["annotations"][0]
    annotation["result"][0]["value"]["labels"] = ["NOT_A_LABEL"]
    assert interface.validate_prediction(annotation, return_errors=True)


# ---- any document --------------------------------------------------------------------------

WORDS = ["Ana", "Berg", "said", "the", "bank", "“Yes”", "🙂", "Öl", "told", "we", "\n", "'s"]
IDS = st.text(st.sampled_from("abcxyz-é :%/ 1"), min_size=1, max_size=8)
NAMES = st.text(st.sampled_from("AaZ é\"'\t,:-🙂"), min_size=1, max_size=10)


@st.composite
def document(draw: st.DrawFn, k: int) -> Document:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=20))
    text = " ".join(words) + "\n"
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w) + 1
    spans = [s for s in spans if not text[s[0] : s[1]].isspace()] or [(0, len(text) - 1)]

    def span(i: int, n: int) -> tuple[int, int]:
        return spans[i][0], spans[min(i + n, len(spans)) - 1][1]

    ents, i = [], 0
    while i < len(spans):
        n = draw(st.integers(1, 2))
        if draw(st.booleans()):
            ents.append(Entity(*span(i, n), draw(st.sampled_from(["PERSON", "ORG", "X_1"]))))
        i += n
    ids = draw(st.lists(IDS, max_size=3, unique=True))
    speakers = tuple(
        Speaker(sid, draw(NAMES), draw(st.sampled_from(["PERSON", "ORG", "UNKNOWN"])),
                tuple(draw(st.lists(NAMES, max_size=3, unique=True))))
        for sid in ids
    )  # fmt: skip
    quotes: dict[tuple[int, int], Quote] = {}
    for _ in range(draw(st.integers(0, 4))):
        s, e = span(draw(st.integers(0, len(spans) - 1)), draw(st.integers(1, 4)))

        def part() -> Span | None:
            return draw(st.none() | st.sampled_from([Span(*x) for x in spans]))

        quotes[(s, e)] = Quote(
            s, e, draw(st.sampled_from(["direct", "indirect", "mixed"])),
            draw(st.none() | st.sampled_from(ids)) if ids else None, part(), part(),
        )  # fmt: skip
    return Document(f"doc-{k}", text, tuple(ents), tuple(quotes.values()), speakers)


@st.composite
def documents(draw: st.DrawFn) -> list[Document]:
    return [draw(document(k)) for k in range(draw(st.integers(1, 3)))]


def canonical(d: Document, name: str = "") -> Document:
    """Entities and quotes in the order a reader yields them (by offsets). brat attaches the
    registry to an annotation: a document without any loses it (the export counts it)."""
    keep = name != "brat" or d.entities or d.quotes
    return Document(
        d.id, d.text, tuple(sorted(d.entities, key=lambda e: (e.start, e.end))),
        tuple(sorted(d.quotes, key=lambda q: (q.start, q.end))), d.speakers if keep else (),
    )  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents(), st.sampled_from(["brat", "labelstudio"]))
def test_round_trip_gives_the_same_documents_and_scores(
    tmp_path_factory: pytest.TempPathFactory, docs: list[Document], name: str
) -> None:
    back = round_trip(docs, name, tmp_path_factory.mktemp(name))
    expected = [canonical(d, name) for d in docs]
    assert back == expected
    preds = fixed_predictions(back)
    labels = sorted({e.label for d in docs for e in d.entities})
    assert scores(back, preds, labels) == scores(expected, preds, labels)


def test_registry_of_a_document_without_annotations_is_reported_lost(tmp_path: Path) -> None:
    doc = Document("d", "Nothing here.\n", speakers=(Speaker("x", "X", "PERSON", ()),))
    stats = BratFormat().write([doc], tmp_path / "b", BratOptions())
    assert stats["speakers_not_written"] == 1
