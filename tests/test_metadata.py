"""Document metadata and speaker attributes: declared in the native manifest, checked in every
document (naming file and key), kept through the Arrow cache and an export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import GoldsetError
from harness.formats import get_format
from harness.goldset import load_goldset

from .generated import MANIFEST, write_goldset


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    return write_goldset(tmp_path / "gold", 4)


def edit(path: Path, change) -> None:
    rec = json.loads(path.read_text(encoding="utf-8"))
    change(rec)
    path.write_text(json.dumps(rec), encoding="utf-8")


def test_metadata_and_attributes_are_read_and_kept(gold: Path, tmp_path: Path) -> None:
    g = load_goldset(gold)
    assert g.metadata_keys == ("outlet", "section", "date")
    assert g.speaker_attributes == ("gender",)
    assert g.metadata_fields["outlet"].required
    assert g.speaker_fields["gender"].values == ("female", "male")
    doc = g.documents[0]
    rec = json.loads((gold / "doc00000.json").read_text())
    assert dict(doc.metadata) == rec["metadata"]
    assert {s.id: dict(s.attributes) for s in doc.speakers} == {
        sid: {"gender": s["gender"]} for sid, s in rec["speakers"].items()
    }
    out = tmp_path / "exported"
    get_format("harness").write(g, out, None)
    again = load_goldset(out)
    assert again.metadata_fields == g.metadata_fields
    assert again.speaker_fields == g.speaker_fields
    assert list(again) == list(g)  # metadata and attributes take part in equality
    assert [d.metadata for d in again] == [d.metadata for d in g]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda r: r["metadata"].update(outlt="x"),
            "metadata: 'outlt' is not declared. Did you mean 'outlet'?",
        ),
        (lambda r: r["metadata"].pop("outlet"), "metadata: 'outlet' is required and missing"),
        (
            lambda r: r["metadata"].update(section=["a"]),
            "metadata: section: expected a string, number or boolean",
        ),
        (
            lambda r: next(iter(r["speakers"].values())).update(gender="f"),
            "attributes: gender: 'f' is not one of the declared values ['female', 'male']",
        ),
        (
            lambda r: next(iter(r["speakers"].values())).update(age=40),
            "attributes: 'age' is not declared",
        ),
        (lambda r: r.update(metadata="cnn"), "metadata: expected a mapping"),
    ],
)
def test_documents_are_checked_against_the_declaration(gold: Path, change, message: str) -> None:
    edit(gold / "doc00002.json", change)
    with pytest.raises(GoldsetError) as exc:
        load_goldset(gold)
    assert message in str(exc.value)
    assert "doc00002.json" in str(exc.value)


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ("metadata: [outlet]", "metadata: expected a mapping"),
        ("metadata: {outlet: {requird: true}}", "unknown key 'requird'. Did you mean 'required'?"),
        ("metadata: {quote: {}}", "'quote' is not a usable name"),
        ("metadata: {outlet: {values: [[1]]}}", "values: expected a list of strings"),
        (
            "speaker_attributes: {gender: {required: yes please}}",
            "required: expected true or false",
        ),
    ],
)
def test_declarations_are_checked(tmp_path: Path, declaration: str, message: str) -> None:
    gold = write_goldset(tmp_path / "gold", 1)
    head = MANIFEST.split("metadata:")[0].format(name="g")
    (gold / "goldset.yaml").write_text(head + declaration + "\n", encoding="utf-8")
    with pytest.raises(GoldsetError) as exc:
        load_goldset(gold)
    assert message in str(exc.value) and "goldset.yaml" in str(exc.value)


def test_undeclared_metadata_is_refused(tmp_path: Path) -> None:
    gold = write_goldset(tmp_path / "gold", 1)
    head = MANIFEST.split("metadata:")[0].format(name="g")
    (gold / "goldset.yaml").write_text(head, encoding="utf-8")
    with pytest.raises(
        GoldsetError, match=r"'outlet' is not declared.*declare them in the manifest"
    ):
        load_goldset(gold)


def brat_folder(root: Path, table: str) -> Path:
    (root / "corpus").mkdir(parents=True)
    for doc in ("a1", "b2"):
        (root / "corpus" / f"{doc}.txt").write_text("Ann said hello.\n", encoding="utf-8")
        (root / "corpus" / f"{doc}.ann").write_text("", encoding="utf-8")
    (root / "meta.tsv").write_text(table, encoding="utf-8")
    return root / "corpus"


def test_brat_reads_a_metadata_table(tmp_path: Path) -> None:
    corpus = brat_folder(
        tmp_path, "file\tpublisher\tdate\nb2\tcourier\t\na1\tledger\t2016-01-02\nzz\tx\t\n"
    )
    g = load_goldset(corpus, "brat", {"metadata": "../meta.tsv"})
    assert g.metadata_keys == ("publisher", "date")
    assert {d.id: dict(d.metadata) for d in g} == {
        "a1": {"publisher": "ledger", "date": "2016-01-02"},
        "b2": {"publisher": "courier", "date": None},
    }
    only = load_goldset(
        corpus, "brat", {"metadata": "../meta.tsv", "metadata_columns": ["publisher"]}
    )
    assert only.metadata_keys == ("publisher",)
    # the table is part of the goldset's identity
    (tmp_path / "meta.tsv").write_text("file\tpublisher\na1\tother\nb2\tx\n", encoding="utf-8")
    assert load_goldset(corpus, "brat", {"metadata": "../meta.tsv"}).sha256 != g.sha256


@pytest.mark.parametrize(
    ("table", "options", "message"),
    [
        ("file\tpublisher\na1\tx\n", {}, "no row for document 'b2'"),
        ("file\tpublisher\na1\tx\nb2\ty\na1\tz\n", {}, "line 4: document 'a1' has a second row"),
        (
            "file\tpublisher\na1\tx\nb2\ty\n",
            {"metadata_id": "fle"},
            "no column 'fle'. Did you mean 'file'?",
        ),
        ("file\tpublisher\na1\tx\tz\nb2\ty\n", {}, "line 2: 3 cells, the header has 2"),
    ],
)
def test_brat_metadata_table_problems(
    tmp_path: Path, table: str, options: dict, message: str
) -> None:
    corpus = brat_folder(tmp_path, table)
    with pytest.raises(GoldsetError) as exc:
        load_goldset(corpus, "brat", {"metadata": "../meta.tsv", **options})
    assert message in str(exc.value) and "meta.tsv" in str(exc.value)


def test_brat_metadata_table_missing(tmp_path: Path) -> None:
    corpus = brat_folder(tmp_path, "file\tpublisher\n")
    with pytest.raises(GoldsetError) as exc:
        load_goldset(corpus, "brat", {"metadata": "../nope.tsv"})
    assert "nope.tsv" in str(exc.value)
