"""Rate-limit counters in a SQLite file on the machine, shared by every worker process.

flask-limiter keeps its counters in a `limits` storage. `memory://` is per process: with
gunicorn's two workers each address would get twice its limit. This storage (scheme
`dms-sqlite://`, registered with `limits` by subclassing its `Storage`) keeps the
fixed-window counters in `ratelimits.sqlite3` in DMS_STATE_DIR, so every worker on the
machine counts the same requests. With several machines, set DMS_RATELIMIT_STORAGE_URI
to a shared store such as `redis://host:6379` instead.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

from dashboard.auth.sqlite import transaction

SCHEME = "dms-sqlite"
FILE_NAME = "ratelimits.sqlite3"


def storage_uri(state_dir: Path) -> str:
    """The URI of the shared counters in a state directory."""
    return f"{SCHEME}://{(state_dir / FILE_NAME).resolve()}"


class SQLiteStorage(Storage):
    """Fixed-window counters (flask-limiter's default strategy) in one SQLite file."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(unquote(urlsplit(uri).path))
        if not self.path.is_absolute():
            raise ValueError(f"{SCHEME}:// needs an absolute file path, got {uri!r}")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        setup = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            setup.execute("PRAGMA busy_timeout = 10000")
            setup.execute("PRAGMA journal_mode = WAL")
            setup.execute(
                "CREATE TABLE IF NOT EXISTS counters ("
                " key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at REAL NOT NULL)"
            )
            setup.execute("CREATE INDEX IF NOT EXISTS counters_by_expiry ON counters (expires_at)")
        finally:
            setup.close()

    @property
    def base_exceptions(self) -> type[Exception]:
        """What the database raises when it fails (wrapped by `limits` when asked to)."""
        return sqlite3.Error

    def _connect(self, write: bool = False) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, timeout=10, write=write)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add to a counter, starting a new window of `expiry` seconds when none is open."""
        moment = time.time()
        with self._connect(write=True) as db:
            db.execute("DELETE FROM counters WHERE expires_at <= ?", (moment,))
            row = db.execute(
                "INSERT INTO counters (key, hits, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET hits = hits + excluded.hits"
                " RETURNING hits",
                (key, amount, moment + expiry),
            ).fetchone()
        return int(row[0])

    def get(self, key: str) -> int:
        """The counter of an open window (0 when there is none)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT hits FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
            ).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        """When the window of a counter ends (now when there is none)."""
        moment = time.time()
        with self._connect() as db:
            row = db.execute(
                "SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, moment)
            ).fetchone()
        return float(row[0]) if row else moment

    def check(self) -> bool:
        """Whether the file can be read."""
        try:
            with self._connect() as db:
                db.execute("SELECT 1 FROM counters LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        with self._connect(write=True) as db:
            return db.execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        """Forget one counter."""
        with self._connect(write=True) as db:
            db.execute("DELETE FROM counters WHERE key = ?", (key,))
