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
    from .scoring.extra import Score

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


@hookspec
def register_scores(register: Callable[[Score], None]) -> None:
    """Register scores computed next to the built-in ones: ``register(score)``.

    ``score`` is a :class:`harness.scoring.Score`:

    - ``name``: the prefix of every key it counts and reports (``cues`` -> ``cues.accuracy``);
      not a built-in prefix (``entities``, ``quotes``, ``speakers``, ``attribution``), unique
      among plugins (a name registered twice is an error naming both plugins);
    - ``task``: it is computed for extractors that do this task, when the run evaluates it;
    - ``count(gold, prediction)`` -> additive counts ``{key: (matched, n_pred, n_gold)}`` of
      one document (:class:`harness.model.Document` with the gold labels the run scores, and the
      :class:`harness.model.Prediction` after the label maps, with only the scored labels);
    - ``summarise(totals)`` -> scores, from the counts summed over documents as numpy arrays
      (one value, or one per bootstrap replicate); default: P/R/F1 of every count key;
    - ``metrics``: a :class:`harness.scoring.Metric` for every score key it reports (task,
      column title, headline or not, which direction is better, description).

    Headline metrics get bootstrap intervals and appear in ``harness eval``'s table, the report
    and ``harness compare`` (with paired-bootstrap p-values when the plugin is installed);
    ``results.json`` records the counts per document and the declarations. The score object is
    pickled when scoring runs in a worker process: define it at module level.
    """
