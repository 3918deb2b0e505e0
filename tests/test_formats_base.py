"""The format contract (formats/base.py): what a registered object becomes, the defaults of
``describe``, and the options parsed once, in the config, and carried to the loader."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from harness.config import parse_config
from harness.errors import PluginError
from harness.formats import get_format
from harness.formats.base import CommonOptions, Format, PluginFormat, as_format, can_write
from harness.formats.conll import ConllFormat, ConllOptions
from harness.goldset import GoldsetSource, load_goldset
from harness.model import Document, Entity

FIX = Path(__file__).parent / "fixtures" / "formats"

pytestmark = pytest.mark.usefixtures("builtin_only")


def reader(path: Path, options: Any) -> Iterator[Document]:
    yield Document("one", "Ana", (Entity(0, 3, "PER"),))


class OldStyle:
    """An object with the contract's attributes that does not subclass Format."""

    description = "old style"
    version = "7"
    label_scheme = "conll"
    Options = CommonOptions

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        return reader(path, options)

    def write(self, goldset: Any, path: Path, options: Any) -> Mapping[str, int]:
        return {"documents": 0}


def test_every_builtin_format_is_a_format_and_registered_the_same_way() -> None:
    for name in ("harness", "conll", "brat", "labelstudio"):
        fmt = get_format(name)
        assert isinstance(fmt, Format) and not isinstance(fmt, PluginFormat)
        assert fmt.name == name and can_write(fmt)


def test_registered_objects_and_functions_become_formats() -> None:
    fmt = ConllFormat()
    assert as_format("conll", fmt) is fmt
    old = as_format("old", OldStyle())
    assert isinstance(old, PluginFormat)
    assert (old.name, old.description, old.version, old.label_scheme) == (
        "old",
        "old style",
        "7",
        "conll",
    )
    assert can_write(old) and old.write(None, Path("x"), None) == {"documents": 0}
    plain = as_format("plain", reader)
    assert (plain.label_scheme, plain.Options, can_write(plain)) == ("custom", CommonOptions, False)
    assert [d.id for d in plain.read(Path("x"), None)] == ["one"]
    with pytest.raises(PluginError, match=r"goldset format 'bad'.*has no read\(\)"):
        as_format("bad", 42)


def test_default_describe(tmp_path: Path) -> None:
    path = tmp_path / "dev.conll"
    path.write_text("Ana B-PER\n", encoding="utf-8")
    fmt = ConllFormat()
    info = fmt.describe(path, ConllOptions())
    assert (info.name, info.label_scheme, info.labels) == (
        "dev",
        "conll",
        ("PER", "ORG", "LOC", "MISC"),
    )
    assert info.version == info.sha256[:12] and info.documents_hash is None
    named = fmt.describe(path, ConllOptions(name="n", version="2", labels=("PER",)))
    assert (named.name, named.version, named.labels) == ("n", "2", ("PER",))
    assert named.sha256 != info.sha256  # the options are part of the identity
    assert fmt.describe(path, ConllOptions()).sha256 == info.sha256
    path.write_text("Ana B-LOC\n", encoding="utf-8")
    assert fmt.describe(path, ConllOptions()).sha256 != info.sha256
    custom = fmt.describe(path, ConllOptions(label_scheme="custom"))
    assert custom.labels is None  # any label; the goldset's labels are those found


def test_options_are_parsed_once_in_the_config_and_carried(tmp_path: Path) -> None:
    raw = {
        "goldset": {"format": "conll", "path": str(FIX / "conll" / "iob2.conll"), "name": "x"},
        "extractors": [{"name": "replay", "options": {"path": "p"}}],
    }
    source = parse_config(raw, tmp_path).goldset
    assert source.options == {"name": "x"} and source.parsed == ConllOptions(name="x")
    # the loader uses the parsed options as they are: given options it would refuse are not
    # read again (they are only recorded)
    carried = GoldsetSource(source.path, "conll", {"nme": "x"}, ConllOptions(name="y"))
    g = load_goldset(carried)
    assert g.name == "y" and g.options == {"nme": "x"}
