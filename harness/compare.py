"""Compare runs: differences, paired-bootstrap significance, and a regression gate.

Runs are results files (``results.json``) as written by ``harness eval``; they keep per-document
counts, so a comparison resamples the same documents for both sides (paired bootstrap) without
re-running anything. Two kinds of comparison:

- **two runs** (:func:`compare_paths`): each extractor of the baseline is paired with one of the
  new run - by label (the default), by extractor name (``pair_by="name"``: the ``spacy`` of
  both runs whatever their labels), or explicitly (``pairs=[("regex", "spacy")]``: is spaCy in
  the new run better than regex in the old one?). ``pair_by="auto"`` (the default) pairs by
  label and, when exactly one extractor of each run is left without a partner, pairs those two
  (saying so);
- **extractors of one run** (:func:`compare_within`): the first named extractor is the baseline
  of every other one (``harness compare RUN --extractors regex,spacy``).

Runs that are not comparable (another goldset version or hash, other tasks, paired extractors
scored on other labels or through another gold label map) are refused unless forced. The gate
and the exit-code rule are in :mod:`harness.gate`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, ResultsError, did_you_mean
from .gate import Gate, parse_thresholds
from .results import RESULTS_FILE, read_results
from .results_check import check_results, document_counts
from .scoring import Metrics, Score, paired_bootstrap
from .scoring.metrics import BUILTIN, Better

__all__ = [
    "ALPHA",
    "PAIR_BY",
    "Comparison",
    "Gate",
    "Pair",
    "Row",
    "compare_paths",
    "compare_results",
    "compare_within",
    "load_results",
    "pair_extractors",
    "parse_thresholds",
    "resolve_run",
    "to_json",
    "to_markdown",
]

ALPHA = 0.05
PAIR_BY = ("auto", "label", "name")


@dataclass(frozen=True)
class Row:
    extractor: str
    metric: str
    baseline: float | None
    new: float | None
    p_value: float | None = None
    #: Which direction is an improvement (from the metric's declaration; ``None``: a count).
    better: Better | None = "higher"
    #: The baseline's extractor when it is not ``extractor`` (a cross pairing).
    baseline_extractor: str | None = None
    #: ``outlet=cnn`` for a row of a slice (``--by``; the gate ignores them), else ``None``.
    slice: str | None = None

    @property
    def title(self) -> str:
        """``regex`` or, for extractors paired across labels, ``regex -> spacy``; a slice's row
        ends with ``[outlet=cnn]``."""
        who = self.extractor
        if self.baseline_extractor is not None and self.baseline_extractor != self.extractor:
            who = f"{self.baseline_extractor} -> {self.extractor}"
        return f"{who} [{self.slice}]" if self.slice else who

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
        ``changed`` (a count, or a score without a p-value: ``--samples 0``, a quote slice, a
        plugin's score the plugin is not installed to recompute), ``new`` or ``gone``."""
        if self.baseline is None:
            return "new"
        if self.new is None:
            return "gone"
        if abs(self.diff or 0.0) < 1e-12:
            return "unchanged"
        if self.loss is None or self.p_value is None:
            return "changed"
        if self.p_value < ALPHA:
            return "better" if self.loss < 0 else "worse"
        return "not significant"


@dataclass(frozen=True)
class Pair:
    """An extractor of the baseline and its partner in the new run (``None``: no partner)."""

    baseline: str | None
    new: str | None

    @property
    def title(self) -> str:
        if self.baseline == self.new or self.baseline is None:
            return str(self.new)
        if self.new is None:
            return self.baseline
        return f"{self.baseline} -> {self.new}"


