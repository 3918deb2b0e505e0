"""Terminal rendering with rich: progress bar, score tables, plugin listing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .model import TASKS
from .scoring.metrics import Metrics

if TYPE_CHECKING:
    from .plugins import Plugins
    from .runner import Progress as ProgressFn
    from .runner import RunResult


@contextmanager
def progress_bar(disable: bool, console: Console) -> Iterator[ProgressFn]:
    """A rich progress bar with one line per extractor; yields the runner's progress callback."""
    bar = Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=disable,
        transient=False,
    )
    ids: dict[str, int] = {}

    def update(label: str, done: int, total: int) -> None:
        if label not in ids:
            ids[label] = bar.add_task(label, total=total)
        bar.update(ids[label], completed=done)

    with bar:
        yield update


def scores_table(result: RunResult) -> Table:
    """The headline scores of every extractor (columns: the declared headline metrics)."""
    g = result.goldset
    table = Table(
        title=f"goldset {g.name} v{g.version} ({len(g)} documents) - 95% bootstrap CI in brackets",
        title_justify="left",
    )
    cols = result.metrics.headline(result.config.tasks)
    table.add_column("extractor", style="bold")
    for m in cols:
        table.add_column(m.title, justify="right")
    for r in result.extractors:
        row = [r.label + (f" ({r.gold_label_map})" if r.gold_label_map else "")]
        for key in (m.key for m in cols):
            if key not in r.scores:
                row.append("[dim]n/a[/]")
                continue
            cell = f"{r.scores[key]:.3f}"
            if key in r.intervals:
                lo, hi = r.intervals[key]
                cell += f" [dim][{lo:.2f}-{hi:.2f}][/]"
            row.append(cell)
        table.add_row(*row)
    return table


def plugins_table(plugins: Plugins) -> Table:
    table = Table(title="harness plugins", title_justify="left")
    for col in (
        "plugin",
        "distribution",
        "version",
        "extractor",
        "extractor version",
        "tasks",
        "labels",
    ):
        table.add_column(col)
    for name, info in sorted(plugins.info.items()):
        if not info.extractors:
            table.add_row(name, info.distribution, info.version, "-", "", "", "")
        for ex in info.extractors:
            cls = plugins.extractor(ex)
            tasks = ", ".join(t for t in TASKS if t in cls.tasks)
            table.add_row(
                name, info.distribution, info.version, ex, cls.version, tasks, cls.label_scheme
            )
    return table


def metrics_table(metrics: Metrics) -> Table:
    table = Table(title="declared scores", title_justify="left")
    for col in ("key", "task", "headline", "better", "description"):
        table.add_column(col)
    for m in metrics:
        table.add_row(m.key, m.task, "yes" if m.headline else "", m.better or "", m.description)
    return table


def _cell(scores: Mapping[str, float], intervals: Mapping[str, Any], key: str) -> str:
    if key not in scores:
        return "[dim]n/a[/]"
    cell = f"{scores[key]:.3f}"
    if key in intervals:
        lo, hi = intervals[key]
        cell += f" [dim][{lo:.2f}-{hi:.2f}][/]"
    return cell


def slice_table(
    name: str,
    per_extractor: Mapping[str, Mapping[str, Mapping[str, Any]]],
    metrics: Metrics,
    kind: str = "document",
) -> Table:
    """Scores by the values of one slice: a row per (value, extractor).

    ``per_extractor``: ``{extractor: {value: {"n", "scores", "intervals"}}}`` (``results.json``'s
    ``extractors[label]["slices"][name]``). Columns: the headline metrics of the run the slice
    has (document slice) or the slice's own rates (quote slice)."""
    entries = [e for values in per_extractor.values() for e in values.values()]
    present = {k for e in entries for k in (e.get("scores") or {})}
    if kind == "quote":
        order = ["quotes.exact.r", "quotes.overlap@0.3.r", "quotes.overlap@0.8.r",
                 "speakers.accuracy", "attribution.r"]  # fmt: skip
        cols = [(k, m.title if (m := metrics.get(k)) else k) for k in order if k in present]
    else:
        cols = [(m.key, m.title) for m in metrics.headline() if m.key in present]
    unit = "gold quotes" if kind == "quote" else "documents"
    table = Table(
        title=f"by {escape(name)} ({unit}) - 95% bootstrap CI in brackets", title_justify="left"
    )
    for col in (name, unit, "extractor"):
        table.add_column(escape(col), justify="right" if col == unit else "left")
    for _, title in cols:
        table.add_column(escape(title), justify="right")
    values = sorted({v for vs in per_extractor.values() for v in vs})
    for value in values:
        first = True
        for label, vs in per_extractor.items():
            e = vs.get(value)
            if e is None:
                continue
            scores, intervals = e.get("scores") or {}, e.get("intervals") or {}
            cells = [_cell(scores, intervals, k) for k, _ in cols]
            head = [escape(value), f"{e.get('n', 0):g}"] if first else ["", ""]
            table.add_row(*head, escape(label), *cells)
            first = False
        table.add_section()
    return table


def results_table(results: Mapping[str, Any]) -> Table:
    """The headline scores of a saved run (``results.json``)."""
    g = results.get("goldset") or {}
    metrics = Metrics.from_results(results)
    cols = metrics.headline(results.get("tasks") or TASKS)
    table = Table(
        title=escape(
            f"goldset {g.get('name')} v{g.get('version')} ({g.get('documents', '?')} documents)"
            " - 95% bootstrap CI in brackets"
        ),
        title_justify="left",
    )
    table.add_column("extractor", style="bold")
    for m in cols:
        table.add_column(escape(m.title), justify="right")
    for label, info in (results.get("extractors") or {}).items():
        scores, intervals = info.get("scores") or {}, info.get("intervals") or {}
        table.add_row(escape(label), *(_cell(scores, intervals, m.key) for m in cols))
    return table
