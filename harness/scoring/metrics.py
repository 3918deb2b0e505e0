"""Metric declarations: every score key the harness reports, declared once.

A :class:`Metric` says what a flat score key means: its task, its column title, whether it is a
*headline* score (shown in the terminal table, the report's headline table and chart, compared
by ``harness compare`` and gated by default, and given a bootstrap interval), which direction is
better, and a one-line description. Everything that shows or judges scores reads these
declarations, never its own list:

- the runner gives bootstrap intervals to the headline metrics of the tasks it evaluates;
- ``harness eval``'s table (:mod:`harness.render`), the HTML and Markdown report
  (:mod:`harness.report.tables`) and ``harness compare`` take their columns and rows from them;
- ``results.json`` records the declarations of the run (``"metrics"``), so a report or a
  comparison of a saved run shows a plugin's scores even where the plugin is not installed;
- ``docs/scores.md`` carries the table made by :func:`markdown_table` (a test checks it).

The built-in declarations are :data:`BUILTIN`; a plugin adds its own with the scores it
registers (:class:`harness.scoring.extra.Score`, hook ``register_scores``). Keys with a
placeholder (``<LABEL>``, ``<type>``) declare a family: one key per entity label or quote type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from harness.scoring.entities import SCHEMES
from harness.scoring.quotes import QUOTE_METRICS

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Metric:
    """The declaration of one score key (or of a family of keys, with a ``<placeholder>``)."""

    #: The flat score key, as in ``results.json``: ``entities.strict.micro.f1``.
    key: str
    #: The task that produces it: ``entities``, ``quotes`` or ``speakers``.
    task: str
    #: Column title in tables and charts.
    title: str
    #: One sentence: what the number is.
    description: str
    #: Shown in the headline tables, compared and gated by default, given a bootstrap interval.
    headline: bool = False
    #: Which direction is an improvement; ``None`` for counts, which are neither.
    better: Better | None = "higher"

    def __post_init__(self) -> None:
        if self.better not in ("higher", "lower", None):
            raise ValueError(f"metric {self.key!r}: better must be 'higher', 'lower' or None")
        if self.headline and self.better is None:
            raise ValueError(f"metric {self.key!r}: a headline metric needs a better direction")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "key"}

    @classmethod
    def from_dict(cls, key: str, raw: Mapping[str, Any]) -> Metric:
        fields = ("task", "title", "description", "headline", "better")
        return cls(key, **{k: raw[k] for k in fields if k in raw})


def _prf(key: str, task: str, title: str, what: str, headline: Sequence[str] = ()) -> list[Metric]:
    """Precision, recall and F1 of ``key``; the parts in ``headline`` are headline metrics."""
    names = {"p": "precision", "r": "recall", "f1": "F1"}
    return [
        Metric(
            f"{key}.{part}",
            task,
            f"{title} {'F1' if part == 'f1' else part.upper()}",
            f"{names[part].capitalize()} of {what}.",
            headline=part in headline,
        )
        for part in ("p", "r", "f1")
    ]


def _count(key: str, task: str, title: str, description: str) -> Metric:
    return Metric(key, task, title, description, better=None)


_SCHEME_WHAT = {
    "strict": "entities with the same start, end and label",
    "exact": "entities with the same start and end, any label",
    "partial": "overlapping entities, any label (0.5 for other boundaries)",
    "type": "overlapping entities with the same label",
}
_QUOTE_WHAT = {
    "exact": "quotes with the same span after trimming spaces, punctuation and quote marks",
    "overlap@0.3": "quotes that cover at least 30% of a gold quote",
    "overlap@0.8": "quotes that cover at least 80% of a gold quote",
}


def _entity_metrics() -> list[Metric]:
    out: list[Metric] = []
    for scheme in SCHEMES:
        out += _prf(
            f"entities.{scheme}.micro",
            "entities",
            f"entities {scheme}",
            f"{_SCHEME_WHAT[scheme]}, summed over labels (micro average)",
            ("f1",) if scheme in ("strict", "partial") else (),
        )
    for scheme in SCHEMES:
        out += _prf(
            f"entities.{scheme}.macro",
            "entities",
            "entities macro" if scheme == "strict" else f"entities {scheme} macro",
            f"{_SCHEME_WHAT[scheme]}, mean over the labels present in gold or predictions "
            "(macro average)",
            ("f1",) if scheme == "strict" else (),
        )
    for scheme in SCHEMES:
        out += _prf(
            f"entities.{scheme}.<LABEL>",
            "entities",
            f"{scheme} <LABEL>",
            f"{_SCHEME_WHAT[scheme]}, for one label (recall over its gold entities, precision "
            "over its predictions)",
        )
    return [
        *out,
        _count("entities.n_gold", "entities", "gold entities", "Gold entities scored."),
        _count("entities.n_pred", "entities", "predicted entities", "Predicted entities scored."),
        _count(
            "entities.n_ignored",
            "entities",
            "ignored entities",
            "Predicted entities with a label outside the scored labels that reached "
            "count_document; 0 in a run and in evaluate(), which leave them out before "
            "counting (results.json counts them under counts.ignored_prediction_labels).",
        ),
        _count("entities.<LABEL>.n_gold", "entities", "gold <LABEL>", "Gold entities of a label."),
        _count(
            "entities.<LABEL>.n_pred",
            "entities",
            "predicted <LABEL>",
            "Predicted entities of a label.",
        ),
    ]


def _quote_metrics() -> list[Metric]:
    out: list[Metric] = []
    for metric in QUOTE_METRICS:
        out += _prf(f"quotes.{metric}", "quotes", f"quotes {metric}", _QUOTE_WHAT[metric], ("f1",))
        out += _prf(
            f"quotes.{metric}.<type>",
            "quotes",
            f"{metric} <type>",
            f"{_QUOTE_WHAT[metric]}, for one quote type",
        )
    return [
        *out,
        _count("quotes.n_gold", "quotes", "gold quotes", "Gold quotes scored."),
        _count("quotes.n_pred", "quotes", "predicted quotes", "Predicted quotes scored."),
        _count("quotes.<type>.n_gold", "quotes", "gold <type>", "Gold quotes of a type."),
        _count("quotes.<type>.n_pred", "quotes", "predicted <type>", "Predicted quotes of a type."),
    ]


def _speaker_metrics() -> list[Metric]:
    return [
        Metric(
            "speakers.accuracy",
            "speakers",
            "speaker accuracy",
            "Share of gold quotes matched at overlap@0.3, whose speaker is known, that were "
            "given the right speaker.",
            headline=True,
        ),
        _count(
            "speakers.n_matched",
            "speakers",
            "quotes matched",
            "Gold quotes with a known speaker matched at overlap@0.3 (accuracy's denominator).",
        ),
        *_prf(
            "attribution",
            "speakers",
            "attribution",
            "predicted quotes matched at overlap@0.3 with the right speaker (end to end)",
            ("f1",),
        ),
    ]


#: Every score key the core computes, in the order tables show them.
BUILTIN: tuple[Metric, ...] = (*_entity_metrics(), *_quote_metrics(), *_speaker_metrics())

#: The order of the headline metrics: entities, quotes, speakers, then plugins' in their order.
_TASK_ORDER = ("entities", "quotes", "speakers")


class Metrics(Sequence[Metric]):
    """An ordered set of declarations, looked up by key (families match their instances)."""

    def __init__(self, declarations: Iterable[Metric] = BUILTIN) -> None:
        self._items: dict[str, Metric] = {}
        for m in declarations:
            if m.key in self._items and self._items[m.key] != m:
                raise ValueError(f"metric {m.key!r} is declared twice, differently")
            self._items[m.key] = m
        self._families = [(m.key.split("."), m) for m in self._items.values() if "<" in m.key]

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: int) -> Metric:  # type: ignore[override]
        return list(self._items.values())[i]

    def __iter__(self) -> Any:
        return iter(self._items.values())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str) -> Metric | None:
        """The declaration of ``key`` (of its family for a per-label or per-type key)."""
        found = self._items.get(key)
        if found is not None:
            return found
        parts = key.split(".")
        for pattern, m in self._families:
            if len(pattern) == len(parts) and all(
                p == q or p.startswith("<") for p, q in zip(pattern, parts, strict=True)
            ):
                return m
        return None

    def better(self, key: str) -> Better | None:
        """Which direction is better for ``key`` (``higher`` for a key nobody declared)."""
        m = self.get(key)
        return "higher" if m is None else m.better

    def headline(self, tasks: Iterable[str] | None = None) -> list[Metric]:
        """The headline metrics of ``tasks`` (all tasks when ``None``), in table order."""
        wanted = None if tasks is None else set(tasks)
        found = [m for m in self if m.headline and (wanted is None or m.task in wanted)]
        rank = {t: i for i, t in enumerate(_TASK_ORDER)}
        return sorted(found, key=lambda m: rank.get(m.task, len(rank)))

    def headline_keys(self, tasks: Iterable[str] | None = None) -> list[str]:
        return [m.key for m in self.headline(tasks)]

    def for_tasks(self, tasks: Iterable[str]) -> Metrics:
        wanted = set(tasks)
        return Metrics(m for m in self if m.task in wanted)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``{key: declaration}`` as recorded in ``results.json``."""
        return {m.key: m.to_dict() for m in self}

    @classmethod
    def from_results(cls, results: Mapping[str, Any]) -> Metrics:
        """The declarations a results file recorded (older files: the built-in ones)."""
        recorded = results.get("metrics")
        if not isinstance(recorded, Mapping) or not recorded:
            return cls(BUILTIN)
        return cls(Metric.from_dict(k, v) for k, v in recorded.items())

    def merged(self, other: Iterable[Metric]) -> Metrics:
        return Metrics([*self, *(m for m in other if m.key not in self._items)])


def markdown_table(metrics: Iterable[Metric] = BUILTIN) -> str:
    """The declarations as a Markdown table (the one in ``docs/scores.md``)."""
    lines = [
        "| key | task | headline | better | description |",
        "|---|---|---|---|---|",
    ]
    for m in metrics:
        lines.append(
            f"| `{m.key}` | {m.task} | {'yes' if m.headline else ''} | {m.better or ''} "
            f"| {m.description} |"
        )
    return "\n".join(lines) + "\n"
