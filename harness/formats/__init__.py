"""Goldset formats: the contract (:mod:`.base`), the registry lookups, and the built-in formats.

Built in, registered through the ``register_goldset_formats`` hook like any plugin's formats
(:mod:`harness.builtin`):

- ``harness`` (:mod:`.native`): the native folder of ``goldset.yaml`` + one JSON per document;
- ``conll`` (:mod:`.conll`): CoNLL-2003 column files, IOB1/IOB2/BIOES;
- ``brat`` (:mod:`.brat`): brat standoff ``.txt`` + ``.ann``, with attribution relations as quotes;
- ``labelstudio`` (:mod:`.labelstudio`): Label Studio JSON export.
"""

from __future__ import annotations

from ..plugins import get_plugins
from .base import CommonOptions, Format, GoldsetInfo, as_format, can_write

__all__ = [
    "CommonOptions",
    "Format",
    "GoldsetInfo",
    "can_write",
    "format_names",
    "get_format",
]


def get_format(name: str) -> Format:
    """The registered format called ``name``; unknown names raise with "did you mean"."""
    return as_format(name, get_plugins().goldset_formats.get(name))


def format_names() -> list[str]:
    """Names of every registered goldset format."""
    return list(get_plugins().goldset_formats)
