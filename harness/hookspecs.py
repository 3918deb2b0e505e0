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
    """Register goldset formats: ``register(format_name, fmt)``.

    ``fmt`` follows :class:`harness.formats.base.GoldsetFormat`:

    - ``name``, ``description``, ``version`` (of the reader; part of the cache key of the rows)
      and ``label_scheme`` (``conll``, ``ontonotes`` or ``custom``: the scheme of the gold read);
    - ``Options``: a dataclass of the format's options, best a subclass of
      :class:`harness.formats.base.CommonOptions` (``name``, ``version``, ``label_scheme``,
      ``labels``), validated from ``goldset: {format: NAME, path: ..., OPTION: value}``;
    - ``read(path, options)`` -> iterable of :class:`harness.model.Document`, produced one at a time
      (the core streams them into an Arrow cache, so do not build a list). Report malformed input
      by raising :class:`harness.errors.GoldsetError` naming the file and line (collect them with
      :class:`harness.formats.base.ProblemLog`);
    - optionally ``write(goldset, path, options)`` -> mapping of counts, for
      ``harness goldset export``; and ``content_hash(path, options)`` when the goldset depends on
      files other than those under ``path``.

    A plain callable ``reader(path, options)`` is accepted too (no options, scheme ``custom``).
    The native format (``harness``) and the built-in ``conll``, ``brat`` and ``labelstudio``
    formats are registered by the core through this same hook.
    """
