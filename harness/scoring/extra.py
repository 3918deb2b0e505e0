"""Scores added next to the built-in ones, by a plugin (hook ``register_scores``) or by a caller.

A :class:`Score` is three things:

- ``count(gold, prediction) -> counts``: the additive counts of one document,
  ``{key: (matched, n_pred, n_gold)}``, every key ``name`` or starting with ``name + "."``.
  The gold carries the labels the run scores (after the gold label map) and the prediction
  only the scored labels and tasks, exactly what the built-in scorers see;
- ``summarise(totals) -> scores``: the scores from the counts summed over documents. ``totals``
  maps each of the score's count keys to ``(matched, n_pred, n_gold)`` numpy arrays - one value
  for the run, or one per bootstrap replicate - so use array arithmetic (``numpy.where``), not
  ``if``. The default, :func:`prf_summary`, gives ``<count key>.p``, ``.r`` and ``.f1`` of
  every count key. A NaN score is *undefined* and left out of the results;
- ``metrics``: the :class:`~harness.scoring.metrics.Metric` declaration of every score key it
  produces; headline ones get bootstrap intervals, a column in ``harness eval``'s table, the
  report and ``harness compare``.

Counts must be additive over documents: that is what makes micro-averaging, the document
bootstrap and ``harness compare``'s paired bootstrap work without re-running anything.
The object is pickled when scoring runs in a worker process: define it at module level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from harness.model import TASKS, Document, Prediction
from harness.scoring.metrics import Metric
from harness.scoring.prf import Counts, FloatArray, prf_arrays

Totals = Mapping[str, tuple[FloatArray, FloatArray, FloatArray]]
#: Prefixes of the built-in scores, which a plugin's score may not use.
RESERVED: tuple[str, ...] = ("entities", "quotes", "speakers", "attribution")


def prf_summary(totals: Totals) -> dict[str, FloatArray]:
    """Precision, recall and F1 of every count key (``key.p``, ``key.r``, ``key.f1``)."""
    out: dict[str, FloatArray] = {}
    for key, (score, n_pred, n_gold) in totals.items():
        out[f"{key}.p"], out[f"{key}.r"], out[f"{key}.f1"] = prf_arrays(
            score, n_pred, score, n_gold
        )
    return out


@dataclass(frozen=True)
class Score:
    """A score computed next to the built-in ones; see the module's documentation."""

    #: Prefix of every count key and score key it produces (``cues`` -> ``cues.accuracy``).
    name: str
    #: Computed when the run evaluates this task (and the extractor supports it).
    task: str
    #: ``(gold document, prediction) -> {key: (matched, n_pred, n_gold)}``.
    count: Callable[[Document, Prediction], Counts]
    #: Declarations of the score keys ``summarise`` returns.
    metrics: tuple[Metric, ...]
    #: Summed counts -> scores (arrays in, arrays out).
    summarise: Callable[[Totals], Mapping[str, FloatArray]] = prf_summary

    def __post_init__(self) -> None:
        problems = check_score(self)
        if problems:
            raise ValueError(f"score {self.name!r}: " + "; ".join(problems))

    def owns(self, key: str) -> bool:
        return key == self.name or key.startswith(self.name + ".")

    def count_checked(self, gold: Document, pred: Prediction) -> Counts:
        """``count`` of one document, refusing keys outside the score's name."""
        counts = self.count(gold, pred)
        stray = [k for k in counts if not self.owns(k)]
        if stray:
            raise ValueError(
                f"score {self.name!r} counted keys outside its name on document "
                f"{gold.id!r}: {stray[:3]}"
            )
        return counts

    def scores(self, totals: Totals) -> Mapping[str, FloatArray]:
        """``summarise`` of this score's own count keys (none counted: no scores)."""
        own = {k: v for k, v in totals.items() if self.owns(k)}
        return self.summarise(own) if own else {}


def check_score(score: Score) -> list[str]:
    """Problems with a score's declaration, as sentences (empty when it is fine)."""
    problems = []
    if not score.name or not score.name.replace("_", "").replace("-", "").isalnum():
        problems.append("the name must be a word (letters, digits, '_' or '-')")
    if score.name in RESERVED:
        problems.append(f"{score.name!r} is a built-in score's prefix")
    if score.task not in TASKS:
        problems.append(f"unknown task {score.task!r} (expected one of {list(TASKS)})")
    if not score.metrics:
        problems.append("it declares no metrics")
    for m in score.metrics:
        if not score.owns(m.key):
            problems.append(f"metric {m.key!r} does not start with {score.name + '.'!r}")
        if m.task != score.task:
            problems.append(f"metric {m.key!r} has task {m.task!r}, the score {score.task!r}")
    return problems


def count_extra(
    gold: Document, pred: Prediction, tasks: Sequence[str], scores: Sequence[Score]
) -> Counts:
    """The counts of every score in ``scores`` whose task is among ``tasks``."""
    counts: Counts = {}
    for score in scores:
        if score.task in tasks:
            counts.update(score.count_checked(gold, pred))
    return counts
