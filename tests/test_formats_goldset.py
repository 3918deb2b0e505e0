"""Goldsets behind the format registry: lazy Arrow-backed documents, native export, plugin
formats, config dispatch and the ``harness goldset`` commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from harness import builtin
from harness.cli_common import parse_pairs
from harness.cli_goldset import goldset_app
from harness.config import parse_config
from harness.errors import ConfigError, GoldsetError, PluginError
from harness.formats.native import NativeFormat
from harness.goldset import load_goldset
from harness.hookspecs import hookimpl
from harness.model import Document, Entity
from harness.plugins import get_plugins, reset_plugins

FIX = Path(__file__).parent / "fixtures" / "formats"
ROOT = Path(__file__).parent.parent
cli = CliRunner()


pytestmark = pytest.mark.usefixtures("builtin_only")


def test_documents_are_read_lazily_from_arrow(mini: Path) -> None:
    g = load_goldset(mini)
    assert g.dataset.cache_files, "rows should be memory-mapped from an Arrow file"
    docs = g.documents
    assert (
        len(docs) == 2 and docs[-1].id == "doc2" and [d.id for d in docs[0:2]] == ["doc1", "doc2"]
    )
    with pytest.raises(IndexError):
        docs[2]
    assert list(g) == list(g)  # iterable more than once
    assert g.provenance()["format"] == "harness" and g.provenance()["documents"] == 2


def test_native_export_round_trip(mini: Path, tmp_path: Path) -> None:
    g = load_goldset(mini)
    stats = NativeFormat().write(g, tmp_path / "copy", None)
    assert stats == {"documents": 2, "entities": 8, "quotes": sum(len(d.quotes) for d in g)}
    again = load_goldset(tmp_path / "copy")
    assert [d.id for d in again] == [d.id for d in g]
    for a, b in zip(again, g, strict=True):
        assert (a.text, a.entities, a.quotes, a.speakers) == (
            b.text,
            b.entities,
            b.quotes,
            b.speakers,
        )
    assert (again.name, again.version, again.labels) == (g.name, g.version, g.labels)
    with pytest.raises(GoldsetError, match="not empty"):
        NativeFormat().write(g, tmp_path / "copy", None)


# ---- a third-party format registered through the hook ----------------------------------------


def lines_reader(path: Path, options: Any) -> Iterator[Document]:
    """One document per line; the first word is a PER entity; '!' asks for a broken document."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        first = line.split()[0]
        ents = [Entity(0, len(first), "PER")]
        if line.endswith("!"):
            ents.append(Entity(0, 2, "PER"))  # nested: must be refused
        if line.endswith("?"):
            raise ValueError(f"cannot parse line {i}")
        yield Document(f"l{i}" if not line.endswith("dup") else "l1", line, tuple(ents))


class LinesPlugin:
    @staticmethod
    @hookimpl
    def register_goldset_formats(register: Callable[[str, Any], None]) -> None:
        register("lines", lines_reader)


class ClashPlugin:
    @staticmethod
    @hookimpl
    def register_goldset_formats(register: Callable[[str, Any], None]) -> None:
        register("conll", lines_reader)


def test_plain_reader_plugin_is_validated(tmp_path: Path) -> None:
    reset_plugins([("core", builtin), ("lines-plugin", LinesPlugin)])
    assert "lines" in get_plugins().goldset_formats
    p = tmp_path / "docs.txt"
    p.write_text("Ana runs\nBo walks\n", encoding="utf-8")
    g = load_goldset(p, "lines")
    assert len(g) == 2 and g.labels == ("PER",) and g.label_scheme == "custom"
    assert g.documents[1].entities[0].text == "Bo"  # text fields filled in
    p.write_text("Ana runs\nBo walks!\nCy dup\n", encoding="utf-8")
    with pytest.raises(GoldsetError) as exc:
        load_goldset(p, "lines")
    assert "document 'l2'" in str(exc.value) and "nested entities are not allowed" in str(exc.value)
    assert "document id 'l1' occurs twice" in str(exc.value)
    p.write_text("Ana?\n", encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"reading failed: ValueError: cannot parse line 1"):
        load_goldset(p, "lines")


def test_a_format_name_registered_twice_names_both_plugins() -> None:
    with pytest.raises(PluginError, match=r"'conll' is registered twice: by plugin 'core'"):
        reset_plugins([("core", builtin), ("clash", ClashPlugin)])


# ---- configs ------------------------------------------------------------------------------


