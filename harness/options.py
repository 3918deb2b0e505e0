"""Validate a plain ``dict`` of options (from YAML) against an options dataclass.

Errors name the key, say what was expected, and suggest the closest known key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from .errors import ConfigError, did_you_mean

T = TypeVar("T")


def _check(value: Any, tp: Any) -> bool:  # noqa: C901
    """Whether ``value`` fits the (simple) annotation ``tp``."""
    if tp is Any:
        return True
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return any(_check(value, a) for a in args)
    if tp is type(None):
        return value is None
    if origin is typing.Literal:
        return value in args
    if origin in (list, tuple, typing.Sequence) or tp in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return False
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return all(_check(v, args[0]) for v in value)
        return not args or all(_check(v, args[0]) for v in value)
    if origin in (dict, typing.Mapping, Mapping) or tp is dict:
        if not isinstance(value, Mapping):
            return False
        if not args:
            return True
        return all(_check(k, args[0]) and _check(v, args[1]) for k, v in value.items())
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def _describe(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def parse_options(cls: type[T], raw: Mapping[str, Any] | None, where: str) -> T:  # noqa: C901
    """Build ``cls`` (a dataclass) from ``raw``; raise :class:`ConfigError` naming ``where``."""
    raw = dict(raw or {})
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    for key in raw:
        if key not in fields:
            raise ConfigError(f"{where}: unknown option {key!r}.{did_you_mean(key, fields)}")
    for name, f in fields.items():
        missing = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in raw:
            if missing:
                raise ConfigError(f"{where}: missing required option {name!r}")
            continue
        value = raw[name]
        if isinstance(value, list) and typing.get_origin(hints[name]) is tuple:
            value = raw[name] = tuple(value)
        if not _check(value, hints[name]):
            raise ConfigError(
                f"{where}: option {name!r} should be {_describe(hints[name])}, got {value!r}"
            )
        if isinstance(value, int) and hints[name] is float:
            raw[name] = float(value)
    try:
        return cls(**raw)
    except (TypeError, ValueError) as exc:  # __post_init__ checks of the dataclass
        raise ConfigError(f"{where}: {exc}") from exc
