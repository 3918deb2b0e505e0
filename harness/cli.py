"""The ``harness`` command line: a thin layer that parses arguments, calls the library, prints.

Exit codes:

- 0 - success
- 1 - unexpected internal error (a bug: please report it with the traceback)
- 2 - bad configuration or command-line usage
- 3 - invalid goldset
- 4 - plugin problem (import failure, duplicate or unknown name)
- 5 - the run is incomplete: an extractor failed on some document (results are still written)
- 6 - unreadable results file, or two runs that cannot be compared
- 7 - regression gate failed (a score fell below its threshold)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import EXIT_INCOMPLETE, err, out, parse_pairs
from .cli_common import fail as _fail
from .cli_goldset import MaxProblems, ProblemsFile, goldset_failure
from .errors import ConfigError, HarnessError

app = typer.Typer(
    name="harness",
    help="Evaluate information extractors (entities, quotes, speakers) on gold-annotated news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("eval")
def eval_(
    config: Annotated[Path, typer.Option("--config", "-c", help="YAML config of the evaluation.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output folder (overrides the config).")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ignore cached predictions and re-run extractors.")
    ] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first extractor error.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    report: Annotated[
        bool, typer.Option("--report", help="Also write the HTML error-analysis report.")
    ] = False,
) -> None:
    """Run the extractors of a config on its goldset; print scores and write results.

    Writes OUTPUT/results.json (scores, confidence intervals, counts, provenance) and
    OUTPUT/predictions.jsonl (per-document predictions for error analysis). Exit code 5 when an
    extractor failed on some document (the failures are listed in results.json).
    """
    from . import runner
    from .config import load_config
    from .render import progress_bar, scores_table
    from .results import write_run

    try:
        cfg = load_config(config)
        if output is not None:
            cfg = type(cfg)(**{**cfg.__dict__, "output": output.resolve()})
        with progress_bar(disable=quiet, console=err) as progress:
            result = runner.run(cfg, use_cache=not no_cache, fail_fast=fail_fast, progress=progress)
        path = write_run(result, cfg.output)
    except HarnessError as exc:
        raise _fail(exc) from None
    out.print(scores_table(result))
    for r in result.extractors:
        for e in r.errors:
            err.print(f"[red]extractor {r.label!r} failed on document {e.doc_id!r}:[/] {e.message}")
        if r.ignored_pred_labels or r.unmapped_pred_labels:
            ignored = dict(r.ignored_pred_labels + r.unmapped_pred_labels)
            msg = f"{r.label}: predictions with labels outside the scheme ignored:"
            err.print(f"[yellow]{msg}[/] {ignored}")
    out.print(f"results: {path}")
    if report:
        from .report import write_report

        try:
            out.print(f"report: {write_report(path.parent)}")
        except HarnessError as exc:
            raise _fail(exc) from None
    if not result.complete:
        err.print("[bold red]run incomplete:[/] some documents failed; see the errors above")
        raise typer.Exit(EXIT_INCOMPLETE)


@app.command()
def validate(
    goldset: Annotated[Path, typer.Argument(help="Goldset folder (with goldset.yaml) or file.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Goldset format (see `harness goldset formats`).")
    ] = "harness",
    option: Annotated[
        list[str], typer.Option("--option", "-o", help="Format option KEY=VALUE (repeatable).")
    ] = [],  # noqa: B006 - typer needs a literal default
    max_problems: MaxProblems = 50,
    problems_file: ProblemsFile = None,
) -> None:
    """Validate a goldset: texts and hashes, offsets, covered text, labels, overlaps, speakers.

    Every problem is found and counted, each with its file and record (or line); the first 50
    are printed (--max-problems 0 prints all of them, --problems-file FILE writes them all).
    Exit code 3 when there is any.
    """
    from .goldset import load_goldset

    try:
        options = parse_pairs(option)
        g = load_goldset(goldset, format=fmt, options=options or None)
    except HarnessError as exc:
        raise goldset_failure(exc, max_problems, problems_file) from None
    n_ent = sum(len(d.entities) for d in g)
    n_q = sum(len(d.quotes) for d in g)
    out.print(
        f"[green]ok[/] goldset {g.name!r} version {g.version}: {len(g)} documents, "
        f"{n_ent} entities, {n_q} quotes (sha256 {g.sha256[:12]})"
    )


@app.command()
def plugins() -> None:
    """List installed plugins, their versions, extractors and the tasks each supports."""
    from .plugins import get_plugins
    from .render import plugins_table

    try:
        p = get_plugins()
    except HarnessError as exc:
        raise _fail(exc) from None
    out.print(plugins_table(p))


@app.command("report")
def report_(
    run: Annotated[Path, typer.Argument(help="Run folder (with results.json) or results file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="HTML file (default: RUN/report.html).")
    ] = None,
) -> None:
    """Write a self-contained HTML error-analysis report of a run, with report.md and SVG plots.

    Score tables with confidence intervals, per-label and per-quote-type charts, a confusion
    table of entity labels, and every document with gold and predicted spans highlighted and
    each error classified. Works offline. RUN/report.md carries the same numbers, error counts
    and the worst documents in Markdown (for pull requests and CI job summaries); the charts are
    written as RUN/plots/*.svg.
    """
    from .compare import resolve_run
    from .report import write_report

    try:
        path = write_report(resolve_run(run).parent, output)
    except HarnessError as exc:
        raise _fail(exc) from None
    out.print(f"report: {path}")


@app.command()
def compare(
    baseline: Annotated[Path, typer.Argument(help="Baseline results file or run folder.")],
    new: Annotated[Path, typer.Argument(help="New results file, run folder or folder of runs.")],
    max_drop: Annotated[
        list[str],
        typer.Option(help="Largest allowed drop: 0.01 for every metric, or METRIC=0.02."),
    ] = [],  # noqa: B006 - typer needs a literal default
    minimum: Annotated[
        list[str], typer.Option("--min", help="Minimum absolute score: METRIC=0.8.")
    ] = [],  # noqa: B006
    metric: Annotated[
        list[str], typer.Option(help="Compare only these metrics (default: the headline ones).")
    ] = [],  # noqa: B006
    fmt_: Annotated[str, typer.Option("--format", help="table, markdown or json.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Also write Markdown/JSON here.")] = None,
    force: Annotated[bool, typer.Option(help="Compare runs that are not comparable.")] = False,
    samples: Annotated[int, typer.Option(help="Paired-bootstrap samples (0: no p-values).")] = 1000,
    config: Annotated[
        Path | None, typer.Option(help="Take gate thresholds from this config's `gate:` key.")
    ] = None,
    significant_only: Annotated[
        bool, typer.Option(help="Fail the gate only on significant drops.")
    ] = False,
) -> None:
    """Compare two runs: every headline score, its difference and a paired-bootstrap p-value.

    Refuses runs on another goldset version or hash, other tasks or another label scheme
    (exit 6) unless --force. With thresholds (--max-drop, --min, or the config's gate), exits 7
    naming each metric that broke one.
    """
    from .cli_compare import run_compare

    if fmt_ not in ("table", "markdown", "json"):
        raise _fail(ConfigError(f"--format {fmt_!r}: expected table, markdown or json"))
    run_compare(
        baseline, new, max_drop=max_drop, minimum=minimum, metric=metric, fmt_=fmt_,
        output=output, force=force, samples=samples, config=config,
        significant_only=significant_only,
    )  # fmt: skip


def _add_subcommands() -> None:
    from .cli_agreement import agreement_command
    from .cli_compare import baseline_app
    from .cli_goldset import goldset_app

    app.command("agreement")(agreement_command)
    app.add_typer(baseline_app, name="baseline")
    app.add_typer(goldset_app, name="goldset")


_add_subcommands()


def main() -> None:
    try:
        app()
    except HarnessError as exc:  # errors raised outside a command's own handling
        err.print(f"[bold red]error:[/] {exc}")
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