def test_config_dispatches_to_the_format(tmp_path: Path) -> None:
    raw = {
        "goldset": {"format": "brat", "path": str(FIX / "brat"), "options": {"name": "b"}},
        "extractors": [{"name": "replay", "options": {"path": "x"}}],
    }
    cfg = parse_config(raw, tmp_path)
    assert cfg.goldset.format == "brat" and cfg.goldset.options == {"name": "b"}
    assert load_goldset(cfg.goldset).name == "b"
    with pytest.raises(ConfigError, match=r"unknown goldset format 'bratt'.*Did you mean 'brat'"):
        parse_config({**raw, "goldset": {"format": "bratt", "path": "x"}}, tmp_path)
    with pytest.raises(ConfigError, match=r"goldset: missing required key 'path'"):
        parse_config({**raw, "goldset": {"format": "brat"}}, tmp_path)


def test_conllpp_config_resolves_or_names_the_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = ROOT / "configs" / "conllpp-dev.yaml"
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["extractors"] = [{"name": "replay", "options": {"path": "x"}}]
    monkeypatch.delenv("CONLLPP_DIR", raising=False)
    data = Path("/work/shared/data/conllpp/conllpp_dev.txt")  # the config's default location
    if data.is_file():
        cfg = parse_config(dict(raw), tmp_path)  # the same file from any clone location
        assert cfg.goldset.path == data and cfg.goldset.format == "conll"
    monkeypatch.setenv("CONLLPP_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError) as exc:
        parse_config(dict(raw), tmp_path)
    message = str(exc.value)
    assert (
        "goldset: '" in message
        and "nowhere/conllpp_dev.txt' (conll format) does not exist" in message
    )


# ---- harness goldset import / export --------------------------------------------------------


def test_cli_import_then_export_every_format(tmp_path: Path) -> None:
    res = cli.invoke(
        goldset_app,
        ["import", str(FIX / "brat"), str(tmp_path / "gold"), "-f", "brat", "-o", "name=demo"],
    )
    assert res.exit_code == 0, res.output
    assert "2 documents, 4 entities, 2 quotes" in " ".join(res.output.split())
    g = load_goldset(tmp_path / "gold")
    assert g.name == "demo" and len(g.documents[0].quotes) == 2
    for fmt, out in (("conll", "x.conll"), ("brat", "bratdir"), ("labelstudio", "ls.json")):
        res = cli.invoke(
            goldset_app, ["export", str(tmp_path / "gold"), str(tmp_path / out), "--to", fmt]
        )
        assert res.exit_code == 0, res.output
    assert "2 quotes not written" in cli.invoke(
        goldset_app, ["export", str(tmp_path / "gold"), str(tmp_path / "y.conll"), "--to", "conll"]
    ).output.replace("\n", " ").replace("  ", " ")
    back = load_goldset(tmp_path / "bratdir", "brat")
    assert [d.quotes for d in back] == [d.quotes for d in g]
    conll = load_goldset(tmp_path / "x.conll", "conll", {"label_scheme": "custom"})
    assert [e.label for e in conll.documents[0].entities] == ["PER", "LOC"]


def test_cli_errors_have_exit_codes(tmp_path: Path) -> None:
    res = cli.invoke(
        goldset_app, ["export", str(FIX / "brat"), str(tmp_path / "o"), "--to", "conl"]
    )
    assert res.exit_code == 4 and "Did you mean 'conll'" in res.output
    bad = tmp_path / "bad.conll"
    bad.write_text("Ana O\nBerg I-PER\n", encoding="utf-8")
    res = cli.invoke(
        goldset_app, ["import", str(bad), str(tmp_path / "g"), "-f", "conll", "-o", "scheme=iob2"]
    )
    assert res.exit_code == 3 and "line 2" in res.output
    res = cli.invoke(
        goldset_app, ["import", str(bad), str(tmp_path / "g"), "-f", "conll", "-o", "scheme"]
    )
    assert res.exit_code == 2 and "expected key=value" in res.output
    assert parse_pairs(["labels=[PER, ORG]", "columns=2"]) == {
        "labels": ["PER", "ORG"],
        "columns": 2,
    }
    res = cli.invoke(goldset_app, ["formats"])
    assert res.exit_code == 0 and "labelstudio" in res.output


# ---- bounded memory ---------------------------------------------------------------------------


def _generated_conll(path: Path, n_docs: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n_docs):
            f.write("-DOCSTART- -X- -X- O\n\n")
            for j in range(4):
                f.write(
                    f"Kalo{i} B-PER\nRen{j} I-PER\nvisited O\nTusa B-LOC\non O\nMonday O\n. O\n\n"
                )
    return path


def test_iterating_a_goldset_twice_takes_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    peaks = []
    for n in (300, 3000):
        g = load_goldset(_generated_conll(tmp_path / f"g{n}.conll", n), "conll")
        assert len(g) == n
        tracemalloc.start()
        for _ in range(2):
            count = sum(len(d.entities) for d in g)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == 8 * n
    # a list of the documents would grow about 6x here; the lazy iteration stays about flat
    assert peaks[1] < 3 * peaks[0], f"peak grew from {peaks[0]} to {peaks[1]} bytes"
