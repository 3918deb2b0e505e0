"""``harness goldset``: convert goldsets between the native format and other formats.

- ``harness goldset import SOURCE OUT --format conll [-o scheme=iob2]`` reads SOURCE in a
  registered format and writes a native goldset folder OUT (then validates it);
- ``harness goldset export GOLDSET OUT --to brat [--from harness] [-o key=value]`` writes a goldset
  in any format that can write (``conll``, ``brat``, ``labelstudio``, ``harness``);
- ``harness goldset formats`` lists the registered formats and whether each can write.

Options are ``key=value`` pairs; values are read as YAML (``labels=[PER,ORG]``, ``columns=2``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .atomic import write_text
from .cli_common import err, out, parse_pairs
from .cli_common import fail as _fail
from .errors import ConfigError, HarnessError, OutputError, os_problem

goldset_app = typer.Typer(
    name="goldset",
    help="Import goldsets from CoNLL, brat or Label Studio, and export them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Name of the conversion report in an imported goldset folder.
REPORT = "conversion-report.tsv"

OptionList = Annotated[
    list[str] | None,
    typer.Option("--option", "-o", help="Format option as key=value (YAML value); repeatable."),
]
MaxProblems = Annotated[
    int,
    typer.Option(
        "--max-problems",
        min=0,
        help="Problems to print when the goldset is invalid (0: all of them).",
    ),
]
ProblemsFile = Annotated[
    Path | None,
    typer.Option("--problems-file", help="Write every problem to this file, one per line."),
]
MaxFileBytes = Annotated[
    int | None,
    typer.Option(
        "--max-file-bytes",
        help="Largest goldset file read, in bytes (default 100,000,000; in a config: "
        "goldset: {max_file_bytes: N}, which this overrides).",
        show_default=False,
    ),
]


def file_limit_option(value: int | None) -> int | None:
    """``--max-file-bytes``, checked as the config's ``goldset.max_file_bytes`` is."""
    from .config import whole_number

    return None if value is None else whole_number(value, 1, 2**62, "--max-file-bytes")


def with_file_limit(cfg: Any, value: int | None) -> Any:
    """The run config ``cfg`` with its goldset read under ``--max-file-bytes`` (if given)."""
    import dataclasses

    limit = file_limit_option(value)
    if limit is None:
        return cfg
    goldset = dataclasses.replace(cfg.goldset, max_file_bytes=limit)
    return dataclasses.replace(cfg, goldset=goldset)


def goldset_failure(
    exc: HarnessError, max_problems: int = 50, problems_file: Path | None = None
) -> typer.Exit:
    """Print an error; for an invalid goldset, its problems (``max_problems`` of them, 0: all),
    and write every problem to ``problems_file``. Returns the exit to raise."""
    problems = list(exc.problems) or [str(exc)]
    if problems_file is not None:
        try:
            write_text(problems_file, "".join(f"{p}\n" for p in problems))
        except OSError as os_exc:
            err.print(f"[bold red]error:[/] cannot write the problems: {os_problem(os_exc)}")
            problems_file = None
    if len(problems) < 2:
        return _fail(exc)
    n = len(problems)
    shown = problems if max_problems <= 0 else problems[:max_problems]
    err.print(f"[bold red]error:[/] {exc.source}: {n} problems:", highlight=False)
    for p in shown:
        err.print(f"  - {p}", markup=False, highlight=False, soft_wrap=True)
    if len(shown) < n:
        err.print(
            f"  ... and {n - len(shown)} more: --max-problems 0 prints all of them, "
            "--problems-file FILE writes them to a file"
        )
    if problems_file is not None:
        err.print(f"all {n} problems: {problems_file}")
    return typer.Exit(exc.exit_code)


def _writer(name: str, options: Mapping[str, Any]) -> tuple[Any, Any]:
    from .formats import can_write, format_names, get_format
    from .options import parse_options

    fmt = get_format(name)
    if not can_write(fmt):
        writable = [n for n in format_names() if can_write(get_format(n))]
        raise ConfigError(f"format {name!r} cannot write goldsets; formats that can: {writable}")
    return fmt, parse_options(fmt.Options, options, f"--to {name} options")


