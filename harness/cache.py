"""The prediction cache: one SQLite database per cache folder, shared by every run that uses it.

Entries are keyed by the extractor configuration (:func:`extractor_key`: name, version, options
and a hash of the extractor package's code, so editing an extractor misses the cache even when
nobody bumped its version) and by the document (:func:`doc_key`: a hash of its id and text).

Why SQLite (``CACHE_FILE`` in the folder, in WAL mode) rather than a file per extractor rewritten
at the end of a run:

- every batch of entries is written in one transaction as soon as it is made, so each entry is
  complete or absent, and a run that stops (Ctrl-C, SIGTERM, a crash, fail-fast) keeps every
  batch it finished; there are no temporary files to leave behind;
- runs sharing a folder (two goldsets, two terminals, a CI matrix) add entries side by side and
  never overwrite each other's (SQLite locks; a writer waits up to :data:`BUSY_SECONDS`);
- a cached re-run reads only the entries of its documents, not a whole file.

A cache is never trusted: every entry read is decoded with its types checked and validated
against the document's text like a fresh prediction
(:func:`harness.extractors.validate_prediction`); an entry that fails (bad bytes, wrong types,
offsets outside the text, another document's) is reported, deleted and recomputed. A cache
that cannot be used - a read-only or full folder, a file that is not a database - costs time,
never results: the run goes on without it (or reads without writing) and says so through
``warn``.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .extractors import validate_prediction
from .model import Entity, Prediction, Quote, Span, TextDoc

#: The database in a cache folder.
CACHE_FILE = "predictions.sqlite"
#: How long a write waits for another run's transaction (seconds).
BUSY_SECONDS = 60.0
#: Version of the stored layout (the ``meta`` table): a database of another version is set aside.
LAYOUT = "1"
#: Most entries looked up in one query (SQLite's limit on bound parameters is 32766).
_LOOKUP = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS predictions (
    extractor TEXT NOT NULL,   -- extractor_key(): name, version, options, code
    doc TEXT NOT NULL,         -- doc_key(): sha256 of the document's id and text
    value BLOB NOT NULL,       -- the prediction as compact JSON (encode_entry)
    PRIMARY KEY (extractor, doc)
) WITHOUT ROWID;
"""

Warn = Callable[[str], None]


def extractor_key(name: str, version: str, options: Any, code: str = "") -> str:
    opts = asdict(options) if is_dataclass(options) else options
    canon = json.dumps([name, version, opts, code], sort_keys=True, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:20]


@cache
def code_fingerprint(module: str) -> str:
    """sha256 over the ``.py`` files of the top-level package of ``module`` (or of the module's
    own file when it is not in a package); empty when the sources cannot be found."""
    top = sys.modules.get(module.split(".")[0])
    files: list[Path] = []
    if top is not None and getattr(top, "__path__", None):
        for folder in top.__path__:
            files += sorted(Path(folder).rglob("*.py"))
    elif top is not None and getattr(top, "__file__", None):
        files = [Path(top.__file__)]
    h = hashlib.sha256()
    for f in files:
        try:
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        except OSError:
            continue
    return h.hexdigest() if files else ""


def doc_key(doc: TextDoc) -> str:
    return hashlib.sha256(f"{doc.id}\0{doc.text}".encode()).hexdigest()


# ---- an entry: compact JSON, every type checked when read ----------------------------------
#
# [doc_id, [[start, end, label, text], ...],
#  [[start, end, type, speaker | null, [start, end, text] | null, [start, end, text] | null,
#    text], ...], {diagnostic: number} | null]

_ENTITY_FIELDS = ("start", "end", "label", "text")
_QUOTE_FIELDS = ("start", "end", "type", "speaker", "speaker_span", "cue", "text")
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "start": (int,), "end": (int,), "label": (str,), "text": (str,), "type": (str,),
    "speaker": (str, type(None)), "speaker_span": (list, type(None)), "cue": (list, type(None)),
}  # fmt: skip


def _wrong(value: Any, fields: tuple[str, ...], what: str) -> ValueError:
    """What is wrong with a stored item (``value``) of ``fields``."""
    if type(value) is not list or len(value) != len(fields):
        return ValueError(f"{what} is {value!r}, not a list [{', '.join(fields)}]")
    for name, v in zip(fields, value, strict=True):
        if type(v) not in _FIELD_TYPES.get(name, (int,)):
            kind = "an integer" if _FIELD_TYPES.get(name, (int,))[0] is int else "a string"
            return ValueError(f"{what}.{name} is {v!r}, not {kind}")
    return ValueError(f"{what} is {value!r}")


def _span(v: Any, what: str) -> Span | None:
    if v is None:
        return None
    if type(v) is list and len(v) == 3 and type(v[0]) is int and type(v[1]) is int:
        if type(v[2]) is str:
            return Span(v[0], v[1], v[2])
    raise _wrong(v, ("start", "end", "text"), what)


