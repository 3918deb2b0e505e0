"""Compare two runs: differences, paired-bootstrap significance, and a regression gate.

Runs are results files (``results.json``) as written by ``harness eval``; they keep per-document
counts, so a comparison resamples the same documents for both runs (paired bootstrap) without
re-running anything. Runs that are not comparable (other goldset version or hash, other tasks,
other label scheme) are refused unless forced.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, ResultsError
from .results import RESULTS_FILE, read_results
from .scoring import Metrics, Score, paired_bootstrap
from .scoring.metrics import BUILTIN, Better

ALPHA = 0.05


@dataclass(frozen=True)
class Row:
    extractor: str
    metric: str
    baseline: float | None
    new: float | None
    p_value: float | None = None
    #: Which direction is an improvement (from the metric's declaration; ``None``: a count).
    better: Better | None = "higher"

    @property
    def diff(self) -> float | None:
        if self.baseline is None or self.new is None:
            return None
        return self.new - self.baseline

    @property
    def loss(self) -> float | None:
        """How much worse the new run is (negative when it improved; ``None`` for a count)."""
        d = self.diff
        if d is None or self.better is None:
            return None
        return -d if self.better == "higher" else d

    @property
    def verdict(self) -> str:
        """``better`` / ``worse`` (significant at ALPHA), ``unchanged``, ``not significant``,
        ``changed`` (a count), ``new`` or ``gone``."""
        if self.baseline is None:
            return "new"
        if self.new is None:
            return "gone"
        if abs(self.diff or 0.0) < 1e-12:
            return "unchanged"
        if self.loss is None:
            return "changed"
        if self.p_value is not None and self.p_value < ALPHA:
            return "better" if self.loss < 0 else "worse"
        return "not significant"


@dataclass
class Comparison:
    baseline_path: str
    new_path: str
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline_path,
            "new": self.new_path,
            "rows": [{**asdict(r), "diff": r.diff, "verdict": r.verdict} for r in self.rows],
            "warnings": self.warnings,
            "gate": {"passed": not self.violations, "violations": self.violations},
        }


def resolve_run(path: str | Path) -> Path:
    """A results file, a run folder holding results.json, or a folder of run folders (latest)."""
    p = Path(path)
    if p.is_file():
        return p
    if (p / RESULTS_FILE).is_file():
        return p / RESULTS_FILE
    if p.is_dir():
        found = sorted(p.glob(f"*/{RESULTS_FILE}"), key=lambda f: f.stat().st_mtime)
        if found:
            return found[-1]
    raise ResultsError(f"no results found at {str(p)!r} (expected a results.json or a run folder)")


def comparability_problems(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Why two results cannot be compared (empty when they can)."""
    problems = []
    ga, gb = a["goldset"], b["goldset"]
    for key in ("name", "version", "sha256"):
        if ga.get(key) != gb.get(key):
            problems.append(f"goldset {key} differs: {ga.get(key)!r} vs {gb.get(key)!r}")
    if sorted(a["tasks"]) != sorted(b["tasks"]):
        problems.append(f"tasks differ: {a['tasks']} vs {b['tasks']}")
    for label in sorted(set(a["extractors"]) & set(b["extractors"])):
        ea, eb = a["extractors"][label], b["extractors"][label]
        for key in ("label_scheme", "gold_label_map", "labels"):
            if ea.get(key) != eb.get(key):
                problems.append(
                    f"extractor {label!r}: {key} differs: {ea.get(key)!r} vs {eb.get(key)!r}"
                )
    return problems


def _per_doc(ex: Mapping[str, Any], doc_ids: Sequence[str]) -> list[dict[str, tuple]]:
    docs = ex["per_document"]
    return [{k: tuple(v) for k, v in docs[d].items()} for d in doc_ids]


def _computable(keys: Sequence[str], extra: Sequence[Score]) -> list[str]:
    """The keys the paired bootstrap can recompute from counts: built-in ones, and those of the
    installed plugins' scores (a results file may carry scores of a plugin not installed here)."""
    builtin = Metrics(BUILTIN)
    return [k for k in keys if k in builtin or any(s.owns(k) for s in extra)]


def _installed_scores() -> list[Score]:
    from .plugins import get_plugins

    return [s for _, s in get_plugins().scores.items()]


def _p_values(
    label: str, ea: Mapping[str, Any], eb: Mapping[str, Any], keys: Sequence[str],
    samples: int, seed: int, warnings: list[str],
) -> dict[str, float]:  # fmt: skip
    """Paired-bootstrap p-values of ``keys`` for one extractor present in both runs."""
    docs_a, docs_b = set(ea["per_document"]), set(eb["per_document"])
    if docs_a != docs_b:
        warnings.append(f"{label}: the runs scored different documents; no p-values")
        return {}
    extra = _installed_scores()
    sa, sb = ea["scores"], eb["scores"]
    usable = _computable([k for k in keys if k in sa and k in sb], extra)
    order = sorted(docs_a)
    return paired_bootstrap(
        _per_doc(ea, order), _per_doc(eb, order), usable, eb.get("labels", []),
        n=samples, seed=seed, extra=extra,
    )  # fmt: skip


def compare_results(
    baseline: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    metrics: Sequence[str] | None = None,
    force: bool = False,
    samples: int = 1000,
    seed: int = 0,
) -> tuple[list[Row], list[str]]:
    """Rows for every headline metric (as either results file declares them, plugins' scores
    included) or every one of ``metrics``, of every extractor in either run, and warnings."""
    warnings = _comparable(baseline, new, force)
    declared = Metrics.from_results(new).merged(Metrics.from_results(baseline))
    rows: list[Row] = []
    for label in sorted(set(baseline["extractors"]) | set(new["extractors"])):
        pair = baseline["extractors"].get(label), new["extractors"].get(label)
        rows += _rows(label, pair, declared, metrics, samples, seed, warnings)
    return rows, warnings


