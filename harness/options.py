"""Validate a plain ``dict`` of options (from YAML) against an options dataclass.

Errors name the key, say what was expected, and suggest the closest known key. A ``float``
option must be finite; a ``Path`` option is given as a string and resolved by the caller's
``path`` function (the config resolves it against the config's folder and expands ``${VAR}``).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from .errors import ConfigError, did_you_mean

T = TypeVar("T")


def _check(value: Any, tp: Any) -> bool:
    """Whether ``value`` fits the (simple) annotation ``tp``."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_check(value, a) for a in args)
    if origin is typing.Literal:
        return value in args
    if origin in (list, tuple, typing.Sequence) or tp in (list, tuple):
        return _check_sequence(value, origin, args)
    if origin in (dict, typing.Mapping, Mapping) or tp is dict:
        return _check_mapping(value, args)
    return _check_plain(value, tp)


def _check_sequence(value: Any, origin: Any, args: tuple[Any, ...]) -> bool:
    """A list or tuple (YAML has no tuples) whose items fit: ``list[X]``, ``tuple[X, ...]``."""
    if not isinstance(value, (list, tuple)):
        return False
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return all(_check(v, args[0]) for v in value)
    return not args or all(_check(v, args[0]) for v in value)


def _check_mapping(value: Any, args: tuple[Any, ...]) -> bool:
    if not isinstance(value, Mapping):
        return False
    return not args or all(_check(k, args[0]) and _check(v, args[1]) for k, v in value.items())


def _check_plain(value: Any, tp: Any) -> bool:
    """``None``, numbers (a bool is not a number; an int is a float) and plain classes."""
    if tp is type(None):
        return value is None
    if tp is float:
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def _describe(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


#: Turns the string given for a ``Path`` option into the path: ``path(value, option name)``.
PathResolver = Callable[[str, str], Path]


def parse_options(
    cls: type[T], raw: Mapping[str, Any] | None, where: str, path: PathResolver | None = None
) -> T:
    """Build ``cls`` (a dataclass) from ``raw``; raise :class:`ConfigError` naming ``where``.

    ``path`` resolves the strings given for ``Path`` options (default: ``Path(value)``, relative
    to the working folder)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    raw = dict(raw or {})
    for key in raw:
        if key not in fields:
            raise ConfigError(f"{where}: unknown option {key!r}.{did_you_mean(str(key), fields)}")
    for name, f in fields.items():
        if name in raw:
            value = _path_value(raw[name], hints[name], name, path, where)
            raw[name] = _value(value, hints[name], f"{where}: option {name!r}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{where}: missing required option {name!r}")
    try:
        return cls(**raw)
    except (TypeError, ValueError) as exc:  # __post_init__ checks of the dataclass
        raise ConfigError(f"{where}: {exc}") from exc


def _takes_path(tp: Any) -> bool:
    return tp is Path or (
        typing.get_origin(tp) in (typing.Union, types.UnionType) and Path in typing.get_args(tp)
    )


def _path_value(value: Any, tp: Any, name: str, path: PathResolver | None, where: str) -> Any:
    """A string given for a ``Path`` option, resolved; anything else unchanged."""
    if not (isinstance(value, str) and _takes_path(tp)):
        return value
    if not value or "\0" in value:
        raise ConfigError(f"{where}: option {name!r} should be a path, got {value!r}")
    return path(value, name) if path is not None else Path(value)


def _value(value: Any, tp: Any, where: str) -> Any:
    """``value`` checked against the annotation ``tp``: a YAML list becomes the tuple a
    ``tuple[...]`` field expects, an int the float a ``float`` field expects."""
    if isinstance(value, list) and typing.get_origin(tp) is tuple:
        value = tuple(value)
    if not _check(value, tp):
        raise ConfigError(f"{where} should be {_describe(tp)}, got {value!r}")
    if isinstance(value, int) and tp is float:
        return float(value)
    return value
