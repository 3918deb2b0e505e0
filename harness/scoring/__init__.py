"""Pure scoring of predictions against gold annotations (no I/O, no plugins).

Score definitions: section 4 of the gold-format specification and ``docs/scores.md``.

- :func:`evaluate` scores predictions against gold documents in one call (what a notebook
  wants); the runner takes the same path a batch at a time (:class:`ScoringPlan`,
  :class:`Tally`).
- Per document, :func:`count_document` returns additive counts
  ``{key: (matched_score, n_pred, n_gold)}`` (:func:`score_document`: and the document's
  findings, what each gold and predicted item came to, :mod:`harness.scoring.findings`);
  :func:`summarise` sums them and returns flat scores such as ``entities.strict.micro.f1``;
  :func:`bootstrap` and :func:`paired_bootstrap` resample documents for confidence intervals
  and for comparing two runs.
- :mod:`harness.scoring.metrics` declares every score key once (:class:`Metric`);
  :class:`Score` is a score a plugin adds (hook ``register_scores``).
"""

from harness.scoring.bootstrap import bootstrap, paired_bootstrap, summarise_with_intervals
from harness.scoring.document import count_document, score_document
from harness.scoring.evaluate import Evaluation, Scored, ScoringPlan, Tally, evaluate
from harness.scoring.extra import Score
from harness.scoring.metrics import Metric, Metrics
from harness.scoring.prf import Counts, prf
from harness.scoring.summary import scores_from_totals, summarise

__all__ = [
    "Counts",
    "Evaluation",
    "Metric",
    "Metrics",
    "Score",
    "Scored",
    "ScoringPlan",
    "Tally",
    "bootstrap",
    "count_document",
    "evaluate",
    "paired_bootstrap",
    "prf",
    "score_document",
    "scores_from_totals",
    "summarise",
    "summarise_with_intervals",
]
