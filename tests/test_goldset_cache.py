"""The goldset's Arrow cache is checked against what was written, never trusted (issue #19): a
flipped byte, a truncated file or an entry without its checksum is rebuilt from the goldset's
files; a changed text is never served from a warm cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import GoldsetError, HarnessWarning
from harness.goldset import Goldset, load_goldset
from harness.rows import SEAL


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_GOLDSET_CACHE", str(tmp_path / "cache"))


def entities(g: Goldset) -> list[tuple[str, int, int, str]]:
    return [(d.id, e.start, e.end, e.label) for d in g for e in d.entities]


def arrow_file(g: Goldset) -> Path:
    return Path(g.dataset.cache_files[0]["filename"])


def test_a_flipped_byte_in_the_cache_is_rebuilt_not_scored(mini: Path) -> None:
    first = load_goldset(mini)
    before = entities(first)
    path = arrow_file(first)
    raw = bytearray(path.read_bytes())
    raw[raw.find(b"PERSON")] = ord("Q")  # what the probe did: a label becomes QERSON
    path.write_bytes(bytes(raw))
    with pytest.warns(HarnessWarning, match=r"changed since it was written; rebuilding"):
        again = load_goldset(mini)
    assert entities(again) == before and again.sha256 == first.sha256
    assert "QERSON" not in {label for *_, label in entities(again)}
    assert (path.parent / SEAL).is_file()


def test_a_truncated_cache_file_is_rebuilt(mini: Path) -> None:
    first = load_goldset(mini)
    before = entities(first)
    path = arrow_file(first)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(HarnessWarning, match="rebuilding"):
        assert entities(load_goldset(mini)) == before


def test_an_entry_without_its_checksum_is_rebuilt(mini: Path) -> None:
    path = arrow_file(load_goldset(mini))
    (path.parent / SEAL).unlink()
    with pytest.warns(HarnessWarning, match="has no recorded checksum"):
        load_goldset(mini)
    assert (path.parent / SEAL).is_file()


def test_a_sealed_cache_loads_without_a_warning(
    mini: Path, recwarn: pytest.WarningsRecorder
) -> None:
    load_goldset(mini)
    load_goldset(mini)
    assert not [w for w in recwarn if issubclass(w.category, HarnessWarning)]


def test_a_changed_text_is_not_served_from_a_warm_cache(mini: Path) -> None:
    load_goldset(mini)  # warm
    text = mini / "texts" / "doc1.txt"
    text.write_bytes(text.read_bytes().replace(b"Jane", b"Joan"))
    with pytest.raises(GoldsetError, match=r"doc1\.json: text texts/doc1\.txt does not match"):
        load_goldset(mini)


def test_a_changed_conll_file_is_not_served_from_a_warm_cache(tmp_path: Path) -> None:
    p = tmp_path / "a.conll"
    p.write_text("Ana B-PER\nruns O\n", encoding="utf-8")
    assert entities(load_goldset(p, "conll"))[0][3] == "PER"
    p.write_text("Ana B-LOC\nruns O\n", encoding="utf-8")
    assert entities(load_goldset(p, "conll"))[0][3] == "LOC"
