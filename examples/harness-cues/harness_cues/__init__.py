"""harness-cues: a score a third party adds to the harness, through the ``register_scores`` hook.

``cues.accuracy``: over the gold quotes that have a cue ("said", "told reporters", ":") and are
matched by a predicted quote at overlap@0.3, the share whose predicted cue overlaps the gold cue.
It is computed for every extractor that does the ``quotes`` task, gets a bootstrap interval, a
column in ``harness eval``'s table and the report, and a row in ``harness compare``.

Per document the score returns additive counts, ``{"cues": (right, evaluated, evaluated)}``
(``(matched, n_pred, n_gold)`` like every count of the harness); the summary turns the summed
counts into the accuracy, with numpy so that it works on one value and on every bootstrap
replicate at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from harness import hookimpl
from harness.model import Document, Prediction, Span
from harness.scoring import Counts, Metric, Score
from harness.scoring.quotes import match_quotes


def _overlap(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and min(a.end, b.end) > max(a.start, b.start)


def count_cues(gold: Document, pred: Prediction) -> Counts:
    """Counts of one document: gold quotes with a cue matched at overlap@0.3, and how many of
    them got a predicted cue that overlaps the gold one."""
    pairs = match_quotes(gold.text, gold.quotes, pred.quotes)["overlap@0.3"]
    evaluated = [(g, p) for g, p in pairs if g.cue is not None]
    right = sum(_overlap(g.cue, p.cue) for g, p in evaluated)
    return {"cues": (float(right), float(len(evaluated)), float(len(evaluated)))}


def summarise_cues(totals: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict:
    """Accuracy = right / evaluated (NaN, i.e. undefined, when nothing was evaluated)."""
    right, evaluated, _ = totals["cues"]
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(evaluated > 0, right / evaluated, np.nan)
    return {"cues.accuracy": accuracy, "cues.n_matched": evaluated}


CUES = Score(
    name="cues",
    task="quotes",
    count=count_cues,
    summarise=summarise_cues,
    metrics=(
        Metric(
            "cues.accuracy",
            "quotes",
            "cue accuracy",
            "Share of gold quotes with a cue, matched at overlap@0.3, whose predicted cue "
            "overlaps the gold cue.",
            headline=True,
        ),
        Metric(
            "cues.n_matched",
            "quotes",
            "quotes with a cue matched",
            "Gold quotes with a cue matched at overlap@0.3 (the accuracy's denominator).",
            better=None,
        ),
    ),
)


@hookimpl
def register_scores(register: Callable[[Score], None]) -> None:
    register(CUES)
