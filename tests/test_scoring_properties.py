"""Property tests of the scorer on random documents (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.model import QUOTE_TYPES, Document, Entity, Prediction, Quote, Span, Speaker
from harness.scoring import count_document, summarise

LABELS = ("PERSON", "ORG", "GPE")
TASKS = ("entities", "quotes", "speakers")
SPEAKERS = (
    Speaker("ana-lima", "Ana Lima", "PERSON", ("Lima", "Dr Lima")),
    Speaker("ben-roux", "Ben Roux", "PERSON", ()),
)
NAMES = {s.id: s.name for s in SPEAKERS}


@st.composite
def interval(draw, n: int) -> tuple[int, int]:
    start = draw(st.integers(0, n - 1))
    return start, draw(st.integers(start + 1, n))


@st.composite
def entities(draw, n: int) -> tuple[Entity, ...]:
    spans = draw(st.lists(interval(n), max_size=6))
    return tuple(Entity(s, e, draw(st.sampled_from(LABELS))) for s, e in spans)


@st.composite
def quotes(draw, n: int, gold: bool) -> tuple[Quote, ...]:
    out = []
    for s, e in draw(st.lists(interval(n), max_size=4)):
        speaker = draw(st.sampled_from([None, *NAMES]))
        if not gold and speaker is not None:
            speaker = draw(st.sampled_from([NAMES[speaker], "Dr. Lima's", "Someone Else"]))
        span = draw(st.none() | interval(n).map(lambda se: Span(*se)))
        out.append(Quote(s, e, draw(st.sampled_from(QUOTE_TYPES)), speaker, span))
    return tuple(out)


@st.composite
def documents(draw) -> Document:
    text = draw(st.text(alphabet="ab c,.“”'\"", min_size=1, max_size=50))
    n = len(text)
    return Document(
        "d", text, entities=draw(entities(n)), quotes=draw(quotes(n, True)), speakers=SPEAKERS
    )


@st.composite
def scored_pair(draw) -> tuple[Document, Prediction]:
    doc = draw(documents())
    n = len(doc.text)
    return doc, Prediction("d", entities=draw(entities(n)), quotes=draw(quotes(n, False)))


def perfect(doc: Document) -> Prediction:
    return Prediction(
        doc.id,
        entities=doc.entities,
        quotes=tuple(
            Quote(q.start, q.end, q.type, NAMES.get(q.speaker or ""), q.speaker_span)
            for q in doc.quotes
        ),
    )


def scores(pairs: list[tuple[Document, Prediction]]) -> dict[str, float]:
    return summarise([count_document(d, p, TASKS, LABELS) for d, p in pairs], LABELS)


def is_count(key: str) -> bool:
    return ".n_" in key


@settings(max_examples=100, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=3))
def test_perfect_predictions_score_one(docs: list[Document]) -> None:
    s = scores([(d, perfect(d)) for d in docs])
    rates = {k: v for k, v in s.items() if not is_count(k)}
    assert all(v == 1.0 for v in rates.values()), {k: v for k, v in rates.items() if v != 1.0}
    if any(d.entities for d in docs):
        assert s["entities.strict.micro.f1"] == 1.0 and s["entities.partial.macro.f1"] == 1.0
    if any(q.speaker for d in docs for q in d.quotes):
        assert s["speakers.accuracy"] == 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=3))
def test_empty_predictions_have_zero_recall(docs: list[Document]) -> None:
    s = scores([(d, Prediction(d.id)) for d in docs])
    for k, v in s.items():
        if k.endswith((".r", ".p", ".f1")):
            assert v == 0.0, k
    if any(d.entities for d in docs):
        assert s["entities.strict.micro.r"] == 0.0 and s["entities.partial.micro.r"] == 0.0
    if any(d.quotes for d in docs):
        assert s["quotes.overlap@0.3.r"] == 0.0 and s["attribution.r"] == 0.0


@settings(max_examples=150, deadline=None)
@given(st.lists(scored_pair(), min_size=1, max_size=3))
def test_all_rates_between_zero_and_one(pairs: list[tuple[Document, Prediction]]) -> None:
    for key, value in scores(pairs).items():
        if not is_count(key):
            assert 0.0 <= value <= 1.0, (key, value)


@settings(max_examples=150, deadline=None)
@given(scored_pair(), st.randoms(use_true_random=False))
def test_invariant_to_span_order(pair: tuple[Document, Prediction], rnd) -> None:
    doc, pred = pair

    def shuffled(items: tuple) -> tuple:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    doc2 = Document(doc.id, doc.text, shuffled(doc.entities), shuffled(doc.quotes), SPEAKERS)
    pred2 = Prediction(pred.doc_id, shuffled(pred.entities), shuffled(pred.quotes))
    assert scores([(doc, pred)]) == scores([(doc2, pred2)])
    assert count_document(doc, pred, TASKS, LABELS) == count_document(doc2, pred2, TASKS, LABELS)
