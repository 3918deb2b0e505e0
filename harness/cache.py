"""Prediction cache keyed by extractor name, version, options and code, and by document hash.

The code is a hash of the Python sources of the package that defines the extractor, so editing
an extractor (say, in an editable install) misses the cache even when nobody bumped its version.

One JSONL file per extractor configuration, read once at the start of a run and rewritten
atomically at the end, so a cached re-run does one read instead of running the extractor.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .atomic import write_jsonl
from .codec import prediction_from_dict, prediction_to_dict
from .model import Prediction, TextDoc


def extractor_key(name: str, version: str, options: Any, code: str = "") -> str:
    opts = asdict(options) if is_dataclass(options) else options
    canon = json.dumps([name, version, opts, code], sort_keys=True, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:20]


@cache
def code_fingerprint(module: str) -> str:
    """sha256 over the ``.py`` files of the top-level package of ``module`` (or of the module's
    own file when it is not in a package); empty when the sources cannot be found."""
    top = sys.modules.get(module.split(".")[0])
    files: list[Path] = []
    if top is not None and getattr(top, "__path__", None):
        for folder in top.__path__:
            files += sorted(Path(folder).rglob("*.py"))
    elif top is not None and getattr(top, "__file__", None):
        files = [Path(top.__file__)]
    h = hashlib.sha256()
    for f in files:
        try:
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        except OSError:
            continue
    return h.hexdigest() if files else ""


def doc_key(doc: TextDoc) -> str:
    return hashlib.sha256(f"{doc.id}\0{doc.text}".encode()).hexdigest()


class PredictionCache:
    """Cached predictions of one extractor configuration."""

    def __init__(
        self, folder: Path | None, name: str, version: str, options: Any, code: str = ""
    ) -> None:
        self.path = (
            None
            if folder is None
            else folder / f"{name}-{extractor_key(name, version, options, code)}.jsonl"
        )
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        if self.path is not None and self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                    self._entries[rec["key"]] = rec["prediction"]
                except (ValueError, KeyError, TypeError):
                    continue  # a damaged cache line only costs a re-run of that document

    def get(self, doc: TextDoc) -> Prediction | None:
        if not self._entries:  # no cache, or an empty one: nothing to hash the document for
            return None
        rec = self._entries.get(doc_key(doc))
        return None if rec is None else prediction_from_dict(rec)

    def put(self, doc: TextDoc, pred: Prediction) -> None:
        if self.path is not None:
            self._entries[doc_key(doc)] = prediction_to_dict(pred)
            self._dirty = True

    def save(self) -> None:
        if self.path is not None and self._dirty:
            write_jsonl(self.path, ({"key": k, "prediction": v} for k, v in self._entries.items()))
            self._dirty = False
