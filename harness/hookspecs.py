"""The plugin contract: every hook a plugin may implement.

A plugin is a module (or object) with functions decorated by ``harness.hookimpl`` and named like
the specs below, made known through the ``harness`` entry-point group::

    # pyproject.toml of a plugin distribution
    [project.entry-points.harness]
    my_plugin = "my_package.plugin"

The built-in extractors are registered exactly this way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .extractors import Extractor

PROJECT = "harness"
#: Name of the entry-point group in which plugins are discovered.
ENTRY_POINT_GROUP = "harness"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_extractors(register: Callable[[type[Extractor]], None]) -> None:
    """Register extractor classes.

    Called once, when the plugin manager is first used. Call ``register(cls)`` for each
    subclass of :class:`harness.extractors.Extractor` the plugin provides. Do not import heavy
    libraries here: load models in ``Extractor.setup``. Registering a name that is already taken
    is an error that names both plugins.
    """


@hookspec
def register_goldset_formats(register: Callable[[str, Any], None]) -> None:
    """Register goldset readers: ``register(format_name, reader)``.

    ``reader(path, options)`` returns an iterable of :class:`harness.model.Document`. The native
    format (``harness``) is registered by the core through this same hook.
    """
