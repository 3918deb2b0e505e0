"""The ``harness`` command line: a thin layer that parses arguments, calls the library, prints.

Exit codes: :class:`harness.exitcodes.ExitCode` (the README's table is made from it).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import cli_common
from .cli_common import err, out, parse_pairs
from .cli_common import fail as _fail
from .cli_goldset import (
    MaxFileBytes,
    MaxProblems,
    ProblemsFile,
    file_limit_option,
    goldset_failure,
    with_file_limit,
)
from .cli_show import ByOption, run_slice_tables, with_slices
from .errors import HarnessError, OutputError, os_problem
from .exitcodes import ExitCode

if TYPE_CHECKING:
    from .runner import RunResult

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
    by: ByOption = [],  # noqa: B006 - typer needs a literal default
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Run the extractors of a config on its goldset; print scores and write results.

    Writes OUTPUT/results.json (scores, confidence intervals, counts, provenance) and
    OUTPUT/predictions.jsonl (per-document predictions for error analysis). Exit code 5 when an
    extractor failed on some document (the failures are listed in results.json).
    """
    from . import runner
    from .config import load_config
    from .render import progress_bar
    from .results import check_output

    try:
        cfg = load_config(config)
        if output is not None:
            cfg = replace(cfg, output=Path(os.path.abspath(output)))
        check_output(cfg.output)
        if cfg.cache is not None and not no_cache:
            cli_common.INTERRUPT_NOTES.append(
                f"the predictions made so far are kept in the prediction cache ({cfg.cache})"
            )
        cfg = with_file_limit(with_slices(cfg, by), max_file_bytes)
        with progress_bar(disable=quiet, console=err) as progress:
            result = runner.run(cfg, use_cache=not no_cache, fail_fast=fail_fast, progress=progress)
    except HarnessError as exc:
        raise _fail(exc) from None
    _print_run(result, by)
    path = _write_results(result, cfg.output)
    if report:
        _write_report(path.parent)
    if not result.complete:
        err.print("[bold red]run incomplete:[/] some documents failed; see the errors above")
        raise typer.Exit(ExitCode.EXTRACTOR)


def _print_run(result: RunResult, by: list[str]) -> None:
    """The scores table and every extractor error, before anything is written (so a run whose
    results cannot be written still shows its scores)."""
    from .render import scores_table

    out.print(scores_table(result))
    for table in run_slice_tables(result, by):
        out.print(table)
    _print_problems(result)


def _write_results(result: RunResult, output: Path) -> Path:
    """results.json and predictions.jsonl into ``output``; when they cannot be written there
    (a full disk...), into a new folder of the system's temporary folder, and exit 8."""
    from .results import write_run

    try:
        path = write_run(result, output)
    except OutputError as exc:
        raise _fail(OutputError(f"{exc}; {_rescue(result)}")) from None
    cli_common.WRITTEN.append(str(path))
    out.print(f"results: {path}")
    return path


def _rescue(result: RunResult) -> str:
    """Write the run to a new folder of the system's temporary folder; say where (or why not)."""
    import shutil
    import tempfile

    from .results import write_run

    folder = None
    try:
        folder = Path(tempfile.mkdtemp(prefix="harness-run-"))
        write_run(result, folder)
    except (OSError, HarnessError) as exc:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        return f"the run could not be saved in the temporary folder either ({exc})"
    return f"the whole run was saved to {folder} instead"


def _write_report(run: Path) -> None:
    from .report import write_report

    try:
        path = write_report(run)
    except HarnessError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        written = f" ({run / 'results.json'} was written)" if cli_common.WRITTEN else ""
        raise _fail(OutputError(f"cannot write the report: {os_problem(exc)}{written}")) from None
    cli_common.WRITTEN.append(str(path))
    out.print(f"report: {path}")