def _entities(items: Any) -> tuple[Entity, ...]:
    if type(items) is not list:
        raise ValueError(f"entities is {type(items).__name__}, not a list")
    out = []
    for i, e in enumerate(items):
        ok = type(e) is list and len(e) == 4 and type(e[0]) is int and type(e[1]) is int
        if not (ok and type(e[2]) is str and type(e[3]) is str):
            raise _wrong(e, _ENTITY_FIELDS, f"entities[{i}]")
        out.append(Entity(e[0], e[1], e[2], e[3]))
    return tuple(out)


def _quotes(items: Any) -> tuple[Quote, ...]:
    if type(items) is not list:
        raise ValueError(f"quotes is {type(items).__name__}, not a list")
    out = []
    for i, q in enumerate(items):
        ok = type(q) is list and len(q) == 7 and type(q[0]) is int and type(q[1]) is int
        ok = ok and type(q[2]) is str and type(q[6]) is str and (q[3] is None or type(q[3]) is str)
        if not ok:
            raise _wrong(q, _QUOTE_FIELDS, f"quotes[{i}]")
        out.append(
            Quote(
                q[0],
                q[1],
                q[2],
                q[3],
                _span(q[4], f"quotes[{i}].speaker_span"),
                _span(q[5], f"quotes[{i}].cue"),
                q[6],
            )
        )
    return tuple(out)


def _diagnostics(v: Any) -> dict[str, float]:
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise ValueError(f"diagnostics is {type(v).__name__}, not an object")
    for k, x in v.items():
        ok = isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
        if not ok:
            raise ValueError(f"diagnostics[{k!r}] is {x!r}, not a finite number")
    return dict(v)


def decode_entry(value: bytes) -> Prediction:
    """The prediction stored in ``value``; :class:`ValueError` naming what is wrong."""
    try:
        d = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not valid JSON ({exc})") from None
    if type(d) is not list or len(d) != 4:
        raise ValueError("not an entry [doc_id, entities, quotes, diagnostics]")
    doc_id, entities, quotes, diagnostics = d
    if type(doc_id) is not str:
        raise ValueError(f"doc_id is {doc_id!r}, not a string")
    return Prediction(doc_id, _entities(entities), _quotes(quotes), _diagnostics(diagnostics))


def _span_list(s: Span | None) -> list[Any] | None:
    return None if s is None else [s.start, s.end, s.text]


def encode_entry(pred: Prediction) -> bytes:
    entry = [
        pred.doc_id,
        [[e.start, e.end, e.label, e.text] for e in pred.entities],
        [
            [
                q.start,
                q.end,
                q.type,
                q.speaker,
                _span_list(q.speaker_span),
                _span_list(q.cue),
                q.text,
            ]
            for q in pred.quotes
        ],
        dict(pred.diagnostics) or None,
    ]
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()


# ---- the store --------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def _connect(path: Path, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    if read_only:
        # immutable: a database on a read-only medium, where SQLite cannot make its shared-memory
        # file (nobody can be writing it there)
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, timeout=BUSY_SECONDS, check_same_thread=False)
    conn.execute("PRAGMA query_only = 1" if read_only else "PRAGMA journal_mode = WAL")
    return conn


