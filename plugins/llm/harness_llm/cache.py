"""The response cache: each answer of the server stored as it arrives, keyed by the request.

The key is the sha256 of the request as sent, without its headers: server URL, model, messages
(so the prompt and the document), temperature, seed, max tokens, response format and any extra
body fields. The API key travels in a header and is never part of the key or of what is stored.
An answer is committed as soon as it arrives (SQLite, one row per answer, WAL journal), so a run
that is interrupted — Ctrl-C, a crash, a killed job — resumes where it stopped, and re-running
an unchanged config sends nothing. Only successful answers (HTTP 200) are stored; errors are
not, so they are tried again next time.

The same file remembers what a server said it cannot do (``meta``), so a server without
JSON-schema output is not asked again in every run.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

FILE = "responses.sqlite"


def request_key(base_url: str, body: dict[str, Any]) -> str:
    """The cache key of a request: its URL and body, canonical JSON, sha256."""
    canon = json.dumps([base_url.rstrip("/"), body], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canon.encode()).hexdigest()


class ResponseCache:
    """Answers by request key; a no-op when ``folder`` is ``None``. Safe across threads."""

    def __init__(self, folder: Path | None) -> None:
        self.path = None if folder is None else folder / FILE
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS responses "
                "(key TEXT PRIMARY KEY, created REAL, model TEXT, response TEXT)"
            )
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self._db = db

    def get(self, key: str) -> dict[str, Any] | None:
        if self._db is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT response FROM responses WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            return None  # a damaged row only costs asking again

    def put(self, key: str, model: str, response: dict[str, Any]) -> None:
        if self._db is None:
            return
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?)",
                (key, time.time(), model, json.dumps(response, ensure_ascii=False)),
            )

    def get_meta(self, key: str) -> str | None:
        if self._db is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        if self._db is not None:
            with self._lock:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def close(self) -> None:
        if self._db is not None:
            with self._lock:
                self._db.close()
            self._db = None
