"""The native format as a registered format: read a goldset folder, write one from any goldset.

A written goldset is self-contained: ``goldset.yaml``, one ``<id>.json`` per document and the
texts under ``texts/<id>.txt`` (``text_path`` is relative to the goldset folder, where the loader
looks first). Speaker registries, quote types, cues and speaker spans are all kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..codec import entity_to_dict, quote_to_dict
from ..errors import GoldsetError
from ..model import Document
from .base import safe_doc_id

if TYPE_CHECKING:
    from ..goldset import Goldset


@dataclass(frozen=True)
class NativeOptions:
    """The native format takes no options: everything is in ``goldset.yaml``."""


class NativeFormat:
    name = "harness"
    description = "native folder: goldset.yaml + one JSON per document (+ texts)"
    version = "1"
    label_scheme = "ontonotes"
    Options = NativeOptions

    def read(self, path: Path, options: Any) -> Iterator[Document]:
        from ..goldset import load_goldset

        return iter(load_goldset(path))

    def write(self, goldset: Goldset, path: Path, options: Any) -> Mapping[str, int]:
        if path.exists() and any(path.iterdir()):
            raise GoldsetError(f"{path}: output folder is not empty; choose a new folder")
        (path / "texts").mkdir(parents=True, exist_ok=True)
        stats = {"documents": 0, "entities": 0, "quotes": 0}
        seen: set[str] = set()
        for doc in goldset:
            if not safe_doc_id(doc.id) or doc.id in seen:
                raise GoldsetError(
                    f"document id {doc.id!r} cannot be a file name of the native format "
                    "(letters, digits, '.', '_', '-'; unique)"
                )
            seen.add(doc.id)
            _write_document(doc, path)
            stats["documents"] += 1
            stats["entities"] += len(doc.entities)
            stats["quotes"] += len(doc.quotes)
        manifest = {
            "name": goldset.name,
            "version": goldset.version,
            "description": goldset.description,
            "label_scheme": goldset.label_scheme,
            "labels": list(goldset.labels),
        }
        if goldset.guidelines:
            manifest["guidelines"] = goldset.guidelines
        (path / "goldset.yaml").write_text(
            yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        return stats


def _write_document(doc: Document, root: Path) -> None:
    raw = doc.text.encode("utf-8")
    text_path = f"texts/{doc.id}.txt"
    (root / text_path).write_bytes(raw)
    rec = {
        "id": doc.id,
        "text_path": text_path,
        "text_sha256": hashlib.sha256(raw).hexdigest(),
        "entities": [entity_to_dict(e) for e in doc.entities],
        "speakers": {
            s.id: {"name": s.name, "type": s.type, "aliases": list(s.aliases)} for s in doc.speakers
        },
        "quotes": [quote_to_dict(q) for q in doc.quotes],
    }
    (root / f"{doc.id}.json").write_text(
        json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
