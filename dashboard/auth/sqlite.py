"""One short SQLite transaction on a state file (accounts, audit, rate-limit counters).

A connection per call is safe across threads and after gunicorn forks; the busy timeout
lets the workers of one machine wait for each other's write lock instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def transaction(
    path: Path, *, timeout: int, write: bool = False, foreign_keys: bool = False
) -> Iterator[sqlite3.Connection]:
    """A short-lived connection in one transaction, committed unless the block raises.

    ``write`` takes the write lock up front (BEGIN IMMEDIATE), so two writers queue on
    the busy timeout rather than deadlock on a lock upgrade. Rows come as `sqlite3.Row`.
    """
    connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    connection.row_factory = sqlite3.Row
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if foreign_keys:
            connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.close()
