"""``harness agreement``: the scorers of eval applied to two annotations of the same texts."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.agreement import agreement, disagreements, pooled
from harness.cli import app
from harness.formats.native import NativeFormat
from harness.goldset import load_goldset
from harness.model import Document, Entity, Quote, Span, Speaker

SEEDS = Path(__file__).resolve().parents[1] / "goldsets" / "seeds"
POLNEAR_LIKE = Path(__file__).parent / "fixtures" / "formats" / "polnear_like"

pytestmark = pytest.mark.usefixtures("builtin_only")

TEXT = "Ana Ruiz said prices would fall. “We are ready,” Lima officials told reporters.\n"


def at(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


def doc(**changes: object) -> Document:
    base = Document(
        "d",
        TEXT,
        entities=(Entity(*at("Ana Ruiz"), "PERSON"), Entity(*at("Lima"), "GPE")),
        quotes=(
            Quote(
                *at("prices would fall"),
                "indirect",
                "ana-ruiz",
                Span(*at("Ana Ruiz")),
                Span(*at("said")),
            ),
            Quote(
                *at("We are ready,"),
                "direct",
                "officials",
                Span(*at("Lima officials")),
                Span(*at("told")),
            ),
        ),
        speakers=(
            Speaker("ana-ruiz", "Ana Ruiz", "PERSON", ("Ana Ruiz",)),
            Speaker("officials", "Lima officials", "ORG", ("Lima officials",)),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_identical_annotations_agree_fully() -> None:
    r = agreement("a", [doc()], "b", [doc()])
    for key in (
        "entities.strict.micro.f1",
        "quotes.exact.f1",
        "speakers.accuracy",
        "attribution.f1",
    ):
        assert r.mean[key] == 1.0 and r.a_ref[key] == r.b_ref[key] == 1.0
    assert r.disagreements == [] and r.documents == ["d"]


def test_every_kind_of_disagreement_is_listed() -> None:
    a = doc()
    ents = (
        Entity(*at("Ana"), "PERSON"),
        Entity(*at("Lima"), "ORG"),
        Entity(*at("reporters"), "NORP"),
    )
    other_speaker = Speaker("x", "Someone Else", "PERSON", ())
    quotes = (
        Quote(*at("prices would"), "indirect", "ana-ruiz", Span(*at("Ana Ruiz")), None),
        Quote(*at("We are ready,"), "mixed", "x", None, None),
    )
    b = doc(entities=ents, quotes=quotes, speakers=(*a.speakers, other_speaker))
    found = {(d.task, d.kind, TEXT[d.start : d.end]) for d in disagreements(a, b)}
    assert found == {
        ("entities", "boundaries", "Ana Ruiz"),
        ("entities", "label", "Lima"),
        ("entities", "only B", "reporters"),
        ("quotes", "boundaries", "prices would fall"),
        ("quotes", "type", "We are ready,"),
        ("speakers", "speaker", "We are ready,"),
    }
    r = agreement("a", [a], "b", [b])
    assert r.mean["entities.strict.micro.f1"] == pytest.approx(0.0)
    assert r.mean["quotes.exact.f1"] == pytest.approx(0.5)
    # overlap@0.8 depends on the reference: 12/17 of A's quote is covered, all of B's
    assert r.a_ref["quotes.overlap@0.8.f1"] == pytest.approx(0.5)
    assert r.b_ref["quotes.overlap@0.8.f1"] == pytest.approx(1.0)
    assert r.mean["quotes.overlap@0.8.f1"] == pytest.approx(0.75)


def test_only_shared_documents_with_the_same_text_are_compared() -> None:
    a = [doc(), replace(doc(), id="e"), replace(doc(), id="f")]
    b = [doc(), replace(doc(), id="e", text=TEXT.upper()), replace(doc(), id="g")]
    r = agreement("a", a, "b", b)
    assert (r.documents, r.only_a, r.only_b, r.different_text) == (["d"], ["f"], ["g"], ["e"])
    assert pooled([r, r])["quotes.exact.f1"] == r.mean["quotes.exact.f1"]


def test_cli_two_goldsets(tmp_path: Path) -> None:
    gold = load_goldset(SEEDS)
    docs = list(gold)
    changed = [replace(d, quotes=d.quotes[1:]) if i == 0 else d for i, d in enumerate(docs)]

    class Changed:
        name, version, description = gold.name, gold.version, gold.description
        label_scheme, labels, guidelines = gold.label_scheme, gold.labels, gold.guidelines

        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter(changed)

    NativeFormat().write(Changed(), tmp_path / "b", None)  # type: ignore[arg-type]
    out = tmp_path / "agreement.json"
    r = CliRunner().invoke(
        app, ["agreement", str(SEEDS), str(tmp_path / "b"), "--output", str(out), "--per-document"]
    )
    assert r.exit_code == 0, r.output
    assert "inter-annotator agreement" in r.output and "quote exact F1" in r.output
    assert "1 quotes only A" in r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    (pair,) = data["pairs"]
    assert pair["scores"]["mean"]["entities.strict.micro.f1"] == 1.0
    n = len(docs[0].quotes)
    assert pair["per_document"][docs[0].id]["quotes.exact.f1"] == pytest.approx(
        2 * (n - 1) / (2 * n - 1)
    )
    assert [d["kind"] for d in pair["disagreements"]] == ["only A"]


def test_cli_annotators_of_one_brat_folder(tmp_path: Path) -> None:
    shutil.copytree(POLNEAR_LIKE, tmp_path / "c")
    out = tmp_path / "a.json"
    r = CliRunner().invoke(
        app, ["agreement", str(tmp_path / "c"), "-f", "brat", "-o", "preset=polnear",
              "--output", str(out), "--max-disagreements", "0"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    (pair,) = json.loads(out.read_text(encoding="utf-8"))["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("a1", "b2", ["senate-vote"])
    # b2 marked one of a1's quotes (with a shorter Source): everything else is "only A"
    kinds = [(d["task"], d["kind"]) for d in pair["disagreements"]]
    assert kinds.count(("quotes", "only A")) == 8 and ("quotes", "only B") not in kinds
    assert pair["scores"]["mean"]["speakers.accuracy"] == 1.0
    assert "entity strict F1" not in r.output  # no entities in either: no column


def test_cli_refuses_one_goldset_without_annotators() -> None:
    r = CliRunner().invoke(app, ["agreement", str(SEEDS)])
    assert r.exit_code == 2 and "give two goldsets" in r.output
