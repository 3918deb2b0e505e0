"""The ``replay`` extractor: predictions read from a JSONL file.

Each line is ``{"doc_id": ..., "entities": [...], "quotes": [...]}`` in the gold span format
(``id`` is accepted for ``doc_id``). The ``predictions.jsonl`` a run writes has this shape too
(with an ``extractor`` field; choose one with the ``extractor`` option), so any run can be replayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .codec import read_predictions
from .errors import ConfigError, ExtractorError
from .extractors import Extractor
from .model import Prediction, TextDoc


@dataclass(frozen=True)
class ReplayOptions:
    #: JSONL file of predictions (relative paths are relative to the working directory).
    path: str
    #: Keep only lines whose ``extractor`` field equals this (for a run's predictions.jsonl).
    extractor: str | None = None
    #: What to do with a document that has no line: ``error`` (default) or ``empty``.
    missing: Literal["error", "empty"] = "error"
    #: Label scheme of the replayed entities.
    label_scheme: str = "ontonotes"


class Replay(Extractor):
    name = "replay"
    version = "1.0"
    tasks = frozenset({"entities", "quotes", "speakers"})
    Options = ReplayOptions

    def setup(self) -> None:
        path = Path(self.options.path)
        if not path.is_file():
            raise ConfigError(f"replay: predictions file {str(path)!r} does not exist")
        self._preds: dict[str, Prediction] = {}

        def error(message: str) -> ConfigError:
            return ConfigError(f"replay: {message}")

        for lineno, rec, pred in read_predictions(path, error):
            if self.options.extractor and rec.get("extractor") != self.options.extractor:
                continue
            if pred.doc_id in self._preds:
                raise ConfigError(
                    f"replay: {path}, line {lineno}: duplicate doc_id {pred.doc_id!r}"
                )
            self._preds[pred.doc_id] = pred

    def extract(self, docs: Sequence[TextDoc]) -> Iterable[Prediction]:
        for doc in docs:
            pred = self._preds.get(doc.id)
            if pred is None:
                if self.options.missing == "error":
                    raise ExtractorError(
                        self.name,
                        doc.id,
                        f"no predictions for this document in {self.options.path}",
                    )
                pred = Prediction(doc.id)
            yield pred
