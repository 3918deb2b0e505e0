"""A goldset's cached rows read straight from their Arrow files, without ``datasets``.

The rows of a goldset are written once by ``datasets`` (:func:`harness.rows.build_dataset`);
after that, a run needs only to read them. Importing ``datasets`` (and with it pandas) costs
most of a second, which a cached re-run of a small goldset would spend on nothing else, so
:func:`harness.rows.build_dataset` records where each sealed cache entry's files are
(:func:`remember`) and later loads read them here (:func:`recall`), with ``pyarrow`` alone.

:class:`ArrowRows` offers the part of ``datasets.Dataset`` the harness uses (``num_rows``,
``with_format("arrow")``, ``iter(batch_size=...)``, row selection, ``data``, ``cache_files``);
anything else is handed to a real ``datasets.Dataset`` opened on the same files (imported then).

The files are memory-mapped through :mod:`mmap`, so the pages a pass over a large goldset has
touched can be given back (:meth:`ArrowRows.release`, called by the runner as it goes): they
stay in the operating system's page cache, but no longer count in the process's resident memory.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as ipc

from .perdoc import MappedFile

#: ``HARNESS_GOLDSET_CACHE``, the folder of the goldset caches (default: ``datasets``'s).
ENV_CACHE = "HARNESS_GOLDSET_CACHE"
INDEX_VERSION = 1


def _index_folder() -> Path:
    """Where the index of sealed cache entries is: in ``HARNESS_GOLDSET_CACHE`` when set, else
    in the user's cache folder (``XDG_CACHE_HOME`` or ``~/.cache``)."""
    root = os.environ.get(ENV_CACHE)
    if root:
        return Path(root) / "harness-index"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    hf = os.environ.get("HF_DATASETS_CACHE") or os.environ.get("HF_HOME") or ""
    tag = hashlib.sha256(hf.encode()).hexdigest()[:8]
    return Path(base) / "harness" / f"goldset-index-{tag}"


def _index_file(key: str) -> Path:
    return _index_folder() / f"{key}.json"


def remember(key: str, files: Sequence[str], rows: int) -> None:
    """Record where the sealed cache entry ``key`` is (best effort: a failure costs time)."""
    from .atomic import write_text

    record = {"version": INDEX_VERSION, "files": [str(f) for f in files], "rows": rows}
    try:
        write_text(_index_file(key), json.dumps(record))
    except OSError:
        pass


def forget(key: str) -> None:
    try:
        _index_file(key).unlink(missing_ok=True)
    except OSError:
        pass


def recall(key: str) -> list[Path] | None:
    """The files of the cache entry ``key``, when recorded and all there (the caller checks
    their seal before trusting them)."""
    try:
        record = json.loads(_index_file(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("version") != INDEX_VERSION:
        return None
    files = [Path(f) for f in record.get("files") or [] if isinstance(f, str)]
    if not files or not all(f.is_file() for f in files):
        return None
    return files


class ArrowRows:
    """The rows of a goldset cache entry (Arrow stream files written by ``datasets``)."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = [Path(f) for f in files]
        self._maps = [MappedFile(f) for f in self.files]
        tables = [ipc.open_stream(pa.BufferReader(m.buffer)).read_all() for m in self._maps]
        self.data = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        self._dataset: Any = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (ArrowRows, (self.files,))

    @property
    def num_rows(self) -> int:
        return int(self.data.num_rows)

    def __len__(self) -> int:
        return self.num_rows

    @property
    def cache_files(self) -> list[dict[str, str]]:
        return [{"filename": str(f)} for f in self.files]

    def with_format(self, kind: str | None = None) -> Any:
        if kind == "arrow":
            return self
        return self.dataset().with_format(kind)

    def iter(self, batch_size: int) -> Iterator[pa.Table]:
        for start in range(0, self.num_rows, batch_size):
            yield self.data.slice(start, batch_size)

    def __getitem__(self, key: Any) -> Any:
        """Rows as a ``pyarrow.Table``: a slice, or a list of positions (``with_format("arrow")``
        semantics); anything else as ``datasets`` answers it."""
        if isinstance(key, slice):
            start, stop, step = key.indices(self.num_rows)
            if step == 1:
                return self.data.slice(start, max(0, stop - start))
            key = list(range(start, stop, step))
        if isinstance(key, list) and all(type(i) is int for i in key):
            if key and key == list(range(key[0], key[0] + len(key))):
                return self.data.slice(key[0], len(key))
            return self.data.take(pa.array(key, pa.int64()))
        return self.dataset()[key]

    def release(self) -> None:
        """Give back the resident pages of the files (they are read again when needed)."""
        for m in self._maps:
            m.release()

    def dataset(self) -> Any:
        """A ``datasets.Dataset`` on the same files (imports ``datasets``)."""
        if self._dataset is None:
            import datasets

            parts = [datasets.Dataset.from_file(str(f)) for f in self.files]
            self._dataset = parts[0] if len(parts) == 1 else datasets.concatenate_datasets(parts)
        return self._dataset

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("files", "_maps", "data", "_dataset"):
            raise AttributeError(name)
        return getattr(self.dataset(), name)
