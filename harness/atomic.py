"""Atomic file writes: write to a temporary file in the same folder, then rename over the target."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: JSON up to this size is indented (readable, diffable); larger JSON is written on one line by
#: the C encoder (``json`` indents in pure Python, five times slower).
INDENT_LIMIT = 2 * 2**20


def write_chunks(path: Path, chunks: Iterable[str]) -> None:
    """Write the text ``chunks`` to ``path`` atomically, streaming (never joined in memory): a
    temporary file in the same folder, renamed over it; on any failure (an ``OSError``, which
    then names ``path``, or an interrupt) the temporary file is removed and ``path`` is left as
    it was."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path.parent) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for chunk in chunks:
                f.write(chunk)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from None
        raise


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` with ``path`` as its file when it names none (a failed ``write`` names none)."""
    if exc.filename is None:
        exc.filename = str(path)
    return exc


def write_text(path: Path, text: str) -> None:
    write_chunks(path, [text])


def dumps(data: Any) -> str:
    """``data`` as JSON: indented when small (:data:`INDENT_LIMIT`), else compact (C encoder)."""
    compact = json.dumps(data, ensure_ascii=False)
    if len(compact) > INDENT_LIMIT:
        return compact + "\n"
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json(path: Path, data: Any) -> None:
    write_text(path, dumps(data))


def write_jsonl(path: Path, records: Iterable[Any]) -> None:
    write_chunks(path, (json.dumps(r, ensure_ascii=False) + "\n" for r in records))
