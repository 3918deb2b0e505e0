"""``harness show``: the scores of a saved run, overall and by slice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_common import fail, out
from .errors import ConfigError, HarnessError, did_you_mean

ByOption = Annotated[
    list[str],
    typer.Option(
        "--by",
        help="Also show scores by this slice (a document metadata key such as outlet, "
        "quote.type, speaker.gender; repeatable).",
    ),
]


def slice_tables(results: Mapping[str, Any], by: Sequence[str], where: str = "--by") -> list[Any]:
    """The rich tables of the slices ``by`` of a run's results (:class:`ConfigError` for a
    slice the run does not have)."""
    from .render import slice_table
    from .scoring.metrics import Metrics

    declared = results.get("slices") or {}
    tables = []
    for name in by:
        if name not in declared:
            have = ", ".join(declared) or "none (add slices: to the config and run it again)"
            raise ConfigError(
                f"{where} {name}: the run has no such slice.{did_you_mean(name, declared)} "
                f"It has: {have}"
            )
        per_extractor = {
            label: (info.get("slices") or {}).get(name) or {}
            for label, info in results["extractors"].items()
        }
        kind = str(declared[name].get("kind", "document"))
        tables.append(slice_table(name, per_extractor, Metrics.from_results(results), kind))
    return tables


def show_command(
    run: Annotated[Path, typer.Argument(help="Run folder (with results.json) or results file.")],
    by: ByOption = [],  # noqa: B006 - typer needs a literal default
) -> None:
    """Show the scores of a saved run: the headline scores with their intervals, and with
    --by the scores by slice (the slices of the run's config)."""
    from .compare import load_results
    from .render import results_table

    try:
        results = load_results(run)
        tables = [results_table(results), *slice_tables(results, by)]
    except HarnessError as exc:
        raise fail(exc) from None
    for table in tables:
        out.print(table)
    if not results.get("complete", True):
        out.print("[yellow]incomplete run:[/] some documents failed (see results.json errors)")


def with_slices(cfg: Any, by: Sequence[str]) -> Any:
    """The config with the slices of ``--by`` added (checked like the config's own)."""
    from dataclasses import replace

    from .scoring.slices import parse_slice

    added = tuple(parse_slice(b, "--by").name for b in by if b not in cfg.slices)
    return replace(cfg, slices=tuple(cfg.slices) + added) if added else cfg


def run_slice_tables(result: Any, by: Sequence[str]) -> list[Any]:
    """The tables of the slices ``by`` of a run just made (a ``RunResult``)."""
    if not by:
        return []
    from .runner import slice_specs

    light = {
        "metrics": result.metrics.to_dict(),
        "slices": {s.name: {"kind": s.kind} for s in slice_specs(result.config, result.goldset)},
        "extractors": {
            r.label: {
                "slices": {n: {v: s.to_dict() for v, s in vs.items()} for n, vs in r.slices.items()}
            }
            for r in result.extractors
        },
    }
    return slice_tables(light, [parse_name(b) for b in by])


def parse_name(name: str) -> str:
    from .scoring.slices import parse_slice

    return parse_slice(name, "--by").name
