"""Check a results file read back from disk before anything trusts it.

``results.json`` files travel: they are committed as baselines, downloaded from CI, edited by hand,
written by older or newer versions of the harness. :func:`results_problems` lists what is wrong
with one (a missing key, a wrong type, a score that is not a finite number), each problem naming
the file and the place in it (``extractors['regex'].scores['quotes.exact.f1']``), so ``harness
compare``, the report and ``harness show`` fail with one clear message instead of a traceback or,
worse, a wrong comparison.

The per-document counts are checked where they are read (:func:`document_counts`): a run of
10,000 documents holds millions of numbers, and only the comparisons that resample them need
them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .errors import ResultsError

#: Problems listed in one error (the rest are counted).
MAX_LISTED = 20


def _number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _goldset_problems(g: Any) -> Iterator[str]:
    if not isinstance(g, Mapping):
        yield f"goldset: expected a mapping, got {_short(g)}"
        return
    for key in ("name", "version", "sha256"):
        if key not in g:
            yield f"goldset.{key}: missing"
        elif not isinstance(g[key], (str, int)):
            yield f"goldset.{key}: expected a string, got {_short(g[key])}"


def _scores_problems(where: str, scores: Any) -> Iterator[str]:
    if not isinstance(scores, Mapping):
        yield f"{where}: expected a mapping of score keys to numbers, got {_short(scores)}"
        return
    for key, value in scores.items():
        if not _number(value):
            yield f"{where}[{key!r}]: expected a finite number, got {_short(value)}"


def _interval_problems(where: str, intervals: Any) -> Iterator[str]:
    if not isinstance(intervals, Mapping):
        yield f"{where}: expected a mapping of score keys to [low, high], got {_short(intervals)}"
        return
    for key, value in intervals.items():
        if not (isinstance(value, list) and len(value) == 2 and all(map(_number, value))):
            yield f"{where}[{key!r}]: expected [low, high] (finite numbers), got {_short(value)}"


def _extractor_problems(label: str, ex: Any) -> Iterator[str]:
    where = f"extractors[{label!r}]"
    if not isinstance(ex, Mapping):
        yield f"{where}: expected a mapping, got {_short(ex)}"
        return
    for key in ("scores", "tasks"):
        if key not in ex:
            yield f"{where}.{key}: missing"
    yield from _scores_problems(f"{where}.scores", ex.get("scores", {}))
    yield from _interval_problems(f"{where}.intervals", ex.get("intervals", {}))
    if "tasks" in ex and not _strings(ex["tasks"]):
        yield f"{where}.tasks: expected a list of task names, got {_short(ex['tasks'])}"
    if not _strings(ex.get("labels", [])):
        yield f"{where}.labels: expected a list of labels, got {_short(ex.get('labels'))}"
    if not isinstance(ex.get("per_document", {}), Mapping):
        yield f"{where}.per_document: expected a mapping of document ids to counts"
    if not isinstance(ex.get("errors", []), list):
        yield f"{where}.errors: expected a list, got {_short(ex.get('errors'))}"
    if "slices" in ex:
        yield from _slice_problems(f"{where}.slices", ex["slices"])


def _slice_problems(where: str, slices: Any) -> Iterator[str]:
    if not isinstance(slices, Mapping):
        yield f"{where}: expected a mapping, got {_short(slices)}"
        return
    for name, values in slices.items():
        if not isinstance(values, Mapping):
            yield f"{where}[{name!r}]: expected a mapping of slice values, got {_short(values)}"
            continue
        for value, entry in values.items():
            w = f"{where}[{name!r}][{value!r}]"
            if not isinstance(entry, Mapping):
                yield f"{w}: expected a mapping, got {_short(entry)}"
                continue
            yield from _scores_problems(f"{w}.scores", entry.get("scores", {}))
            yield from _interval_problems(f"{w}.intervals", entry.get("intervals", {}))


def _metrics_problems(metrics: Any) -> Iterator[str]:
    """The metric declarations (what ``Metric.from_dict`` reads back)."""
    if not isinstance(metrics, Mapping):
        yield f"metrics: expected a mapping, got {_short(metrics)}"
        return
    for key, m in metrics.items():
        where = f"metrics[{key!r}]"
        if not isinstance(m, Mapping):
            yield f"{where}: expected a mapping, got {_short(m)}"
            continue
        for field in ("task", "title", "description"):
            if not isinstance(m.get(field), str):
                yield f"{where}.{field}: expected a string, got {_short(m.get(field))}"
        if not isinstance(m.get("headline", False), bool):
            yield f"{where}.headline: expected true or false, got {_short(m['headline'])}"
        if m.get("better", "higher") not in ("higher", "lower", None):
            yield f"{where}.better: expected 'higher', 'lower' or null, got {_short(m['better'])}"
        elif m.get("headline") is True and "better" in m and m["better"] is None:
            yield f"{where}: a headline metric needs a better direction"


def results_problems(data: Any) -> list[str]:
    """What is wrong with the results ``data`` (empty when it can be used)."""
    if not isinstance(data, Mapping):
        return [f"expected a mapping at top level, got {_short(data)}"]
    out = [f"{key}: missing" for key in ("goldset", "tasks", "extractors") if key not in data]
    if "goldset" in data:
        out += _goldset_problems(data["goldset"])
    if "tasks" in data and not _strings(data["tasks"]):
        out.append(f"tasks: expected a list of task names, got {_short(data['tasks'])}")
    if not isinstance(data.get("complete", True), bool):
        out.append(f"complete: expected true or false, got {_short(data['complete'])}")
    out += _metrics_problems(data.get("metrics", {}))
    extractors = data.get("extractors", {})
    if not isinstance(extractors, Mapping):
        out.append(f"extractors: expected a mapping of labels, got {_short(extractors)}")
    else:
        for label, ex in extractors.items():
            out += _extractor_problems(str(label), ex)
    return out


def check_results(data: Any, path: object) -> Mapping[str, Any]:
    """``data`` when it is a usable results file, else :class:`ResultsError` listing what is
    wrong (``path`` names the file in the message)."""
    problems = results_problems(data)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:MAX_LISTED])
        more = len(problems) - MAX_LISTED
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise ResultsError(
            f"{path}: not a usable results file ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}):\n{listed}{tail}"
        )
    return data


def _count(value: Any) -> tuple[float, float, float] | None:
    if isinstance(value, list) and len(value) == 3 and all(map(_number, value)):
        return float(value[0]), float(value[1]), float(value[2])
    return None


def document_counts(
    path: object, label: str, per_document: Mapping[str, Any], doc_ids: Sequence[str]
) -> list[dict[str, tuple[float, float, float]]]:
    """The per-document counts of ``doc_ids`` (in that order) as tuples; a malformed entry is a
    :class:`ResultsError` naming the file, the extractor, the document and the key."""
    out = []
    for d in doc_ids:
        counts = per_document.get(d)
        where = f"{path}: extractors[{label!r}].per_document[{d!r}]"
        if not isinstance(counts, Mapping):
            raise ResultsError(f"{where}: expected a mapping of count keys, got {_short(counts)}")
        doc: dict[str, tuple[float, float, float]] = {}
        for key, value in counts.items():
            count = _count(value)
            if count is None:
                raise ResultsError(
                    f"{where}[{key!r}]: expected [matched, predicted, gold] (finite numbers), "
                    f"got {_short(value)}"
                )
            doc[key] = count
        out.append(doc)
    return out
