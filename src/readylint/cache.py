"""The per-file result cache: one SQLite file in WAL mode under the cache dir.

A row holds one file's findings, notifications, line count and facts, keyed by
its path and checked against (mtime, size) first — so an unchanged tree is
re-linted without reading a single source — then against the SHA-256 of the
content, the readylint version and the config that affects that file. Rows are
JSON written inside transactions (atomic), concurrent runs share the file
through SQLite's locking, and anything unreadable, truncated or from another
version is ignored and rebuilt: the cache is never trusted over the source.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readylint import __version__, jsontext

SCHEMA_VERSION = 1
FLUSH_ROWS = 500
DB_NAME = "cache.sqlite"


@dataclass(frozen=True)
class Stamp:
    mtime_ns: int
    size: int


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ResultCache:
    """Cached file results; every failure degrades to "not cached"."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[Any, ...]] = []
        self._open()

    def _open(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            db = sqlite3.connect(self.directory / DB_NAME, timeout=10, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            # a cache: a power cut may cost its last rows (a damaged file is rebuilt), and
            # no run waits for the disk
            db.execute("PRAGMA synchronous=OFF")
            db.execute(
                "CREATE TABLE IF NOT EXISTS results (path TEXT PRIMARY KEY, mtime_ns INTEGER, "
                "size INTEGER, hash TEXT, key TEXT, payload TEXT)"
            )
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
            marker = f"{SCHEMA_VERSION}:{__version__}"
            if row is None or row[0] != marker:
                db.execute("DELETE FROM results")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (marker,))
            self._db = db
            self._rows = {
                r[0]: r[1:]
                for r in db.execute("SELECT path, mtime_ns, size, hash, key FROM results")
            }
        except (sqlite3.Error, OSError):
            self._db = None
            self._rows = {}

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def has(self, path: str) -> bool:
        return path in self._rows

    def lookup_by_stamp(self, path: str, stamp: Stamp, key: str) -> dict[str, Any] | None:
        row = self._rows.get(path)
        if row is None or row[0] != stamp.mtime_ns or row[1] != stamp.size or row[3] != key:
            return None
        return self._payload(path)

    def lookup_by_hash(self, path: str, digest: str, key: str) -> dict[str, Any] | None:
        row = self._rows.get(path)
        if row is None or row[2] != digest or row[3] != key:
            return None
        return self._payload(path)

    def _payload(self, path: str) -> dict[str, Any] | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT payload FROM results WHERE path=?", (path,)).fetchone()
            payload = jsontext.loads(row[0]) if row is not None else None
        except (sqlite3.Error, ValueError, TypeError):
            return None
        return payload if isinstance(payload, dict) else None

    def store(
        self, path: str, stamp: Stamp, digest: str, key: str, payload: dict[str, Any]
    ) -> None:
        if self._db is None:
            return
        self._pending.append(
            (path, stamp.mtime_ns, stamp.size, digest, key, jsontext.dumps(payload, indent=False))
        )
        if len(self._pending) >= FLUSH_ROWS:  # written while the workers lint, not after
            self.flush()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)", self._pending
                )
        except sqlite3.Error:
            pass  # a busy or broken cache costs speed, never results
        self._pending = []

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None
