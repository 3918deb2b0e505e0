"""Goldset formats: the contract (:mod:`.base`) and the built-in readers and writers.

Built in, registered through the ``register_goldset_formats`` hook like any plugin's formats:

- ``harness`` (:mod:`.native`): the native folder of ``goldset.yaml`` + one JSON per document;
- ``conll`` (:mod:`.conll`): CoNLL-2003 column files, IOB1/IOB2/BIOES;
- ``brat`` (:mod:`.brat`): brat standoff ``.txt`` + ``.ann``, with attribution relations as quotes;
- ``labelstudio`` (:mod:`.labelstudio`): Label Studio JSON export.
"""

from __future__ import annotations

from .base import CommonOptions, GoldsetFormat, ProblemLog, as_format, can_write

__all__ = [
    "CommonOptions",
    "GoldsetFormat",
    "ProblemLog",
    "as_format",
    "can_write",
    "format_names",
    "get_format",
]


def get_format(name: str) -> GoldsetFormat:
    """The registered format called ``name``; unknown names raise with "did you mean"."""
    from ..plugins import get_plugins

    registry = get_plugins().goldset_formats
    return as_format(name, registry.get(name))


def format_names() -> list[str]:
    """Names of every registered goldset format."""
    from ..plugins import get_plugins

    return list(get_plugins().goldset_formats)
