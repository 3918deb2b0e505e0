"""``harness compare`` and ``harness baseline``: scores in CI.

Exit codes follow one rule (:mod:`harness.gate`): 6 when a run cannot be read or the runs are not
comparable, 7 only when a threshold was given and broken, else 0. With ``--format json`` or
``markdown`` the comparison is the only thing written to stdout; everything else (warnings,
whatever a plugin prints while it is loaded) goes to stderr, so the output can be piped.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .cli_common import err, out
from .cli_common import fail as _fail
from .cli_show import ByOption
from .errors import ConfigError, HarnessError, ResultsError
from .exitcodes import ExitCode

if TYPE_CHECKING:
    from .compare import Comparison
    from .gate import Gate

DEFAULT_SCORES = Path("scores")
FORMATS = ("table", "markdown", "json")

baseline_app = typer.Typer(
    help="Committed baseline scores: update them deliberately, check a run against them.",
    no_args_is_help=True,
)


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send anything printed to ``sys.stdout`` (a plugin's print while it is imported or
    scores) to stderr, so stdout carries only the command's own output."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


def _table(c: Comparison) -> Table:
    from .compare import fmt

    t = Table(title=escape(f"{c.baseline_path} -> {c.new_path}"), title_justify="left")
    for col in ("extractor", "metric", "baseline", "new", "diff", "p", "verdict"):
        t.add_column(col, justify="right" if col in ("baseline", "new", "diff", "p") else "left")
    style = {"better": "green", "worse": "bold red", "new": "cyan", "gone": "yellow"}
    for r in c.rows:
        p = "-" if r.p_value is None else f"{r.p_value:.3f}"
        v = r.verdict
        t.add_row(
            escape(r.title), escape(r.metric), fmt(r.baseline), fmt(r.new), fmt(r.diff, True), p,
            f"[{style[v]}]{v}[/]" if v in style else v,
        )  # fmt: skip
    return t


def _gate(
    config: Path | None, max_drop: list[str], minimum: list[str], significant_only: bool
) -> Gate:
    """The config's ``gate:`` thresholds, overridden by the command line's."""
    from .config import load_config
    from .gate import Gate, parse_thresholds

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
        try:
            write_text(output, text if text is not None else to_markdown(c))
        except OSError as exc:
            raise _fail(ConfigError(f"--output {str(output)!r}: cannot write: {exc}")) from None
    for w in c.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    out.print(_table(c))


def _pairs(items: list[str]) -> list[tuple[str, str]]:
    """``["regex=spacy"]`` -> ``[("regex", "spacy")]``."""
    pairs = []
    for item in items:
        a, sep, b = item.partition("=")
        if not sep or not a.strip() or not b.strip():
            raise ConfigError(f"--pair {item!r}: expected BASELINE=NEW (extractor labels)")
        pairs.append((a.strip(), b.strip()))
    return pairs


def _extractors(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def _compare(
    baseline: Path, new: Path | None, gate: Gate, *, metric: list[str], force: bool,
    samples: int, pair_by: str, pair: list[str], extractors: str | None, by: list[str],
) -> Comparison:  # fmt: skip
    from .compare import compare_paths, compare_within

    names = _extractors(extractors)
    if new is None:
        if not names:
            raise ConfigError(
                "give a second run to compare with, or --extractors A,B to compare extractors "
                "of this run"
            )
        if pair:
            raise ConfigError("--pair compares two runs; within one run use --extractors A,B")
        return compare_within(
            baseline, names, gate=gate, metrics=metric, samples=samples, force=force, by=by
        )
    pairs = _pairs(pair)
    if names and not pairs:
        pairs = [(x, x) for x in names]
    return compare_paths(
        baseline, new, gate=gate, metrics=metric or None, force=force, samples=samples,
        pair_by=pair_by, pairs=pairs, by=by,
    )  # fmt: skip


def run_compare(
    baseline: Path,
    new: Path | None,
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
    pair_by: str = "auto",
    pair: list[str] | None = None,
    extractors: str | None = None,
    by: list[str] | None = None,
) -> None:
    """Compare runs (or extractors of one run), show the comparison, exit 7 when a threshold
    is broken."""
    try:
        if fmt_ not in FORMATS:
            raise ConfigError(f"--format {fmt_!r}: expected one of {', '.join(FORMATS)}")
        if samples < 0:
            raise ConfigError(f"--samples {samples}: expected 0 (no p-values) or more")
        with stdout_to_stderr():
            gate = _gate(config, max_drop, minimum, significant_only)
            c = _compare(
                baseline, new, gate, metric=metric, force=force, samples=samples,
                pair_by=pair_by, pair=pair or [], extractors=extractors, by=by or [],
            )  # fmt: skip
    except HarnessError as exc:
        raise _fail(exc) from None
    _show(c, fmt_, output)
    if c.violations:
        err.print("[bold red]regression gate failed:[/]")
        for v in c.violations:
            err.print(f"  - {escape(v)}", highlight=False)
        raise typer.Exit(ExitCode.GATE)
    n_worse = sum(r.verdict == "worse" for r in c.rows)
    if not c.gated:
        err.print(f"no thresholds given: report only ({n_worse} significantly worse)")
    else:
        err.print(f"gate passed ({n_worse} significantly worse, within thresholds)")


def compare_command(
    baseline: Annotated[
        Path, typer.Argument(help="Baseline results file or run folder (or the one run).")
    ],
    new: Annotated[
        Path | None,
        typer.Argument(
            help="New results file, run folder or folder of runs (omit with --extractors)."
        ),
    ] = None,
    extractors: Annotated[
        str | None,
        typer.Option(
            help="A,B[,C]: with one run, compare its extractors (the first is the baseline of "
            "the others); with two runs, compare only these."
        ),
    ] = None,
    pair: Annotated[
        list[str],
        typer.Option(
            help="BASELINE=NEW: compare extractor BASELINE of the first run with NEW "
            "of the second (repeatable; only these pairs are compared)."
        ),
    ] = [],  # noqa: B006 - typer needs a literal default
    pair_by: Annotated[
        str,
        typer.Option(
            help="Pair the runs' extractors by 'label', by extractor 'name', or "
            "'auto' (by label; the last two without a partner are paired)."
        ),
    ] = "auto",
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
    samples: Annotated[
        int,
        typer.Option(
            min=0, max=100_000, help="Paired-bootstrap samples (0: no p-values; at most 100,000)."
        ),
    ] = 1000,
    config: Annotated[
        Path | None, typer.Option(help="Take gate thresholds from this config's `gate:` key.")
    ] = None,
    significant_only: Annotated[
        bool, typer.Option(help="Fail the gate only on significant drops.")
    ] = False,
    by: ByOption = [],  # noqa: B006 - typer needs a literal default
) -> None:
    """Compare two runs, or extractors of one run: every headline score, its difference and a
    paired-bootstrap p-value.

    Extractors of two runs are paired by label; when one extractor of each run is left alone
    they are paired too (regex in one run, spacy in the other); --pair regex=spacy says so
    explicitly, --pair-by name pairs the same extractor under different labels. One run and
    --extractors regex,spacy compares extractors of that run. --by outlet adds a row per
    value of a slice of the runs (document slices with p-values over the value's documents;
    slice rows are never gated).

    Exit codes: 6 when a run cannot be read, or the runs are not comparable (another goldset
    version or hash, other tasks, paired extractors scored on other labels) unless --force;
    7 only when thresholds are given (--max-drop, --min, the config's gate) and one is broken:
    a drop larger than allowed, a score below its minimum, or a score the threshold applies to
    that is missing from the new run or not a number. Without thresholds: 0.
    """
    run_compare(
        baseline, new, max_drop=max_drop, minimum=minimum, metric=metric, fmt_=fmt_,
        output=output, force=force, samples=samples, config=config,
        significant_only=significant_only, pair_by=pair_by, pair=pair, extractors=extractors,
        by=by,
    )  # fmt: skip


def _baseline_path(config: Path, scores: Path) -> Path:
    return scores / f"{config.stem}.json"


def _incomplete(src: Path) -> list[str]:
    from .compare import incomplete_warnings, load_results

    results = load_results(src)
    return incomplete_warnings(results, "run") if not results.get("complete", True) else []


@baseline_app.command("update")
def baseline_update(
    config: Annotated[Path, typer.Option("--config", "-c", help="The evaluation config.")],
    scores: Annotated[Path, typer.Option(help="Folder of committed baselines.")] = DEFAULT_SCORES,
    from_run: Annotated[
        Path | None, typer.Option("--from", help="Use this run instead of running the config.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Record an incomplete run (some documents failed) anyway.")
    ] = False,
) -> None:
    """Replace the committed baseline of CONFIG (scores/<config name>.json) by a new run.

    Deliberate: review the change (`git diff scores/`) and commit it with a reason. An
    incomplete run (an extractor failed on some document) is refused unless --force.
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
            if not result.complete and not force:
                err.print(
                    "[bold red]run incomplete[/]: an extractor failed on some document; "
                    "refusing to record it as a baseline (--force to record it anyway)"
                )
                raise typer.Exit(ExitCode.EXTRACTOR)
            src = write_run(result, cfg.output)
        else:
            src = resolve_run(from_run)
            problems = _incomplete(src)
            if problems and not force:
                raise ResultsError(
                    f"{src}: the run is incomplete; refusing to record it as a baseline "
                    f"(--force to record it anyway): {'; '.join(problems)}"
                )
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
        pair_by="label",
    )  # fmt: skip
