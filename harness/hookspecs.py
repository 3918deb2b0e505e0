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

    ``fmt`` is an instance of a :class:`harness.formats.base.Format` subclass, whose docstrings
    are the format contract: ``name``, ``description``, ``version`` (of the reader; part of the
    cache key of the rows), ``label_scheme``, an ``Options`` dataclass validated from
    ``goldset: {format: NAME, path: ..., OPTION: value}``, ``read(path, options)`` yielding
    :class:`harness.model.Document` objects one at a time, and optionally ``describe`` (metadata
    and hashes), ``content_hash`` and ``write`` (for ``harness goldset export``). Report malformed
    input by raising one :class:`harness.errors.GoldsetError` listing every problem (collect them
    in :class:`harness.errors.Problems`). An object with those attributes that does not subclass
    ``Format``, or a plain ``reader(path, options)`` callable, is accepted too and gets the
    defaults of ``Format`` for the rest.

    Every format, the native one (``harness``) and the built-in ``conll``, ``brat`` and
    ``labelstudio`` included, is registered through this hook and loaded the same way.
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
