"""A whole goldset format in one file: the proof of docs/architecture.md, "Add a goldset format".

No other module of the repository knows this format. It is registered through the
``register_goldset_formats`` hook, as a third party's plugin would be, and read by
``load_goldset``, ``harness validate`` and ``harness eval`` like the built-in formats.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from harness import builtin, hookimpl
from harness.cli import app
from harness.errors import GoldsetError, Problems
from harness.formats.base import CommonOptions, Format
from harness.goldset import load_goldset
from harness.model import Document, Entity
from harness.plugins import reset_plugins

# ---- the format: all a plugin module holds ---------------------------------------------------

MARK = re.compile(r"\[([^\[\]]+)\]\(([A-Za-z_]+)\)")


@dataclass(frozen=True)
class InlineOptions(CommonOptions):
    #: What separates a document's id from its text.
    separator: str = "\t"


class InlineFormat(Format):
    """One document a line, ``ID<TAB>text``, entities marked in the text: ``[Ana Berg](PER)``."""

    name = "inline"
    description = "one document a line, entities marked [like this](LABEL)"
    label_scheme = "conll"
    Options = InlineOptions

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        problems = Problems(path)
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                doc_id, sep, marked = line.rstrip("\n").partition(options.separator)
                if not sep:
                    problems.add(path, n, f"expected an id, {options.separator!r} and a text")
                    continue
                text, entities = unmark(marked)
                yield Document(doc_id, text, entities)
        problems.raise_if_any()


def unmark(marked: str) -> tuple[str, tuple[Entity, ...]]:
    """The text without the marks, and an entity for each mark."""
    parts: list[str] = []
    entities: list[Entity] = []
    last = length = 0
    for m in MARK.finditer(marked):
        parts += [marked[last : m.start()], m[1]]
        length += m.start() - last
        entities.append(Entity(length, length + len(m[1]), m[2]))
        length += len(m[1])
        last = m.end()
    parts.append(marked[last:])
    return "".join(parts), tuple(entities)


class InlinePlugin:  # in a plugin package: module-level hooks and an entry point
    @staticmethod
    @hookimpl
    def register_goldset_formats(register: Callable[[str, Any], None]) -> None:
        register(InlineFormat.name, InlineFormat())


# ---- its tests --------------------------------------------------------------------------------

GOLD = "d1\t[Ana Berg](PER) flew to [Oslo](LOC).\nd2\tThe [UN](ORG) met.\n"


@pytest.fixture
def gold(tmp_path: Path, builtin_only: None) -> Path:
    reset_plugins([("core", builtin), ("inline", InlinePlugin)])
    path = tmp_path / "gold.txt"
    path.write_text(GOLD, encoding="utf-8")
    return path


def test_load_goldset_reads_the_new_format(gold: Path) -> None:
    g = load_goldset(gold, "inline", {"name": "demo"})
    assert (g.name, g.format, g.label_scheme, len(g)) == ("demo", "inline", "conll", 2)
    d1 = g.documents[0]
    assert d1.text == "Ana Berg flew to Oslo."
    assert [(e.text, e.label) for e in d1.entities] == [("Ana Berg", "PER"), ("Oslo", "LOC")]
    assert g.labels == ("PER", "ORG", "LOC", "MISC")  # the conll scheme's: declared by the format


def test_problems_name_the_line_and_the_core_checks_apply(gold: Path) -> None:
    gold.write_text("d1 [Ana](PER) no tab\nd2\t[Oslo](PLACE)\n", encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"gold\.txt, line 1: expected an id"):
        load_goldset(gold, "inline")
    gold.write_text("d2\t[Oslo](PLACE)\n", encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"document 'd2': entity PLACE 0..4: unknown label"):
        load_goldset(gold, "inline")


def test_harness_validate_and_eval_use_it(gold: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["validate", str(gold), "--format", "inline"])
    assert res.exit_code == 0 and "2 documents, 3 entities" in res.output, res.output
    preds = tmp_path / "preds.jsonl"
    lines = [  # Ana Berg right, Oslo missed, UN right: P 2/2, R 2/3
        {"doc_id": "d1", "entities": [{"start": 0, "end": 8, "label": "PER"}]},
        {"doc_id": "d2", "entities": [{"start": 4, "end": 6, "label": "ORG"}]},
    ]
    preds.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    config = {
        "goldset": {"format": "inline", "path": gold.name, "name": "demo"},
        "tasks": ["entities"],
        "output": "run",
        "cache": False,
        "bootstrap": {"samples": 0},
        "extractors": [
            {"name": "replay", "options": {"path": str(preds), "label_scheme": "conll"}}
        ],
    }
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    res = runner.invoke(app, ["eval", "-c", str(tmp_path / "run.yaml"), "-q"])
    assert res.exit_code == 0, res.output
    results = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert results["goldset"]["format"] == "inline" and results["goldset"]["name"] == "demo"
    assert results["extractors"]["replay"]["scores"]["entities.strict.micro.f1"] == pytest.approx(
        0.8
    )
