"""The native format (formats/native.py): one small broken fixture per rule, each with a clear
message; the manifest, its metadata and hashes; no options."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.config import parse_config
from harness.errors import ConfigError, GoldsetError
from harness.formats.native import NativeFormat, NativeOptions
from harness.goldset import load_goldset

Doc = dict[str, Any]


def edit(folder: Path, doc: str, change: Callable[[Doc], None]) -> Path:
    path = folder / f"{doc}.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    change(rec)
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return path


def test_valid_goldset_loads(mini: Path) -> None:
    g = load_goldset(mini)
    assert [d.id for d in g] == ["doc1", "doc2"]
    assert sum(len(d.entities) for d in g) == 8
    assert g.documents[0].quotes[0].speaker == "jane-smith"
    assert g.dataset.num_rows == 2
    row = g.dataset[0]
    assert row["quotes"][1]["cue"]["text"] == "told"
    assert len(g.sha256) == 64


def test_hash_changes_with_annotations(mini: Path) -> None:
    before = load_goldset(mini).sha256
    edit(mini, "doc2", lambda d: d["entities"].clear())
    assert load_goldset(mini).sha256 != before


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    def change(d: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = d
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        node[int(last) if last.isdigit() else last] = value

    return change


def _del(path: str) -> Callable[[Doc], None]:
    def change(d: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = d
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        del node[last]

    return change


def _duplicate_entity(d: Doc) -> None:
    d["entities"].append(dict(d["entities"][0]))


def _overlap(d: Doc) -> None:
    d["entities"].append({"start": 0, "end": 4, "label": "PERSON", "text": "Jane"})


CASES = [
    ("sha256", _set("text_sha256", "0" * 64), "doc1.json", "the text changed"),
    ("offset outside", _set("entities.0.end", 10_000), "entities[0]", "outside the text"),
    ("end before start", _set("entities.0.end", 0), "entities[0]", "end 0 is not after start 0"),
    ("text differs", _set("entities.1.text", "Tuesday"), "entities[1]", "differs from the covered"),
    ("overlap", _overlap, "entities[", "overlaps"),
    ("unknown label", _set("entities.0.label", "PERSN"), "entities[0]", "unknown label 'PERSN'"),
    (
        "speaker",
        _set("quotes.0.speaker", "john-doe"),
        "quotes[0]",
        "'john-doe' is not in the speakers",
    ),
    ("missing field", _del("entities.0.label"), "entities[0]", "missing field label"),
    ("missing top", _del("quotes"), "doc1.json", "missing field quotes"),
    ("duplicate", _duplicate_entity, "entities[7]", "duplicate of entities[0]"),
    ("quote type", _set("quotes.0.type", "reported"), "quotes[0]", "unknown quote type"),
    ("cue text", _set("quotes.1.cue.text", "said"), "quotes[1].cue", "differs from the covered"),
    ("id", _set("id", "other"), "doc1.json", "does not match the file name"),
]


@pytest.mark.parametrize(("rule", "change", "where", "what"), CASES, ids=[c[0] for c in CASES])
def test_broken_fixture_is_rejected(
    mini: Path, rule: str, change: Callable[[Doc], None], where: str, what: str
) -> None:
    edit(mini, "doc1", change)
    with pytest.raises(GoldsetError) as info:
        load_goldset(mini)
    msg = str(info.value)
    assert "doc1.json" in msg, msg
    assert where in msg, msg
    assert what in msg, msg


def test_malformed_json_names_line(mini: Path) -> None:
    (mini / "doc2.json").write_text('{"id": "doc2",\n "entities": [}', encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"doc2\.json: malformed JSON at line 2"):
        load_goldset(mini)


def test_non_utf8_file(mini: Path) -> None:
    (mini / "doc2.json").write_bytes(b'{"id": "caf\xe9"}')
    with pytest.raises(GoldsetError, match=r"doc2\.json: not valid UTF-8"):
        load_goldset(mini)


def test_missing_manifest_field(mini: Path) -> None:
    manifest = mini / "goldset.yaml"
    manifest.write_text(manifest.read_text().replace("label_scheme: ontonotes\n", ""))
    with pytest.raises(GoldsetError, match=r"goldset\.yaml: missing field label_scheme"):
        load_goldset(mini)


def test_every_problem_is_listed(mini: Path) -> None:
    edit(mini, "doc1", _set("entities.0.label", "XX"))
    edit(mini, "doc2", _set("quotes.0.speaker", "nobody"))
    with pytest.raises(GoldsetError) as info:
        load_goldset(mini)
    assert "2 problems" in str(info.value)


def test_missing_text_file(mini: Path) -> None:
    (mini / "texts" / "doc2.txt").unlink()
    with pytest.raises(GoldsetError, match=r"doc2\.json: text_path 'texts/doc2.txt' not found"):
        load_goldset(mini)


def test_describe_reads_the_manifest_and_hashes_without_reading_documents(mini: Path) -> None:
    info = NativeFormat().describe(mini, NativeOptions())
    assert (info.name, info.version, info.label_scheme) == ("mini", "1", "ontonotes")
    assert info.labels is not None and "PERSON" in info.labels
    assert info.sha256 == load_goldset(mini).sha256
    (mini / "doc1.json").write_text("not even JSON", encoding="utf-8")  # describe does not parse
    assert NativeFormat().describe(mini, NativeOptions()).sha256 != info.sha256


def test_a_changed_text_changes_the_row_cache_key_not_the_goldset_hash(mini: Path) -> None:
    before = NativeFormat().describe(mini, NativeOptions())
    text = mini / "texts" / "doc2.txt"
    text.write_text(text.read_text(encoding="utf-8") + " ", encoding="utf-8")
    after = NativeFormat().describe(mini, NativeOptions())
    assert after.sha256 == before.sha256 and after.documents_hash != before.documents_hash
    with pytest.raises(GoldsetError, match=r"doc2\.json: text texts/doc2\.txt does not match"):
        load_goldset(mini)  # the cached rows of the old text are not used


def test_not_a_folder(mini: Path) -> None:
    with pytest.raises(GoldsetError, match=r"doc1\.json: the native format reads a folder"):
        load_goldset(mini / "doc1.json")


def test_the_native_format_takes_no_options(mini: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\(format harness\) options: unknown option 'scheme'"):
        load_goldset(mini, options={"scheme": "iob2"})
    raw = {"goldset": {"path": str(mini), "schema": 1}, "extractors": ["replay"]}
    with pytest.raises(ConfigError, match=r"goldset \(harness options\): unknown option 'schema'"):
        parse_config(raw, tmp_path)