def _rows(
    label: str, pair: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None],
    declared: Metrics, metrics: Sequence[str] | None, samples: int, seed: int,
    warnings: list[str],
) -> list[Row]:  # fmt: skip
    """The rows of one extractor, present in the baseline, the new run or both."""
    ea, eb = pair
    tasks = (eb or ea or {}).get("tasks", [])
    keys = list(metrics) if metrics else declared.headline_keys(tasks)
    sa = ea["scores"] if ea else {}
    sb = eb["scores"] if eb else {}
    pvals = {}
    if ea and eb and samples:
        pvals = _p_values(label, ea, eb, keys, samples, seed, warnings)
    return [
        Row(label, k, sa.get(k), sb.get(k), pvals.get(k), declared.better(k))
        for k in keys
        if k in sa or k in sb
    ]


def _comparable(baseline: Mapping[str, Any], new: Mapping[str, Any], force: bool) -> list[str]:
    """Warnings of a forced comparison; raises :class:`ResultsError` for runs that are not
    comparable unless ``force``."""
    problems = comparability_problems(baseline, new)
    if problems and not force:
        raise ResultsError(
            "the runs are not comparable:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\nUse --force to compare anyway."
        )
    return [f"compared anyway: {p}" for p in problems]


@dataclass(frozen=True)
class Gate:
    """Regression thresholds: a default maximum drop, per-metric drops and minimum scores."""

    max_drop: float | None = None
    max_drops: dict[str, float] = field(default_factory=dict)
    minimums: dict[str, float] = field(default_factory=dict)
    significant_only: bool = False

    @classmethod
    def from_config(cls, raw: Mapping[str, Any], where: str = "gate") -> Gate:
        known = ("max_drop", "metrics", "significant_only")
        for key in raw:
            if key not in known:
                raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(known)})")
        drops: dict[str, float] = {}
        mins: dict[str, float] = {}
        for metric, spec in (raw.get("metrics") or {}).items():
            if not isinstance(spec, Mapping) or not set(spec) <= {"max_drop", "min"}:
                raise ConfigError(f"{where}.metrics.{metric}: expected {{max_drop: x, min: y}}")
            if "max_drop" in spec:
                drops[metric] = float(spec["max_drop"])
            if "min" in spec:
                mins[metric] = float(spec["min"])
        md = raw.get("max_drop")
        return cls(
            None if md is None else float(md), drops, mins, bool(raw.get("significant_only"))
        )

    def merged(self, other: Gate) -> Gate:
        """``other`` (command line) wins over ``self`` (config)."""
        return Gate(
            other.max_drop if other.max_drop is not None else self.max_drop,
            {**self.max_drops, **other.max_drops},
            {**self.minimums, **other.minimums},
            self.significant_only or other.significant_only,
        )

    def check(self, rows: Sequence[Row]) -> list[str]:
        """Violations, one sentence each, naming extractor and metric."""
        out = []
        for r in rows:
            if r.new is None:
                if r.baseline is not None:
                    out.append(f"{r.extractor}: {r.metric} is missing from the new run")
                continue
            minimum = self.minimums.get(r.metric)
            if minimum is not None and not r.new >= minimum:
                out.append(f"{r.extractor}: {r.metric} = {r.new:.4f}, below the minimum {minimum}")
            limit = self.max_drops.get(r.metric, self.max_drop)
            if limit is None or r.loss is None:
                continue
            if self.significant_only and r.verdict != "worse":
                continue
            if r.loss > limit + 1e-12:
                moved = "dropped" if r.better == "higher" else "rose"
                out.append(
                    f"{r.extractor}: {r.metric} {moved} by {r.loss:.4f} "
                    f"({r.baseline:.4f} -> {r.new:.4f}), more than the allowed {limit}"
                )
        return out


def compare_paths(
    baseline: str | Path,
    new: str | Path,
    *,
    gate: Gate | None = None,
    metrics: Sequence[str] | None = None,
    force: bool = False,
    samples: int = 1000,
    seed: int = 0,
) -> Comparison:
    pa, pb = resolve_run(baseline), resolve_run(new)
    rows, warnings = compare_results(
        read_results(pa), read_results(pb), metrics=metrics, force=force, samples=samples, seed=seed
    )
    violations = gate.check(rows) if gate else []
    return Comparison(str(pa), str(pb), rows, warnings, violations)


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


def fmt(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    return f"{x:+.4f}" if signed else f"{x:.4f}"


def to_markdown(c: Comparison) -> str:
    lines = [
        "| extractor | metric | baseline | new | diff | p | verdict |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    marks = {"better": "✅ better", "worse": "❌ worse"}
    for r in c.rows:
        p = "-" if r.p_value is None else f"{r.p_value:.3f}"
        lines.append(
            f"| {r.extractor} | `{r.metric}` | {fmt(r.baseline)} | {fmt(r.new)} | "
            f"{fmt(r.diff, True)} | {p} | {marks.get(r.verdict, r.verdict)} |"
        )
    out = [f"**baseline** `{c.baseline_path}` → **new** `{c.new_path}`", "", *lines]
    for w in c.warnings:
        out.append(f"\n> ⚠️ {w}")
    if c.violations:
        out.append("\n**Regression gate failed:**\n")
        out.extend(f"- {v}" for v in c.violations)
    return "\n".join(out) + "\n"


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), indent=2)
