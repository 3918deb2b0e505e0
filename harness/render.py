"""Terminal rendering with rich: progress bar, score tables, plugin listing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .model import TASKS

if TYPE_CHECKING:
    from .plugins import Plugins
    from .runner import Progress as ProgressFn
    from .runner import RunResult
    from .scoring.metrics import Metrics


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