class PredictionCache:
    """Cached predictions of one extractor configuration, in the folder's shared database.

    ``folder`` ``None``: no cache (every lookup misses, nothing is stored). Problems with the
    cache are passed to ``warn`` (one sentence each) and never raised.
    """

    def __init__(
        self, folder: Path | None, name: str, version: str, options: Any, code: str = "",
        warn: Warn | None = None,
    ) -> None:  # fmt: skip
        self.key = extractor_key(name, version, options, code)
        self.path = None if folder is None else Path(folder) / CACHE_FILE
        self._warn = warn or (lambda message: None)
        self._conn: sqlite3.Connection | None = None
        self._writable = False
        #: Entries found unusable (reported, deleted, recomputed) in this run.
        self.rejected = 0
        if self.path is not None:
            self._open(self.path)

    # -- opening ---------------------------------------------------------------------------

    def _open(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if not path.is_file():
                self._warn(
                    f"prediction cache {path.parent}: cannot create the folder "
                    f"({_describe(exc)}); running without a cache"
                )
                return
        try:
            self._conn, self._writable = self._attach(path, read_only=False), True
        except sqlite3.DatabaseError as exc:
            self._open_fallback(path, exc)

    def _attach(self, path: Path, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
        conn = _connect(path, read_only, immutable)
        try:
            if not read_only:
                with conn:
                    conn.executescript(_SCHEMA)
                    conn.execute("INSERT OR IGNORE INTO meta VALUES ('layout', ?)", (LAYOUT,))
            row = conn.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()
            if row is None or row[0] != LAYOUT:
                raise sqlite3.DatabaseError(f"layout {row and row[0]!r}, expected {LAYOUT!r}")
            conn.execute("SELECT 1 FROM predictions LIMIT 1").fetchall()
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_fallback(self, path: Path, exc: sqlite3.DatabaseError) -> None:
        """A cache that cannot be opened for writing: read it if we can, set a broken file
        aside and start a new one, else go on without a cache."""
        message = _describe(exc)
        if path.is_file() and ("readonly" in message or "unable to open" in message):
            for immutable in (False, True):
                try:
                    self._conn = self._attach(path, read_only=True, immutable=immutable)
                except sqlite3.DatabaseError:
                    continue
                self._warn(
                    f"prediction cache {path}: cannot write ({message}); reading it, "
                    "new predictions are not cached"
                )
                return
        if path.is_file() and "readonly" not in message and "unable to open" not in message:
            self._set_aside(path, message)
            return
        self._warn(f"prediction cache {path}: cannot be used ({message}); running without it")

    def _set_aside(self, path: Path, message: str) -> None:
        aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.rename(aside)
            for extra in ("-wal", "-shm"):
                path.with_name(path.name + extra).unlink(missing_ok=True)
            self._conn, self._writable = self._attach(path, read_only=False), True
        except (OSError, sqlite3.DatabaseError) as exc:
            self._warn(
                f"prediction cache {path}: not a usable database ({message}) and cannot be "
                f"replaced ({_describe(exc)}); running without it"
            )
            return
        self._warn(
            f"prediction cache {path}: not a usable database ({message}); moved to {aside.name}"
            " and started a new one"
        )

    # -- reading and writing ---------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._conn is not None

    def get_many(self, docs: Sequence[TextDoc]) -> list[Prediction | None]:
        """The cached prediction of each document (``None``: not cached, or rejected)."""
        out: list[Prediction | None] = [None] * len(docs)
        if self._conn is None or not docs:
            return out
        keys = [doc_key(d) for d in docs]
        found = self._lookup(keys)
        bad: list[str] = []
        for i, (doc, key) in enumerate(zip(docs, keys, strict=True)):
            value = found.get(key)
            if value is not None:
                out[i] = self._checked(doc, value)
                if out[i] is None:
                    bad.append(key)
        if bad:
            self._delete(bad)
        return out

    def _lookup(self, keys: list[str]) -> dict[str, bytes]:
        assert self._conn is not None
        found: dict[str, bytes] = {}
        try:
            for i in range(0, len(keys), _LOOKUP):
                part = keys[i : i + _LOOKUP]
                marks = ",".join("?" * len(part))
                rows = self._conn.execute(
                    f"SELECT doc, value FROM predictions WHERE extractor = ? AND doc IN ({marks})",
                    (self.key, *part),
                )
                found.update((str(k), v) for k, v in rows)
        except sqlite3.DatabaseError as exc:
            self._warn(
                f"prediction cache {self.path}: cannot be read ({_describe(exc)}); "
                "these documents are extracted again"
            )
            return {}
        return found

    def _checked(self, doc: TextDoc, value: Any) -> Prediction | None:
        """The entry's prediction when it is one for ``doc``, else ``None`` (reported)."""
        try:
            if not isinstance(value, bytes):
                raise ValueError(f"stored as {type(value).__name__}, not bytes")
            pred = decode_entry(value)
            problems = validate_prediction(pred, doc)
            if problems:
                raise ValueError("; ".join(problems[:3]))
        except (ValueError, TypeError) as exc:
            self.rejected += 1
            self._warn(
                f"prediction cache {self.path}: the entry of document {doc.id!r} is unusable "
                f"({exc}); extracting it again"
            )
            return None
        return pred

    def _delete(self, keys: list[str]) -> None:
        if not self._writable:
            return
        try:
            with self._conn:  # type: ignore[union-attr]
                self._conn.executemany(  # type: ignore[union-attr]
                    "DELETE FROM predictions WHERE extractor = ? AND doc = ?",
                    [(self.key, k) for k in keys],
                )
        except sqlite3.DatabaseError as exc:
            self._stop_writing(exc)

    def put_many(self, items: Iterable[tuple[TextDoc, Prediction]]) -> None:
        """Store predictions (one transaction: all of them or none)."""
        if not self._writable:
            return
        rows = [(self.key, doc_key(doc), encode_entry(pred)) for doc, pred in items]
        if not rows:
            return
        try:
            with self._conn:  # type: ignore[union-attr]
                self._conn.executemany(  # type: ignore[union-attr]
                    "INSERT OR REPLACE INTO predictions VALUES (?, ?, ?)", rows
                )
        except sqlite3.DatabaseError as exc:
            self._stop_writing(exc)

    def _stop_writing(self, exc: BaseException) -> None:
        self._writable = False
        self._warn(
            f"prediction cache {self.path}: cannot write ({_describe(exc)}); "
            "going on without caching new predictions"
        )

    def close(self) -> None:
        """Close the database (what was written is kept); safe to call twice."""
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None
            self._writable = False

    # the interface of the old cache, for code that still calls it
    def get(self, doc: TextDoc) -> Prediction | None:
        return self.get_many([doc])[0]

    def put(self, doc: TextDoc, pred: Prediction) -> None:
        self.put_many([(doc, pred)])

    def save(self) -> None:
        """Nothing to do: every entry is written when it is put."""
