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
from .runner import HEADLINE_KEYS
from .scoring import paired_bootstrap

ALPHA = 0.05


@dataclass(frozen=True)
class Row:
    extractor: str
    metric: str
    baseline: float | None
    new: float | None
    p_value: float | None = None

    @property
    def diff(self) -> float | None:
        if self.baseline is None or self.new is None:
            return None
        return self.new - self.baseline

    @property
    def verdict(self) -> str:
        """``better`` / ``worse`` (significant at ALPHA), ``unchanged``, ``new`` or ``gone``."""
        if self.baseline is None:
            return "new"
        if self.new is None:
            return "gone"
        d = self.diff or 0.0
        if abs(d) < 1e-12:
            return "unchanged"
        if self.p_value is not None and self.p_value < ALPHA:
            return "better" if d > 0 else "worse"
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


def _headline(tasks: Sequence[str]) -> list[str]:
    return [k for t in tasks for k in HEADLINE_KEYS.get(t, ())]


def compare_results(
    baseline: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    metrics: Sequence[str] | None = None,
    force: bool = False,
    samples: int = 1000,
    seed: int = 0,
) -> tuple[list[Row], list[str]]:
    """Rows for every headline metric of every extractor in either run, and warnings."""
    problems = comparability_problems(baseline, new)
    warnings: list[str] = []
    if problems:
        if not force:
            raise ResultsError(
                "the runs are not comparable:\n"
                + "\n".join(f"  - {p}" for p in problems)
                + "\nUse --force to compare anyway."
            )
        warnings.extend(f"compared anyway: {p}" for p in problems)
    rows: list[Row] = []
    for label in sorted(set(baseline["extractors"]) | set(new["extractors"])):
        ea = baseline["extractors"].get(label)
        eb = new["extractors"].get(label)
        tasks = (eb or ea)["tasks"]
        keys = list(metrics) if metrics else _headline(tasks)
        sa = ea["scores"] if ea else {}
        sb = eb["scores"] if eb else {}
        pvals: dict[str, float] = {}
        if ea and eb and samples:
            docs_a, docs_b = set(ea["per_document"]), set(eb["per_document"])
            if docs_a == docs_b:
                order = sorted(docs_a)
                usable = [k for k in keys if k in sa and k in sb]
                pvals = paired_bootstrap(
                    _per_doc(ea, order), _per_doc(eb, order), usable, eb.get("labels", []),
                    n=samples, seed=seed,
                )  # fmt: skip
            else:
                warnings.append(f"{label}: the runs scored different documents; no p-values")
        for k in keys:
            if k not in sa and k not in sb:
                continue
            rows.append(Row(label, k, sa.get(k), sb.get(k), pvals.get(k)))
    return rows, warnings


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
            if limit is None or r.diff is None:
                continue
            if self.significant_only and r.verdict != "worse":
                continue
            if -r.diff > limit + 1e-12:
                out.append(
                    f"{r.extractor}: {r.metric} dropped by {-r.diff:.4f} "
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
