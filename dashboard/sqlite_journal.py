"""The small SQLite journals of staff work (result entries, review decisions).

Each is one file beside the import journal, replayed by every build: reads open it
read-only (a missing file is an empty journal), writes create it with its table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class Refused(ValueError):
    """A staff write the journal does not take: a message key and its values, for the page."""

    def __init__(self, key: str, **values: object):
        self.key = key
        self.values = values
        super().__init__(f"{key} {values}")


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


@dataclass(frozen=True)
class Journal:
    """One journal: its file in the imports folder, the schema that creates it, its reads.

    The reads are whole statements (no SQL is put together from pieces): every row, and
    the rows of one value of the column the journal is looked up by (bound).
    """

    file_name: str
    schema: str
    select_all: str
    select_by: str

    def path(self, folder: Path) -> Path:
        """The journal's file in an imports folder."""
        return folder / self.file_name

    def open(
        self, folder: Path, *, write: bool
    ) -> AbstractContextManager[sqlite3.Connection | None]:
        """`open_journal` on this journal's file."""
        return open_journal(self.path(folder), self.schema, write=write)

    def rows(self, folder: Path, value: object = None) -> list[dict[str, object]]:
        """Every row, oldest first; with a value, only the rows looked up by it."""
        with self.open(folder, write=False) as connection:
            if connection is None:
                return []
            if value is None:
                found = connection.execute(self.select_all)
            else:
                found = connection.execute(self.select_by, (value,))
            return [dict(row) for row in found.fetchall()]

    def write(
        self, folder: Path, statement: str, parameters: tuple[object, ...]
    ) -> tuple[int, int]:
        """Run one statement and commit it: the id of a row it added, and the rows changed."""
        with self.open(folder, write=True) as connection:
            assert connection is not None
            cursor = connection.execute(statement, parameters)
            return int(cursor.lastrowid or 0), cursor.rowcount

    def rebuild_or_revert(
        self,
        folder: Path,
        rebuild: Callable[[], None],
        failure: type[Exception],
        revert: str,
        parameters: tuple[object, ...],
    ) -> None:
        """Rebuild from the journal as written; a `failure` of the build runs `revert` first.

        A build that fails leaves the journal as it was: no row stays that no build took.
        """
        try:
            rebuild()
        except failure:
            self.write(folder, revert, parameters)
            raise
