"""Plugins shipped with the core, registered through the ``harness`` entry points like any other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .hookspecs import hookimpl


@hookimpl
def register_extractors(register: Callable[[Any], None]) -> None:
    from .replay import Replay

    register(Replay)


@hookimpl
def register_goldset_formats(register: Callable[[str, Any], None]) -> None:
    from .formats.brat import BratFormat
    from .formats.conll import ConllFormat
    from .formats.labelstudio import LabelStudioFormat
    from .formats.native import NativeFormat

    for fmt in (NativeFormat(), ConllFormat(), BratFormat(), LabelStudioFormat()):
        register(fmt.name, fmt)
