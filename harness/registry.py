"""Named registries with duplicate checks and "did you mean" errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from .errors import PluginError, did_you_mean

T = TypeVar("T")


class Registry(Generic[T]):
    """A mapping of unique names to items, remembering which plugin registered each."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._owners: dict[str, str] = {}

    def add(self, name: str, item: T, owner: str = "?") -> None:
        if name in self._items:
            raise PluginError(
                f"{self.kind} {name!r} is registered twice: by plugin {self._owners[name]!r} "
                f"and by plugin {owner!r}. Disable one of them with HARNESS_DISABLE_PLUGINS."
            )
        self._items[name] = item
        self._owners[name] = owner

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise PluginError(
                f"unknown {self.kind} {name!r}.{did_you_mean(name, self._items)}"
            ) from None

    def owner(self, name: str) -> str:
        return self._owners[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())
