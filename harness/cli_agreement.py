"""``harness agreement``: inter-annotator agreement between annotations of the same texts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .cli_common import err, out, parse_pairs
from .cli_common import fail as _fail
from .cli_goldset import MaxFileBytes, file_limit_option
from .errors import ConfigError, HarnessError

COLUMNS = {
    "entities.strict.micro.f1": "entity strict F1",
    "quotes.exact.f1": "quote exact F1",
    "quotes.overlap@0.3.f1": "quote ov@0.3 F1",
    "quotes.overlap@0.8.f1": "quote ov@0.8 F1",
    "speakers.accuracy": "speaker acc",
    "attribution.f1": "attribution F1",
}


def _sources(
    goldsets: list[Path], fmt: str, options: dict[str, Any]
) -> list[tuple[str, Path, dict[str, Any]]]:
    """``(name, path, options)`` of each annotation to compare."""
    if len(goldsets) > 1:
        return [(str(p), p, options) for p in goldsets]
    from .formats import get_format
    from .options import parse_options

    source = goldsets[0]
    f = get_format(fmt)
    if not callable(getattr(f, "annotators", None)):
        raise ConfigError(
            "give two goldsets (or more) to compare, or one folder of a format with several "
            "annotators per document (brat <doc>_<annotator>.ann)"
        )
    opts = parse_options(f.Options, {**options, "annotator": "only"}, f"{fmt} options")
    names = f.annotators(source, opts)  # type: ignore[attr-defined]
    if len(names) < 2:
        raise ConfigError(f"{source}: fewer than two annotators ({names})")
    return [(n, source, {**options, "annotator": n}) for n in names]


def _table(rows: list[tuple[str, str, int, dict[str, float]]], title: str) -> Table:
    """Scores of each row; a metric no row has (entities of a corpus without any) is left out."""
    shown = {k: v for k, v in COLUMNS.items() if any(k in s for *_, s in rows)}
    table = Table(title=title, title_justify="left")
    for col in ("A", "B", "docs", *shown.values()):
        table.add_column(col, justify="left" if col in ("A", "B") else "right")
    for a, b, n, scores in rows:
        cells = [f"{scores[k]:.3f}" if k in scores else "-" for k in shown]
        table.add_row(a, b, str(n), *cells)
    return table


def _print_disagreements(results: list[Any], limit: int) -> None:
    from collections import Counter

    every = [(r, d) for r in results for d in r.disagreements]
    kinds = Counter((d.task, d.kind) for _, d in every)
    out.print(
        "disagreements: "
        + (", ".join(f"{n} {task} {kind}" for (task, kind), n in sorted(kinds.items())) or "none")
    )
    shown = every if limit == 0 else every[:limit]
    for r, d in shown:
        pair = f"{r.a} / {r.b}" if len(results) > 1 else ""
        out.print(
            f"  {pair} {d.document} {d.start}..{d.end} {d.task} {d.kind}: A {d.a or '-'} | "
            f"B {d.b or '-'}",
            highlight=False,
            markup=False,
        )
    if len(shown) < len(every):
        out.print(f"  ... and {len(every) - len(shown)} more (all of them with --output FILE)")


def agreement_command(
    goldsets: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more annotations of the same texts (goldsets), or one brat folder "
            "whose documents have several <doc>_<annotator>.ann files."
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Format of the goldsets (default: native).")
    ] = "harness",
    option: Annotated[
        list[str] | None, typer.Option("--option", "-o", help="Format option KEY=VALUE.")
    ] = None,
    per_document: Annotated[
        bool, typer.Option("--per-document", help="Also print the scores of every document.")
    ] = False,
    max_disagreements: Annotated[
        int, typer.Option(min=0, help="Disagreements to print (0: all of them).")
    ] = 20,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Write every score, document and disagreement as JSON."),
    ] = None,
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Inter-annotator agreement: score annotations of the same texts against each other.

    The scorers of `eval`: annotation B is scored as a prediction against annotation A and the
    other way round; the table shows the mean of both directions (the exact scores are the same
    both ways). With more than two annotations every pair is compared, and a last row pools all
    pairs. Only documents with the same id and text in both annotations are compared. Every
    disagreement (only one annotator marked it, other boundaries, label, quote type or speaker)
    is listed: the first ones on screen, all of them in --output.
    """
    from .agreement import agreement, pooled
    from .goldset import load_goldset

    try:
        options = parse_pairs(option)
        limit = file_limit_option(max_file_bytes)
        sources = _sources(goldsets, fmt, options)
        loaded = [
            (name, list(load_goldset(path, fmt, opts or None, max_file_bytes=limit)))
            for name, path, opts in sources
        ]
        results = [
            agreement(na, da, nb, db) for (na, da), (nb, db) in itertools.combinations(loaded, 2)
        ]
    except HarnessError as exc:
        raise _fail(exc) from None
    results = [r for r in results if r.documents]
    if not results:
        raise _fail(ConfigError("the annotations share no document (same id and same text)"))
    rows = [(r.a, r.b, len(r.documents), r.mean) for r in results]
    if len(results) > 1:
        docs = len({d for r in results for d in r.documents})
        rows.append(("all pairs", "(pooled)", docs, pooled(results)))
    out.print(_table(rows, "inter-annotator agreement (mean of both directions)"))
    for r in results if len(goldsets) > 1 else []:  # one folder: other documents are expected
        if r.only_a or r.only_b or r.different_text:
            err.print(
                f"[yellow]{r.a} / {r.b}:[/] not compared: {len(r.only_a)} documents only in A, "
                f"{len(r.only_b)} only in B, {len(r.different_text)} with another text"
            )
    if per_document:
        for r in results:
            doc_rows = [(d, "", 1, s) for d, s in r.per_document.items()]
            out.print(_table(doc_rows, f"per document: {r.a} / {r.b}"))
    _print_disagreements(results, max_disagreements)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        payload = {"pairs": [r.to_dict() for r in results]}
        if len(results) > 1:
            payload["pooled"] = pooled(results)
        output.write_text(
            json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        out.print(f"agreement: {output}")
