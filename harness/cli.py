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
from rich.console import Console

from .errors import HarnessError

EXIT_INCOMPLETE = 5
EXIT_GATE = 7

app = typer.Typer(
    name="harness",
    help="Evaluate information extractors (entities, quotes, speakers) on gold-annotated news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


def _fail(exc: HarnessError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(exc.exit_code)


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
    if not result.complete:
        err.print("[bold red]run incomplete:[/] some documents failed; see the errors above")
        raise typer.Exit(EXIT_INCOMPLETE)


@app.command()
def validate(
    goldset: Annotated[Path, typer.Argument(help="Goldset folder (with goldset.yaml).")],
) -> None:
    """Validate a goldset: texts and hashes, offsets, covered text, labels, overlaps, speakers.

    Prints every problem with its file and record, exit code 3 when there is any.
    """
    from .goldset import load_goldset

    try:
        g = load_goldset(goldset)
    except HarnessError as exc:
        raise _fail(exc) from None
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


def main() -> None:
    try:
        app()
    except HarnessError as exc:  # errors raised outside a command's own handling
        err.print(f"[bold red]error:[/] {exc}")
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
