"""Extractor diagnostics of a run: per-document numbers summed into run totals.

An extractor reports ``Prediction.diagnostics`` (or ``ExtractorError.diagnostics`` for a document
it failed on): ``{name: number}`` about how the prediction was made — generated items it could not
place in the text, tokens spent, requests retried. Nothing here is LLM-specific and nothing is
scored. The runner feeds every document's diagnostics to a :class:`DiagnosticsTally`, which gives
the ``diagnostics`` section of an extractor in ``results.json``::

    "diagnostics": {
      "rates":    {rate: [numerator, denominator]},   # as declared by the extractor
      "total":    {name: sum over every document, rate: numerator / denominator},
      "this_run": {the same over the documents extracted in this run, not read from the cache},
      "per_document": {doc_id: {name: value, rate: value}}   # only documents that reported any
    }

Rates are the ratios the extractor declares in ``Extractor.diagnostic_rates``
(``{"unaligned_rate": ("unaligned", "generated")}``); a rate whose denominator is 0 is left out.
The section is absent when the extractor reported no diagnostics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def with_rates(
    values: Mapping[str, float], rates: Mapping[str, tuple[str, str]]
) -> dict[str, float]:
    """``values`` plus each declared rate whose denominator is present and not 0."""
    out = {k: _tidy(v) for k, v in values.items()}
    for name, (num, den) in rates.items():
        if values.get(den):
            out[name] = round(values.get(num, 0) / values[den], 6)
    return out


def _tidy(v: float) -> float:
    """Integral floats as ints (token counts read back from JSON), others rounded."""
    return int(v) if float(v).is_integer() else round(v, 6)


@dataclass
class DiagnosticsTally:
    """Diagnostics of one extractor's run, document by document."""

    rates: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    per_document: dict[str, dict[str, float]] = field(default_factory=dict)
    total: Counter[str] = field(default_factory=Counter)
    this_run: Counter[str] = field(default_factory=Counter)

    def add(self, doc_id: str, diagnostics: Mapping[str, float], fresh: bool) -> None:
        """Count one document's diagnostics; ``fresh``: extracted now, not read from the cache."""
        if not diagnostics:
            return
        self.per_document[doc_id] = dict(diagnostics)
        self.total.update(diagnostics)
        if fresh:
            self.this_run.update(diagnostics)

    def __bool__(self) -> bool:
        return bool(self.per_document)

    def to_dict(self) -> dict[str, Any]:
        """The ``diagnostics`` section of ``results.json`` (empty when nothing was reported)."""
        if not self.per_document:
            return {}
        return {
            "rates": {k: list(v) for k, v in self.rates.items()},
            "total": with_rates(self.total, self.rates),
            "this_run": with_rates({k: self.this_run[k] for k in self.total}, self.rates),
            "per_document": {d: with_rates(v, self.rates) for d, v in self.per_document.items()},
        }
