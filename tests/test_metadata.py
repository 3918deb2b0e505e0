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
