from __future__ import annotations

from dataclasses import astuple

import datasets
import pytest

from harness.model import Document, Entity, Quote, Span, Speaker
from harness.rows import dataset_features, document_to_row, documents_from_arrow, iter_documents


def _doc(i: int) -> Document:
    """Documents with every shape the converter must handle: no spans, null nested spans,
    null speakers, aliases, non-ASCII text, and a different number of items per row."""
    if i % 3 == 0:
        return Document(f"d{i}", "", text_path="", text_sha256="")
    ents = tuple(Entity(k, k + 2, "PERSON" if k % 2 else "ORG", f"é{k}") for k in range(i))
    quotes = (
        Quote(0, 4, "direct", "s1", Span(5, 8, "Ann"), Span(9, 12, "said"), "“hé”"),
        Quote(20, 30, "indirect", None, None, None, ""),
        Quote(31, 40 + i, "mixed", "s2", None, Span(41, 45, "told"), "x"),
    )[: i % 4]
    speakers = (
        Speaker("s1", "Ann Bé", "person", ("Ann", "Ms Bé")),
        Speaker("s2", "The Board", "organisation", ()),
    )[: i % 3]
    return Document(f"d{i}", f"text {i} “ü”", ents, quotes, speakers, f"t/{i}.txt", f"{i:064x}")


def _full(doc: Document) -> tuple[object, ...]:
    """Every field, including the ``text`` fields that equality ignores."""
    return (
        doc.id,
        doc.text,
        [astuple(e) for e in doc.entities],
        [
            (astuple(q), q.speaker_span and q.speaker_span.text, q.cue and q.cue.text)
            for q in doc.quotes
        ],
        [astuple(s) for s in doc.speakers],
        doc.text_path,
        doc.text_sha256,
    )


@pytest.fixture(scope="module")
def docs_and_dataset() -> tuple[list[Document], datasets.Dataset]:
    docs = [_doc(i) for i in range(13)]
    ds = datasets.Dataset.from_list([document_to_row(d) for d in docs], features=dataset_features())
    return docs, ds


def test_arrow_rows_convert_back_to_the_same_documents(docs_and_dataset) -> None:
    docs, ds = docs_and_dataset
    back = documents_from_arrow(ds.with_format("arrow")[:])
    assert [_full(d) for d in back] == [_full(d) for d in docs]
    assert back[1].quotes[0].cue == Span(9, 12)
    assert back[2].quotes[1].speaker_span is None


@pytest.mark.parametrize("batch_size", [1, 2, 5, 100])
def test_iteration_in_batches_gives_every_document_once_in_order(
    docs_and_dataset, batch_size: int
) -> None:
    docs, ds = docs_and_dataset
    back = list(iter_documents(ds, batch_size=batch_size))
    assert [_full(d) for d in back] == [_full(d) for d in docs]


def test_a_slice_that_does_not_start_at_row_zero(docs_and_dataset) -> None:
    docs, ds = docs_and_dataset
    table = ds.with_format("arrow")[:].slice(4, 5)  # list offsets do not start at 0
    assert [_full(d) for d in documents_from_arrow(table)] == [_full(d) for d in docs[4:9]]
    assert documents_from_arrow(table.slice(0, 0)) == []
