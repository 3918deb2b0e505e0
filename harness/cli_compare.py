"""``harness compare`` and ``harness baseline``: scores in CI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from .cli_common import err, out
from .cli_common import fail as _fail
from .errors import HarnessError
from .exitcodes import ExitCode

if TYPE_CHECKING:
    from .compare import Comparison, Gate

DEFAULT_SCORES = Path("scores")

baseline_app = typer.Typer(
    help="Committed baseline scores: update them deliberately, check a run against them.",
    no_args_is_help=True,
)


def _table(c: Comparison) -> Table:
    from .compare import fmt

    t = Table(title=f"{c.baseline_path} -> {c.new_path}", title_justify="left")
    for col in ("extractor", "metric", "baseline", "new", "diff", "p", "verdict"):
        t.add_column(col, justify="right" if col in ("baseline", "new", "diff", "p") else "left")
    style = {"better": "green", "worse": "bold red", "new": "cyan", "gone": "yellow"}
    for r in c.rows:
        p = "-" if r.p_value is None else f"{r.p_value:.3f}"
        v = r.verdict
        t.add_row(
            r.extractor, r.metric, fmt(r.baseline), fmt(r.new), fmt(r.diff, True), p,
            f"[{style[v]}]{v}[/]" if v in style else v,
        )  # fmt: skip
    return t


def _gate(
    config: Path | None, max_drop: list[str], minimum: list[str], significant_only: bool
) -> Gate:
    """The config's ``gate:`` thresholds, overridden by the command line's."""
    from .compare import Gate, parse_thresholds
    from .config import load_config

    gate = Gate()
    if config is not None:
        gate = Gate.from_config(load_config(config).gate, f"{config}: gate")
    default, drops = parse_thresholds(max_drop, "--max-drop")
    _, mins = parse_thresholds(minimum, "--min")
    return gate.merged(Gate(default, drops, mins, significant_only))


def _show(c: Comparison, fmt_: str, output: Path | None) -> None:
    """Print the comparison as a table, Markdown or JSON; also write it to ``output``."""
    from .atomic import write_text
    from .compare import to_json, to_markdown

    text = {"json": to_json, "markdown": to_markdown}.get(fmt_, lambda _: None)(c)
    if output is not None:
        write_text(output, text if text is not None else to_markdown(c))
    if text is not None:
        print(text, end="")
        return
    out.print(_table(c))
    for w in c.warnings:
        err.print(f"[yellow]warning:[/] {w}")


def run_compare(
    baseline: Path,
    new: Path,
    *,
    max_drop: list[str],
    minimum: list[str],
    metric: list[str],
    fmt_: str,
    output: Path | None,
    force: bool,
    samples: int,
    config: Path | None,
    significant_only: bool,
) -> None:
    """Compare two runs, show the comparison, and exit 7 when the gate fails."""
    from .compare import compare_paths

    try:
        gate = _gate(config, max_drop, minimum, significant_only)
        c = compare_paths(
            baseline, new, gate=gate, metrics=metric or None, force=force, samples=samples
        )
    except HarnessError as exc:
        raise _fail(exc) from None
    _show(c, fmt_, output)
    if c.violations:
        err.print("[bold red]regression gate failed:[/]")
        for v in c.violations:
            err.print(f"  - {v}")
        raise typer.Exit(ExitCode.GATE)
    if fmt_ == "table":
        n_worse = sum(r.verdict == "worse" for r in c.rows)
        err.print(f"gate passed ({n_worse} significantly worse, within thresholds)")


def _baseline_path(config: Path, scores: Path) -> Path:
    return scores / f"{config.stem}.json"


@baseline_app.command("update")
def baseline_update(
    config: Annotated[Path, typer.Option("--config", "-c", help="The evaluation config.")],
    scores: Annotated[Path, typer.Option(help="Folder of committed baselines.")] = DEFAULT_SCORES,
    from_run: Annotated[
        Path | None, typer.Option("--from", help="Use this run instead of running the config.")
    ] = None,
) -> None:
    """Replace the committed baseline of CONFIG (scores/<config name>.json) by a new run.

    Deliberate: review the change (`git diff scores/`) and commit it with a reason.
    """
    from . import runner
    from .atomic import write_json
    from .compare import resolve_run
    from .config import load_config
    from .results import embedded, write_run

    try:
        if from_run is None:
            cfg = load_config(config)
            result = runner.run(cfg)
            if not result.complete:
                raise HarnessError("the run is incomplete; refusing to record it as a baseline")
            src = write_run(result, cfg.output)
        else:
            src = resolve_run(from_run)
        dest = _baseline_path(config, scores)
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_json(dest, embedded(src))  # self-contained: the counts inline, not in files
    except HarnessError as exc:
        raise _fail(exc) from None
    out.print(f"baseline updated: {dest} (from {src}); review with `git diff {dest}` and commit")


@baseline_app.command("check")
def baseline_check(
    config: Annotated[Path, typer.Option("--config", "-c", help="The evaluation config.")],
    scores: Annotated[Path, typer.Option(help="Folder of committed baselines.")] = DEFAULT_SCORES,
    fmt_: Annotated[str, typer.Option("--format", help="table, markdown or json.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Also write the comparison here.")] = None,
) -> None:
    """Evaluate CONFIG and gate it against its committed baseline, with the config's gate."""
    from . import runner
    from .config import load_config
    from .results import write_run

    try:
        cfg = load_config(config)
        result = runner.run(cfg)
        path = write_run(result, cfg.output)
    except HarnessError as exc:
        raise _fail(exc) from None
    if not result.complete:
        err.print("[bold red]run incomplete[/]: an extractor failed on some document")
        raise typer.Exit(ExitCode.EXTRACTOR)
    run_compare(
        _baseline_path(config, scores), path, max_drop=[], minimum=[], metric=[], fmt_=fmt_,
        output=output, force=False, samples=1000, config=config, significant_only=False,
    )  # fmt: skip
