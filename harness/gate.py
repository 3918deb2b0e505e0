"""The regression gate: thresholds on scores, and the one rule that decides ``harness compare``'s
exit code.

Thresholds come from the command line (``--max-drop``, ``--min``) and from a config's ``gate:``
key; the command line wins. The rule:

- **No threshold given**: ``compare`` reports and never fails the gate, whatever changed
  (significant drops, extractors or metrics that appear or disappear are listed and warned about).
- **Thresholds given**: the gate fails (exit 7) when a metric a threshold applies to

  - dropped by more than its ``max_drop`` (per-metric, else the default one; with
    ``significant_only``, only a drop the paired bootstrap finds significant counts),
  - is below its ``min``,
  - or cannot be checked: it is missing from the new run, or not a number, while the baseline
    has it (this includes an extractor of the baseline that the new run lacks) - a score that
    disappears must not pass silently;

  and when a threshold names a metric that neither run has (a typo would otherwise disable it).
  The rows of slices (``--by``) are shown, never gated: a small slice's scores move a lot.
  A drop is judged in the metric's declared direction (``better: lower`` metrics fail when they
  rise); counts (``better: None``) have no drop. New extractors and new metrics never fail it.

Errors reading the runs (exit 6) come before the gate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import ConfigError, did_you_mean

GATE_KEYS = ("max_drop", "metrics", "significant_only")


class Row(Protocol):
    """What the gate reads of a row of a comparison (:class:`harness.compare.Row`)."""

    @property
    def title(self) -> str: ...
    @property
    def metric(self) -> str: ...
    @property
    def baseline(self) -> float | None: ...
    @property
    def new(self) -> float | None: ...
    @property
    def better(self) -> str | None: ...
    @property
    def loss(self) -> float | None: ...
    @property
    def verdict(self) -> str: ...


def _threshold(value: Any, where: str) -> float:
    """A finite number (not a boolean), else :class:`ConfigError` naming ``where``."""
    if type(value) not in (int, float) or not math.isfinite(value):
        raise ConfigError(f"{where}: expected a finite number, got {value!r}")
    return float(value)


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


@dataclass(frozen=True)
class Gate:
    """Regression thresholds: a default maximum drop, per-metric drops and minimum scores."""

    max_drop: float | None = None
    max_drops: dict[str, float] = field(default_factory=dict)
    minimums: dict[str, float] = field(default_factory=dict)
    significant_only: bool = False

    def __post_init__(self) -> None:
        values = [self.max_drop, *self.max_drops.values(), *self.minimums.values()]
        for v in values:
            if v is not None and not (type(v) in (int, float) and math.isfinite(v)):
                raise ConfigError(f"gate: thresholds must be finite numbers, got {v!r}")

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], where: str = "gate") -> Gate:
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: expected a mapping with keys {', '.join(GATE_KEYS)}")
        for key in raw:
            if key not in GATE_KEYS:
                raise ConfigError(
                    f"{where}: unknown key {key!r}.{did_you_mean(str(key), GATE_KEYS)}"
                    f" Known: {', '.join(GATE_KEYS)}"
                )
        drops: dict[str, float] = {}
        mins: dict[str, float] = {}
        metrics = raw.get("metrics") or {}
        if not isinstance(metrics, Mapping):
            raise ConfigError(f"{where}.metrics: expected a mapping of metric keys")
        for metric, spec in metrics.items():
            if not isinstance(spec, Mapping) or not set(spec) <= {"max_drop", "min"}:
                raise ConfigError(f"{where}.metrics.{metric}: expected {{max_drop: x, min: y}}")
            if "max_drop" in spec:
                what = f"{where}.metrics.{metric}.max_drop"
                drops[str(metric)] = _threshold(spec["max_drop"], what)
            if "min" in spec:
                mins[str(metric)] = _threshold(spec["min"], f"{where}.metrics.{metric}.min")
        md = raw.get("max_drop")
        significant = raw.get("significant_only", False)
        if not isinstance(significant, bool):
            raise ConfigError(f"{where}.significant_only: expected true or false")
        default = None if md is None else _threshold(md, f"{where}.max_drop")
        return cls(default, drops, mins, significant)

    @property
    def given(self) -> bool:
        """Whether any threshold is set (without one the gate never fails)."""
        return self.max_drop is not None or bool(self.max_drops) or bool(self.minimums)

    def metrics(self) -> list[str]:
        """The metrics named by per-metric thresholds."""
        return list(dict.fromkeys([*self.max_drops, *self.minimums]))

    def merged(self, other: Gate) -> Gate:
        """``other`` (command line) wins over ``self`` (config)."""
        return Gate(
            other.max_drop if other.max_drop is not None else self.max_drop,
            {**self.max_drops, **other.max_drops},
            {**self.minimums, **other.minimums},
            self.significant_only or other.significant_only,
        )

    def applies(self, metric: str) -> bool:
        return self.max_drop is not None or metric in self.max_drops or metric in self.minimums

    def check(self, rows: Sequence[Row], known: Iterable[str] = ()) -> list[str]:
        """Violations, one sentence each, naming extractor and metric. ``known``: the metric
        keys either run declares or has (a threshold on another metric is a violation)."""
        out = self._unknown(rows, known)
        for r in rows:
            if self.applies(r.metric) and not getattr(r, "slice", None):
                out += self._row(r)
        return out

    def _unknown(self, rows: Sequence[Row], known: Iterable[str]) -> list[str]:
        present = {r.metric for r in rows} | set(known)
        return [
            f"threshold on {m!r}, which neither run has.{did_you_mean(m, present)}"
            for m in self.metrics()
            if m not in present
        ]

    def _row(self, r: Row) -> list[str]:
        who = r.title
        if r.new is None:
            if r.baseline is None:
                return []
            return [f"{who}: {r.metric} is missing from the new run; the gate cannot check it"]
        if not math.isfinite(r.new):
            return [f"{who}: {r.metric} is not a number ({r.new}) in the new run"]
        out = []
        minimum = self.minimums.get(r.metric)
        if minimum is not None and not r.new >= minimum:
            out.append(f"{who}: {r.metric} = {r.new:.4f}, below the minimum {minimum}")
        limit = self.max_drops.get(r.metric, self.max_drop)
        if limit is None or r.baseline is None or r.better is None:
            return out
        if not _finite(r.baseline):
            return [*out, f"{who}: {r.metric} is not a number in the baseline ({r.baseline})"]
        if self.significant_only and r.verdict != "worse":
            return out
        loss = r.loss
        if loss is not None and loss > limit + 1e-12:
            moved = "dropped" if r.better == "higher" else "rose"
            out.append(
                f"{who}: {r.metric} {moved} by {loss:.4f} "
                f"({r.baseline:.4f} -> {r.new:.4f}), more than the allowed {limit}"
            )
        return out


def parse_thresholds(items: Sequence[str], option: str) -> tuple[float | None, dict[str, float]]:
    """``["0.01", "entities.strict.micro.f1=0.02"]`` -> (default 0.01, {metric: 0.02})."""
    default: float | None = None
    per: dict[str, float] = {}
    for item in items:
        metric, _, value = item.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(f"{option} {item!r}: expected a number or METRIC=NUMBER") from None
        if not math.isfinite(number):
            raise ConfigError(f"{option} {item!r}: not a finite number")
        if metric:
            per[metric] = number
        else:
            default = number
    return default, per