def _summary(stats: Mapping[str, int] | None, path: Path) -> None:
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in (stats or {}).items())
    out.print(f"[green]wrote[/] {path}: {counts}")
    for key in ("quotes_not_written", "speakers_not_written"):
        if (stats or {}).get(key):
            err.print(f"[yellow]warning:[/] {stats[key]} {key.replace('_', ' ')} (format limit)")  # type: ignore[index]


@goldset_app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="File or folder in another format.")],
    output: Annotated[Path, typer.Argument(help="New native goldset folder to write.")],
    format: Annotated[str, typer.Option("--format", "-f", help="Format of SOURCE.")],
    option: OptionList = None,
    max_problems: MaxProblems = 50,
    problems_file: ProblemsFile = None,
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Convert SOURCE (conll, brat, labelstudio...) into a native goldset folder OUTPUT.

    The goldset is validated before it is written. Readers that convert annotations (brat, Label
    Studio) record every record they repaired, merged, split or dropped, with reason, file and
    line, in OUTPUT/conversion-report.tsv; a summary is printed. With the brat option
    annotator=each, OUTPUT gets one goldset per annotator (OUTPUT/<annotator>/).
    """
    try:
        options = parse_pairs(option)
        limit = file_limit_option(max_file_bytes)
        if options.get("annotator") == "each":
            plan = [(output / n, o) for n, o in _per_annotator(source, format, options)]
        else:
            plan = [(output, options)]
        done = _import_all(source, output, format, plan, limit)
    except HarnessError as exc:
        raise goldset_failure(exc, max_problems, problems_file) from None
    for dest, stats, report in done:
        _import_summary(dest, stats, report)


def _import_all(
    source: Path,
    output: Path,
    format: str,
    plan: list[tuple[Path, Mapping[str, Any]]],
    limit: int | None = None,
) -> list[tuple[Path, Any, Any]]:
    """Read, write and validate every goldset of ``plan`` (destinations under ``output``) in a
    temporary folder beside ``output``, moved into place only when all of them are: a refused
    or interrupted import leaves nothing behind that would block the retry."""
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise ConfigError(f"{output}: output exists and is not an empty folder; choose a new one")
    tmp = output.with_name(f".{output.name}.importing-{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        done = [
            (dest, *_import_one(source, tmp / dest.relative_to(output), format, opts, limit))
            for dest, opts in plan
        ]
        if output.exists():
            output.rmdir()
        tmp.rename(output)
    except OSError as exc:
        raise OutputError(f"cannot write the goldset {output}: {os_problem(exc)}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return done


def _per_annotator(
    source: Path, format: str, options: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    from .formats import get_format
    from .options import parse_options

    fmt = get_format(format)
    if not callable(getattr(fmt, "annotators", None)):
        raise ConfigError(f"format {format!r} has no annotators to import one by one")
    opts = parse_options(fmt.Options, {**options, "annotator": "only"}, f"{format} options")
    names = fmt.annotators(source, opts)  # type: ignore[attr-defined]
    if not names:
        raise ConfigError(f"{source}: no <doc>_<annotator> annotation files")
    base = options.get("name") or source.name
    return [(n, {**options, "annotator": n, "name": f"{base}-{n}"}) for n in names]


def _read_with_report(
    source: Path, format: str, options: Mapping[str, Any], limit: int | None = None
) -> tuple[Any, Any]:
    """The goldset and the conversion report of reading it (read again when it was cached)."""
    from .formats import conversion, get_format
    from .formats.base import file_limit
    from .goldset import load_goldset
    from .options import parse_options

    with conversion.collect() as report:
        g = load_goldset(source, format, options, max_file_bytes=limit)
        if report.files_read == 0:  # the rows came from the cache: the reader did not run
            fmt = get_format(format)
            with file_limit(limit):
                opts = parse_options(fmt.Options, options, f"{format} options")
                for _ in fmt.read(source, opts):
                    pass
    return g, report


def _import_one(
    source: Path, dest: Path, format: str, options: Mapping[str, Any], limit: int | None = None
) -> tuple[Any, Any]:
    """Read ``source``, write it as a native goldset in ``dest`` and validate what was written;
    return the writer's counts and the conversion report."""
    from .formats.native import NativeFormat
    from .goldset import load_goldset

    g, report = _read_with_report(source, format, options, limit)
    stats = NativeFormat().write(g, dest, None)
    load_goldset(dest, max_file_bytes=limit)
    if report.changes or report.files_read:
        report.write(dest / REPORT)
    return stats, report


