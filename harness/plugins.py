"""The plugin manager: entry-point discovery, block list, hook tracing, registries.

Environment variables:

- ``HARNESS_DISABLE_PLUGINS=name1,name2`` - do not load these entry-point plugins
  (``*`` disables every entry-point plugin, leaving only plugins registered in code).
- ``HARNESS_TRACE_HOOKS=1`` - print every hook call and its results to stderr.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from . import hookspecs
from .errors import PluginError
from .extractors import Extractor, check_extractor_class
from .plugin_calls import plugin_output
from .registry import Registry
from .scoring.extra import Score


@dataclass
class PluginInfo:
    name: str
    version: str
    distribution: str
    extractors: list[str] = field(default_factory=list)
    goldset_formats: list[str] = field(default_factory=list)
    scores: list[str] = field(default_factory=list)


class Plugins:
    """Loaded plugins and what they registered."""

    def __init__(self, extra: list[tuple[str, object]] | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        if os.environ.get("HARNESS_TRACE_HOOKS"):
            self.pm.trace.root.setwriter(sys.stderr.write)
            self.pm.enable_tracing()
        self.info: dict[str, PluginInfo] = {}
        self.extractors: Registry[type[Extractor]] = Registry("extractor")
        self.goldset_formats: Registry[Any] = Registry("goldset format")
        self.scores: Registry[Score] = Registry("score")
        with plugin_output():  # a plugin printing at import must not reach stdout
            self._load_entry_points()
        for name, plugin in extra or []:
            self.pm.register(plugin, name=name)
            self.info[name] = PluginInfo(name, "-", "(registered in code)")
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {exc.plugin_name!r}: {exc}") from exc
        with plugin_output():
            self._collect()

    def _load_entry_points(self) -> None:
        blocked = {
            b.strip() for b in os.environ.get("HARNESS_DISABLE_PLUGINS", "").split(",") if b.strip()
        }
        for ep in sorted(
            metadata.entry_points(group=hookspecs.ENTRY_POINT_GROUP), key=lambda e: e.name
        ):
            if ep.name in blocked or "*" in blocked:
                self.pm.set_blocked(ep.name)
                continue
            if self.pm.get_plugin(ep.name) is not None:
                continue
            try:
                plugin = ep.load()
            except (Exception, SystemExit) as exc:  # SystemExit: sys.exit() at import
                raise PluginError(
                    f"plugin {ep.name!r} ({ep.value}) failed to import: "
                    f"{type(exc).__name__}: {exc}. "
                    f"Disable it with HARNESS_DISABLE_PLUGINS={ep.name}"
                ) from exc
            try:
                self.pm.register(plugin, name=ep.name)
            except pluggy.PluginValidationError as exc:
                raise PluginError(f"plugin {ep.name!r} ({ep.value}): {exc}") from exc
            dist = ep.dist
            self.info[ep.name] = PluginInfo(
                ep.name,
                dist.version if dist else "?",
                dist.metadata["Name"] if dist else "?",
            )

    def _collect(self) -> None:
        """Call the registration hooks plugin by plugin, so each name is tied to its plugin."""
        plugins = [(n, p) for n, p in self.pm.list_name_plugin() if p is not None]
        for owner, plugin in plugins:
            others = [p for _, p in plugins if p is not plugin]
            info = self.info.setdefault(owner, PluginInfo(owner, "-", "-"))

            def register_extractor(cls: type[Extractor], _o: str = owner) -> None:
                problems = check_extractor_class(cls)
                if problems:
                    raise PluginError(f"plugin {_o!r}: " + "; ".join(problems))
                self.extractors.add(cls.name, cls, owner=_o)
                self.info[_o].extractors.append(cls.name)

            def register_format(name: str, reader: Any, _o: str = owner) -> None:
                self.goldset_formats.add(name, reader, owner=_o)
                self.info[_o].goldset_formats.append(name)

            def register_score(score: Score, _o: str = owner) -> None:
                if not isinstance(score, Score):
                    raise PluginError(
                        f"plugin {_o!r}: register_scores expects a harness.scoring.Score, "
                        f"got {type(score).__name__}"
                    )
                self.scores.add(score.name, score, owner=_o)
                self.info[_o].scores.append(score.name)

            for hook, register in (
                ("register_extractors", register_extractor),
                ("register_goldset_formats", register_format),
                ("register_scores", register_score),
            ):
                _call_hook(self.pm.subset_hook_caller(hook, others), owner, hook, register)
            del info

    def extractor(self, name: str) -> type[Extractor]:
        return self.extractors.get(name)


def _call_hook(caller: Any, owner: str, hook: str, register: Any) -> None:
    """A registration hook of one plugin; whatever it raises (or a ``sys.exit``) is a
    :class:`PluginError` naming the plugin and the hook."""
    try:
        caller(register=register)
    except PluginError:
        raise
    except (Exception, SystemExit) as exc:
        raise PluginError(
            f"plugin {owner!r}: {hook} failed: {type(exc).__name__}: {exc}. "
            f"Disable it with HARNESS_DISABLE_PLUGINS={owner}"
        ) from exc


_default: Plugins | None = None


def get_plugins() -> Plugins:
    """The process-wide plugin manager, created on first use."""
    global _default
    if _default is None:
        _default = Plugins()
    return _default


def reset_plugins(extra: list[tuple[str, object]] | None = None) -> None:
    """Forget the loaded plugins; with ``extra``, load them again plus these in-code plugins.

    Tests use this after changing the environment, and to register plugins defined in code.
    """
    global _default
    _default = Plugins(extra) if extra else None
