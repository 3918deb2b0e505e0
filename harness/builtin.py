"""Plugins shipped with the core, registered through the ``harness`` entry points like any other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .hookspecs import hookimpl


@hookimpl
def register_extractors(register: Callable[[Any], None]) -> None:
    from .replay import Replay

    register(Replay)
