"""Pure scoring of predictions against gold annotations (no I/O, no plugins).

Score definitions: section 4 of the gold-format specification. Per document the runner calls
:func:`count_document`, which returns additive counts ``{key: (matched_score, n_pred, n_gold)}``;
:func:`summarise` sums them and returns flat scores such as ``entities.strict.micro.f1``;
:func:`bootstrap` and :func:`paired_bootstrap` resample documents for confidence intervals and
for comparing two runs; :func:`summarise_with_intervals` does both of the first two at once.
"""

from harness.scoring.bootstrap import bootstrap, paired_bootstrap, summarise_with_intervals
from harness.scoring.document import count_document
from harness.scoring.prf import Counts, prf
from harness.scoring.summary import scores_from_totals, summarise

__all__ = [
    "Counts",
    "bootstrap",
    "count_document",
    "paired_bootstrap",
    "prf",
    "scores_from_totals",
    "summarise",
    "summarise_with_intervals",
]
