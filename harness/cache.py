"""Prediction cache keyed by extractor name, version and options, and by document hash.

One JSONL file per extractor configuration, read once at the start of a run and rewritten
atomically at the end, so a cached re-run does one read instead of running the extractor.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from .atomic import write_jsonl
from .codec import prediction_from_dict, prediction_to_dict
from .model import Prediction, TextDoc


def extractor_key(name: str, version: str, options: Any) -> str:
    opts = asdict(options) if is_dataclass(options) else options
    canon = json.dumps([name, version, opts], sort_keys=True, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:20]


def doc_key(doc: TextDoc) -> str:
    return hashlib.sha256(f"{doc.id}\0{doc.text}".encode()).hexdigest()


class PredictionCache:
    """Cached predictions of one extractor configuration."""

    def __init__(self, folder: Path | None, name: str, version: str, options: Any) -> None:
        self.path = (
            None
            if folder is None
            else folder / f"{name}-{extractor_key(name, version, options)}.jsonl"
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