@dataclass
class Comparison:
    baseline_path: str
    new_path: str
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    #: Whether any threshold was given (without one the gate cannot fail).
    gated: bool = False

    @staticmethod
    def _row(r: Row) -> dict[str, Any]:
        return {
            **asdict(r),
            "baseline_extractor": r.baseline_extractor or r.extractor,
            "diff": r.diff,
            "verdict": r.verdict,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline_path,
            "new": self.new_path,
            "pairs": [{"baseline": p.baseline, "new": p.new} for p in self.pairs],
            "rows": [self._row(r) for r in self.rows],
            "warnings": self.warnings,
            "gate": {
                "thresholds": self.gated,
                "passed": not self.violations,
                "violations": self.violations,
            },
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


def load_results(path: str | Path) -> dict[str, Any]:
    """The checked results of a run (file, run folder or folder of runs)."""
    p = resolve_run(path)
    data = read_results(p)
    check_results(data, p)
    data.setdefault("_path", str(p))
    return data


# -- pairing -----------------------------------------------------------------------------------


def _labels_known(label: str, extractors: Mapping[str, Any], which: str, option: str) -> None:
    if label not in extractors:
        raise ConfigError(
            f"{option}: no extractor {label!r} in the {which}.{did_you_mean(label, extractors)}"
            f" It has: {', '.join(extractors) or 'none'}."
        )


def _by_name(base: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[list[Pair], list[str]]:
    """Pairs of extractors with the same extractor ``name`` (unique on both sides)."""

    def names(xs: Mapping[str, Any], which: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for label, ex in xs.items():
            name = str(ex.get("name", label))
            if name in out:
                raise ConfigError(
                    f"--pair-by name: the {which} has two {name!r} extractors ({out[name]!r} "
                    f"and {label!r}); pair them with --pair BASELINE=NEW"
                )
            out[name] = label
        return out

    nb, nn = names(base, "baseline"), names(new, "new run")
    pairs = [Pair(nb[n], nn[n]) for n in nb if n in nn]
    return pairs, []


def pair_extractors(
    base: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    by: str = "auto",
    explicit: Sequence[tuple[str, str]] = (),
) -> tuple[list[Pair], list[str]]:
    """Pairs of extractors (``base`` label, ``new`` label) and notes on how they were made.

    ``explicit`` pairs are the only ones compared when given. Otherwise extractors are paired
    ``by`` label or name; unpaired ones appear as ``Pair(label, None)`` (gone) and
    ``Pair(None, label)`` (new). ``auto``: by label, and the last two left alone are paired.
    """
    if by not in PAIR_BY:
        raise ConfigError(f"--pair-by {by!r}: expected one of {', '.join(PAIR_BY)}")
    if explicit:
        for a, b in explicit:
            _labels_known(a, base, "baseline", f"--pair {a}={b}")
            _labels_known(b, new, "new run", f"--pair {a}={b}")
        return [Pair(a, b) for a, b in explicit], []
    notes: list[str] = []
    if by == "name":
        pairs, notes = _by_name(base, new)
    else:
        pairs = [Pair(label, label) for label in base if label in new]
    left_a = [x for x in base if x not in {p.baseline for p in pairs}]
    left_b = [x for x in new if x not in {p.new for p in pairs}]
    if by == "auto" and len(left_a) == 1 and len(left_b) == 1:
        pairs.append(Pair(left_a[0], left_b[0]))
        notes.append(
            f"paired {left_a[0]!r} (baseline) with {left_b[0]!r} (new run): the only extractors "
            "without a partner of the same label (choose with --pair BASELINE=NEW)"
        )
        left_a, left_b = [], []
    return [*pairs, *(Pair(x, None) for x in left_a), *(Pair(None, x) for x in left_b)], notes


# -- comparability -----------------------------------------------------------------------------


def _recorded_map(ex: Mapping[str, Any]) -> Any:
    maps = ex.get("label_maps")
    return maps.get("gold") if isinstance(maps, Mapping) else None


def _gold_maps(ea: Mapping[str, Any], eb: Mapping[str, Any]) -> tuple[Any, Any]:
    """The gold label maps of two extractors, compared like for like: the maps applied when
    both results record them (``label_maps.gold``), else the names the configs gave
    (``gold_label_map``; results files written before the maps were recorded). No map and an
    empty one are the same."""
    ma, mb = _recorded_map(ea), _recorded_map(eb)
    if not (isinstance(ma, Mapping) and isinstance(mb, Mapping)):
        ma, mb = ea.get("gold_label_map"), eb.get("gold_label_map")
    return ma or None, mb or None


def comparability_problems(
    a: Mapping[str, Any], b: Mapping[str, Any], pairs: Sequence[Pair] | None = None
) -> list[str]:
    """Why two results cannot be compared (empty when they can); ``pairs`` default to the
    extractors of the same label."""
    problems = []
    ga, gb = a["goldset"], b["goldset"]
    for key in ("name", "version", "sha256"):
        if ga.get(key) != gb.get(key):
            problems.append(f"goldset {key} differs: {ga.get(key)!r} vs {gb.get(key)!r}")
    if sorted(a["tasks"]) != sorted(b["tasks"]):
        problems.append(f"tasks differ: {a['tasks']} vs {b['tasks']}")
    if pairs is None:
        pairs = [Pair(x, x) for x in a["extractors"] if x in b["extractors"]]
    for p in pairs:
        if p.baseline is None or p.new is None:
            continue
        problems += _pair_problems(p, a["extractors"][p.baseline], b["extractors"][p.new])
    return problems


def _pair_problems(p: Pair, ea: Mapping[str, Any], eb: Mapping[str, Any]) -> list[str]:
    """Paired extractors must be scored on the same labels through the same gold label map."""
    out = []
    both_entities = "entities" in ea.get("tasks", ()) and "entities" in eb.get("tasks", ())
    checks = [("gold label map", *_gold_maps(ea, eb))]
    if both_entities:
        checks.append(("scored labels", ea.get("labels"), eb.get("labels")))
    if p.baseline == p.new:
        checks.append(("label_scheme", ea.get("label_scheme"), eb.get("label_scheme")))
    for what, x, y in checks:
        if x != y:
            out.append(f"extractor {p.title!r}: {what} differs: {x!r} vs {y!r}")
    return out


def _comparable(
    baseline: Mapping[str, Any], new: Mapping[str, Any], pairs: Sequence[Pair], force: bool
) -> list[str]:
    """Warnings of a forced comparison; raises :class:`ResultsError` for runs that are not
    comparable unless ``force``."""
    problems = comparability_problems(baseline, new, pairs)
    if problems and not force:
        raise ResultsError(
            "the runs are not comparable:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\nUse --force to compare anyway."
        )
    return [f"compared anyway: {p}" for p in problems]


def incomplete_warnings(results: Mapping[str, Any], which: str) -> list[str]:
    """A warning for each extractor of an incomplete run (documents it failed on)."""
    if results.get("complete", True):
        return []
    out = []
    for label, ex in results["extractors"].items():
        n = len(ex.get("errors") or ())
        if n:
            out.append(
                f"the {which} is incomplete: {label!r} failed on {n} document"
                f"{'s' if n != 1 else ''} (scored as if it predicted nothing there)"
            )
    return out or [f"the {which} is marked incomplete"]


# -- rows --------------------------------------------------------------------------------------


def _computable(keys: Sequence[str], extra: Sequence[Score]) -> list[str]:
    """The keys the paired bootstrap can recompute from counts: built-in ones, and those of the
    installed plugins' scores (a results file may carry scores of a plugin not installed here)."""
    builtin = Metrics(BUILTIN)
    return [k for k in keys if k in builtin or any(s.owns(k) for s in extra)]


def _installed_scores() -> list[Score]:
    from .plugins import get_plugins

    return [s for _, s in get_plugins().scores.items()]


@dataclass(frozen=True)
class _Side:
    """One extractor of one run, as the paired bootstrap needs it."""

    path: str
    label: str
    info: Mapping[str, Any]

    def counts(self, doc_ids: Sequence[str]) -> list[dict[str, tuple[float, float, float]]]:
        return document_counts(self.path, self.label, self.info.get("per_document", {}), doc_ids)


def _p_values(
    a: _Side, b: _Side, keys: Sequence[str], samples: int, seed: int, warnings: list[str],
    only: Sequence[str] | None = None,
) -> dict[str, float]:  # fmt: skip
    """Paired-bootstrap p-values of ``keys`` for two extractors scored on the same documents
    (``only``: on these documents, a slice's)."""
    docs_a, docs_b = set(a.info.get("per_document", {})), set(b.info.get("per_document", {}))
    title = Pair(a.label, b.label).title
    if docs_a != docs_b:
        warnings.append(f"{title}: the runs scored different documents; no p-values")
        return {}
    if not docs_a:
        warnings.append(f"{title}: no per-document counts recorded; no p-values")
        return {}
    extra = _installed_scores()
    sa, sb = a.info["scores"], b.info["scores"]
    usable = _computable([k for k in keys if k in sa and k in sb], extra)
    order = sorted(docs_a if only is None else set(only) & docs_a)
    if not order:
        return {}
    return paired_bootstrap(
        a.counts(order), b.counts(order), usable, b.info.get("labels", []),
        n=samples, seed=seed, extra=extra,
    )  # fmt: skip


@dataclass(frozen=True)
class _Options:
    #: The metrics compared (``None``: the headline ones), plus ``extra`` (the metrics named by
    #: per-metric thresholds, so each threshold is checked even when its metric is not shown).
    metrics: Sequence[str] | None
    samples: int
    seed: int
    extra: Sequence[str] = ()
    #: Slices to compare too (``--by``).
    by: Sequence[str] = ()

    def keys(self, declared: Metrics, tasks: Sequence[str]) -> list[str]:
        keys = list(self.metrics) if self.metrics else declared.headline_keys(tasks)
        return list(dict.fromkeys([*keys, *self.extra]))


def _rows(
    pair: Pair, sides: tuple[_Side | None, _Side | None], declared: Metrics, opts: _Options,
    warnings: list[str],
) -> list[Row]:  # fmt: skip
    """The rows of one pair of extractors (either may be missing)."""
    a, b = sides
    tasks = (b or a).info.get("tasks", []) if (a or b) else []  # type: ignore[union-attr]
    keys = opts.keys(declared, tasks)
    sa = a.info["scores"] if a else {}
    sb = b.info["scores"] if b else {}
    pvals = {}
    if a and b and opts.samples:
        pvals = _p_values(a, b, keys, opts.samples, opts.seed, warnings)
    label = pair.new if pair.new is not None else str(pair.baseline)
    return [
        Row(label, k, sa.get(k), sb.get(k), pvals.get(k), declared.better(k), pair.baseline)
        for k in keys
        if k in sa or k in sb
    ]


def compare_results(
    baseline: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    metrics: Sequence[str] | None = None,
    force: bool = False,
    samples: int = 1000,
    seed: int = 0,
    pair_by: str = "auto",
    pairs: Sequence[tuple[str, str]] = (),
) -> tuple[list[Row], list[str]]:
    """Rows for every headline metric (as either results file declares them, plugins' scores
    included) or every one of ``metrics``, of every pair of extractors, and warnings."""
    rows, warnings, _ = _compare(
        baseline, new, _Options(metrics, samples, seed), force, pair_by, pairs
    )
    return rows, warnings


def _compare(
    baseline: Mapping[str, Any], new: Mapping[str, Any], opts: _Options, force: bool,
    pair_by: str, explicit: Sequence[tuple[str, str]],
) -> tuple[list[Row], list[str], list[Pair]]:  # fmt: skip
    xa, xb = baseline["extractors"], new["extractors"]
    pairs, notes = pair_extractors(xa, xb, by=pair_by, explicit=explicit)
    warnings = [*notes, *_comparable(baseline, new, pairs, force)]
    warnings += incomplete_warnings(baseline, "baseline") + incomplete_warnings(new, "new run")
    declared = Metrics.from_results(new).merged(Metrics.from_results(baseline))
    pa, pb = str(baseline.get("_path", "baseline")), str(new.get("_path", "new run"))
    rows: list[Row] = []
    for p in pairs:
        sides = (
            _Side(pa, p.baseline, xa[p.baseline]) if p.baseline is not None else None,
            _Side(pb, p.new, xb[p.new]) if p.new is not None else None,
        )
        rows += _rows(p, sides, declared, opts, warnings)
        rows += _slice_rows(p, sides, declared, opts, warnings, (baseline, new))
    return rows, warnings, pairs


#: The scores a quote slice has (see harness.scoring.slices).
QUOTE_SLICE_KEYS = (
    "quotes.exact.r", "quotes.overlap@0.3.r", "quotes.overlap@0.8.r", "speakers.accuracy",
    "attribution.r",
)  # fmt: skip


def _slice_spec(runs: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any]:
    found = [(r.get("slices") or {}).get(name) for r in runs]
    for which, spec, r in zip(("baseline", "new run"), found, runs, strict=True):
        if spec is None:
            have = list(r.get("slices") or {})
            raise ConfigError(
                f"--by {name}: the {which} has no such slice.{did_you_mean(name, have)} "
                f"It has: {', '.join(have) or 'none (add slices: to its config)'}"
            )
    return found[1]  # type: ignore[return-value]


def _slice_rows(
    pair: Pair, sides: tuple[_Side | None, _Side | None], declared: Metrics, opts: _Options,
    warnings: list[str], runs: tuple[Mapping[str, Any], Mapping[str, Any]],
) -> list[Row]:  # fmt: skip
    """The rows of each value of each slice of ``opts.by`` for one pair (both sides present):
    document slices with paired-bootstrap p-values over the value's documents, quote slices
    without (their per-document counts are not recorded)."""
    a, b = sides
    if not opts.by or a is None or b is None:
        return []
    out: list[Row] = []
    for name in opts.by:
        spec = _slice_spec(runs, name)
        va = (a.info.get("slices") or {}).get(name) or {}
        vb = (b.info.get("slices") or {}).get(name) or {}
        for value in sorted(set(va) | set(vb)):
            scores = (
                (va.get(value) or {}).get("scores", {}),
                (vb.get(value) or {}).get("scores", {}),
            )
            out += _value_rows(pair, (a, b), scores, f"{name}={value}", declared, opts, warnings,
                               spec, value)  # fmt: skip
    return out


def _value_rows(
    pair: Pair, sides: tuple[_Side, _Side], scores: tuple[Mapping[str, float], Mapping[str, float]],
    title: str, declared: Metrics, opts: _Options, warnings: list[str], spec: Mapping[str, Any],
    value: str,
) -> list[Row]:  # fmt: skip
    """The rows of one value of a slice."""
    (a, b), (ea, eb) = sides, scores
    document = spec.get("kind") == "document"
    keys = opts.keys(declared, b.info.get("tasks", [])) if document else QUOTE_SLICE_KEYS
    keys = [k for k in keys if k in ea or k in eb]
    pvals: dict[str, float] = {}
    if document and opts.samples and ea and eb:
        docs = (spec.get("documents") or {}).get(value, [])
        pvals = _p_values(a, b, keys, opts.samples, opts.seed, warnings, docs)
    better = declared.better
    return [
        Row(str(pair.new), k, ea.get(k), eb.get(k), pvals.get(k), better(k), pair.baseline, title)
        for k in keys
    ]


def _known_metrics(*runs: Mapping[str, Any]) -> set[str]:
    out = {m.key for m in Metrics(BUILTIN)}
    for r in runs:
        out |= {m.key for m in Metrics.from_results(r)}
        for ex in r["extractors"].values():
            out |= set(ex.get("scores") or {})
    return out


def _options(
    gate: Gate | None, metrics: Sequence[str] | None, samples: int, seed: int,
    by: Sequence[str] = (),
) -> _Options:  # fmt: skip
    return _Options(metrics or None, samples, seed, gate.metrics() if gate else (), tuple(by))


def _finish(
    pa: str, pb: str, runs: tuple[Mapping[str, Any], Mapping[str, Any]],
    found: tuple[list[Row], list[str], list[Pair]], gate: Gate | None,
) -> Comparison:  # fmt: skip
    rows, warnings, pairs = found
    violations = gate.check(rows, _known_metrics(*runs)) if gate else []
    return Comparison(pa, pb, rows, warnings, violations, pairs, gated=bool(gate and gate.given))


def compare_paths(
    baseline: str | Path,
    new: str | Path,
    *,
    gate: Gate | None = None,
    metrics: Sequence[str] | None = None,
    force: bool = False,
    samples: int = 1000,
    seed: int = 0,
    pair_by: str = "auto",
    pairs: Sequence[tuple[str, str]] = (),
    by: Sequence[str] = (),
) -> Comparison:
    """Compare the runs at two paths (results files, run folders, folders of runs)."""
    ra, rb = load_results(baseline), load_results(new)
    opts = _options(gate, metrics, samples, seed, by)
    found = _compare(ra, rb, opts, force, pair_by, pairs)
    return _finish(ra["_path"], rb["_path"], (ra, rb), found, gate)


def compare_within(
    run: str | Path,
    extractors: Sequence[str],
    *,
    gate: Gate | None = None,
    metrics: Sequence[str] | None = None,
    samples: int = 1000,
    seed: int = 0,
    force: bool = False,
    by: Sequence[str] = (),
) -> Comparison:
    """Compare extractors of one run: the first of ``extractors`` is the baseline of the others
    (same documents, so the paired bootstrap applies)."""
    r = load_results(run)
    if len(extractors) < 2:
        raise ConfigError(
            "--extractors: name at least two extractors of the run, the baseline first "
            f"(the run has: {', '.join(r['extractors'])})"
        )
    first, *others = extractors
    explicit = [(first, x) for x in others]
    opts = _options(gate, metrics, samples, seed, by)
    found = _compare(r, r, opts, force, "label", explicit)
    return _finish(r["_path"], r["_path"], (r, r), found, gate)


# -- output ------------------------------------------------------------------------------------


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
            f"| {r.title} | `{r.metric}` | {fmt(r.baseline)} | {fmt(r.new)} | "
            f"{fmt(r.diff, True)} | {p} | {marks.get(r.verdict, r.verdict)} |"
        )
    head = f"**baseline** `{c.baseline_path}` → **new** `{c.new_path}`"
    if c.baseline_path == c.new_path:
        head = f"**run** `{c.new_path}`: extractors compared with each other"
    out = [head, "", *lines]
    for w in c.warnings:
        out.append(f"\n> ⚠️ {w}")
    if c.violations:
        out.append("\n**Regression gate failed:**\n")
        out.extend(f"- {v}" for v in c.violations)
    return "\n".join(out) + "\n"


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), indent=2)