def _import_summary(output: Path, stats: Any, report: Any) -> None:
    _summary(stats, output)
    if report.changes:
        out.print(f"conversion: {len(report.changes)} records changed ({output / REPORT}):")
        for line in report.summary_lines():
            out.print(f"  {line}", highlight=False, markup=False)


@goldset_app.command("export")
def export(
    goldset: Annotated[Path, typer.Argument(help="Goldset to export (native folder by default).")],
    output: Annotated[Path, typer.Argument(help="File (conll, labelstudio) or folder (brat).")],
    to: Annotated[str, typer.Option("--to", "-t", help="Format to write.")],
    from_: Annotated[
        str, typer.Option("--from", help="Format of GOLDSET (default: native).")
    ] = "harness",
    option: OptionList = None,
    read_option: Annotated[
        list[str] | None,
        typer.Option("--read-option", help="Option of the --from format, key=value."),
    ] = None,
    max_problems: MaxProblems = 50,
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Write GOLDSET in another format: conll, brat, labelstudio or harness (native).

    brat and Label Studio keep everything (speaker registry, quote types, cues): reading the
    export back gives the same goldset. Label Studio also gets OUTPUT.config.xml, a labeling
    config for the exported tasks. CoNLL keeps the entities (quotes are counted as not written).
    """
    from .goldset import load_goldset

    try:
        fmt, opts = _writer(to, parse_pairs(option))
        read_opts = parse_pairs(read_option, "--read-option")
        limit = file_limit_option(max_file_bytes)
        g = load_goldset(goldset, from_, read_opts, max_file_bytes=limit)
        stats = fmt.write(g, output, opts)
    except HarnessError as exc:
        raise goldset_failure(exc, max_problems) from None
    _summary(stats, output)
    if to == "labelstudio":
        from .formats.labelstudio import config_path

        out.print(f"labeling config: {config_path(output)}")


@goldset_app.command("formats")
def formats(
    name: Annotated[
        str | None, typer.Argument(help="A format: show its options and their defaults.")
    ] = None,
) -> None:
    """List the registered goldset formats, their plugin and whether they can write; with a
    NAME, the options of that format (for -o KEY=VALUE and a config's goldset options)."""
    from .formats import can_write, format_names, get_format
    from .plugins import get_plugins

    try:
        if name is not None:
            out.print(_options_table(name))
            return
        registry = get_plugins().goldset_formats
        table = Table(title="goldset formats", title_justify="left")
        for col in ("format", "plugin", "label scheme", "write", "description"):
            table.add_column(col)
        for fname in format_names():
            fmt = get_format(fname)
            table.add_row(
                fname,
                registry.owner(fname),
                str(getattr(fmt, "label_scheme", "?")),
                "yes" if can_write(fmt) else "no",
                str(getattr(fmt, "description", "")),
            )
    except HarnessError as exc:
        raise _fail(exc) from None
    out.print(table)


def _field_docs(cls: type) -> dict[str, str]:
    """The ``#:`` comments above the fields of a dataclass (its own and its bases')."""
    import inspect
    import re

    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        try:
            lines = inspect.getsource(klass).splitlines()
        except (OSError, TypeError):
            continue
        pending: list[str] = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("#:"):
                pending.append(stripped[2:].strip())
                continue
            m = re.match(r"(\w+)\s*:", stripped)
            if m and pending:
                docs[m.group(1)] = " ".join(pending)
            pending = []
    return docs


def _options_table(name: str) -> Table:
    import dataclasses

    from .formats import get_format

    fmt = get_format(name)
    cls = fmt.Options
    docs = _field_docs(cls)
    table = Table(title=f"options of {name}: {fmt.description}", title_justify="left")
    for col in ("option", "default", "what it does"):
        table.add_column(col)
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else "(required)"
        table.add_row(f.name, repr(default), docs.get(f.name, ""))
    return table
