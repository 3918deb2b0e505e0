"""Where the texts of a native goldset may be read from: the goldset never chooses.

A document file names its text by ``text_path`` (``gold-format.md``: relative to the repository
root). The goldset is data someone else may have written, so the folders a text may come from
are set by where the user put the goldset, or by the user, never by the goldset:

- **by default**, ``text_path`` is looked up in the goldset folder, then in each parent folder
  up to the root of the repository the goldset lies in (the nearest folder holding ``.git``);
  outside a repository, in the goldset folder only;
- a manifest's ``text_root`` (a relative folder) is looked in instead, and must lie inside that
  same area;
- a **text_root the user declares** (config ``goldset: {text_root: PATH}``, command line
  ``-o text_root=PATH``, code ``load_goldset(path, options={"text_root": PATH})``) replaces the
  area: texts are looked up there, then in the goldset folder.

A ``text_path`` that is absolute, or that leads out of the area (by ``..`` or by a symbolic
link, its links followed), is refused with the file and the reason; so are dangling and looping
links.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GoldsetError
from .base import Area, outside

#: What marks the root of a repository (a folder in a clone, a file in a git worktree).
REPOSITORY_MARKER = ".git"

DECLARE = (
    "declare the folder of the texts yourself (config: goldset: {text_root: PATH}; "
    "command line: -o text_root=PATH)"
)


def repository_root(folder: Path) -> Path | None:
    """The nearest folder holding ``.git`` among ``folder`` and its parents, if any."""
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / REPOSITORY_MARKER):
            return candidate
    return None


@dataclass(frozen=True)
class TextLocator:
    """The folders a goldset's ``text_path`` values are looked up in (``bases``, in order) and
    the folders a text may lie in once its links are followed (``areas``)."""

    bases: tuple[str, ...]
    areas: tuple[str, ...]
    #: How the area is described in messages.
    area_name: str
    area: Area = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "area", Area(self.areas))

    @classmethod
    def of(cls, root: Path, declared: Path | None, manifest_root: Any) -> TextLocator:
        """The locator of the goldset folder ``root``, given the user's ``text_root``
        (``declared``) and the manifest's (``manifest_root``); raise :class:`GoldsetError`
        naming the manifest when its ``text_root`` leads out of the area."""
        folder = os.fspath(root)
        if declared is not None:
            user = os.fspath(declared)
            return cls((user, folder), (user, folder), f"your text_root {user!r}")
        repo = repository_root(root.resolve())
        if repo is None:
            area, name = (folder,), "the goldset folder"
            parents: tuple[str, ...] = ()
        else:
            area, name = (os.fspath(repo), folder), f"the repository {os.fspath(repo)!r}"
            chain = root.resolve().parents
            parents = tuple(os.fspath(p) for p in chain if p == repo or repo in p.parents)
        if manifest_root is None:
            return cls((folder, *parents), area, name)
        base = _manifest_base(root, manifest_root, area, name)
        return cls((base,), area, name)

    def find(self, text_path: Any) -> tuple[str | None, str | None]:
        """``(file, None)`` for the text ``text_path`` names (read it with
        :func:`harness.formats.base.read_checked`: it may still be a dangling link, or too
        large), else ``(None, problem)``."""
        problem = _path_problem(text_path)
        if problem is not None:
            return None, problem
        for base in self.bases:
            candidate = os.path.join(base, text_path)
            found = self.area.where(candidate)
            if found == "outside":
                return None, self._outside(text_path, candidate)
            if found == "inside":
                return candidate, None
        return None, (
            f"text_path {text_path!r} not found in {', '.join(self.bases)}; "
            f"if the texts are elsewhere, {DECLARE}"
        )

    def _outside(self, text_path: str, candidate: str) -> str:
        lexical = os.path.abspath(candidate)
        how = "by '..'" if _lexically_outside(lexical, self.areas) else "through a symbolic link"
        return (
            f"text_path {text_path!r} leads outside {self.area_name} ({how}, to "
            f"{os.path.realpath(candidate)!r}); a goldset cannot read files elsewhere: {DECLARE}"
        )


def _path_problem(text_path: Any) -> str | None:
    if not isinstance(text_path, str) or not text_path.strip():
        return f"text_path should be a relative path (a string), got {text_path!r}"
    if "\0" in text_path:
        return f"text_path {text_path!r} holds a NUL character"
    if os.path.isabs(text_path):
        return (
            f"text_path {text_path!r} is absolute; it must be relative to the goldset folder "
            f"(or to a parent folder in its repository); to read texts elsewhere, {DECLARE}"
        )
    return None


def _lexically_outside(path: str, areas: tuple[str, ...]) -> bool:
    """Whether ``path`` (made absolute, ``..`` removed, links not followed) is outside ``areas``."""
    for area in areas:
        top = os.path.abspath(area).rstrip(os.sep) + os.sep
        if path == top.rstrip(os.sep) or path.startswith(top):
            return False
    return True


def _manifest_base(root: Path, manifest_root: Any, area: tuple[str, ...], name: str) -> str:
    where = f"{root / 'goldset.yaml'}"
    problem = _path_problem(manifest_root)
    if problem is not None:
        raise GoldsetError(f"{where}: {problem.replace('text_path', 'text_root', 1)}")
    base = os.path.join(root, manifest_root)
    if outside(base, area):
        raise GoldsetError(
            f"{where}: text_root {manifest_root!r} leads outside {name} (to "
            f"{os.path.realpath(base)!r}); a goldset cannot read files elsewhere: {DECLARE}"
        )
    return base