def _print_problems(result: RunResult) -> None:
    """Each extractor's failed documents, warnings and ignored labels, on stderr."""
    for r in result.extractors:
        for e in r.errors:
            err.print(f"[red]extractor {r.label!r} failed on document {e.doc_id!r}:[/] {e.message}")
        for w in r.warnings:  # a cache that could not be used: time lost, not results
            err.print(f"[yellow]warning ({r.label}):[/] {w}", markup=True, highlight=False)
        if r.ignored_pred_labels or r.unmapped_pred_labels:
            ignored = dict(r.ignored_pred_labels + r.unmapped_pred_labels)
            msg = f"{r.label}: predictions with labels outside the scheme ignored:"
            err.print(f"[yellow]{msg}[/] {ignored}")


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
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Validate a goldset: texts and hashes, offsets, covered text, labels, overlaps, speakers.

    Every problem is found and counted, each with its file and record (or line); the first 50
    are printed (--max-problems 0 prints all of them, --problems-file FILE writes them all).
    Exit code 3 when there is any.
    """
    from .goldset import load_goldset

    try:
        options = parse_pairs(option)
        limit = file_limit_option(max_file_bytes)
        g = load_goldset(goldset, format=fmt, options=options or None, max_file_bytes=limit)
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


@app.command()
def metrics(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the Markdown table of docs/scores.md.")
    ] = False,
) -> None:
    """List every declared score: key, task, headline or not, better direction, description.

    Built-in scores and those of installed plugins (hook ``register_scores``).
    """
    from .plugins import get_plugins
    from .render import metrics_table
    from .scoring.metrics import BUILTIN, Metrics, markdown_table

    try:
        extra = [m for _, s in get_plugins().scores.items() for m in s.metrics]
    except HarnessError as exc:
        raise _fail(exc) from None
    declared = Metrics(BUILTIN).merged(extra)
    if markdown:
        print(markdown_table(declared), end="")
    else:
        out.print(metrics_table(declared))


@app.command("report")
def report_(
    run: Annotated[Path, typer.Argument(help="Run folder (with results.json) or results file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="HTML file (default: RUN/report.html).")
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(help="Another run on the same goldset: show what got fixed and what broke."),
    ] = None,
    folder: Annotated[
        bool | None,
        typer.Option(
            "--folder/--single-file",
            help="Data in a folder beside the page, or in the page (default: a folder above "
            "2,000 documents).",
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML error-analysis report of a run, with report.md and SVG plots.

    Scores with confidence intervals (overall and by slice), charts, a confusion table of entity
    labels, a searchable, sortable, groupable table of every error (exported as CSV or JSONL),
    and each document with the gold and every extractor's predictions side by side, speakers
    linked to their quotes. Works offline. RUN/report.md carries the same numbers in Markdown
    (for pull requests and CI job summaries); the charts are written as RUN/plots/*.svg.
    """
    from .compare import resolve_run
    from .report import write_report

    try:
        base = resolve_run(against).parent if against is not None else None
        path = write_report(resolve_run(run).parent, output, against=base, folder=folder)
    except HarnessError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _fail(OutputError(f"cannot write the report: {os_problem(exc)}")) from None
    out.print(f"report: {path}")


def _add_subcommands() -> None:
    from .cli_agreement import agreement_command
    from .cli_compare import baseline_app, compare_command
    from .cli_goldset import goldset_app
    from .cli_show import show_command

    app.command("agreement")(agreement_command)
    app.command("compare")(compare_command)
    app.command("show")(show_command)
    app.add_typer(baseline_app, name="baseline")
    app.add_typer(goldset_app, name="goldset")


_add_subcommands()


@app.callback()
def _options(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Print the traceback of any error (also: HARNESS_DEBUG=1)."),
    ] = False,
) -> None:
    """Evaluate information extractors (entities, quotes, speakers) on gold-annotated news."""
    cli_common.WRITTEN.clear()
    cli_common.INTERRUPT_NOTES.clear()
    if debug:
        cli_common.DEBUG = True


def main() -> None:
    """The ``harness`` command: the app inside the top-level handler (:mod:`harness.cli_main`)."""
    from .cli_main import run

    sys.exit(run(app))


if __name__ == "__main__":
    main()
