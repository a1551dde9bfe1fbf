"""The small SQLite journals of staff work (result entries, review decisions).

Each is one file beside the import journal, replayed by every build: reads open it
read-only (a missing file is an empty journal), writes create it with its table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


def now() -> str:
    """The time of a journal row: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@contextmanager
def open_journal(path: Path, schema: str, *, write: bool) -> Iterator[sqlite3.Connection | None]:
    """A connection to the journal at `path` (None when reading one that does not exist).

    Writes are committed when the block ends without an error.
    """
    if not write:
        if not path.is_file():
            yield None
            return
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path)
        connection.execute(schema)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
        if write:
            connection.commit()
    finally:
        connection.close()
