"""Read the YAML a user hands the harness (configs, goldset manifests), safely.

:func:`load_yaml` is ``yaml.safe_load`` (no Python objects) with three more refusals, each a
:class:`harness.errors.HarnessError` naming the file and the line:

- a key given twice in one mapping (``safe_load`` keeps the last one silently; a merge key
  ``<<: *base`` may still be overridden, as YAML says);
- aliases that expand to more than :data:`MAX_VALUES` values: a "billion laughs" document is a
  few hundred bytes whose aliases expand to billions of values; it is refused after composing
  its nodes, before a single value is built;
- an alias inside its own anchor (a structure that contains itself).

:func:`non_finite` finds ``.nan`` and ``.inf`` values anywhere in what was loaded.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Mapping
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import HarnessError

#: Values (scalars, lists, mappings) a YAML document may hold once its aliases are expanded.
MAX_VALUES = 100_000

_MERGE = "tag:yaml.org,2002:merge"


class YamlProblem(yaml.YAMLError):
    """A duplicate key, an alias bomb or a recursive alias, at ``line``."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` that refuses duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the base class says so
            if first is not None:
                raise YamlProblem(
                    line, f"key {key!r} is given twice in one mapping (first at line {first})"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def expanded_size(root: Node, limit: int = MAX_VALUES) -> int:
    """How many values the node graph ``root`` holds once every alias is expanded (an alias is a
    shared node: counted each time it is used); raise :class:`YamlProblem` above ``limit`` or on
    a node that contains itself. Each node is visited once, so this is linear in the document."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise YamlProblem(
                node.start_mark.line + 1, "an alias refers to the anchor it is inside (recursive)"
            )
        active.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        if total > limit:
            raise YamlProblem(
                node.start_mark.line + 1,
                f"its aliases expand to more than {limit:,} values (an alias bomb?); "
                "write the values out instead of repeating anchors",
            )
        sizes[key] = total
        return total

    size(root)
    return sizes[id(root)]


def _compose(text: str, where: str) -> tuple[_Loader, Node | None]:
    stream = io.StringIO(text)
    stream.name = where  # type: ignore[misc]  # the file named in PyYAML's messages
    loader = _Loader(stream)
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise


def load_yaml(text: str, where: str, error: type[HarnessError]) -> Any:
    """The data of the YAML document ``text`` (from the file ``where``); raise ``error`` naming
    ``where`` and the line for malformed YAML, a duplicate key, an alias bomb or a recursive
    alias."""
    try:
        loader, node = _compose(text, where)
        try:
            if node is None:
                return None
            expanded_size(node)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlProblem as exc:
        raise error(f"{where}, line {exc.line}: {exc.message}") from None
    except yaml.YAMLError as exc:
        raise error(f"{where}: malformed YAML: {exc}") from None
    except RecursionError:
        raise error(f"{where}: YAML nested too deeply") from None


def non_finite(data: Any, path: str = "") -> Iterator[str]:
    """The key paths (``gate.max_drop``, ``extractors[0].options.t``) of every NaN or infinite
    number in ``data`` (loaded YAML: mappings, lists and scalars, no cycles)."""
    if isinstance(data, float) and not math.isfinite(data):
        yield path or "(the document)"
    elif isinstance(data, Mapping):
        for k, v in data.items():
            yield from non_finite(v, f"{path}.{k}" if path else str(k))
    elif isinstance(data, (list, tuple)):
        for i, v in enumerate(data):
            yield from non_finite(v, f"{path}[{i}]")
